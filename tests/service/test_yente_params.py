"""yente's query parameters over HTTP: each one does what yente's does, or is refused naming it.

The seeded service holds OFAC (KIM Jong Un, ofac-sdn:20157, added by the second version; the Foreign
Trade Bank, ofac-sdn:15603, vessels ...) and the UN sample.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from sanctionwatch.access.roles import Role
from tests.service.conftest import Service

KIM = "ofac-sdn:20157"


def _kim(**properties: Any) -> dict[str, Any]:
    return {"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim Jong Un"], **properties}}}}


def _post(service: Service, body: object, path: str = "/match/default", **params: Any) -> httpx.Response:
    with service.client(Role.ANALYST) as client:
        return client.post(path, json=body, params=params)


def _results(
    service: Service, body: object = None, path: str = "/match/default", **params: Any
) -> list[dict]:  # type: ignore[type-arg]
    response = _post(service, body if body is not None else _kim(), path, **params)
    assert response.status_code == 200, response.text
    return response.json()["responses"]["q"]["results"]  # type: ignore[no-any-return]


def _ids(service: Service, body: object = None, path: str = "/match/default", **params: Any) -> list[str]:
    return [r["id"] for r in _results(service, body, path, **params)]


def _refused(response: httpx.Response, status: int, *fragments: str) -> None:
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    for fragment in fragments:
        assert fragment in detail, (fragment, detail)


def _search(service: Service, **params: Any) -> httpx.Response:
    with service.client(Role.VIEWER) as client:
        return client.get("/search/default", params={"q": "Kim Jong Un", **params})


# ---- parameters yente does not have, and ones we cannot honour ------------------------------------------


def test_a_parameter_yente_does_not_have_is_refused_naming_it(service: Service) -> None:
    _refused(_post(service, _kim(), treshold=0.5), 400, "query.treshold", "threshold")
    # yente's /match has no `fuzzy` (a server setting there): refused too, not ignored.
    _refused(_post(service, _kim(), fuzzy="true"), 400, "query.fuzzy")
    with service.client(Role.VIEWER) as client:
        _refused(client.get("/search/default", params={"q": "Kim", "qq": "x"}), 400, "query.qq")
        _refused(client.get("/algorithms", params={"verbose": "1"}), 400, "query.verbose")


def test_topics_sanction_is_every_party_of_an_official_list(service: Service) -> None:
    assert _ids(service, topics="sanction") == [KIM]
    assert _ids(service, topics=["role.pep", "sanction"]) == [KIM]  # any of them
    assert _ids(service, topics="role.pep") == []  # a real topic no listed party here carries
    _refused(_post(service, _kim(), topics="sanctoin"), 400, "topics", "sanctoin")
    assert KIM in _search_ids(service, topics="sanction")
    assert _search_ids(service, topics="crime") == []


def test_weights_and_config_are_refused_naming_the_keys(service: Service) -> None:
    _refused(_post(service, {**_kim(), "weights": {"name_literal": 0.8}}), 400, "weights", "name_literal")
    _refused(_post(service, {**_kim(), "config": {"nm_number_mismatch": 0.4}}), 400, "nm_number_mismatch")
    _refused(_post(service, {**_kim(), "wieghts": {}}), 422, "wieghts")
    assert _post(service, {**_kim(), "weights": {}, "config": {}}).status_code == 200


# ---- algorithms ----------------------------------------------------------------------------------------


def test_algorithms_lists_ours_in_yentes_shape(service: Service) -> None:
    with service.client(Role.VIEWER) as client:
        body = client.get("/algorithms").json()
    assert body["default"] == "best" and body["best"] == "sanctionwatch"
    by_name = {a["name"]: a for a in body["algorithms"]}
    assert set(by_name) == {"sanctionwatch", "name-based"}
    engine = by_name["sanctionwatch"]
    assert engine["docs"]["name"] == "sanctionwatch" and engine["docs"]["config"] == {}
    assert engine["features"] == engine["docs"]["features"]
    assert engine["features"]["birth_date_same"]["coefficient"] > 0
    assert set(by_name["name-based"]["features"]) == {"name_score", "schema_other"}


def test_only_our_algorithms_are_accepted(service: Service) -> None:
    for name in ("best", "BEST", " sanctionwatch", "name-based"):
        assert _post(service, _kim(), algorithm=name).status_code == 200, name
    for name in ("logic-v2", "logic-v1", "regression-v1", "default", "ofac"):
        _refused(_post(service, _kim(), algorithm=name), 400, "algorithm", repr(name))


def test_name_based_weighs_the_names_alone(service: Service) -> None:
    far = _kim(birthDate=["1950-03-03"], nationality=["us"])
    engine = _results(service, far, cutoff=0.0)[0]
    names_only = _results(service, far, cutoff=0.0, algorithm="name-based")[0]
    assert engine["id"] == names_only["id"] == KIM
    assert {e["feature"] for e in engine["explanation"]["evidence"]} >= {"birth_date", "country"}
    assert names_only["explanation"]["evidence"] == []
    assert names_only["score"] > engine["score"]  # the contradicting date and country no longer count
    identifier_only = {"queries": {"q": {"schema": "Company", "properties": {"swiftBic": ["FTBDKPPY"]}}}}
    _refused(_post(service, identifier_only, algorithm="name-based"), 400, "queries.q.properties.name")


# ---- the request and its echo ------------------------------------------------------------------------------


def test_a_body_without_content_type_is_read_as_json(service: Service) -> None:
    with service.client(Role.ANALYST) as client:
        response = client.post("/match/default", content=json.dumps(_kim()).encode())
    assert "content-type" not in response.request.headers
    assert response.status_code == 200, response.text
    assert response.json()["responses"]["q"]["results"][0]["id"] == KIM


def test_the_query_is_echoed_as_followthemoney_cleans_it(service: Service) -> None:
    body = {
        "queries": {
            "q": {
                "id": "mine",
                "schema": "Person",
                "properties": {
                    "firstName": "  Jong Un ",
                    "lastName": ["Kim"],
                    "nationality": ["North Korea", "kp"],
                    "birthDate": [1984],
                },
            }
        }
    }
    response = _post(service, body)
    assert response.status_code == 200, response.text
    echoed = response.json()["responses"]["q"]["query"]
    assert echoed == {
        "id": "mine",
        "schema": "Person",
        "properties": {
            "firstName": ["Jong Un"],
            "lastName": ["Kim"],
            "nationality": ["kp"],
            "birthDate": ["1984"],
            "name": ["Jong Un Kim"],  # the name screened, made of the parts
        },
    }
    russia = _post(service, _kim(nationality="Russia")).json()["responses"]["q"]["query"]
    assert russia["properties"]["nationality"] == ["ru"]


def test_a_value_followthemoney_cannot_read_is_refused(service: Service) -> None:
    _refused(_post(service, _kim(email=["not an address"])), 400, "queries.q.properties.email")
    _refused(_post(service, {"queries": {"q": {"properties": {"name": ["x"]}}}}), 422, "schema")
    # an entity posted back as an example: what screening does not read is named, not left unread
    posted = {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}, "caption": "KIM Jong Un"}
    _refused(_post(service, {"queries": {"q": posted}}), 422, "caption")
    _refused(
        _post(service, _kim() | {"queries": {"q": {"schema": "Spaceship", "properties": {}}}}), 400, "schema"
    )


# ---- filters on the results ------------------------------------------------------------------------------


def test_exclude_entity_ids_removes_that_party(service: Service) -> None:
    korea = {"queries": {"q": {"schema": "Organization", "properties": {"name": ["Korea"]}}}}
    found = _ids(service, korea, cutoff=0.0, limit=10)
    assert len(found) >= 2, found
    remaining = _ids(service, korea, exclude_entity_ids=[found[0], "un:nothing"], cutoff=0.0, limit=10)
    assert remaining == found[1:]  # that party alone is gone
    assert _ids(service, exclude_entity_ids=[KIM]) == []
    _refused(
        _post(service, _kim(), exclude_entity_ids=[f"x{i}" for i in range(51)]), 422, "exclude_entity_ids"
    )


def test_include_and_exclude_dataset_scope_within_the_path(service: Service) -> None:
    assert KIM in _ids(service, include_dataset="ofac-sdn")
    assert KIM in _ids(service, include_dataset=["un", "us_ofac_sdn"])
    assert KIM not in _ids(service, include_dataset="un")
    assert KIM not in _ids(service, exclude_dataset="us_ofac_sdn")
    assert _ids(service, path="/match/un", include_dataset="ofac-sdn") == []  # not within the path's
    assert _ids(service, exclude_dataset="default") == []
    _refused(_post(service, _kim(), include_dataset="nowhere"), 400, "include_dataset", "nowhere")
    _refused(_post(service, _kim(), exclude_dataset="nowhere"), 400, "exclude_dataset", "nowhere")


def test_exclude_schema_drops_results_of_that_schema(service: Service) -> None:
    bank = {"queries": {"q": {"schema": "Company", "properties": {"name": ["Foreign Trade Bank"]}}}}
    assert "ofac-sdn:15603" in _ids(service, bank, cutoff=0.0)
    assert "ofac-sdn:15603" not in _ids(service, bank, cutoff=0.0, exclude_schema="Organization")
    assert KIM not in _ids(service, exclude_schema="Person")
    assert KIM in _ids(service, exclude_schema="LegalEntity")  # exact schema, as yente
    _refused(_post(service, _kim(), exclude_schema="Spaceship"), 400, "exclude_schema", "Spaceship")


def test_changed_since(service: Service) -> None:
    assert KIM in _ids(service, changed_since="2000-01-01")
    assert _ids(service, changed_since="2999-01-01T00:00:00") == []
    _refused(_post(service, _kim(), changed_since="yesterday"), 422, "changed_since")
    _refused(_post(service, _kim(), changed_since="2024-02-30"), 400, "changed_since", "2024-02-30")


# ---- /search ----------------------------------------------------------------------------------------------


def _search_ids(service: Service, **params: Any) -> list[str]:
    response = _search(service, **params)
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["results"]]


def test_search_refuses_what_it_cannot_do_naming_it(service: Service) -> None:
    for params, name in (
        ({"filter": "properties.shoeSize:44"}, "properties.shoeSize"),
        ({"filter": "birthDate"}, "filter"),
        ({"sort": "score:desc"}, "score"),
        ({"sort": "caption:up"}, "sort"),
        ({"fuzzy": "true"}, "fuzzy"),
        ({"facets": "identifiers"}, "identifiers"),
        ({"facets": "colours"}, "colours"),
        ({"countries": "Atlantis"}, "countries"),
        ({"datasets": "nowhere"}, "datasets"),
        ({"include_dataset": "nowhere"}, "include_dataset"),
        ({"exclude_schema": "Spaceship"}, "exclude_schema"),
    ):
        _refused(_search(service, **params), 400, name)
    assert KIM in _search_ids(service, fuzzy="false", simple="false")


def test_search_applies_yentes_filters(service: Service) -> None:
    assert KIM in _search_ids(service)
    assert KIM in _search_ids(service, countries="kp")
    assert KIM not in _search_ids(service, countries="us")
    assert KIM not in _search_ids(service, countries=["kp", "us"], filter_op="AND")
    assert KIM in _search_ids(service, countries=["kp", "us"], filter_op="OR")
    assert KIM in _search_ids(service, datasets=["un", "ofac-sdn"])
    assert KIM not in _search_ids(service, datasets=["un", "ofac-sdn"], filter_op="AND")
    assert KIM not in _search_ids(service, exclude_dataset="ofac-sdn")
    assert KIM not in _search_ids(service, exclude_schema="Person")
    assert KIM in _search_ids(service, target="true")
    assert _search_ids(service, target="false") == []  # every listed party is a target
    assert _search_ids(service, changed_since="2999-01-01") == []


def test_what_the_scores_did_not_weigh_is_said(service: Service) -> None:
    """An example's properties that screening does not read (an address, an e-mail) are listed in
    `unscreened`; with algorithm=name-based, so are the birth date and the nationality."""
    body = _kim(
        address=["Pyongyang"], email=["kim@example.org"], birthDate=["1984-01-08"], nationality=["kp"]
    )
    full = _post(service, body).json()["responses"]["q"]
    assert full["unscreened"] == ["address", "email"]
    names = _post(service, body, algorithm="name-based").json()["responses"]["q"]
    assert names["unscreened"] == ["address", "birthDate", "email", "nationality"]
    assert _post(service, _kim()).json()["responses"]["q"]["unscreened"] == []
