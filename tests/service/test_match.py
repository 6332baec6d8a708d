"""yente-compatible matching over HTTP: yente's own request shapes, our explanations, clear 4xx."""

from __future__ import annotations

import json
from collections.abc import Iterator

from sanctionwatch.access.roles import Role
from tests.service.conftest import Service

# The example from yente's /match documentation, unchanged.
YENTE_DOC_EXAMPLE = {
    "queries": {
        "entity1": {
            "schema": "Person",
            "properties": {"name": ["John Doe"], "birthDate": ["1975-04-21"], "nationality": ["us"]},
        },
        "entity2": {
            "schema": "Company",
            "properties": {
                "name": ["Brilliant Amazing Limited"],
                "jurisdiction": ["hk"],
                "registrationNumber": ["84BA99810"],
            },
        },
    }
}


def _match(service: Service, body: object, path: str = "/match/default", **params: object) -> dict:  # type: ignore[type-arg]
    with service.client(Role.ANALYST) as client:
        response = client.post(path, json=body, params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _one(name: str, schema: str = "Person", **properties: list[str]) -> dict:  # type: ignore[type-arg]
    return {"queries": {"q": {"schema": schema, "properties": {"name": [name], **properties}}}}


def test_yente_documentation_request_works_unchanged(service: Service) -> None:
    body = _match(service, YENTE_DOC_EXAMPLE)
    assert set(body["responses"]) == {"entity1", "entity2"}
    for response in body["responses"].values():
        assert response["status"] == 200
        assert response["total"]["relation"] == "eq"
        assert response["query"]["schema"] in ("Person", "Company")
    assert body["limit"] == 5
    assert "name_score" in body["matcher"] and "coefficient" in body["matcher"]["birth_date_same"]


def test_cyrillic_name_finds_the_listed_romanization(service: Service) -> None:
    body = _match(service, _one("Ким Чен Ын", birthDate=["1984-01-08"]))
    top = body["responses"]["q"]["results"][0]
    assert top["id"] == "ofac-sdn:20157"
    assert top["caption"] == "KIM, Jong Un"
    assert top["schema"] == "Person"
    assert top["match"] is True and top["score"] >= 0.9
    assert top["datasets"] == ["us_ofac_sdn"]  # FtM dataset names in yente-shaped answers
    assert top["properties"]["birthDate"] == ["1984-01-08"]
    assert top["features"]["birth_date"] > 0  # the evidence's weight, as yente shows feature weights
    pairs = {(p["query"], p["listed"]) for p in top["explanation"]["token_pairs"]}
    assert "kim=kim" in top["explanations"]["name"]["detail"]
    assert top["explanations"]["birth_date"] == {
        "score": top["features"]["birth_date"],
        "detail": "same birth date 1984-01-08",
    }
    assert top["first_seen"] <= top["last_change"] <= top["last_seen"]  # the registry's version history
    assert ("kim", "kim") in pairs
    assert any(
        e["feature"] == "birth_date" and e["effect"] == "raises" for e in top["explanation"]["evidence"]
    )


def test_threshold_sets_match_and_cutoff_drops_results(service: Service) -> None:
    strict = _match(service, _one("Kim Jong Un"), threshold=0.999)["responses"]["q"]["results"]
    assert strict and all(r["match"] is False for r in strict if r["score"] < 0.999)
    nothing = _match(service, _one("Kim Jong Un"), cutoff=1.0, threshold=1.0)["responses"]["q"]["results"]
    assert all(r["score"] >= 1.0 for r in nothing)


def test_limit_caps_the_results(service: Service) -> None:
    body = _match(service, _one("Korea bank", schema="Company"), limit=1, cutoff=0.0, threshold=0.0)
    assert len(body["responses"]["q"]["results"]) <= 1
    assert body["limit"] == 1


def test_datasets_by_our_name_and_opensanctions_name(service: Service) -> None:
    for path, expected in (
        ("/match/ofac-sdn", 1),
        ("/match/us_ofac_sdn", 1),
        ("/match/un", 0),
        ("/match/un_sc_sanctions", 0),
    ):
        results = _match(service, _one("Kim Jong Un"), path=path)["responses"]["q"]["results"]
        assert len([r for r in results if r["id"] == "ofac-sdn:20157"]) == expected, path


def test_identifier_alone_decides(service: Service) -> None:
    body = _match(
        service, {"queries": {"b": {"schema": "Company", "properties": {"swiftBic": ["FTBDKPPY"]}}}}
    )
    assert body["responses"]["b"]["results"][0]["id"] == "ofac-sdn:15603"


def test_several_queries_answer_under_their_own_keys(service: Service) -> None:
    body = _match(
        service,
        {
            "queries": {
                "person": {
                    "schema": "Person",
                    "properties": {"name": "Kim Jong Un"},
                },  # a bare string, as yente allows
                "bank": {"schema": "Company", "properties": {"name": ["Foreign Trade Bank of the DPRK"]}},
            }
        },
    )
    assert body["responses"]["person"]["results"][0]["id"] == "ofac-sdn:20157"
    assert body["responses"]["bank"]["results"][0]["id"] == "ofac-sdn:15603"


def _error(
    service: Service, path: str, content: bytes | None = None, body: object = None, **params: object
) -> tuple[int, str]:
    with service.client(Role.ANALYST) as client:
        if content is not None:
            response = client.post(
                path, content=content, headers={"content-type": "application/json"}, params=params
            )
        else:
            response = client.post(path, json=body, params=params)
    return response.status_code, response.json()["detail"]


def test_bad_requests_are_4xx_naming_the_problem(service: Service) -> None:
    cases = [
        (_error(service, "/match/default", body=_one("Kim", schema="Spaceship")), 400, "schema"),
        (
            _error(service, "/match/default", body=_one("Kim", schema="Address")),
            400,
            "not a party that can be screened",
        ),
        (_error(service, "/match/default", body=_one("Kim", birthDate=["1984-13-45"])), 400, "birth_date"),
        (_error(service, "/match/default", body=_one("Kim", nationality=["Atlantis"])), 400, "country"),
        (_error(service, "/match/default", body=_one("Kim", color=["red"])), 400, "properties.color"),
        (_error(service, "/match/default", body={"queries": {}}), 400, "queries"),
        (_error(service, "/match/default", body={"queries": {"q": {"properties": {}}}}), 422, "schema"),
        (_error(service, "/match/default", content=b'{"queries": '), 422, "JSON"),
        (_error(service, "/match/nowhere", body=_one("Kim")), 404, "unknown dataset"),
        (_error(service, "/match/default", body=_one("Kim"), algorithm="magic"), 400, "algorithm"),
        (_error(service, "/match/default", body=_one("Kim"), limit=0), 422, "limit"),
    ]
    for (status, detail), expected_status, fragment in cases:
        assert status == expected_status, (detail, fragment)
        assert fragment.lower() in detail.lower(), (detail, fragment)


def test_too_many_queries_in_one_request(service: Service) -> None:
    body = {"queries": {f"q{i}": {"schema": "Person", "properties": {"name": ["x y"]}} for i in range(101)}}
    status, detail = _error(service, "/match/default", body=body)
    assert status == 400 and "more than 100" in detail


def test_oversized_body_is_refused_before_it_is_read(service: Service) -> None:
    huge = json.dumps(_one("k" * (2 << 20))).encode()
    with service.client(Role.ANALYST) as client:
        response = client.post("/match/default", content=huge, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]


def test_own_screen_endpoint_reports_list_versions(service: Service) -> None:
    with service.client(Role.ANALYST) as client:
        body = client.post("/screen", json={"name": "김정은", "birth_date": "1984"}).json()
        bad = client.post("/screen", json={"name": "", "identifier": ""})
    assert body["hits"][0]["entity_id"] == "ofac-sdn:20157"
    assert body["hits"][0]["explanation"]["token_pairs"]
    assert {v["source"] for v in body["list_versions"]} == {"ofac-sdn", "un"}
    assert bad.status_code == 400 and "name" in bad.json()["detail"]


def test_oversized_body_sent_in_chunks_is_refused_with_413(service: Service) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is found while reading
        yield b'{"queries": {"q": {"schema": "Person", "properties": {"name": ["'
        for _ in range(40):
            yield b"k" * 65536
        yield b'"]}}}}'

    with service.client(Role.ANALYST) as client:
        response = client.post(
            "/match/default", content=chunks(), headers={"content-type": "application/json"}
        )
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]
