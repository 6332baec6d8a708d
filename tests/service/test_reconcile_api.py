"""The reconciliation API as yente serves it (/reconcile/{dataset}, suggest, extend), over HTTP against
the test service: the sample OFAC list (people, organizations, vessels) and the UN sample (no vessels).

Entity ids are never written here: they are taken from the service's own answers (/search), so these
tests say only that reconciliation names parties as the rest of the API does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sanctionwatch.access.roles import Role
from tests.service.conftest import Service


@pytest.fixture(scope="module")
def analyst(service: Service) -> Iterator[httpx.Client]:
    with service.client(Role.ANALYST) as client:
        yield client


def _queries(client: httpx.Client, dataset: str, queries: dict[str, Any], **params: str) -> httpx.Response:
    return client.post(f"/reconcile/{dataset}", data={"queries": json.dumps(queries)}, params=params)


def _extend(client: httpx.Client, dataset: str, extend: dict[str, Any]) -> httpx.Response:
    return client.post(f"/reconcile/{dataset}", data={"extend": json.dumps(extend)})


def _search_top(client: httpx.Client, name: str) -> dict[str, Any]:
    found = client.get("/search/default", params={"q": name, "limit": 1}).json()["results"]
    assert found, name
    return dict(found[0])


def test_manifest_per_dataset_names_its_services_and_types(service: Service) -> None:
    key = service.keys[Role.ANALYST]
    with service.client() as client:  # OpenRefine: the key in the URL, no header
        ofac = client.get("/reconcile/ofac-sdn", params={"api_key": key}).json()
        un = client.get("/reconcile/un", params={"api_key": key}).json()
        default = client.get("/reconcile", params={"api_key": key}).json()
    assert ofac["versions"] == ["0.2"] and ofac["name"] == "Sanctionwatch (ofac-sdn)"
    assert ofac["identifierSpace"].startswith("https://www.opensanctions.org")
    ofac_types = [t["id"] for t in ofac["defaultTypes"]]
    assert {"Person", "Organization", "Vessel", "LegalEntity"} <= set(ofac_types), ofac_types
    assert "Vessel" not in [t["id"] for t in un["defaultTypes"]]  # the UN sample has no vessel
    entity = ofac["suggest"]["entity"]
    assert entity["service_url"] == f"{service.url}/reconcile/ofac-sdn"
    assert entity["service_path"] == f"/suggest/entity?api_key={key}"  # OpenRefine needs the key there too
    assert ofac["extend"]["propose_properties"]["service_path"].startswith("/extend/property?api_key=")
    assert [s["name"] for s in ofac["extend"]["propose_settings"]] == ["limit", "render"]
    assert default["name"] == "Sanctionwatch"
    assert default["suggest"]["type"]["service_url"] == f"{service.url}/reconcile/default"


def test_query_batch_answers_each_query_within_the_dataset(analyst: httpx.Client) -> None:
    kim = _search_top(analyst, "Kim Jong Un")
    queries = {
        "kim": {
            "query": "Kim Jong Un",
            "type": "Person",
            "type_strict": "should",
            "properties": [{"pid": "Person:birthDate", "v": "1984"}, {"pid": "nationality", "v": ["kp"]}],
        },
        "nobody": {"query": "Ada Lovelace", "type": ["Person"], "limit": 3},
    }
    response = _queries(analyst, "ofac-sdn", queries)
    assert response.status_code == 200, response.text
    assert response.headers["x-batch-size"] == "2"
    answers = response.json()
    top = answers["kim"]["result"][0]
    assert top["id"] == kim["id"] and top["name"] == kim["caption"]
    assert top["type"][0]["id"] == "Person" and top["match"] is True and 0 < top["score"] <= 1
    assert answers["nobody"] == {"result": []}
    # The same query against a dataset without the party: it is not proposed there.
    elsewhere = _queries(analyst, "un", {"kim": queries["kim"]}).json()["kim"]["result"]
    assert kim["id"] not in [c["id"] for c in elsewhere]


def test_suggest_entity_by_prefix(analyst: httpx.Client) -> None:
    kim = _search_top(analyst, "Kim Jong Un")
    found = analyst.get("/reconcile/default/suggest/entity", params={"prefix": "kim jon"}).json()
    assert found["prefix"] == "kim jon" and found["result"], found
    first = found["result"][0]
    assert first["id"] == kim["id"] and first["name"] == kim["caption"] and first["type"][0]["id"] == "Person"
    paged = analyst.get("/reconcile/default/suggest/entity", params={"prefix": "kim jon", "cursor": 1}).json()
    assert paged["result"] == found["result"][1:]
    assert analyst.get("/reconcile/default/suggest/entity").json()["result"] == []
    assert analyst.get("/reconcile/un/suggest/entity", params={"prefix": "kim jon"}).json()["result"] == []


def test_suggest_entity_takes_what_openrefines_widget_sends(analyst: httpx.Client) -> None:
    kim = _search_top(analyst, "Kim Jong Un")
    widget = {"prefix": "kim jon", "type": "Person", "type_strict": "should", "exact": "false",
              "prefixed": "true", "spell": "always"}  # fmt: skip
    found = analyst.get("/reconcile/default/suggest/entity", params=widget)
    assert found.status_code == 200, found.text
    assert found.json()["result"][0]["id"] == kim["id"]
    for asked in ({"exact": "true"}, {"type_strict": "all"}, {"callback": "jsonp1"}, {"type": "Sanction"}):
        refused = analyst.get("/reconcile/default/suggest/entity", params={**widget, **asked})
        assert refused.status_code == 400 and next(iter(asked)) in refused.json()["detail"], refused.text


def test_suggest_property_by_prefix_offers_what_screening_reads(analyst: httpx.Client) -> None:
    def ids(prefix: str) -> list[str]:
        answer = analyst.get("/reconcile/default/suggest/property", params={"prefix": prefix}).json()
        return [p["id"] for p in answer["result"]]

    assert {"Thing:country", "LegalEntity:mainCountry"} <= set(ids("country"))
    assert ids("birth") == ["Person:birthDate"]
    assert ids("address") == []  # an FtM property, but screening does not read it
    vessel = analyst.get(
        "/reconcile/default/suggest/property", params={"prefix": "country", "type": "Vessel"}
    )
    assert "Vessel:flag" not in [p["id"] for p in vessel.json()["result"]]
    assert [
        p["id"]
        for p in analyst.get(
            "/reconcile/default/suggest/property", params={"prefix": "fla", "type": "Vessel"}
        ).json()["result"]
    ] == ["Vessel:flag"]
    assert ids("") == []


def test_suggest_type_by_prefix(analyst: httpx.Client) -> None:
    def ids(dataset: str, prefix: str) -> list[str]:
        answer = analyst.get(f"/reconcile/{dataset}/suggest/type", params={"prefix": prefix}).json()
        return [t["id"] for t in answer["result"]]

    assert ids("default", "organ") == ["Organization"]
    assert ids("default", "people") == ["Person"]  # the plural label counts too
    assert ids("ofac-sdn", "vess") == ["Vessel"]
    assert ids("un", "vess") == []
    assert ids("default", "banana") == []


def test_extend_proposal_for_a_type(analyst: httpx.Client) -> None:
    answer = analyst.get("/reconcile/default/extend/property", params={"type": "Person", "limit": 5}).json()
    assert answer["type"] == "Person" and answer["limit"] == 5
    ids = [p["id"] for p in answer["properties"]]
    assert len(ids) == 5 and {"name", "nationality", "birthDate"} <= set(ids), ids
    for not_a_party in ("Banana", "Sanction"):
        refused = analyst.get("/reconcile/default/extend/property", params={"type": not_a_party})
        assert refused.status_code == 400 and "type" in refused.json()["detail"]


def test_extend_values_as_entities_show_them(analyst: httpx.Client) -> None:
    kim = _search_top(analyst, "Kim Jong Un")
    request = {
        "ids": [kim["id"], "no-such-party"],
        "properties": [{"id": "name"}, {"id": "Person:nationality", "settings": {"render": "raw"}}],
    }
    response = _extend(analyst, "default", request)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["meta"] == [
        {"id": "name", "name": "Name"},
        {"id": "Person:nationality", "name": "Nationality"},
    ]
    row = answer["rows"][kim["id"]]
    assert [v["str"] for v in row["name"]] == kim["properties"]["name"]
    assert [v["str"] for v in row["Person:nationality"]] == kim["properties"]["nationality"]
    assert answer["rows"]["no-such-party"] == {}
    captions = _extend(analyst, "default", {"ids": [kim["id"]], "properties": [{"id": "nationality"}]}).json()
    assert [v["str"] for v in captions["rows"][kim["id"]]["nationality"]] == ["North Korea"]
    # A party outside the dataset named in the URL has no values there.
    assert _extend(analyst, "un", request).json()["rows"][kim["id"]] == {}


def test_unknown_dataset_is_404_on_every_service(analyst: httpx.Client) -> None:
    calls = [
        analyst.get("/reconcile/nowhere"),
        _queries(analyst, "nowhere", {"q": {"query": "Kim Jong Un"}}),
        _extend(analyst, "nowhere", {"ids": ["x"], "properties": [{"id": "name"}]}),
        analyst.get("/reconcile/nowhere/suggest/entity", params={"prefix": "kim"}),
        analyst.get("/reconcile/nowhere/suggest/type", params={"prefix": "per"}),
        analyst.get("/reconcile/nowhere/suggest/property", params={"prefix": "na"}),
        analyst.get("/reconcile/nowhere/extend/property", params={"type": "Person"}),
    ]
    for response in calls:
        assert response.status_code == 404, (response.request.url, response.text)
        assert "nowhere" in response.json()["detail"]


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda c: c.get("/reconcile/default/suggest/entity", params={"prefix": "k", "filter": "x"}), "filter"),
        (lambda c: _queries(c, "default", {"q": {"query": "Kim"}}, changed_since="2024-01-01"), "changed_since"),
        (lambda c: c.post("/reconcile/default", data={"queries": "{}", "foo": "1"}), "foo"),
        (lambda c: _queries(c, "default", {"q": {"query": "Kim", "type_strict": "all"}}), "type_strict"),
        (lambda c: _queries(c, "default", {"q": {"query": "Kim", "boost": 2}}), "boost"),
        (lambda c: _queries(c, "default", {"q": {"query": "Kim", "properties": [{"pid": "address", "v": "x"}]}}), "address"),
        (lambda c: _queries(c, "default", {"q": {"query": "Kim", "type": "Banana"}}), "Banana"),
        (lambda c: _extend(c, "default", {"ids": ["x"], "properties": [{"id": "name", "settings": {"sort": 1}}]}), "sort"),
        (lambda c: _extend(c, "default", {"ids": ["x"], "properties": [{"id": "sanctions"}]}), "sanctions"),
        (lambda c: c.post("/reconcile/default", params={"algorithm": "magic"}, data={"queries": "{}"}), "algorithm"),
        (lambda c: c.post("/reconcile/default"), "queries or extend"),
    ],
    ids=[
        "suggest-param", "changed_since", "form-field", "type_strict", "query-field", "pid", "type",
        "extend-setting", "entity-property", "algorithm", "empty-post",
    ],
)  # fmt: skip
def test_unsupported_parameters_are_refused_by_name(analyst: httpx.Client, call: Any, named: str) -> None:
    response = call(analyst)
    assert response.status_code == 400, response.text
    assert named in response.json()["detail"]
