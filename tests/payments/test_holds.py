"""The hold queue on both backends: a hold is a case, four eyes release or reject it, a release is kept."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import Engine, select

from sanctionwatch.access.roles import Role
from sanctionwatch.access.users import Users
from sanctionwatch.cases.workflow import Actor, Cases, NotAllowedError
from sanctionwatch.db.engine import connect
from sanctionwatch.monitoring import tables as mt
from sanctionwatch.payments.decision import Decision
from sanctionwatch.payments.holds import PaymentHolds, PaymentState
from sanctionwatch.payments.message import FreeText, MessageError, PaymentMessage
from sanctionwatch.payments.screening import PaymentScreener, unreadable_decision
from sanctionwatch.registry.audit import AuditLog
from tests.payments.conftest import ORDINARY, message, party

ALICE = Actor("user:alice", Role.ANALYST)
BOB = Actor("user:bob", Role.APPROVER)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    eng = connect(database_url)
    Users(eng).create("alice", "analyst", PASSWORD)
    Users(eng).create("bob", "approver", PASSWORD)
    try:
        yield eng
    finally:
        eng.dispose()


def held_message(reference: str = "REF1") -> PaymentMessage:
    return message(ORDINARY[0], party("59", name="KOREA KWANGSON BANKING CORP"), reference=reference)


def decide(cases: Cases, case: int, decision: str) -> None:
    cases.review(case, ALICE)
    cases.propose(case, ALICE, decision, "reviewed the wire and the documents")
    cases.confirm(case, BOB)


def test_a_pass_is_recorded_and_opens_no_case(engine: Engine, payments: PaymentScreener) -> None:
    stored = PaymentHolds(engine).record(
        payments.screen(message(*ORDINARY)), actor="gateway", message="{1:...}"
    )
    assert (stored["state"], stored["case"], stored["decision"]) == ("passed", None, "pass")
    assert stored["message"] == "{1:...}" and stored["list_versions"] == ["ofac-sdn/1"]


def test_a_hold_is_a_case_that_four_eyes_release(engine: Engine, payments: PaymentScreener) -> None:
    holds, cases = PaymentHolds(engine), Cases(engine)
    stored = holds.record(payments.screen(held_message()), actor="gateway")
    assert stored["state"] == "held" and stored["case"] is not None
    with engine.connect() as conn:
        alert = conn.execute(select(mt.alerts).where(mt.alerts.c.id == stored["case"])).one()
    assert (alert.customer_id, alert.entity_id, alert.trigger) == (
        f"payment:{stored['id']}",
        "ofac-sdn:100",
        "payment",
    )
    assert [h["field"] for h in alert.explanation["hits"]] == ["59"]
    assert [p["id"] for p in holds.recent(state=PaymentState.HELD)] == [stored["id"]]
    cases.review(stored["case"], ALICE)
    cases.propose(stored["case"], ALICE, "false_positive", "a namesake: the beneficiary is a Swiss company")
    with pytest.raises(NotAllowedError):  # nobody releases their own proposal
        cases.confirm(stored["case"], ALICE)
    cases.confirm(stored["case"], BOB)
    assert holds.get(stored["id"])["state"] == "released"  # type: ignore[index]
    assert holds.recent(state=PaymentState.HELD) == []
    actions = [r.action for r in AuditLog(engine).records()]
    assert "payment.held" in actions and "case.confirm" in " ".join(actions)


def test_a_released_message_is_not_held_again_for_the_same_hits(
    engine: Engine, payments: PaymentScreener
) -> None:
    holds = PaymentHolds(engine)
    first = holds.record(payments.screen(held_message()), actor="gateway")
    decide(Cases(engine), first["case"], "false_positive")
    again = payments.screen(held_message())
    stored = holds.record(again, actor="gateway")
    assert (stored["state"], stored["released_by_case"], stored["case"]) == ("passed", first["case"], None)
    assert again.decision is Decision.PASS and any("released in case" in n for n in again.notes)
    # A new hit in the same message: held again, for a fresh look.
    more = replace(held_message(), free_text=(FreeText("70", "FREIGHT MV CHON MA SAN"),))
    assert holds.record(payments.screen(more), actor="gateway")["state"] == "held"
    # Another message (another reference) with the same hits: its own case.
    assert holds.record(payments.screen(held_message("REF9")), actor="gateway")["state"] == "held"


def test_a_rejected_message_stays_rejected_and_is_held_when_sent_again(
    engine: Engine, payments: PaymentScreener
) -> None:
    holds = PaymentHolds(engine)
    first = holds.record(payments.screen(held_message()), actor="gateway")
    decide(Cases(engine), first["case"], "true_match")
    assert holds.get(first["id"])["state"] == "rejected"  # type: ignore[index]
    assert [p["id"] for p in holds.recent(state=PaymentState.REJECTED)] == [first["id"]]
    assert holds.record(payments.screen(held_message()), actor="gateway")["state"] == "held"


def test_an_unreadable_message_is_never_released_by_an_earlier_release(
    engine: Engine, payments: PaymentScreener
) -> None:
    holds = PaymentHolds(engine)
    error = MessageError("no block 4", source="x.fin")
    first = holds.record(unreadable_decision(error, payments.lists, "f" * 64), actor="gateway")
    assert first["state"] == "held" and first["case"] is not None
    decide(Cases(engine), first["case"], "false_positive")
    assert (
        holds.record(unreadable_decision(error, payments.lists, "f" * 64), actor="gateway")["state"] == "held"
    )
