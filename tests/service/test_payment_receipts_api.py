"""POST /payments/screen?receipt=true over HTTP: each message's decision comes back with its signed
receipt, which verifies offline and replays the same against the service's registry.

The service runs on the seeded sample lists (old: the module allows old lists, as
tests/service/test_payments_api.py does) and on the internal list that names the beneficiary of a real
sample message (tests/evidence/payment_lists.py), ingested before the service starts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sanctionwatch.access.keys import ApiKeys
from sanctionwatch.access.roles import Role
from sanctionwatch.api.app import create_app
from sanctionwatch.db.engine import connect
from sanctionwatch.evidence.replay import ReplayOutcome, replay_receipt
from sanctionwatch.evidence.signing import create_signing_key, load_public_key
from sanctionwatch.evidence.verify import verify_file
from sanctionwatch.payments.holds import PaymentHolds
from sanctionwatch.registry.audit import AuditLog
from sanctionwatch.registry.store import Registry
from tests.evidence.payment_lists import CLEAN, HELD, HELD_FIELD, LISTED_ID, PAYEES, payee_list
from tests.evidence.test_receipts import ingest
from tests.service.conftest import Service, make_settings, seeded_service

KEY_ENV = "SANCTIONWATCH_SIGNING_KEY"


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, Path]]:
    scratch = tmp_path_factory.mktemp("payment-receipts-service")
    url = f"sqlite:///{scratch / 'registry.db'}"
    registry = Registry.open(url)
    try:
        ingest(registry, payee_list(scratch / "payees.csv"), PAYEES)
    finally:
        registry.close()
    key_path = scratch / "signing-key.pem"
    create_signing_key(key_path)
    with pytest.MonkeyPatch.context() as env:
        env.setenv(KEY_ENV, str(key_path))  # the server process inherits it
        with seeded_service(url, scratch, payment_max_list_age_days=100_000) as running:
            yield running, key_path


def canonical(receipt: dict[str, Any]) -> str:
    """A receipt from a JSON answer saved as the file an examiner checks: canonical JSON and a newline."""
    return json.dumps(receipt, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def test_each_message_comes_back_with_a_receipt_that_verifies_and_replays(
    signed: tuple[Service, Path], shared_data: Path, tmp_path: Path
) -> None:
    service, key_path = signed
    held, clean = shared_data.joinpath(*HELD).read_bytes(), shared_data.joinpath(*CLEAN).read_bytes()
    body = held + b"\r\n" + held.replace(b"SHASHU LANXI SHANYE", b"KATAYAMA CHAIN THAILAND")
    with service.client(Role.ANALYST) as client:
        two = client.post("/payments/screen", params={"receipt": "true"}, content=body)
        one = client.post("/payments/screen", params={"receipt": "true", "record": "false"}, content=clean)
        plain = client.post("/payments/screen", params={"record": "false"}, content=clean)
    assert two.status_code == one.status_code == plain.status_code == 200, (two.text, one.text)
    messages = [*two.json()["messages"], *one.json()["messages"]]
    assert [m["decision"] for m in messages] == ["hold", "pass", "pass"]
    assert "receipt" not in plain.json()["messages"][0]

    receipts = [m["receipt"] for m in messages]
    first, second, third = receipts
    assert {r["channel"] for r in receipts} == {"payment"} and first["actor"].endswith("test-analyst")
    assert first["query"]["message"]["text"].encode() == body  # the whole body, each its own message
    assert [r["query"]["message"]["index"] for r in receipts] == [0, 1, 0]
    assert first["audit"]["seq"] == second["audit"]["seq"] != third["audit"]["seq"]  # one batch a request
    assert [(h["field"], h["entity_id"]) for h in first["result"]["hits"]] == [(HELD_FIELD, LISTED_ID)]
    assert first["result"]["recorded"]["case"] == messages[0]["case"] and third["result"]["recorded"] is None
    assert first["settings"]["max_list_age_days"] == 100_000
    assert {v["source"] for v in first["lists"]} == {PAYEES, "ofac-sdn", "un"}
    assert sorted(f"{v['source']}/{v['version']}" for v in first["lists"]) == sorted(
        messages[0]["list_versions"]
    )

    saved = tmp_path / "receipts.jsonl"
    saved.write_text("".join(canonical(r) for r in receipts), encoding="utf-8")
    assert [c.ok for c in verify_file(saved, load_public_key(key_path))] == [True, True, True]
    engine = connect(service.database)
    try:
        online = list(verify_file(saved, load_public_key(key_path), log=AuditLog(engine)))
        assert all(c.ok and c.results[-1].ok for c in online)
        registry = Registry(engine)
        replays = [replay_receipt(r, registry) for r in receipts]
    finally:
        engine.dispose()
    assert [r.outcome for r in replays] == [ReplayOutcome.SAME] * 3, replays


def test_a_receipt_parameter_that_is_not_a_boolean_is_refused(
    signed: tuple[Service, Path], shared_data: Path
) -> None:
    service, _key = signed
    clean = shared_data.joinpath(*CLEAN).read_bytes()
    with service.client(Role.ANALYST) as client:
        answer = client.post("/payments/screen", params={"receipt": "perhaps"}, content=clean)
        unknown = client.post("/payments/screen", params={"receipts": "true"}, content=clean)
    assert answer.status_code == 422 and "receipt" in answer.text
    assert unknown.status_code == 400 and "receipts" in unknown.text


def test_without_a_signing_key_a_receipt_is_refused_before_screening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In process, on a service of its own whose index is not even built: the key is asked for first
    (409, naming the command that makes one), so nothing is screened or recorded. (A running service
    inherits its environment when it starts; this one's is the test's.)"""
    monkeypatch.setenv(KEY_ENV, str(tmp_path / "no-such-key.pem"))
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    registry = Registry.open(url)
    try:
        _, secret = ApiKeys(registry.engine).create("test-analyst", Role.ANALYST.value)
    finally:
        registry.close()
    client = TestClient(create_app(make_settings(url, tmp_path)))
    headers = {"Authorization": f"ApiKey {secret}"}
    answer = client.post("/payments/screen", params={"receipt": "true"}, content=b"{1:F01}", headers=headers)
    assert answer.status_code == 409 and "receipt init-key" in answer.text
    engine = connect(url)
    try:
        assert PaymentHolds(engine).recent() == []
    finally:
        engine.dispose()
