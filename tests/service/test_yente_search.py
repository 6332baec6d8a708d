"""GET /search/{dataset} over HTTP: yente's text search on our own index (every property, name hits
first), its browse without `q`, query syntax, filters, facets, sorting, paging, the record dates, 414.

The seeded service holds the OFAC sample (two versions: the second adds KIM Jong Un, ofac-sdn:20157)
and the UN sample: eleven parties, eight of them linked to North Korea, five with a Pyongyang address.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctionwatch.access.roles import Role
from tests.service.conftest import Service

KIM = "ofac-sdn:20157"
FTB = "ofac-sdn:15603"  # FOREIGN TRADE BANK OF THE DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA, Pyongyang
PARTIES = 11
WIRE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


def _get(service: Service, path: str = "/search/default", **params: Any) -> httpx.Response:
    with service.client(Role.VIEWER) as client:
        return client.get(path, params=params)


def _body(service: Service, **params: Any) -> dict[str, Any]:
    response = _get(service, **params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _ids(service: Service, **params: Any) -> list[str]:
    return [r["id"] for r in _body(service, limit=500, **params)["results"]]


def _refused(response: httpx.Response, status: int, *fragments: str) -> None:
    assert response.status_code == status, response.text
    for fragment in fragments:
        assert fragment in response.json()["detail"], (fragment, response.json())


def test_without_q_every_party_of_the_dataset_is_browsed(service: Service) -> None:
    body = _body(service)
    assert body["total"] == {"value": PARTIES, "relation": "eq"}
    assert len(body["results"]) == 10 and body["limit"] == 10 and body["offset"] == 0
    every = _ids(service)
    assert len(every) == PARTIES and every == sorted(every)  # no ranking to apply: by id, as yente
    assert _body(service, offset=10)["results"][0]["id"] == every[10]
    un = _get(service, "/search/un").json()
    assert un["total"]["value"] == 2 and all(r["id"].startswith("un:") for r in un["results"])


def test_words_are_found_in_every_property_not_only_names(service: Service) -> None:
    pyongyang = _ids(service, q="pyongyang")  # an address, in no name
    assert FTB in pyongyang and len(pyongyang) == 5
    assert _ids(service, q="Chairman Workers Party") == [KIM]  # his position
    assert _ids(service, q="1984-01-08") == [KIM]  # his birth date


def test_a_common_word_finds_every_party_holding_it_name_hits_first(service: Service) -> None:
    found = _body(service, q="korea", limit=500)["results"]
    assert len(found) == 7  # the name screening would keep only the closest names
    in_names = ["korea" in " ".join(r["properties"].get("name", [])).lower() for r in found]
    assert in_names == sorted(in_names, reverse=True) and in_names.count(True) == 4
    # A name: the name model puts the closest name first.
    assert _ids(service, q="Korea Mining Development Trading Corporation")[0] == "ofac-sdn:9345"


def test_query_syntax_phrases_exclusions_and_fields(service: Service) -> None:
    assert _ids(service, q='"foreign trade bank"') == [FTB]
    assert _ids(service, q='"bank trade foreign"') == []  # a phrase keeps its order
    without_bank = _ids(service, q="pyongyang -bank")
    assert FTB not in without_bank and len(without_bank) == 4  # KOREA KWANGSON BANKING stays: a word
    assert _ids(service, q="pyongyang NOT bank") == _ids(service, q="pyongyang -bank")
    assert _ids(service, q="properties.birthDate:1984-01-08") == [KIM]
    assert set(_ids(service, q="countries:kp")) >= {KIM, FTB} and len(_ids(service, q="countries:kp")) == 8
    assert _ids(service, q="names:kim") == [KIM]
    assert _ids(service, q="names:chairman") == []  # in his position, not his names


def test_unsupported_syntax_is_refused_naming_it(service: Service) -> None:
    for q, fragment in (
        ("invalid/query", "regular expressions"),
        ("kim OR hwang", "OR"),
        ("kim*", "wildcards"),
        ("kim~2", "fuzzy"),
        ("(kim)", "grouping"),
        ("colour:red", "'colour'"),
        ('"unclosed', "not closed"),
    ):
        _refused(_get(service, q=q), 400, "q:", fragment)
    # simple=true: yente's simple syntax, where / and : are punctuation and a stray quote is text.
    assert _get(service, q="invalid/query", simple="true").status_code == 200
    assert _ids(service, q='"foreign trade" -korea', simple="true") == []
    assert _ids(service, q='kim "jong un', simple="true") == [KIM]
    _refused(_get(service, q="kim | hwang", simple="true"), 400, "q:", "OR")


def test_facets_in_yentes_shape_over_the_whole_result_set(service: Service) -> None:
    body = _body(service, q="pyongyang", limit=1)
    assert set(body["facets"]) == {"countries", "topics", "datasets"}  # yente's default
    countries = body["facets"]["countries"]
    assert countries["label"] == "Countries"
    assert countries["values"] == [{"name": "kp", "label": "North Korea", "count": 5}]
    assert body["facets"]["topics"]["values"] == [{"name": "sanction", "label": "Sanctioned", "count": 5}]
    datasets = {v["name"]: v["count"] for v in body["facets"]["datasets"]["values"]}
    assert datasets == {"us_ofac_sdn": 4, "un_sc_sanctions": 1}  # FtM dataset names
    schema = _body(service, facets="schema", limit=0)["facets"]
    assert list(schema) == ["schema"]
    counts = {v["name"]: v["count"] for v in schema["schema"]["values"]}
    assert counts == {"Organization": 6, "Person": 3, "Vessel": 2}


def test_limit_zero_gives_the_total_and_facets_only(service: Service) -> None:
    body = _body(service, q="korea", limit=0)
    assert body["results"] == [] and body["total"]["value"] == 7 and body["facets"]["countries"]["values"]
    _refused(_get(service, limit=501), 422, "limit")
    _refused(_get(service, offset=9500), 422, "offset")  # yente's MAX_OFFSET: 9999 - 500
    assert _body(service, offset=9499, limit=500)["results"] == []


def test_filters_on_properties_schema_topics_and_countries(service: Service) -> None:
    assert _ids(service, filter="properties.birthDate:1984-01-08") == [KIM]
    assert _ids(service, filter="properties.birthDate:1984-01-09") == []
    assert len(_ids(service, filter="schema:Vessel")) == 2
    assert len(_ids(service, filter=["schema:Vessel", "schema:Person"])) == 5  # OR, as yente's default
    assert _ids(service, filter=["schema:Vessel", "schema:Person"], filter_op="AND") == []
    assert _ids(service, filter="countries:kp") == _ids(service, countries="kp")
    assert len(_ids(service, topics="sanction")) == PARTIES
    assert len(_ids(service, schema="LegalEntity")) == 9  # its kinds: people and organizations
    assert _ids(service, schema="Vessel", q="kim") == []
    _refused(_get(service, schema="Spaceship"), 400, "schema", "Spaceship")


def test_sort_by_caption_and_dates(service: Service) -> None:
    ascending = _body(service, sort="caption:asc", limit=500)["results"]
    captions = [r["caption"].casefold() for r in ascending]
    assert captions == sorted(captions)
    descending = _body(service, sort="caption:desc", limit=500)["results"]
    assert [r["id"] for r in descending] == [r["id"] for r in ascending][::-1]
    newest = _body(service, sort="first_seen:desc", limit=500)["results"]
    assert newest[0]["id"] == KIM  # added by the second OFAC version
    seen = [r["first_seen"] for r in newest]
    assert seen == sorted(seen, reverse=True)


def test_first_seen_last_seen_last_change_from_the_version_history(service: Service) -> None:
    kim = _ids(service, q="kim")
    assert kim == [KIM]
    shown = _body(service, q="kim")["results"][0]
    for key in ("first_seen", "last_seen", "last_change"):
        assert WIRE_TIME.match(shown[key]), (key, shown[key])
    # KIM came with the second OFAC version, which is also the one in force.
    assert shown["first_seen"] == shown["last_seen"] == shown["last_change"]
    bank = _body(service, q='"foreign trade bank"')["results"][0]
    assert bank["first_seen"] < shown["first_seen"] == bank["last_seen"]  # there since the first
    assert bank["last_change"] == bank["first_seen"]  # unchanged by the second
    with service.client(Role.ANALYST) as client:
        entity = client.get(f"/entities/{KIM}").json()
        query = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}}}
        matched = client.post("/match/default", json=query).json()["responses"]["q"]["results"][0]
    for key in ("first_seen", "last_seen", "last_change"):
        assert entity[key] == matched[key] == shown[key]


def test_a_url_over_yentes_limit_is_414(service: Service) -> None:
    response = _get(service, q="a" * 60_100)
    assert response.status_code == 414 and response.json() == {"detail": "Request URI too long"}
    assert _get(service, q="a" * 59_000).status_code == 200  # under it: searched (nothing found)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    q=st.sampled_from(["", "korea", "pyongyang", "bank", "kim", "-korea", "countries:kp"]),
    limit=st.integers(1, 4),
    schema=st.sampled_from(["Thing", "LegalEntity", "Organization"]),
)
def test_pages_partition_the_results_and_schema_counts_sum_to_the_total(
    service: Service, q: str, limit: int, schema: str
) -> None:
    whole = _body(service, q=q, schema=schema, limit=500, facets="schema")
    total = whole["total"]["value"]
    assert sum(v["count"] for v in whole["facets"]["schema"]["values"]) == total  # one schema each
    paged: list[str] = []
    for offset in range(0, total + limit, limit):
        paged.extend(
            r["id"] for r in _body(service, q=q, schema=schema, limit=limit, offset=offset)["results"]
        )
    assert paged == [r["id"] for r in whole["results"]]
