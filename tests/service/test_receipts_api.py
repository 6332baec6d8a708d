"""POST /screen?receipt=true and POST /match/{dataset}?receipt=true over HTTP: the signed receipts come back
with the answer, verify offline and replay to the same hits."""

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
from sanctionwatch.evidence.replay import ReplayOutcome, replay_receipt
from sanctionwatch.evidence.signing import create_signing_key, load_public_key
from sanctionwatch.evidence.verify import Check, verify_file
from sanctionwatch.registry.audit import AuditLog, canonical_json
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


# ---- /match ------------------------------------------------------------------------------------------

KIM = "ofac-sdn:20157"
BANK = "ofac-sdn:15603"
EXAMPLES = {
    "person": {
        "schema": "Person",
        # Two names in two scripts, a birth date and two nationalities: screened as several queries.
        "properties": {
            "name": ["Kim Jong Un", "김정은"],
            "birthDate": ["1984-01-08"],
            "nationality": ["kp", "ru"],
        },
    },
    "bank": {"schema": "Company", "properties": {"name": ["Foreign Trade Bank"], "swiftBic": ["FTBDKPPY"]}},
    "nobody": {"schema": "Person", "properties": {"firstName": ["Ada"], "lastName": ["Lovelace"]}},
}


def _saved(receipts: list[dict[str, object]], path: Path) -> Path:
    """The receipts as a file of them: canonical JSON, one per line."""
    path.write_text("".join(canonical_json(r) + "\n" for r in receipts), encoding="utf-8")
    return path


def _replays(service: Service, receipts: list[dict[str, object]]) -> list[ReplayOutcome]:
    registry = Registry(connect(service.database))
    try:
        return [replay_receipt(r, registry).outcome for r in receipts]
    finally:
        registry.close()


@pytest.mark.parametrize(
    ("path", "params"),
    [("/match/default", {}), ("/match/us_ofac_sdn", {"algorithm": "name-based", "cutoff": "0.3"})],
)
def test_match_gives_each_query_a_receipt_of_one_batch_that_verifies_and_replays(
    signed_service: tuple[Service, Path], tmp_path: Path, path: str, params: dict[str, str]
) -> None:
    service, key_path = signed_service
    with service.client(Role.ANALYST) as client:
        answer = client.post(path, params={"receipt": "true", **params}, json={"queries": EXAMPLES})
        plain = client.post(path, params=params, json={"queries": EXAMPLES}).json()
    assert answer.status_code == 200, answer.text
    responses = answer.json()["responses"]
    assert all("receipt" not in r for r in plain["responses"].values())
    receipts = [responses[key]["receipt"] for key in EXAMPLES]
    # Everything else is the answer without a receipt: what a yente client reads is unchanged.
    assert {k: {m: v for m, v in r.items() if m != "receipt"} for k, r in responses.items()} == plain[
        "responses"
    ]

    # One batch: one audit record, one Merkle root, each receipt at its place in it.
    assert len({r["audit"]["seq"] for r in receipts}) == 1
    assert [r["inclusion"]["index"] for r in receipts] == [0, 1, 2]
    assert {r["inclusion"]["size"] for r in receipts} == {3}
    for key, receipt in zip(EXAMPLES, receipts, strict=True):
        assert receipt["channel"] == "match" and receipt["extra"]["query"] == key
        assert receipt["query"]["screened"]["call"] == "party" and receipt["query"]["screened"]["id"] == key
        shown = [r["id"] for r in responses[key]["results"]]
        assert [h["entity_id"] for h in receipt["result"]["hits"]] == shown
    person, bank, nobody = receipts
    assert person["result"]["hits"][0]["entity_id"] == KIM and bank["result"]["hits"][0]["entity_id"] == BANK
    assert nobody["query"]["screened"]["names"] == ["Ada Lovelace"]  # the name parts, as screened
    names_only = params.get("algorithm") == "name-based"
    screened = person["query"]["screened"]
    assert screened["birth_dates"] == ([] if names_only else ["1984-01-08"])  # what the algorithm weighed
    assert screened["sources"] == (["ofac-sdn"] if path.endswith("us_ofac_sdn") else [])
    assert len(person["query"]["normalized"]) == (2 if names_only else 4)
    assert person["settings"]["threshold"] == min(person["extra"]["cutoff"], person["extra"]["threshold"])

    saved = _saved(receipts, tmp_path / "match.jsonl")
    checks = list(verify_file(saved, load_public_key(key_path)))
    assert len(checks) == 3 and all(c.ok for c in checks), [c.to_json() for c in checks]
    assert _replays(service, receipts) == [ReplayOutcome.SAME] * 3


def test_match_receipts_are_refused_with_the_filters_they_do_not_record(
    signed_service: tuple[Service, Path],
) -> None:
    service, _key = signed_service
    body = {"queries": {"q": EXAMPLES["person"]}}
    before = _receipt_records(service)
    with service.client(Role.ANALYST) as client:
        filtered = client.post(
            "/match/default",
            params={"receipt": "true", "exclude_schema": "Company", "topics": "sanction"},
            json=body,
        )
        unfiltered = client.post("/match/default", params={"exclude_schema": "Company"}, json=body)
        not_boolean = client.post("/match/default", params={"receipt": "maybe"}, json=body)
    assert filtered.status_code == 400
    assert "receipt: not with exclude_schema, topics" in filtered.json()["detail"]
    assert unfiltered.status_code == 200 and not_boolean.status_code == 422
    assert _receipt_records(service) == before  # nothing signed


def _receipt_records(service: Service) -> int:
    engine = connect(service.database)
    try:
        return sum(1 for r in AuditLog(engine).records() if r.action == "screening.receipts")
    finally:
        engine.dispose()
