"""A user's own list over HTTP: uploaded by an admin only, then listed, matched, screened and monitored,
its activation audited under the uploading key.

A service of its own: the upload changes the lists, which the session's shared service must not see.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sanctionwatch.access.roles import Role
from sanctionwatch.db.engine import connect
from sanctionwatch.registry.audit import AuditLog
from tests.service.conftest import Service, seeded_service

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "internal-deny-list.csv"


@pytest.fixture(scope="module")
def own_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    scratch = tmp_path_factory.mktemp("internal-lists")
    with seeded_service(f"sqlite:///{scratch / 'registry.db'}", scratch) as running:
        yield running


def _upload(
    service: Service, role: Role, content: bytes, name: str = "deny", **data: str
) -> dict[str, object]:
    with service.client(role) as client:
        response = client.post(f"/admin/lists/{name}", files={"file": ("deny.csv", content)}, data=data)
    return {"status": response.status_code, "body": response.json()}


def test_only_an_admin_uploads_and_a_bad_file_changes_nothing(own_service: Service) -> None:
    for role in (Role.VIEWER, Role.ANALYST, Role.APPROVER):
        refused = _upload(own_service, role, EXAMPLE.read_bytes())
        assert refused["status"] == 403 and "admin" in str(refused["body"])
    bad = _upload(own_service, Role.ADMIN, b"id,name,schema,colour\n1,Jane Roe,Person,red\n")
    assert bad["status"] == 400
    assert "row 1, column 'colour': unknown column" in str(bad["body"])
    assert _upload(own_service, Role.ADMIN, EXAMPLE.read_bytes(), name="Bad Name")["status"] == 400
    with own_service.client(Role.VIEWER) as client:
        assert not [v for v in client.get("/lists").json()["versions"] if v["source"].startswith("internal:")]


def test_an_uploaded_list_is_screened_monitored_and_audited(own_service: Service) -> None:
    with own_service.client(Role.ANALYST) as analyst:
        imported = analyst.post(
            "/customers",
            files={"file": ("c.csv", b"id,name,schema\nn-1,Northwind Sundries Trading LLC,Company\n")},
        ).json()
        assert imported["screening"]["alerts"] == []

    uploaded = _upload(own_service, Role.ADMIN, EXAMPLE.read_bytes())
    assert uploaded["status"] == 200, uploaded
    body = uploaded["body"]
    assert isinstance(body, dict)
    assert (body["source"], body["version"], body["entities"], body["active"], body["new_alerts"]) == (
        "internal:deny",
        1,
        3,
        True,
        1,
    )

    with own_service.client(Role.ANALYST) as analyst:
        versions = analyst.get("/lists").json()["versions"]
        assert ("internal:deny", 1, True) in {(v["source"], v["version"], v["active"]) for v in versions}
        changes = analyst.get("/lists/internal:deny/changes").json()
        assert len(changes["added"]) == 3 and changes["removed"] == []
        catalog = [d["name"] for d in analyst.get("/catalog").json()["datasets"]]
        assert "internal:deny" in catalog
        query = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Bart Quillfeather"]}}}}
        matched = analyst.post("/match/internal:deny", json=query).json()["responses"]["q"]["results"]
        assert [r["id"] for r in matched] == ["internal:deny:C-001"]
        screened = analyst.post("/screen", json={"name": "Bartholomew Quillfeather"}).json()
        assert screened["hits"][0]["entity_id"] == "internal:deny:C-001"
        assert "internal:deny" in {v["source"] for v in screened["list_versions"]}
        alerts = analyst.get("/alerts").json()
        rows = alerts["alerts"] if isinstance(alerts, dict) else alerts
        assert [(a["customer_id"], a["entity_id"]) for a in rows] == [("n-1", "internal:deny:C-002")]

    again = _upload(own_service, Role.ADMIN, EXAMPLE.read_bytes())
    assert again["status"] == 200 and isinstance(again["body"], dict) and again["body"]["unchanged"] is True

    engine = connect(own_service.database)
    try:
        [activation] = [r for r in AuditLog(engine).latest(200) if r.subject == "internal:deny/1"]
    finally:
        engine.dispose()
    assert activation.action == "list.activated"
    assert activation.actor.startswith("key:#") and activation.actor.endswith(" test-admin")
