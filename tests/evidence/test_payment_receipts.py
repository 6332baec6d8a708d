"""Signed receipts of screened payment messages (issue 22), in process: one per message, the message in
it; they verify with the public key alone, replay the same from the message they carry, and what cannot
be replayed is refused by name.

Real published sample messages against an internal list naming one's beneficiary
(tests/evidence/payment_lists.py), on SQLite; the command line and the API are tested end to end in
tests/cli/test_payment_receipt_cli.py and tests/service/test_payment_receipts_api.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from sanctionwatch.access.roles import Role
from sanctionwatch.access.users import Users
from sanctionwatch.cases.workflow import Actor, Cases
from sanctionwatch.db.engine import connect
from sanctionwatch.errors import InputError
from sanctionwatch.evidence.payment_receipt import PaymentReceipts, PaymentSettings
from sanctionwatch.evidence.replay import Replay, ReplayOutcome, replay_receipt
from sanctionwatch.evidence.signing import SigningKey, create_signing_key
from sanctionwatch.evidence.verify import Check, verify_file
from sanctionwatch.ownership.store import OwnershipStore
from sanctionwatch.payments.desk import PaymentDesk, Screened
from sanctionwatch.registry.audit import AuditLog
from sanctionwatch.registry.store import Registry, VersionInfo
from tests.evidence.payment_lists import CLEAN, HELD, HELD_FIELD, LISTED_ID, PAYEES, payee_list
from tests.evidence.test_receipts import ingest, resigned

ACTOR = "test:payments"
PASSWORD = "correct horse battery staple"
COMMON = {"format", "id", "issued_at", "channel", "actor", "settings", "engine", "lists", "result", "query"}
SIGNED = {"audit", "inclusion", "signature"}


@dataclass(frozen=True)
class Bank:
    """A deployment as the payment desk sees it: its registry, active lists and signing key."""

    registry: Registry
    key: SigningKey
    scratch: Path

    @property
    def engine(self) -> Engine:
        return self.registry.engine

    def screen(self, *payloads: tuple[bytes, str], record: bool = True) -> list[Screened]:
        versions = self.registry.active_versions()
        desk = PaymentDesk.from_registry(self.registry, record=record, versions=versions)
        return [s for data, source in payloads for s in desk.screen(data, source, actor=ACTOR)]

    def receipts(self, screened: Sequence[Screened], name: str) -> Path:
        """The receipts of `screened`, one batch, written as `screen-payment --receipts FILE.jsonl` does."""
        versions = self.registry.active_versions()
        path = self.scratch / name
        desk = PaymentDesk.from_registry(self.registry, record=False, versions=versions)
        with (
            path.open("x", encoding="utf-8") as out,
            PaymentReceipts(
                actor=ACTOR, settings=PaymentSettings.of(desk.screener, None), versions=versions,
                holdings_revision=OwnershipStore(self.engine).revision(),
            ) as batch,
        ):  # fmt: skip
            for one in screened:
                batch.add(one)
            batch.sign(
                self.engine, self.key, lambda line, _index: print(line, end="", file=out), subject=name
            )
        return path

    def replay(self, document: dict[str, Any], *, current: bool = False) -> Replay:
        return replay_receipt(document, self.registry, against_current=current)


def bank_at(scratch: Path) -> Bank:
    registry = Registry(connect(f"sqlite:///{scratch / 'registry.db'}"))
    ingest(registry, payee_list(scratch / "payees-1.csv"), PAYEES)
    for name, role in (("alice", "analyst"), ("bob", "approver")):
        Users(registry.engine).create(name, role, PASSWORD)
    return Bank(registry, create_signing_key(scratch / "signing-key.pem"), scratch)


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bank]:
    scratch = tmp_path_factory.mktemp("payment-receipts")
    made = bank_at(scratch)
    try:
        yield made
    finally:
        made.registry.close()


@pytest.fixture(scope="module")
def samples(shared_data: Path) -> dict[str, tuple[bytes, str]]:
    return {
        "held": (shared_data.joinpath(*HELD).read_bytes(), str(shared_data.joinpath(*HELD))),
        "clean": (shared_data.joinpath(*CLEAN).read_bytes(), str(shared_data.joinpath(*CLEAN))),
    }


def documents(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def hit_ids(document: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    return [(h["field"], h["kind"], h.get("entity_id")) for h in document["result"]["hits"]]


def test_a_held_and_a_passed_message_verify_offline_and_replay_the_same(
    bank: Bank, samples: dict[str, tuple[bytes, str]]
) -> None:
    screened = bank.screen(samples["held"], samples["clean"])
    path = bank.receipts(screened, "two.jsonl")
    held, passed = documents(path)

    assert set(held) == COMMON | SIGNED | {"ownership"} and held["channel"] == "payment"
    data, source = samples["held"]
    message = held["query"]["message"]
    assert message["text"].encode("utf-8") == data and "\r\n" in message["text"]  # the bytes as received
    assert (message["sha256"], message["format"], message["type"]) == (
        hashlib.sha256(data).hexdigest(), "swift-mt", "MT103",
    )  # fmt: skip
    assert (message["source"], message["index"], message["messages"]) == (source, 0, 1)
    assert (message["id"], message["digest"]) == (screened[0].decision.reference, screened[0].decision.digest)
    assert held["result"]["outcome"] == "hold" and hit_ids(held) == [(HELD_FIELD, "name", LISTED_ID)]
    score = held["result"]["hits"][0]["score"]
    assert score == round(screened[0].decision.hits[0].score or 0, 6) and score != round(score, 4)
    stored = screened[0].stored
    assert stored is not None and stored["case"] is not None
    assert held["result"]["recorded"] == {"payment": stored["id"], "case": stored["case"]}
    assert held["settings"]["threshold"] > 0 and held["settings"]["max_list_age_days"] is None
    assert held["engine"]["payments_fingerprint"] and held["engine"]["fingerprint"]
    assert [(v["source"], v["version"]) for v in held["lists"]] == [(PAYEES, 1)]

    assert passed["result"]["outcome"] == "pass" and passed["result"]["hits"] == []
    assert passed["query"]["message"]["format"] == "iso20022"
    assert passed["query"]["message"]["type"].startswith("pacs.008")
    assert passed["result"]["recorded"]["case"] is None

    offline = list(verify_file(path, bank.key.public))
    assert [c.ok for c in offline] == [True, True]
    assert [(r.check, r.ok) for r in offline[0].results][-1] == (Check.AUDIT_CHAIN, None)
    assert held["audit"]["seq"] == passed["audit"]["seq"] and held["inclusion"]["size"] == 2  # one batch
    online = list(verify_file(path, bank.key.public, log=AuditLog(bank.engine)))
    assert all(c.ok for c in online) and online[0].results[-1].ok is True

    for document in (held, passed):
        replayed = bank.replay(document)
        assert (replayed.outcome, replayed.against) == (ReplayOutcome.SAME, {PAYEES: 1}), replayed
        assert replayed.differences == []


def test_a_release_passes_the_message_and_its_receipt_replays_the_hold_it_was(
    bank: Bank, samples: dict[str, tuple[bytes, str]]
) -> None:
    [held] = bank.screen(samples["held"])
    assert held.stored is not None
    case = held.stored["case"]
    cases = Cases(bank.engine)
    cases.review(case, Actor("user:alice", Role.ANALYST))
    cases.propose(case, Actor("user:alice", Role.ANALYST), "false_positive", "a namesake, documents on file")
    cases.confirm(case, Actor("user:bob", Role.APPROVER))

    [again] = bank.screen(samples["held"])
    [document] = documents(bank.receipts([again], "released.jsonl"))
    result = document["result"]
    assert (result["outcome"], result["released_by_case"]) == ("pass", case)
    assert hit_ids(document) == [(HELD_FIELD, "name", LISTED_ID)]  # the hits the release covered

    replayed = bank.replay(document)
    assert replayed.outcome is ReplayOutcome.SAME, replayed
    assert any(f"release of case {case}" in reason for reason in replayed.reasons)


def test_a_payload_nobody_could_read_is_a_held_receipt_with_its_bytes(bank: Bank) -> None:
    data = b"\xff\xfeWIRE 1000 EUR TO ACME\r\n"  # neither format, and not UTF-8
    [screened] = bank.screen((data, "upload.bin"), record=False)
    [document] = documents(bank.receipts([screened], "unreadable.jsonl"))
    message = document["query"]["message"]
    assert "text" not in message and base64.b64decode(message["base64"]) == data
    assert (message["format"], message["type"]) == (None, None)
    assert document["result"]["outcome"] == "hold" and document["result"]["recorded"] is None
    assert [h["kind"] for h in document["result"]["hits"]] == ["unreadable"]
    assert all(c.ok for c in verify_file(bank.scratch / "unreadable.jsonl", bank.key.public))
    assert bank.replay(document).outcome is ReplayOutcome.SAME


def test_an_edited_message_is_not_replayed_and_an_edited_hit_replays_different(
    bank: Bank, samples: dict[str, tuple[bytes, str]], tmp_path: Path
) -> None:
    """What an insider holding the key could sign: another message under the receipt's digest, or
    a weaker hit than the one screened. The replay refuses the first by name and shows the second."""
    [screened] = bank.screen(samples["held"], record=False)
    original = documents(bank.receipts([screened], "edited.jsonl"))[0]

    other = json.loads(json.dumps(original))
    other["query"]["message"]["text"] = other["query"]["message"]["text"].replace("SHASHU", "SHASHA")
    forged = tmp_path / "forged.json"
    forged.write_bytes(resigned(other, bank.key) + b"\n")
    [check] = verify_file(forged, bank.key.public)
    assert {r.check for r in check.results if r.ok is False} == {Check.INCLUSION}
    refused = bank.replay(other)
    assert refused.outcome is ReplayOutcome.NOT_REPLAYABLE
    assert (
        refused.reasons
        and "sha256" in refused.reasons[-1]
        and "not the message screened" in refused.reasons[-1]
    )

    weaker = json.loads(json.dumps(original))
    weaker["result"]["hits"][0]["score"] = 0.5
    replayed = bank.replay(weaker)
    assert replayed.outcome is ReplayOutcome.DIFFERENT
    [difference] = replayed.differences
    assert (difference.entity_id, difference.then) == (LISTED_ID, 0.5)
    assert difference.now == original["result"]["hits"][0]["score"] and "score changed" in difference.why
    assert "report this" in replayed.reasons[-1]

    missing = json.loads(json.dumps(original))
    del missing["query"]["message"]["sha256"]
    with pytest.raises(InputError, match="sha256"):
        bank.replay(missing)


def test_replayed_after_the_list_changed_the_receipt_holds_and_today_the_hit_is_gone(
    samples: dict[str, tuple[bytes, str]], tmp_path: Path
) -> None:
    own = bank_at(tmp_path)
    try:
        [screened] = own.screen(samples["held"], record=False)
        [document] = documents(own.receipts([screened], "before.jsonl"))
        ingest(own.registry, payee_list(tmp_path / "payees-2.csv", version=2), PAYEES)
        assert [(v.source, v.number) for v in own.registry.active_versions()] == [(PAYEES, 2)]

        as_then = own.replay(document)
        assert (as_then.outcome, as_then.against) == (ReplayOutcome.SAME, {PAYEES: 1})
        today = own.replay(document, current=True)
        assert (today.outcome, today.against) == (ReplayOutcome.DIFFERENT, {PAYEES: 2})
        [gone] = today.differences
        assert (gone.entity_id, gone.now) == (LISTED_ID, None) and "no longer a hit" in gone.why
        assert (
            f"{PAYEES}: version 1 then, 2 now" in today.reasons and "then: hold; now: pass" in today.reasons
        )
    finally:
        own.registry.close()


def test_a_receipt_is_refused_for_other_lists_or_without_its_message(
    bank: Bank, samples: dict[str, tuple[bytes, str]]
) -> None:
    [screened] = bank.screen(samples["clean"], record=False)
    versions: list[VersionInfo] = bank.registry.active_versions()
    settings = PaymentSettings(0.5, 5, None)
    with (
        PaymentReceipts(actor=ACTOR, settings=settings, versions=[], holdings_revision=None) as batch,
        pytest.raises(ValueError, match=f"{PAYEES}/1"),
    ):
        batch.add(screened)  # screened against a list the receipts would not name
    with PaymentReceipts(actor=ACTOR, settings=settings, versions=versions, holdings_revision=None) as batch:
        with pytest.raises(ValueError, match="let go"):
            batch.add(replace(screened, received=None))
        assert len(batch) == 0
