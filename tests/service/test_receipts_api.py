"""POST /screen?receipt=true over HTTP: the signed receipt comes back with the answer and verifies offline."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sanctionwatch.access.keys import ApiKeys
from sanctionwatch.access.roles import Role
from sanctionwatch.api.app import create_app
from sanctionwatch.db.engine import connect
from sanctionwatch.evidence.receipt import FORMAT
from sanctionwatch.evidence.signing import create_signing_key, load_public_key
from sanctionwatch.evidence.verify import Check, verify_file
from sanctionwatch.registry.audit import AuditLog
from sanctionwatch.registry.store import Registry
from tests.service.conftest import Service, make_settings, seeded_service


@pytest.fixture(scope="module")
def signed_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, Path]]:
    scratch = tmp_path_factory.mktemp("receipts-service")
    key_path = scratch / "signing-key.pem"
    create_signing_key(key_path)
    before = os.environ.get("SANCTIONWATCH_SIGNING_KEY")
    os.environ["SANCTIONWATCH_SIGNING_KEY"] = str(key_path)  # the server process inherits it
    try:
        with seeded_service(f"sqlite:///{scratch / 'registry.db'}", scratch) as running:
            yield running, key_path
    finally:
        if before is None:
            os.environ.pop("SANCTIONWATCH_SIGNING_KEY", None)
        else:
            os.environ["SANCTIONWATCH_SIGNING_KEY"] = before


def test_a_receipt_comes_back_signed_and_verifies_offline(
    signed_service: tuple[Service, Path], tmp_path: Path
) -> None:
    service, key_path = signed_service
    with service.client(Role.ANALYST) as client:
        answer = client.post(
            "/screen", params={"receipt": "true"}, json={"name": "김정은", "birth_date": "1984"}
        )
        plain = client.post("/screen", json={"name": "김정은", "birth_date": "1984"}).json()
    assert answer.status_code == 200, answer.text
    body = answer.json()
    receipt = body["receipt"]
    assert receipt["format"] == FORMAT and plain.get("receipt") is None
    assert receipt["channel"] == "api" and receipt["actor"].endswith("test-analyst")
    assert [h["entity_id"] for h in receipt["result"]["hits"]] == [h["entity_id"] for h in body["hits"]]
    assert {v["source"] for v in receipt["lists"]} == {v["source"] for v in body["list_versions"]}
    assert all(f["sha256"] for v in receipt["lists"] for f in v["files"])
    # Saved as canonical JSON and a newline, it is the file an examiner checks with the public key only.
    saved = tmp_path / "receipt.json"
    saved.write_text(
        json.dumps(receipt, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    checks = list(verify_file(saved, load_public_key(key_path)))
    assert len(checks) == 1 and checks[0].ok, checks
    assert {r.check for r in checks[0].results if r.ok} == {
        Check.FORM,
        Check.SIGNATURE,
        Check.AUDIT_RECORD,
        Check.INCLUSION,
    }
    # ... and its audit record is the database's, in an intact chain.
    engine = connect(service.database)
    try:
        online = list(verify_file(saved, load_public_key(key_path), log=AuditLog(engine)))
    finally:
        engine.dispose()
    assert online[0].ok and any(r.check is Check.AUDIT_CHAIN and r.ok for r in online[0].results)


def test_a_receipt_parameter_that_is_not_a_boolean_is_refused(signed_service: tuple[Service, Path]) -> None:
    service, _key = signed_service
    with service.client(Role.ANALYST) as client:
        answer = client.post("/screen", params={"receipt": "perhaps"}, json={"name": "Kim"})
        unknown = client.post("/screen", params={"receipts": "true"}, json={"name": "Kim"})
    assert answer.status_code == 422 and "receipt" in answer.text
    assert unknown.status_code == 400 and "receipts" in unknown.text


def test_without_a_signing_key_a_receipt_is_refused_naming_the_remedy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In process, on a service of its own (a running one keeps the environment it started with): the key
    is asked for before anything is screened, and the answer names the command that makes one."""
    monkeypatch.setenv("SANCTIONWATCH_SIGNING_KEY", str(tmp_path / "no-such-key.pem"))
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    registry = Registry.open(url)
    try:
        _, secret = ApiKeys(registry.engine).create("test-analyst", Role.ANALYST.value)
    finally:
        registry.close()
    client = TestClient(create_app(make_settings(url, tmp_path)))
    answer = client.post(
        "/screen",
        params={"receipt": "true"},
        json={"name": "Kim"},
        headers={"Authorization": f"ApiKey {secret}"},
    )
    assert answer.status_code == 409 and "receipt init-key" in answer.text
