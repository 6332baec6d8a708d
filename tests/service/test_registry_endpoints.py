"""The lists over HTTP: versions, changes (by programme and authority), catalog, search, entities."""

from __future__ import annotations

from sanctionwatch.access.roles import Role
from tests.service.conftest import Service


def test_versions_list_every_version_and_the_active_one(service: Service) -> None:
    with service.client(Role.VIEWER) as client:
        versions = client.get("/lists").json()["versions"]
    ofac = [v for v in versions if v["source"] == "ofac-sdn"]
    assert [v["version"] for v in ofac] == [1, 2]
    assert [v["active"] for v in ofac] == [False, True]


def test_changes_between_versions_with_summary(service: Service) -> None:
    with service.client(Role.VIEWER) as client:
        body = client.get("/lists/ofac-sdn/changes").json()
    assert body["from"] == 1 and body["to"] == 2
    assert [a["source_id"] for a in body["added"]] == ["20157"]
    assert body["removed"] == [] and body["changed"] == []
    assert "1 individual" in body["summary"] and "added" in body["summary"]


def test_changes_filtered_by_programme_and_authority(service: Service) -> None:
    with service.client(Role.VIEWER) as client:
        dprk = client.get("/lists/ofac-sdn/changes", params={"program": "DPRK"}).json()
        npwmd = client.get("/lists/ofac-sdn/changes", params={"program": "NPWMD"}).json()
        unknown_authority = client.get("/lists/ofac-sdn/changes", params={"authority": "EO 99999"}).json()
        old = client.get("/lists/ofac-sdn/changes", params={"from": 1, "to": 1}).json()
        missing = client.get("/lists/ofac-sdn/changes", params={"to": 7})
        unknown = client.get("/lists/nowhere/changes")
    assert len(dprk["added"]) == 1
    assert npwmd["added"] == []
    assert unknown_authority["added"] == []
    assert old["added"] == []
    assert missing.status_code == 404 and "no version 7" in missing.json()["detail"]
    assert unknown.status_code == 404 and "unknown source" in unknown.json()["detail"]


def test_timeline_newest_first(service: Service) -> None:
    with service.client(Role.VIEWER) as client:
        timeline = client.get("/changes").json()["timeline"]
        dprk = client.get("/changes", params={"program": "DPRK3"}).json()["timeline"]
    second = next(c for c in timeline if c["source"] == "ofac-sdn" and c["version"] == 2)
    assert (second["added"], second["removed"], second["previous"]) == (1, 0, 1)
    assert next(c for c in dprk if c["source"] == "ofac-sdn" and c["version"] == 2)["added"] == 1


def test_catalog_names_our_sources_and_their_opensanctions_aliases(service: Service) -> None:
    with service.client(Role.VIEWER) as client:
        names = {d["name"] for d in client.get("/catalog").json()["datasets"]}
    assert {"ofac-sdn", "un", "default", "sanctions", "us_ofac_sdn", "un_sc_sanctions"} <= names


def test_search_by_name_in_another_script(service: Service) -> None:
    with service.client(Role.VIEWER) as client:
        body = client.get("/search/default", params={"q": "김정은"}).json()
        empty = client.get("/search/default", params={"q": ""})
        legal_entity = client.get(
            "/search/default", params={"q": "Kim Jong Un", "schema": "LegalEntity"}
        ).json()
        vessel = client.get("/search/default", params={"q": "Kim Jong Un", "schema": "Vessel"}).json()
        unknown = client.get("/search/default", params={"q": "Kim", "schema": "Spaceship"})
    assert body["results"][0]["id"] == "ofac-sdn:20157"
    assert body["total"]["value"] >= 1
    assert empty.status_code == 200 and empty.json()["total"]["value"] == 11  # browsed, as yente
    assert legal_entity["results"][0]["id"] == "ofac-sdn:20157"  # a person or an organization
    assert all(r["id"] != "ofac-sdn:20157" for r in vessel["results"])  # a person is no vessel
    assert unknown.status_code == 400 and "Spaceship" in unknown.json()["detail"]


def test_entity_as_followthemoney_and_as_normalized_record(service: Service) -> None:
    with service.client(Role.VIEWER) as client:
        ftm = client.get("/entities/ofac-sdn:15603").json()
        record = client.get("/records/ofac-sdn:15603").json()
        missing = client.get("/entities/ofac-sdn:0")
    assert ftm["schema"] in ("Organization", "Company")
    assert "FOREIGN TRADE BANK" in ftm["caption"]
    assert sorted(record["entity"]["programs"]) == ["DPRK3", "NPWMD"]
    assert missing.status_code == 404


def test_reconciliation_manifest_and_queries(service: Service) -> None:
    key = service.keys[Role.ANALYST]
    with service.client() as client:
        manifest = client.get("/reconcile", params={"api_key": key}).json()
        answered = client.post(
            "/reconcile",
            params={"api_key": key},
            data={
                "queries": '{"q0": {"query": "Kim Jong Un", "type": "Person", "properties": [{"pid": "birthDate", "v": "1984"}]}}'
            },
        ).json()
        bad = client.get("/reconcile", params={"api_key": key, "queries": "{not json"})
    assert manifest["name"] == "Sanctionwatch" and manifest["defaultTypes"]
    top = answered["q0"]["result"][0]
    assert top["id"] == "ofac-sdn:20157" and top["match"] is True and 0 < top["score"] <= 1
    assert bad.status_code == 400 and "not JSON" in bad.json()["detail"]
