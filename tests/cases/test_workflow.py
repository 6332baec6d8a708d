"""The four-eyes review of alerts: every step a compare-and-set, audited, on both backends.

open -> review -> propose -> confirm (by someone else) -> close, with send-back, the good-guy list a
confirmed false positive feeds, and concurrent deciders of which exactly one wins.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, insert, select, update

from sanctionwatch.access.roles import Role
from sanctionwatch.access.tables import users
from sanctionwatch.cases import workflow
from sanctionwatch.cases.workflow import (
    Actor,
    CaseConflictError,
    CaseError,
    CaseNotFoundError,
    Cases,
    NotAllowedError,
)
from sanctionwatch.db.engine import as_utc
from sanctionwatch.monitoring.alerts import Alerts, Finding, RaiseResult
from sanctionwatch.monitoring.tables import alerts, case_events, good_guys
from sanctionwatch.registry.audit import AuditLog, AuditRecord
from sanctionwatch.registry.tables import audit_head
from sanctionwatch.screening.query import Hit

ALICE = Actor("user:alice", Role.ANALYST)
SYSTEM = Actor("key:#9 payments gateway", Role.ADMIN)
ERIN = Actor("user:erin", Role.ANALYST)
BOB = Actor("user:bob", Role.APPROVER)
CAROL = Actor("user:carol", Role.APPROVER)
DAVE = Actor("user:dave", Role.ADMIN)
VIC = Actor("user:vic", Role.VIEWER)
ENTITY = "ofac-sdn:1"

# ---- fixtures and helpers --------------------------------------------------------------------------


# The users behind the actors: a person acts on cases only while their user is active, with its role.
PEOPLE = {
    "alice": Role.ANALYST, "erin": Role.ANALYST, "bob": Role.APPROVER, "carol": Role.APPROVER,
    "dave": Role.ADMIN, "vic": Role.VIEWER, "p": Role.ANALYST,
    **{f"w{i}": Role.APPROVER for i in range(8)},
    **{f"{kind}{i}": Role.ANALYST for kind in "an" for i in range(16)},
}  # fmt: skip


@pytest.fixture
def db(engine: Engine) -> Engine:
    """The module's database (either backend) with no alerts, case events or good guys, an empty audit
    log, and the users of PEOPLE, all active."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(delete(good_guys))
        conn.execute(delete(case_events))
        conn.execute(delete(alerts))
        conn.execute(delete(users))
        conn.execute(
            insert(users),
            [
                {"name": n, "role": r.value, "password_hash": "-", "created_at": now}
                for n, r in PEOPLE.items()
            ],
        )
    return engine


@pytest.fixture
def cases(db: Engine) -> Cases:
    return Cases(db)


def hit(entity_id: str = ENTITY, score: float = 0.9) -> Hit:
    return Hit(
        entity_id=entity_id,
        score=score,
        source_ids=[entity_id],
        matched_name="X",
        caption="X",
        schema="Person",
    )


def finding(
    customer_id: str = "c1",
    customer_hash: str = "ch1",
    record_hash: str = "rh1",
    entity_id: str = ENTITY,
) -> Finding:
    return Finding(customer_id, customer_hash, hit(entity_id), record_hash, "ofac-sdn/1")


def raise_findings(engine: Engine, *findings: Finding) -> RaiseResult:
    return Alerts(engine).raise_alerts(list(findings), trigger="customers")


def new_alert(engine: Engine, customer_id: str = "c1", **kwargs: str) -> int:
    result = raise_findings(engine, finding(customer_id, **kwargs))
    assert len(result.created) == 1
    return int(result.created[0]["id"])


def new_alerts(engine: Engine, count: int, prefix: str = "c") -> list[int]:
    result = raise_findings(engine, *(finding(f"{prefix}{i}") for i in range(count)))
    assert len(result.created) == count
    return [int(a["id"]) for a in result.created]


def alert(engine: Engine, alert_id: int) -> dict[str, Any]:
    got = Alerts(engine).get(alert_id)
    assert got is not None
    return got


def audit_records(engine: Engine) -> list[AuditRecord]:
    return AuditLog(engine).records()


def assert_audit_ok(engine: Engine, records: int) -> None:
    check = AuditLog(engine).verify()
    assert check.ok, check.problem
    assert check.checked == records
    assert check.head_seq == records


def good_guy_rows(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(good_guys).order_by(good_guys.c.customer_id))]


def event_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(case_events)).scalar_one())


def snapshot(engine: Engine, alert_id: int) -> tuple[dict[str, Any], int, int, int]:
    """Everything a refused step must leave alone: the alert row, the case events, the audit log and its head."""
    with engine.connect() as conn:
        row = dict(conn.execute(select(alerts).where(alerts.c.id == alert_id)).one()._mapping)
        head = int(conn.execute(select(audit_head.c.seq)).scalar_one())
        gg = int(conn.execute(select(func.count()).select_from(good_guys)).scalar_one())
    return row, event_count(engine), head, gg


def to_proposed(
    cases: Cases, alert_id: int, proposer: Actor = ALICE, decision: str = "false_positive"
) -> None:
    cases.review(alert_id, proposer)
    cases.propose(alert_id, proposer, decision, "different date of birth")


def to_confirmed(cases: Cases, alert_id: int, decision: str = "false_positive") -> None:
    to_proposed(cases, alert_id, ALICE, decision)
    cases.confirm(alert_id, BOB)


# ---- the happy path --------------------------------------------------------------------------------


def test_happy_path_open_review_propose_confirm_close(db: Engine, cases: Cases) -> None:
    alert_id = new_alert(db)
    assert alert(db, alert_id)["status"] == "open"

    cases.review(alert_id, ALICE)
    assert alert(db, alert_id)["status"] == "in_review"
    cases.propose(alert_id, ALICE, "false_positive", "  different   date of\nbirth ")
    proposed = alert(db, alert_id)
    assert proposed["status"] == "proposed"
    assert (proposed["decision"], proposed["reason"], proposed["proposed_by"]) == (
        "false_positive",
        "different date of birth",
        "user:alice",
    )
    cases.confirm(alert_id, BOB, comment="agreed")
    cases.close(alert_id, ALICE)

    final = alert(db, alert_id)
    assert final["status"] == "closed"
    assert final["assignee"] == "user:alice"  # review took the unassigned case
    assert final["decision"] == "false_positive"
    assert final["proposed_by"] == "user:alice"
    assert final["confirmed_by"] == "user:bob"
    assert final["revision"] == 4
    events = [(e["actor"], e["action"], e["from_status"], e["to_status"], e["text"]) for e in final["events"]]
    assert events == [
        ("system", "opened", None, "open", events[0][4]),
        ("user:alice", "review", "open", "in_review", None),
        ("user:alice", "propose", "in_review", "proposed", "false_positive: different date of birth"),
        ("user:bob", "confirm", "proposed", "confirmed", "agreed"),
        ("user:alice", "close", "confirmed", "closed", None),
    ]
    times = [e["at"] for e in final["events"]]
    assert times == sorted(times)

    records = audit_records(db)
    assert [(r.actor, r.action) for r in records] == [
        ("system", "alerts.created"),
        ("user:alice", "case.review"),
        ("user:alice", "case.propose"),
        ("user:bob", "case.confirm"),
        ("user:alice", "case.close"),
    ]
    for record in records[1:]:
        assert record.subject == f"alert {alert_id}"
        assert record.details["customer_id"] == "c1"
        assert record.details["entity_id"] == ENTITY
    assert [r.details["status"] for r in records[1:]] == ["in_review", "proposed", "confirmed", "closed"]
    assert [r.details["role"] for r in records[1:]] == ["analyst", "analyst", "approver", "analyst"]
    assert records[2].details["decision"] == "false_positive"
    assert records[2].details["reason"] == "different date of birth"
    assert records[2].details["proposed_by"] == "user:alice"
    assert records[3].details["confirmed_by"] == "user:bob"
    assert records[3].details["text"] == "agreed"
    assert_audit_ok(db, 5)
    assert Alerts(db).list(status=["closed"])[0]["id"] == alert_id


def test_an_admin_confirms_and_a_different_analyst_closes(db: Engine, cases: Cases) -> None:
    alert_id = new_alert(db)
    to_proposed(cases, alert_id, ERIN, "true_match")
    cases.confirm(alert_id, DAVE)
    cases.close(alert_id, ALICE)
    got = alert(db, alert_id)
    assert (got["status"], got["decision"], got["proposed_by"], got["confirmed_by"]) == (
        "closed",
        "true_match",
        "user:erin",
        "user:dave",
    )
    assert_audit_ok(db, 5)


# ---- four eyes -------------------------------------------------------------------------------------


def set_user(engine: Engine, name: str, **values: Any) -> None:
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.name == name).values(**values))


def test_a_disabled_user_takes_no_step_and_is_none_of_the_four_eyes(db: Engine, cases: Cases) -> None:
    alert_id = new_alert(db)
    to_proposed(cases, alert_id)  # alice proposes a false positive
    set_user(db, "carol", disabled_at=datetime.now(UTC))
    before = snapshot(db, alert_id)
    for step in (
        lambda: cases.confirm(alert_id, CAROL, comment="cleared on my way out"),
        lambda: cases.send_back(alert_id, CAROL, "no"),
        lambda: cases.comment(alert_id, CAROL, "still here"),
    ):
        with pytest.raises(NotAllowedError, match="user:carol is disabled"):
            step()
        assert snapshot(db, alert_id) == before  # nothing written, not even the audit record
    set_user(db, "alice", disabled_at=datetime.now(UTC))
    other = new_alert(db, "c2")
    with pytest.raises(NotAllowedError, match="user:alice is disabled"):
        cases.review(other, ALICE)
    cases.confirm(alert_id, BOB)  # an active approver still can: the case is not stuck
    assert alert(db, alert_id)["status"] == "confirmed"


def test_a_person_acts_with_the_role_their_user_has_today(db: Engine, cases: Cases) -> None:
    alert_id = new_alert(db)
    to_proposed(cases, alert_id)
    set_user(db, "bob", role=Role.ANALYST.value)  # demoted after the credential was issued
    with pytest.raises(NotAllowedError, match="needs the approver role; user:bob has analyst"):
        cases.confirm(alert_id, BOB)
    with pytest.raises(NotAllowedError, match="user:mallory is no user"):
        cases.confirm(alert_id, Actor("user:mallory", Role.ADMIN))
    assert alert(db, alert_id)["status"] == "proposed"


@pytest.mark.parametrize("role", [Role.APPROVER, Role.ADMIN])
def test_the_proposer_can_never_confirm_nor_send_back_their_own_proposal(
    db: Engine, cases: Cases, role: Role
) -> None:
    alert_id = new_alert(db)
    to_proposed(cases, alert_id, Actor("user:bob", role))
    before = snapshot(db, alert_id)
    for who in (Actor("user:bob", Role.APPROVER), Actor("user:bob", Role.ADMIN)):
        with pytest.raises(NotAllowedError, match="four-eyes") as confirmed:
            cases.confirm(alert_id, who, comment="looks right to me")
        assert "user:bob proposed" in str(confirmed.value)
        with pytest.raises(NotAllowedError, match="four-eyes"):
            cases.send_back(alert_id, who, "second thoughts")
    assert snapshot(db, alert_id) == before
    got = alert(db, alert_id)
    assert got["status"] == "proposed"
    assert got["confirmed_by"] is None
    assert [r.action for r in audit_records(db)] == ["alerts.created", "case.review", "case.propose"]
    assert good_guy_rows(db) == []
    assert_audit_ok(db, 3)

    cases.confirm(alert_id, CAROL)  # a second person can
    assert alert(db, alert_id)["confirmed_by"] == "user:carol"


def test_a_proposal_without_a_proposer_is_refused(db: Engine, cases: Cases) -> None:
    """A hand-edited row with no proposer matches no four-eyes comparison: nobody can confirm it."""
    alert_id = new_alert(db)
    to_proposed(cases, alert_id)
    with db.begin() as conn:
        conn.execute(update(alerts).where(alerts.c.id == alert_id).values(proposed_by=None))
    before = snapshot(db, alert_id)
    with pytest.raises(CaseError):
        cases.confirm(alert_id, BOB)
    with pytest.raises(CaseError):
        cases.send_back(alert_id, BOB, "who proposed this?")
    assert snapshot(db, alert_id) == before


# ---- roles -----------------------------------------------------------------------------------------


def test_a_viewer_can_do_nothing(db: Engine, cases: Cases) -> None:
    opened, proposed, confirmed = new_alerts(db, 3)
    to_proposed(cases, proposed)
    to_confirmed(cases, confirmed)
    attempts: list[tuple[int, Callable[[], None]]] = [
        (opened, lambda: cases.review(opened, VIC)),
        (opened, lambda: cases.assign(opened, VIC, "user:vic")),
        (opened, lambda: cases.comment(opened, VIC, "hello")),
        (proposed, lambda: cases.confirm(proposed, VIC)),
        (proposed, lambda: cases.send_back(proposed, VIC, "no")),
        (confirmed, lambda: cases.close(confirmed, VIC)),
    ]
    in_review = new_alert(db, "c9")
    cases.review(in_review, ALICE)
    attempts.append((in_review, lambda: cases.propose(in_review, VIC, "true_match", "same person")))
    for alert_id, attempt in attempts:
        before = snapshot(db, alert_id)
        with pytest.raises(NotAllowedError, match=r"needs the (analyst|approver) role"):
            attempt()
        assert snapshot(db, alert_id) == before


def test_an_analyst_cannot_confirm_nor_send_back(db: Engine, cases: Cases) -> None:
    alert_id = new_alert(db)
    to_proposed(cases, alert_id, ALICE)
    before = snapshot(db, alert_id)
    with pytest.raises(NotAllowedError, match="needs the approver role; user:erin has analyst"):
        cases.confirm(alert_id, ERIN)
    with pytest.raises(NotAllowedError, match="needs the approver role"):
        cases.send_back(alert_id, ERIN, "not convinced")
    assert snapshot(db, alert_id) == before
    assert alert(db, alert_id)["status"] == "proposed"


def test_approvers_and_admins_may_take_the_analyst_steps(db: Engine, cases: Cases) -> None:
    alert_id = new_alert(db)
    cases.assign(alert_id, DAVE, "user:bob")
    cases.review(alert_id, BOB)
    cases.comment(alert_id, DAVE, "checking the passport")
    cases.propose(alert_id, BOB, "true_match", "same passport number")
    cases.confirm(alert_id, DAVE)
    cases.close(alert_id, BOB)
    assert alert(db, alert_id)["status"] == "closed"
    assert_audit_ok(db, 7)


# ---- wrong status, unknown alert, bad input --------------------------------------------------------


def test_steps_from_the_wrong_status_conflict_and_name_it(db: Engine, cases: Cases) -> None:
    opened, proposed, closed = new_alerts(db, 3)
    to_proposed(cases, proposed)
    to_confirmed(cases, closed)
    cases.close(closed, ALICE)
    attempts: list[tuple[int, str, Callable[[], None]]] = [
        (opened, "is open; confirm needs it proposed", lambda: cases.confirm(opened, BOB)),
        (opened, "is open; send_back needs it proposed", lambda: cases.send_back(opened, BOB, "why")),
        (
            opened,
            "is open; propose needs it in_review",
            lambda: cases.propose(opened, ALICE, "true_match", "x"),
        ),
        (opened, "is open; close needs it confirmed", lambda: cases.close(opened, ALICE)),
        (proposed, "is proposed; close needs it confirmed", lambda: cases.close(proposed, ALICE)),
        (proposed, "is proposed; review needs it open", lambda: cases.review(proposed, ERIN)),
        (closed, "is closed; confirm needs it proposed", lambda: cases.confirm(closed, CAROL)),
        (closed, "is closed; assign needs it open or in_review", lambda: cases.assign(closed, ALICE, "x")),
        (closed, "is closed; close needs it confirmed", lambda: cases.close(closed, ALICE)),
    ]
    for alert_id, message, attempt in attempts:
        before = snapshot(db, alert_id)
        with pytest.raises(CaseConflictError, match=message) as caught:
            attempt()
        assert not isinstance(caught.value, NotAllowedError | CaseNotFoundError)
        assert str(caught.value).startswith(f"alert {alert_id}: ")
        assert snapshot(db, alert_id) == before


def test_a_confirmed_case_cannot_be_confirmed_again(db: Engine, cases: Cases) -> None:
    alert_id = new_alert(db)
    to_confirmed(cases, alert_id)
    with pytest.raises(CaseConflictError, match="is confirmed"):
        cases.confirm(alert_id, CAROL)
    with pytest.raises(CaseConflictError, match="is confirmed"):
        cases.send_back(alert_id, CAROL, "too late")
    assert alert(db, alert_id)["confirmed_by"] == "user:bob"


def test_an_unknown_alert_is_not_found(db: Engine, cases: Cases) -> None:
    new_alert(db)
    missing = 999_999
    before = (event_count(db), len(audit_records(db)))
    attempts: list[Callable[[], None]] = [
        lambda: cases.review(missing, ALICE),
        lambda: cases.assign(missing, ALICE, "user:alice"),
        lambda: cases.propose(missing, ALICE, "true_match", "same person"),
        lambda: cases.confirm(missing, BOB),
        lambda: cases.send_back(missing, BOB, "no"),
        lambda: cases.close(missing, ALICE),
        lambda: cases.comment(missing, ALICE, "hello"),
    ]
    for attempt in attempts:
        with pytest.raises(CaseNotFoundError, match=f"alert {missing}: no such alert"):
            attempt()
    assert (event_count(db), len(audit_records(db))) == before


def test_invalid_decisions_and_empty_texts_are_refused(db: Engine, cases: Cases) -> None:
    alert_id = new_alert(db)
    cases.review(alert_id, ALICE)
    before = snapshot(db, alert_id)
    bad: list[tuple[str, Callable[[], None]]] = [
        ("decision: 'maybe' is not one of true_match, false_positive", lambda: cases.propose(alert_id, ALICE, "maybe", "x")),
        ("decision", lambda: cases.propose(alert_id, ALICE, "", "x")),
        ("decision", lambda: cases.propose(alert_id, ALICE, "FALSE_POSITIVE", "x")),
        ("reason: required", lambda: cases.propose(alert_id, ALICE, "false_positive", "")),
        ("reason: required", lambda: cases.propose(alert_id, ALICE, "false_positive", " \n\t ")),
        ("reason: longer than 4000", lambda: cases.propose(alert_id, ALICE, "true_match", "x" * 4001)),
        ("comment: required", lambda: cases.comment(alert_id, ALICE, "   ")),
        ("assignee: required", lambda: cases.assign(alert_id, ALICE, "")),
    ]  # fmt: skip
    for message, attempt in bad:
        with pytest.raises(CaseError, match=message) as caught:
            attempt()
        assert type(caught.value) is CaseError
    assert snapshot(db, alert_id) == before

    to_send_back = new_alert(db, "c2")
    to_proposed(cases, to_send_back)
    before = snapshot(db, to_send_back)
    with pytest.raises(CaseError, match="reason: required"):
        cases.send_back(to_send_back, BOB, "  ")
    with pytest.raises(CaseError, match="comment: longer than 4000"):
        cases.confirm(to_send_back, BOB, comment="y" * 4001)
    assert snapshot(db, to_send_back) == before


def test_a_reason_of_exactly_the_limit_is_kept(db: Engine, cases: Cases) -> None:
    alert_id = new_alert(db)
    cases.review(alert_id, ALICE)
    cases.propose(alert_id, ALICE, "true_match", "é" * workflow.MAX_TEXT)
    assert alert(db, alert_id)["reason"] == "é" * workflow.MAX_TEXT
    assert_audit_ok(db, 3)


def test_an_assignee_longer_than_the_column_is_refused_alike_on_both_backends(
    db: Engine, cases: Cases
) -> None:
    alert_id = new_alert(db)
    before = snapshot(db, alert_id)
    with pytest.raises(CaseError, match="assignee"):
        cases.assign(alert_id, ALICE, "user:" + "x" * 300)
    assert snapshot(db, alert_id) == before


def test_a_reason_with_a_nul_character_is_refused_alike_on_both_backends(db: Engine, cases: Cases) -> None:
    alert_id = new_alert(db)
    cases.review(alert_id, ALICE)
    before = snapshot(db, alert_id)
    with pytest.raises(CaseError, match="reason"):
        cases.propose(alert_id, ALICE, "false_positive", "same\x00person")
    assert snapshot(db, alert_id) == before


# ---- send back -------------------------------------------------------------------------------------


def test_send_back_returns_the_case_to_review_and_clears_the_proposal(db: Engine, cases: Cases) -> None:
    alert_id = new_alert(db)
    to_proposed(cases, alert_id, ALICE, "false_positive")
    cases.send_back(alert_id, BOB, "check the second passport")
    sent = alert(db, alert_id)
    assert sent["status"] == "in_review"
    assert sent["decision"] is None
    assert sent["proposed_by"] is None
    assert sent["confirmed_by"] is None
    assert sent["assignee"] == "user:alice"
    assert sent["revision"] == 3
    last = sent["events"][-1]
    assert (last["actor"], last["action"], last["from_status"], last["to_status"], last["text"]) == (
        "user:bob",
        "send_back",
        "proposed",
        "in_review",
        "check the second passport",
    )
    record = audit_records(db)[-1]
    assert (record.actor, record.action, record.subject) == (
        "user:bob",
        "case.send_back",
        f"alert {alert_id}",
    )
    assert record.details["decision"] is None
    assert record.details["proposed_by"] is None
    assert record.details["status"] == "in_review"

    with pytest.raises(CaseConflictError, match="is in_review"):
        cases.confirm(alert_id, CAROL)

    # The approver who sent it back proposes now; the first analyst cannot confirm (role), another approver can.
    cases.propose(alert_id, BOB, "true_match", "second passport matches")
    with pytest.raises(NotAllowedError, match="four-eyes"):
        cases.confirm(alert_id, BOB)
    cases.confirm(alert_id, CAROL)
    done = alert(db, alert_id)
    assert (done["status"], done["decision"], done["proposed_by"], done["confirmed_by"]) == (
        "confirmed",
        "true_match",
        "user:bob",
        "user:carol",
    )
    assert [e["action"] for e in done["events"]] == [
        "opened",
        "review",
        "propose",
        "send_back",
        "propose",
        "confirm",
    ]
    assert_audit_ok(db, 6)
    assert good_guy_rows(db) == []  # a true match never goes onto the good-guy list


def test_the_first_proposer_may_confirm_a_later_proposal_by_someone_else(db: Engine, cases: Cases) -> None:
    alert_id = new_alert(db)
    to_proposed(cases, alert_id, BOB)
    cases.send_back(alert_id, CAROL, "weak reason")
    cases.propose(alert_id, ERIN, "false_positive", "different nationality")
    cases.confirm(alert_id, BOB)
    got = alert(db, alert_id)
    assert (got["proposed_by"], got["confirmed_by"]) == ("user:erin", "user:bob")


# ---- the good-guy list -----------------------------------------------------------------------------


def test_a_confirmed_false_positive_goes_on_the_good_guy_list_and_stays_quiet(
    db: Engine, cases: Cases
) -> None:
    alert_id = new_alert(db)
    to_confirmed(cases, alert_id, "false_positive")
    [row] = good_guy_rows(db)
    assert (row["customer_id"], row["entity_id"], row["customer_hash"], row["record_hash"]) == (
        "c1",
        ENTITY,
        "ch1",
        "rh1",
    )
    assert row["alert_id"] == alert_id
    assert row["reason"] == "different date of birth"
    audited = len(audit_records(db))

    again = raise_findings(db, finding("c1"))
    assert again.created == []
    assert again.already_alerted + again.suppressed == 1
    assert [a["id"] for a in Alerts(db).list()] == [alert_id]
    assert len(audit_records(db)) == audited  # nothing raised, nothing audited

    # Closing the case changes nothing about the suppression.
    cases.close(alert_id, ALICE)
    assert raise_findings(db, finding("c1")).created == []


@pytest.mark.parametrize(
    "changed",
    [{"customer_hash": "ch2"}, {"record_hash": "rh2"}, {"customer_hash": "ch2", "record_hash": "rh2"}],
)
def test_a_changed_side_raises_a_new_alert_despite_the_good_guy_entry(
    db: Engine, cases: Cases, changed: dict[str, str]
) -> None:
    first = new_alert(db)
    to_confirmed(cases, first, "false_positive")
    result = raise_findings(db, finding("c1", **changed))
    assert len(result.created) == 1
    second = int(result.created[0]["id"])
    assert second != first
    got = alert(db, second)
    assert got["status"] == "open"
    assert got["customer_hash"] == changed.get("customer_hash", "ch1")
    assert got["record_hash"] == changed.get("record_hash", "rh1")


def test_a_second_cleared_state_replaces_the_good_guy_entry(db: Engine, cases: Cases) -> None:
    first = new_alert(db)
    to_confirmed(cases, first, "false_positive")
    second = new_alert(db, "c1", customer_hash="ch2")
    cases.review(second, ERIN)
    cases.propose(second, ERIN, "false_positive", "address moved, still not the listed person")
    cases.confirm(second, CAROL)
    [row] = good_guy_rows(db)
    assert (row["customer_hash"], row["record_hash"], row["alert_id"]) == ("ch2", "rh1", second)
    assert row["reason"] == "address moved, still not the listed person"
    assert raise_findings(db, finding("c1", customer_hash="ch2")).created == []
    assert_audit_ok(db, 8)


def test_an_expired_good_guy_entry_no_longer_suppresses(db: Engine, cases: Cases) -> None:
    alert_id = new_alert(db)
    to_confirmed(cases, alert_id, "false_positive")
    with db.begin() as conn:
        conn.execute(update(good_guys).values(expires_at=datetime.now(UTC) - timedelta(days=1)))
    changed = raise_findings(db, finding("c1", record_hash="rh2"))
    assert len(changed.created) == 1
    assert changed.suppressed == 0


def test_a_cleared_pair_alerts_again_unchanged_once_its_entry_expires(db: Engine, cases: Cases) -> None:
    """A clearance is not forever: after the expiry the same pair, in the same state, is looked at again."""
    alert_id = new_alert(db)
    to_confirmed(cases, alert_id, "false_positive")
    quiet = raise_findings(db, finding("c1"))
    assert (quiet.created, quiet.suppressed) == ([], 1)
    with db.begin() as conn:
        conn.execute(update(good_guys).values(expires_at=datetime.now(UTC) - timedelta(days=1)))
    again = raise_findings(db, finding("c1"))
    assert len(again.created) == 1 and again.created[0]["id"] != alert_id
    assert raise_findings(db, finding("c1")).already_alerted == 1  # the new alert is now the open one


def test_the_good_guy_list_suppresses_until_it_expires(db: Engine) -> None:
    """The suppression itself, for a pair in a cleared state that has no alert of its own (entry set directly)."""
    other = new_alert(db, "c0")
    with db.begin() as conn:
        conn.execute(
            good_guys.insert().values(
                customer_id="c7",
                entity_id=ENTITY,
                customer_hash="ch7",
                record_hash="rh7",
                alert_id=other,
                reason="cleared elsewhere",
                created_at=datetime.now(UTC),
                expires_at=datetime.now(UTC) + timedelta(days=30),
            )
        )
    quiet = raise_findings(db, finding("c7", customer_hash="ch7", record_hash="rh7"))
    assert (quiet.created, quiet.suppressed, quiet.already_alerted) == ([], 1, 0)
    with db.begin() as conn:
        conn.execute(update(good_guys).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    loud = raise_findings(db, finding("c7", customer_hash="ch7", record_hash="rh7"))
    assert (len(loud.created), loud.suppressed) == (1, 0)


def test_a_confirmed_true_match_does_not_go_on_the_good_guy_list(db: Engine, cases: Cases) -> None:
    alert_id = new_alert(db)
    to_confirmed(cases, alert_id, "true_match")
    cases.close(alert_id, ERIN)
    assert good_guy_rows(db) == []
    changed = raise_findings(db, finding("c1", record_hash="rh2"))
    assert len(changed.created) == 1


def test_a_false_positive_that_is_only_proposed_or_sent_back_is_not_cleared(db: Engine, cases: Cases) -> None:
    alert_id = new_alert(db)
    to_proposed(cases, alert_id, ALICE, "false_positive")
    assert good_guy_rows(db) == []
    cases.send_back(alert_id, BOB, "no")
    assert good_guy_rows(db) == []


@pytest.mark.parametrize("days", [1, 30, 365])
def test_good_guy_days_sets_the_expiry(db: Engine, days: int) -> None:
    cases = Cases(db, good_guy_days=days)
    alert_id = new_alert(db)
    to_proposed(cases, alert_id)
    before = datetime.now(UTC)
    cases.confirm(alert_id, BOB)
    after = datetime.now(UTC)
    [row] = good_guy_rows(db)
    expires = as_utc(row["expires_at"])
    created = as_utc(row["created_at"])
    assert before <= created <= after
    assert before + timedelta(days=days) <= expires <= after + timedelta(days=days)
    assert expires - created == timedelta(days=days)


def test_the_default_good_guy_expiry_is_a_year(db: Engine, cases: Cases) -> None:
    alert_id = new_alert(db)
    to_confirmed(cases, alert_id)
    [row] = good_guy_rows(db)
    assert as_utc(row["expires_at"]) - as_utc(row["created_at"]) == timedelta(days=workflow.GOOD_GUY_DAYS)


# ---- comments and assignment -----------------------------------------------------------------------


def test_comments_and_assignment_keep_the_status_and_are_recorded(db: Engine, cases: Cases) -> None:
    alert_id = new_alert(db)
    cases.comment(alert_id, ALICE, "  looks   like a\ttypo ")
    cases.assign(alert_id, ALICE, "  user:erin ")
    got = alert(db, alert_id)
    assert got["status"] == "open"
    assert got["assignee"] == "user:erin"
    events = [
        (e["actor"], e["action"], e["from_status"], e["to_status"], e["text"]) for e in got["events"][1:]
    ]
    assert events == [
        ("user:alice", "comment", "open", None, "looks like a typo"),  # where it was; no move
        ("user:alice", "assign", "open", None, "assigned to user:erin"),
    ]
    records = audit_records(db)
    assert [(r.actor, r.action) for r in records[1:]] == [
        ("user:alice", "case.comment"),
        ("user:alice", "case.assign"),
    ]
    assert records[1].details["text"] == "looks like a typo"
    assert records[2].details["assignee"] == "user:erin"
    assert records[2].details["status"] == "open"

    to_confirmed(cases, alert_id)
    cases.comment(alert_id, CAROL, "filed")
    cases.close(alert_id, ALICE)
    cases.comment(alert_id, ERIN, "closed cases take comments too")
    final = alert(db, alert_id)
    assert final["status"] == "closed"
    assert [e["action"] for e in final["events"]][-2:] == ["close", "comment"]
    assert_audit_ok(db, 9)


def test_review_assigns_the_reviewer_only_when_nobody_holds_the_case(db: Engine, cases: Cases) -> None:
    unassigned, held = new_alerts(db, 2)
    cases.review(unassigned, ALICE)
    assert alert(db, unassigned)["assignee"] == "user:alice"

    cases.assign(held, BOB, "user:carol")
    cases.review(held, ALICE)
    got = alert(db, held)
    assert got["assignee"] == "user:carol"
    assert got["status"] == "in_review"
    assert Alerts(db).list(assignee="user:carol")[0]["id"] == held


def test_reassignment_moves_the_case_between_analysts(db: Engine, cases: Cases) -> None:
    alert_id = new_alert(db)
    cases.review(alert_id, ALICE)
    cases.assign(alert_id, BOB, "user:erin")
    cases.propose(alert_id, ERIN, "false_positive", "other person")
    cases.assign(alert_id, BOB, "user:carol")
    got = alert(db, alert_id)
    assert (got["status"], got["assignee"], got["proposed_by"]) == ("proposed", "user:carol", "user:erin")


# ---- concurrency -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Attempt:
    alert_id: int
    actor: str
    action: str
    outcome: str  # "ok", "conflict", or the repr of any other exception


def _run_workers(workers: int, work: Callable[[int], list[Attempt]]) -> list[Attempt]:
    barrier = threading.Barrier(workers)

    def start(worker: int) -> list[Attempt]:
        barrier.wait(timeout=30)
        return work(worker)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(start, w) for w in range(workers)]
        return [attempt for f in futures for attempt in f.result(timeout=60)]


def _outcome(step: Callable[[], None]) -> str:
    try:
        step()
    except CaseConflictError:
        return "conflict"
    except Exception as exc:
        return repr(exc)
    return "ok"


def test_concurrent_deciders_exactly_one_wins_per_case(db: Engine, cases: Cases) -> None:
    postgres = db.dialect.name == "postgresql"
    count, workers = (20, 8) if postgres else (12, 4)
    ids = new_alerts(db, count)
    proposer = Actor("user:p", Role.ANALYST)
    for alert_id in ids:
        to_proposed(cases, alert_id, proposer, "false_positive")
    initial = len(audit_records(db))
    assert initial == 1 + 2 * count
    events_before = event_count(db)

    def work(worker: int) -> list[Attempt]:
        rng = random.Random(1000 + worker)
        mine = Cases(db)
        me = Actor(f"user:w{worker}", Role.APPROVER)
        order = list(ids)
        rng.shuffle(order)
        done: list[Attempt] = []
        for alert_id in order:
            if rng.random() < 0.5:
                outcome = _outcome(partial(mine.confirm, alert_id, me, comment=f"ok by {me.name}"))
                done.append(Attempt(alert_id, me.name, "confirm", outcome))
            else:
                outcome = _outcome(partial(mine.send_back, alert_id, me, f"back from {me.name}"))
                done.append(Attempt(alert_id, me.name, "send_back", outcome))
        return done

    attempts = _run_workers(workers, work)

    unexpected = [a for a in attempts if a.outcome not in ("ok", "conflict")]
    assert unexpected == []
    assert len(attempts) == count * workers
    winners = {a.alert_id: a for a in attempts if a.outcome == "ok"}
    assert sum(a.outcome == "ok" for a in attempts) == count
    assert sum(a.outcome == "conflict" for a in attempts) == count * (workers - 1)
    assert sorted(winners) == sorted(ids)

    with db.connect() as conn:
        decided = Counter(
            (row.alert_id, row.action)
            for row in conn.execute(
                select(case_events.c.alert_id, case_events.c.action).where(
                    case_events.c.action.in_(["confirm", "send_back"])
                )
            )
        )
    assert event_count(db) == events_before + count
    for alert_id in ids:
        winner = winners[alert_id]
        got = alert(db, alert_id)
        assert got["revision"] == 3  # review, propose, and exactly one decision
        assert decided[(alert_id, winner.action)] == 1
        assert sum(decided[(alert_id, action)] for action in ("confirm", "send_back")) == 1
        last = got["events"][-1]
        assert (last["actor"], last["action"]) == (winner.actor, winner.action)
        if winner.action == "confirm":
            assert (got["status"], got["decision"], got["proposed_by"], got["confirmed_by"]) == (
                "confirmed",
                "false_positive",
                "user:p",
                winner.actor,
            )
        else:
            assert (got["status"], got["decision"], got["proposed_by"], got["confirmed_by"]) == (
                "in_review",
                None,
                None,
                None,
            )
    confirmed = sorted(a for a, w in winners.items() if w.action == "confirm")
    assert sorted(r["alert_id"] for r in good_guy_rows(db)) == confirmed
    assert len(Alerts(db).list(status=["confirmed"])) == len(confirmed)
    assert len(Alerts(db).list(status=["in_review"])) == count - len(confirmed)

    records = audit_records(db)
    assert len(records) == initial + count
    audited = Counter((r.subject, r.actor, r.action) for r in records[initial:])
    assert audited == Counter((f"alert {w.alert_id}", w.actor, f"case.{w.action}") for w in winners.values())
    assert_audit_ok(db, initial + count)


def test_concurrent_review_chains_and_comments_lose_nothing(db: Engine, cases: Cases) -> None:
    postgres = db.dialect.name == "postgresql"
    chains, commenters, per_chain, rounds = (6, 4, 3, 3) if postgres else (3, 2, 2, 2)
    count = chains * per_chain
    ids = new_alerts(db, count)
    initial = len(audit_records(db))
    assert initial == 1

    def work(worker: int) -> list[Attempt]:
        mine = Cases(db)
        done: list[Attempt] = []
        if worker < chains:
            me = Actor(f"user:a{worker}", Role.ANALYST)
            for alert_id in ids[worker * per_chain : (worker + 1) * per_chain]:
                outcome = _outcome(partial(mine.review, alert_id, me))
                done.append(Attempt(alert_id, me.name, "review", outcome))
                outcome = _outcome(partial(mine.propose, alert_id, me, "true_match", f"by {me.name}"))
                done.append(Attempt(alert_id, me.name, "propose", outcome))
        else:
            me = Actor(f"user:n{worker}", Role.ANALYST)
            for r in range(rounds):
                for alert_id in ids:
                    outcome = _outcome(partial(mine.comment, alert_id, me, f"note {r}"))
                    done.append(Attempt(alert_id, me.name, "comment", outcome))
        return done

    attempts = _run_workers(chains + commenters, work)

    assert [a for a in attempts if a.outcome != "ok"] == []
    assert len(attempts) == 2 * count + commenters * rounds * count
    per_alert = Counter(a.alert_id for a in attempts)
    for alert_id in ids:
        got = alert(db, alert_id)
        assert got["status"] == "proposed"
        assert got["decision"] == "true_match"
        actions = [e["action"] for e in got["events"]]
        assert len(actions) == 1 + per_alert[alert_id]  # "opened" and every successful step
        assert actions.count("comment") == commenters * rounds
        assert actions.index("review") < actions.index("propose")
        assert got["revision"] == per_alert[alert_id]
        assert got["assignee"] == got["proposed_by"]
    assert event_count(db) == count + len(attempts)
    records = audit_records(db)
    assert len(records) == initial + len(attempts)
    assert Counter(r.action for r in records[initial:]) == Counter(f"case.{a.action}" for a in attempts)
    assert_audit_ok(db, initial + len(attempts))


def test_a_system_key_decides_nothing_but_may_review_and_comment(db: Engine, cases: Cases) -> None:
    """Four eyes count people: a key with no person behind it cannot propose, confirm or send back."""
    alert_id = new_alert(db)
    cases.review(alert_id, SYSTEM)
    cases.comment(alert_id, SYSTEM, "screened by the gateway")
    with pytest.raises(NotAllowedError, match="person"):
        cases.propose(alert_id, SYSTEM, "false_positive", "automatic")
    cases.propose(alert_id, ALICE, "false_positive", "different date of birth")
    for step in (lambda: cases.confirm(alert_id, SYSTEM), lambda: cases.send_back(alert_id, SYSTEM, "no")):
        with pytest.raises(NotAllowedError, match="person"):
            step()
    assert alert(db, alert_id)["status"] == "proposed"


def test_concurrent_screenings_open_one_case_per_pair(db: Engine) -> None:
    """Two screenings finding the same new pairs at once (an import beside an update) open each case once."""
    workers = 6
    findings = [finding(f"k{i}") for i in range(15)]

    def work(worker: int) -> list[Attempt]:
        try:
            created = Alerts(db).raise_alerts(findings, trigger="customers").created
        except Exception as exc:  # reported, so that a failure shows which worker and why
            return [Attempt(0, f"w{worker}", "raise", repr(exc))]
        return [Attempt(int(a["id"]), f"w{worker}", "raise", "ok") for a in created]

    attempts = _run_workers(workers, work)
    assert [a for a in attempts if a.outcome != "ok"] == []
    assert len(attempts) == len(findings)  # the first run opened them all; the others found them known
    stored = Alerts(db).list()
    assert sorted(a["customer_id"] for a in stored) == sorted(f.customer_id for f in findings)
    assert AuditLog(db).verify().ok
