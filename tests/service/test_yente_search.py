"""GET /search/{dataset} over HTTP: yente's text search on our own index (every property, name hits
first), its browse without `q`, query syntax, filters, facets, sorting, paging, the record dates, 414.

The seeded service holds the OFAC sample (two versions: the second adds KIM Jong Un, ofac-sdn:20157)
and the UN sample: eleven parties, eight of them linked to North Korea, five with a Pyongyang address.

FtM datasets (the `ftm_client` service: tests/fixtures/ftm_datasets): every entity of their files is
searchable, the parties (targeted or not) and the others (an Address, a Sanction ...) as documents of
their own, each shown as /entities/{id} shows it, its `target` and dates as its dataset states them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanctionwatch.access.roles import Role
from tests.service.conftest import Service, ftm_service

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


# ---- FtM datasets: every entity searchable, shown as /entities/{id} shows it ---------------------------

PERSON = "NK-aU5ybkbRFJucf8YMwsJvDw"  # alpha_sanctions' targeted person (Moscow address alpha-addr-1)


@pytest.fixture(scope="module")
def ftm_client(tmp_path_factory: pytest.TempPathFactory, fixtures_dir: Path) -> Iterator[httpx.Client]:
    """A service over the OFAC sample and three FtM datasets (alpha_sanctions, beta_list, gamma_dated),
    for an analyst (/match too; who may call what is tests/service/test_access.py's)."""
    folder = fixtures_dir / "ftm_datasets"
    files = [folder / f"{name}.ftm.json" for name in ("alpha_sanctions", "beta_list", "gamma_dated")]
    with ftm_service(tmp_path_factory.mktemp("ftm-search"), files, Role.ANALYST) as c:
        yield c


def _ftm(client: httpx.Client, dataset: str = "default", **params: Any) -> dict[str, Any]:
    response = client.get(f"/search/{dataset}", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["total"]["value"] == len(body["results"])  # every test here asks for every result
    return body


def _ftm_ids(client: httpx.Client, dataset: str = "default", **params: Any) -> list[str]:
    return [r["id"] for r in _ftm(client, dataset, **params)["results"]]


def test_ftm_entities_that_are_no_party_are_found_by_their_own_words(ftm_client: httpx.Client) -> None:
    moscow = _ftm(ftm_client, "alpha_sanctions", q="moscow")["results"]
    # The Address itself, a document of its own; and the person living there (a party holds its address).
    assert [r["id"] for r in moscow] == [PERSON, "alpha-addr-1"]
    address = moscow[1]
    assert (address["schema"], address["target"], address["datasets"]) == (
        "Address",
        False,
        ["alpha_sanctions"],
    )
    # Shown as /entities/{id} shows it (not nested), not formatted a second way.
    assert address == ftm_client.get("/entities/alpha-addr-1", params={"nested": "false"}).json()
    assert _ftm_ids(ftm_client, "alpha_sanctions", q="moscow", exclude_schema="Address") == [PERSON]
    # Its own properties, whole values and phrases (checked on the values read again).
    assert _ftm_ids(ftm_client, q="properties.city:moscow") == ["alpha-addr-1"]
    assert _ftm_ids(ftm_client, filter="properties.city:Limassol") == ["gamma-addr-1"]
    assert _ftm_ids(ftm_client, q='"example street"') == [PERSON, "alpha-addr-1"]
    assert _ftm_ids(ftm_client, q='"street example"') == []
    assert _ftm_ids(ftm_client, q="entity_id:alpha-addr-1") == ["alpha-addr-1"]
    # A Sanction is no Thing (FtM: an Interval): found when the schema asked admits it, as in yente.
    # (The listed people hold their sanctions' words: a party folds in its sanctions, as before.)
    assert _ftm_ids(ftm_client, q="programme") == ["beta-p2", PERSON]
    assert _ftm_ids(ftm_client, q="programme", schema="Sanction") == ["alpha-sanction-1", "beta-sanction-2"]
    assert _ftm_ids(ftm_client, q="alpha programme", schema="Interval") == ["alpha-sanction-1"]


def test_a_party_stays_one_result_and_name_hits_come_first(ftm_client: httpx.Client) -> None:
    # NK-shared1 is in two datasets: one result, both datasets, under its FtM id.
    [shared] = _ftm(ftm_client, q="sharedov")["results"]
    assert (shared["id"], shared["datasets"]) == ("NK-shared1", ["alpha_sanctions", "beta_list"])
    # "gammov": in three names, and in no name of the Address (its words are its own): name hits first.
    found = _ftm_ids(ftm_client, q="gammov")
    assert found[0] == "gamma-co-1" or found[0].startswith("gamma-p")
    assert _ftm_ids(ftm_client, q=f"entity_id:{PERSON}") == [PERSON]


def test_schema_facet_and_filter_count_every_entity(ftm_client: httpx.Client) -> None:
    body = _ftm(ftm_client, "alpha_sanctions", facets="schema")
    counts = {v["name"]: v["count"] for v in body["facets"]["schema"]["values"]}
    # Things: the two people, the shared person, the company, the Address (no Sanction, Payment ...).
    assert counts == {"Person": 3, "Company": 1, "Address": 1}
    assert sum(counts.values()) == body["total"]["value"]
    assert _ftm_ids(ftm_client, schema="Address") == ["alpha-addr-1", "gamma-addr-1"]
    everything = _ftm(ftm_client, "alpha_sanctions", schema="Interval", facets="schema")["facets"]["schema"]
    assert {v["name"]: v["count"] for v in everything["values"]} == {
        "Directorship": 1, "Family": 1, "Ownership": 1, "Payment": 1, "Passport": 1, "Sanction": 1,
    }  # fmt: skip
    countries = _ftm(ftm_client, "gamma_dated", facets="countries")["facets"]["countries"]["values"]
    # The Address (its own country) and the person living there (her address's).
    assert countries == [{"name": "cy", "label": "Cyprus", "count": 2}]
    assert _ftm_ids(ftm_client, "gamma_dated", countries="cy") == ["gamma-addr-1", "gamma-p2"]


def test_target_is_each_entitys_own(ftm_client: httpx.Client) -> None:
    untargeted = _ftm(ftm_client, schema="LegalEntity", target="false")["results"]
    assert {r["id"] for r in untargeted} == {"alpha-owner-1", "gamma-co-1"}
    assert all(r["target"] is False for r in untargeted)
    targeted = _ftm(ftm_client, schema="LegalEntity", target="true")["results"]
    assert targeted and all(r["target"] is True for r in targeted)
    assert "alpha-owner-1" not in {r["id"] for r in targeted} and "ofac-sdn:20157" in {
        r["id"] for r in targeted
    }
    every = _ftm(ftm_client, schema="LegalEntity")["total"]["value"]
    assert len(untargeted) + len(targeted) == every
    # Addresses, Sanctions ... are not targets either.
    assert "alpha-addr-1" in _ftm_ids(ftm_client, target="false")


def test_dates_sort_and_filter_on_the_dates_shown(ftm_client: httpx.Client) -> None:
    newest = _ftm(ftm_client, "gamma_dated", sort="first_seen:desc")["results"]
    seen = [r["first_seen"] for r in newest]
    assert seen == sorted(seen, reverse=True) and None not in seen
    # gamma-p3 states no dates: the registry's (its import, today), newer than any stated one.
    assert [r["id"] for r in newest] == ["gamma-p3", "gamma-p2", "gamma-co-1", "gamma-addr-1", "gamma-p1"]
    assert seen[1:] == [
        "2023-11-20T00:00:00",
        "2021-07-07T00:00:00",
        "2020-01-15T00:00:00",
        "2019-03-01T00:00:00",
    ]
    for result in newest:
        shown = ftm_client.get(f"/entities/{result['id']}", params={"nested": "false"}).json()
        assert (shown["first_seen"], shown["last_change"]) == (result["first_seen"], result["last_change"])
    oldest = _ftm_ids(ftm_client, "gamma_dated", sort="last_change:asc")
    assert oldest == ["gamma-p1", "gamma-addr-1", "gamma-co-1", "gamma-p2", "gamma-p3"]
    # changed_since reads the last_change shown, as yente's does.
    assert _ftm_ids(ftm_client, "gamma_dated", changed_since="2022-01-01") == [
        "gamma-co-1",
        "gamma-p2",
        "gamma-p3",
    ]
    assert _ftm_ids(ftm_client, "gamma_dated", changed_since="2024-12-24") == ["gamma-p2", "gamma-p3"]


def test_match_filters_changed_since_on_the_dates_search_shows(ftm_client: httpx.Client) -> None:
    """/match and /search agree: gamma-p1 states its last change (2019), so `changed_since` after it
    drops it on /match too, although the registry loaded it today; gamma-p3 states none and keeps the
    registry's (today)."""

    def matched(name: str, **params: str) -> list[str]:
        body = {"queries": {"q": {"schema": "Person", "properties": {"name": [name]}}}}
        response = ftm_client.post("/match/gamma_dated", json=body, params=params)
        assert response.status_code == 200, response.text
        return [r["id"] for r in response.json()["responses"]["q"]["results"]]

    assert "gamma-p1" in matched("Gleb Gammov")
    assert "gamma-p1" in matched("Gleb Gammov", changed_since="2019-02-28")
    assert "gamma-p1" not in matched("Gleb Gammov", changed_since="2022-01-01")
    assert "gamma-p3" in matched("Gavril Gammovsky", changed_since="2024-12-24")


def test_datasets_scope_filter_and_facet_every_entity(ftm_client: httpx.Client) -> None:
    gamma = _ftm(ftm_client, "gamma_dated")
    assert [r["id"] for r in gamma["results"]] == [
        "gamma-addr-1",
        "gamma-co-1",
        "gamma-p1",
        "gamma-p2",
        "gamma-p3",
    ]
    assert gamma["facets"]["datasets"]["values"] == [
        {"name": "gamma_dated", "label": "gamma_dated", "count": 5}
    ]
    assert _ftm_ids(ftm_client, q="limassol", exclude_dataset="gamma_dated") == []
    assert _ftm_ids(ftm_client, q="limassol", include_dataset="gamma_dated") == ["gamma-p2", "gamma-addr-1"]
    assert _ftm_ids(ftm_client, q="limassol", datasets="alpha_sanctions") == []
    # A dataset name that is no dataset here is still a 400 naming the parameter (not an empty answer).
    refused = ftm_client.get("/search/default", params={"q": "limassol", "include_dataset": "mx_senators"})
    assert refused.status_code == 400 and "include_dataset" in refused.json()["detail"]
