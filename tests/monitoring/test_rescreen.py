"""Screening the customer base against the shipped sample lists: new customers, full re-screens, the
delta after a list update, the alert rules, and the audit record of every run."""

from __future__ import annotations

import pickle
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select, update

from sanctionwatch.db.engine import connect
from sanctionwatch.model import Entity
from sanctionwatch.monitoring import rescreen as rescreen_module
from sanctionwatch.monitoring import tables as t
from sanctionwatch.monitoring.alerts import Alerts, Finding
from sanctionwatch.monitoring.customer import Customer
from sanctionwatch.monitoring.customer_store import Customers
from sanctionwatch.monitoring.rescreen import WORK_CHUNK, Monitor, ScreeningRun, ScreenJob, screen_job
from sanctionwatch.registry.audit import AuditLog
from sanctionwatch.screening.pool import can_fork, map_in_workers
from sanctionwatch.screening.query import Hit
from tests.monitoring.conftest import SampleRegistry

KIM = "ofac-sdn:20157"  # KIM, Jong Un (DOB 1984-01-08)
HWANG = "ofac-sdn:18552"  # HWANG, Su Man (passport 472220033)
CHONG_CHON_GANG = "ofac-sdn:17069"  # vessel, IMO 7937317
CHOE = "un:KPi.013"  # CHOE CHUN-SIK

LISTED_LIKE = [
    Customer("c-kim", "Person", ("Kim Jong Un",), birth_dates=("1984-01-08",), countries=("kp",)),
    Customer("c-hwang", "Person", ("Hwang Su Man",)),
    Customer("c-choe", "Person", ("Choe Chun Sik",)),
]
ORDINARY = [
    Customer("o-maria", "Person", ("Maria Schmidt",), birth_dates=("1975-03-02",), countries=("de",)),
    Customer("o-acme", "Company", ("Acme Widgets GmbH",), countries=("de",)),
    Customer("o-wang", "Person", ("Wang Wei",)),
    Customer("o-kim", "Person", ("Kim Min-jun",), birth_dates=("1992-07-30",)),
]
KIM_VARIANTS = [
    Customer("v-typo", "Person", ("Kimm Jong Un",)),
    Customer("v-reordered", "Person", ("Jong Un Kim",)),
    Customer("v-cyrillic", "Person", ("Ким Чен Ын",)),
    Customer("v-hangul", "Person", ("김정은",)),
    Customer("v-exact", "Person", ("KIM, Jong Un",)),
]


def _monitor(engine: Engine, sample: SampleRegistry, workers: int = 1) -> Monitor:
    return Monitor(engine, sample.screener, sample.list_versions, workers=workers)


def _entity(sample: SampleRegistry, entity_id: str) -> Entity:
    position = sample.screener.index.position_of(entity_id)
    assert position is not None, entity_id
    return sample.screener.index.entities[position]


def _pairs(alerts: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(a["customer_id"], a["entity_id"]) for a in alerts}


def _unscreened(engine: Engine) -> list[str]:
    return [c.id for page in Customers(engine).iter_all(unscreened_only=True) for c in page]


def _last_audit(engine: Engine, action: str) -> Any:
    records = [r for r in AuditLog(engine).records() if r.action == action]
    assert records, f"no {action} record"
    return records[-1]


# ---- new customers and full re-screens ---------------------------------------------------------------


def test_new_customers_named_like_listed_parties_alert_and_ordinary_ones_do_not(
    sample_engine: Engine, sample_registry: SampleRegistry
) -> None:
    Customers(sample_engine).upsert([*LISTED_LIKE, *ORDINARY])
    run = _monitor(sample_engine, sample_registry).screen_new_customers()
    assert run.trigger == "customers"
    assert run.customers == 7 and run.failed == []
    assert _pairs(run.alerts) == {("c-kim", KIM), ("c-hwang", HWANG), ("c-choe", CHOE)}
    assert run.hits >= 3 and run.already_alerted == 0 and run.suppressed == 0
    kim = next(a for a in run.alerts if a["customer_id"] == "c-kim")
    assert kim["status"] == "open" and kim["trigger"] == "customers"
    assert kim["list_version"] == f"ofac-sdn/{sample_registry.list_versions['ofac-sdn']}"
    assert kim["source_ids"] == [KIM] and kim["score"] >= 0.9
    assert Alerts(sample_engine).counts() == {"open": 3}
    assert _unscreened(sample_engine) == []

    again = _monitor(sample_engine, sample_registry).screen_new_customers()
    assert (again.customers, again.alerts, again.hits) == (0, [], 0)


def test_a_full_rescreen_of_unchanged_data_raises_nothing_new(
    sample_engine: Engine, sample_registry: SampleRegistry
) -> None:
    Customers(sample_engine).upsert([*LISTED_LIKE, *ORDINARY])
    monitor = _monitor(sample_engine, sample_registry)
    first = monitor.screen_new_customers()
    assert len(first.alerts) == 3

    full = monitor.full()
    assert full.trigger == "full"
    assert full.customers == 7
    assert full.alerts == []
    assert full.already_alerted == full.hits == first.hits
    assert Alerts(sample_engine).counts() == {"open": 3}


def test_a_changed_customer_alerts_again_and_only_it_is_screened(
    sample_engine: Engine, sample_registry: SampleRegistry
) -> None:
    store = Customers(sample_engine)
    store.upsert([*LISTED_LIKE, *ORDINARY])
    monitor = _monitor(sample_engine, sample_registry)
    monitor.screen_new_customers()
    kim = LISTED_LIKE[0]
    store.upsert([Customer(kim.id, kim.schema, kim.names, kim.birth_dates, kim.countries, (), {"rm": "x"})])
    run = monitor.screen_new_customers()
    assert run.customers == 1
    assert _pairs(run.alerts) == {("c-kim", KIM)}  # the pair in a new state: a fresh look
    assert Alerts(sample_engine).counts() == {"open": 4}


def test_a_customer_that_cannot_be_screened_is_reported_and_the_others_still_are(
    sample_engine: Engine, sample_registry: SampleRegistry
) -> None:
    broken = Customer("x-broken", "Person", ("Kim Jong Un",), birth_dates=("1984-13-45",))
    Customers(sample_engine).upsert([ORDINARY[0], broken, *LISTED_LIKE])
    run = _monitor(sample_engine, sample_registry).screen_new_customers()
    assert run.customers == 5
    assert [c for c, _ in run.failed] == ["x-broken"]
    assert "birth_date" in run.failed[0][1] and "1984-13-45" in run.failed[0][1]
    assert _pairs(run.alerts) == {("c-kim", KIM), ("c-hwang", HWANG), ("c-choe", CHOE)}
    assert run.to_json()["failed"] == [{"customer_id": "x-broken", "error": run.failed[0][1]}]
    assert _last_audit(sample_engine, "screening.customers").details["failed"] == 1

    full = _monitor(sample_engine, sample_registry).full()
    assert [c for c, _ in full.failed] == ["x-broken"] and full.alerts == []


def test_screen_customers_screens_exactly_the_ids_given(
    sample_engine: Engine, sample_registry: SampleRegistry
) -> None:
    Customers(sample_engine).upsert([*LISTED_LIKE, *ORDINARY])
    run = _monitor(sample_engine, sample_registry).screen_customers(["c-hwang", "o-maria", "nobody"])
    assert run.customers == 2
    assert _pairs(run.alerts) == {("c-hwang", HWANG)}
    assert sorted(_unscreened(sample_engine)) == sorted(
        c.id for c in [*LISTED_LIKE, *ORDINARY] if c.id not in ("c-hwang", "o-maria")
    )


def test_screening_an_empty_customer_base(sample_engine: Engine, sample_registry: SampleRegistry) -> None:
    monitor = _monitor(sample_engine, sample_registry)
    for run in (monitor.screen_new_customers(), monitor.full(), monitor.delta([KIM])):
        assert (run.customers, run.hits, run.alerts, run.failed) == (0, 0, [], [])


def test_progress_reports_the_customers_screened_so_far(
    sample_engine: Engine, sample_registry: SampleRegistry
) -> None:
    base = [Customer(f"p-{n:04d}", "Person", (f"Person Number{n}",)) for n in range(WORK_CHUNK + 10)]
    Customers(sample_engine).upsert(base)
    seen: list[int] = []
    run = _monitor(sample_engine, sample_registry).full(progress=seen.append)
    assert seen == [WORK_CHUNK, WORK_CHUNK + 10] and run.customers == WORK_CHUNK + 10


# ---- delta screening ---------------------------------------------------------------------------------


def test_delta_finds_the_variants_of_the_changed_party_and_reports_only_its_hits(
    sample_engine: Engine, sample_registry: SampleRegistry
) -> None:
    Customers(sample_engine).upsert([*KIM_VARIANTS, *LISTED_LIKE, *ORDINARY])
    monitor = _monitor(sample_engine, sample_registry)
    run = monitor.delta([KIM])
    assert run.trigger == "delta" and run.parties == 1
    expected = {c.id for c in KIM_VARIANTS} | {"c-kim"}
    assert {a["customer_id"] for a in run.alerts} == expected
    assert {a["entity_id"] for a in run.alerts} == {KIM}  # c-hwang and c-choe hit others: not reported
    assert all(a["trigger"] == "delta" for a in run.alerts)
    assert run.candidates == run.customers
    assert expected <= monitor.candidates_for([_entity(sample_registry, KIM)])
    assert run.candidates < len(KIM_VARIANTS) + len(LISTED_LIKE) + len(ORDINARY)  # not everybody
    assert run.failed == []

    # The hits it left out are raised by a full screen; the delta's own ones are already alerted.
    full = monitor.full()
    assert _pairs(full.alerts) == {("c-hwang", HWANG), ("c-choe", CHOE)}
    assert full.already_alerted == len(expected)


def test_delta_on_an_unchanged_state_raises_nothing_new(
    sample_engine: Engine, sample_registry: SampleRegistry
) -> None:
    Customers(sample_engine).upsert([*KIM_VARIANTS, *ORDINARY])
    monitor = _monitor(sample_engine, sample_registry)
    first = monitor.delta([KIM])
    assert len(first.alerts) == len(KIM_VARIANTS)
    again = monitor.delta([KIM])
    assert again.alerts == [] and again.already_alerted == len(KIM_VARIANTS)


def test_candidates_share_an_identifier_with_the_party_whatever_their_name(
    sample_engine: Engine, sample_registry: SampleRegistry
) -> None:
    passport = Customer("i-passport", "Person", ("Peter Miller",), identifiers=("472 220 033",))
    imo = Customer("i-imo", "Vessel", ("Ocean Star",), identifiers=("imo7937317",))
    other = Customer("i-other", "Person", ("Paul Miller",), identifiers=("472220034",))
    Customers(sample_engine).upsert([passport, imo, other, *ORDINARY])
    monitor = _monitor(sample_engine, sample_registry)
    assert monitor.candidates_for([_entity(sample_registry, HWANG)]) == {"i-passport"}
    assert monitor.candidates_for([_entity(sample_registry, CHONG_CHON_GANG)]) == {"i-imo"}
    both = [_entity(sample_registry, HWANG), _entity(sample_registry, CHONG_CHON_GANG)]
    assert monitor.candidates_for(both) == {"i-passport", "i-imo"}
    assert monitor.candidates_for([]) == set()

    run = monitor.delta([HWANG, CHONG_CHON_GANG])
    assert run.parties == 2
    assert _pairs(run.alerts) == {("i-passport", HWANG), ("i-imo", CHONG_CHON_GANG)}


def test_candidates_need_two_tokens_of_a_listed_name(
    sample_engine: Engine, sample_registry: SampleRegistry
) -> None:
    only_kim = Customer("t-kim", "Person", ("Kim Sun Ok",))
    typo = Customer("t-typo", "Person", ("Jongg Un Lee",))
    Customers(sample_engine).upsert([only_kim, typo, *ORDINARY])
    found = _monitor(sample_engine, sample_registry).candidates_for([_entity(sample_registry, KIM)])
    assert found == {"t-typo"}


def test_delta_with_no_parties_does_nothing(sample_engine: Engine, sample_registry: SampleRegistry) -> None:
    Customers(sample_engine).upsert([*KIM_VARIANTS, *LISTED_LIKE])
    monitor = _monitor(sample_engine, sample_registry)
    for ids in ([], ["ofac-sdn:999999", "nothing"]):
        run = monitor.delta(ids)
        assert (run.parties, run.candidates, run.customers, run.hits, run.alerts) == (0, 0, 0, 0, [])
    assert Alerts(sample_engine).counts() == {}
    assert len(_unscreened(sample_engine)) == len(KIM_VARIANTS) + len(LISTED_LIKE)


def test_a_delta_screen_does_not_count_as_screening_a_new_customer(
    sample_engine: Engine, sample_registry: SampleRegistry
) -> None:
    # Kim Jong Un's name, and Hwang Su Man's passport: a delta candidate for Hwang.
    customer = Customer("n-1", "Person", ("Kim Jong Un",), identifiers=("472220033",))
    Customers(sample_engine).upsert([customer])
    monitor = _monitor(sample_engine, sample_registry)
    delta = monitor.delta([HWANG])
    assert _pairs(delta.alerts) == {("n-1", HWANG)}
    run = monitor.screen_new_customers()
    assert ("n-1", KIM) in _pairs(run.alerts)


# ---- the screening job -------------------------------------------------------------------------------


def test_screen_job_keeps_only_hits_on_the_given_parties_and_travels_between_processes(
    sample_registry: SampleRegistry,
) -> None:
    versions = sample_registry.list_versions
    customers = (
        LISTED_LIKE[0],
        LISTED_LIKE[1],
        Customer("bad", "Person", ("X Y",), birth_dates=("1984-02-30",)),
    )
    everything = screen_job(sample_registry.screener, ScreenJob(customers, 0.7, 10, None, versions))
    assert [i for i, _hash in everything.states] == ["c-kim", "c-hwang", "bad"]
    assert [c for c, _ in everything.failed] == ["bad"] and "birth_date" in everything.failed[0][1]
    assert {(f.customer_id, f.hit.entity_id) for f in everything.findings} >= {
        ("c-kim", KIM),
        ("c-hwang", HWANG),
    }
    for finding in everything.findings:
        assert finding.customer_hash == next(c.hash for c in customers if c.id == finding.customer_id)
        assert finding.record_hash == _entity(sample_registry, finding.hit.entity_id).content_hash()
        assert finding.list_version == f"{finding.hit.entity_id.split(':')[0]}/1"

    only = screen_job(sample_registry.screener, ScreenJob(customers, 0.7, 10, frozenset({HWANG}), versions))
    assert {f.hit.entity_id for f in only.findings} == {HWANG}
    assert pickle.loads(pickle.dumps(only)) == only

    unversioned = screen_job(sample_registry.screener, ScreenJob(customers[:1], 0.7, 10, None, {}))
    assert {f.list_version for f in unversioned.findings} == {"ofac-sdn"}


# ---- alert rules -------------------------------------------------------------------------------------


def _finding(customer: str, entity: str, score: float, customer_hash: str = "c" * 64) -> Finding:
    hit = Hit(entity, score, [entity], "KIM, Jong Un", "KIM, Jong Un", "Person")
    return Finding(customer, customer_hash, hit, "r" * 64, "ofac-sdn/1")


def test_one_alert_per_pair_and_state_with_the_best_score(sample_engine: Engine) -> None:
    alerts = Alerts(sample_engine)
    raised = alerts.raise_alerts(
        [_finding("a", KIM, 0.8), _finding("a", KIM, 0.95), _finding("a", HWANG, 0.75)], trigger="full"
    )
    assert sorted((a["entity_id"], a["score"]) for a in raised.created) == [(HWANG, 0.75), (KIM, 0.95)]
    again = alerts.raise_alerts([_finding("a", KIM, 0.99)], trigger="full")
    assert again.created == [] and again.already_alerted == 1
    changed = alerts.raise_alerts([_finding("a", KIM, 0.99, customer_hash="d" * 64)], trigger="full")
    assert len(changed.created) == 1


def test_a_good_guy_stays_quiet_until_either_side_changes_or_the_entry_expires(
    sample_engine: Engine, sample_registry: SampleRegistry
) -> None:
    store = Customers(sample_engine)
    store.upsert([LISTED_LIKE[0]])
    monitor = _monitor(sample_engine, sample_registry)
    (alert,) = monitor.screen_new_customers().alerts
    detail = Alerts(sample_engine).get(alert["id"])
    assert detail is not None
    now = datetime.now(UTC)
    with sample_engine.begin() as conn:
        conn.execute(
            update(t.alerts)
            .where(t.alerts.c.id == alert["id"])
            .values(status="closed", decision="false_positive")
        )
        conn.execute(
            insert(t.good_guys).values(
                customer_id="c-kim", entity_id=KIM, customer_hash=detail["customer_hash"],
                record_hash=detail["record_hash"], alert_id=alert["id"], reason="other person",
                created_at=now, expires_at=now + timedelta(days=30),
            )
        )  # fmt: skip
    quiet = monitor.full()
    assert (quiet.alerts, quiet.suppressed, quiet.already_alerted) == ([], 1, 0)

    with sample_engine.begin() as conn:
        conn.execute(update(t.good_guys).values(expires_at=now - timedelta(days=1)))
    expired = monitor.full()
    assert _pairs(expired.alerts) == {("c-kim", KIM)} and expired.suppressed == 0


# ---- audit -------------------------------------------------------------------------------------------


def _audit_details(run: ScreeningRun, monitor: Monitor) -> dict[str, Any]:
    return {
        "run": run.id,
        "customers": run.customers,
        "parties": run.parties,
        "candidates": run.candidates,
        "hits": run.hits,
        "alerts_created": len(run.alerts),
        "already_alerted": run.already_alerted,
        "suppressed": run.suppressed,
        "failed": len(run.failed),
        "threshold": monitor.threshold,
    }


def test_every_run_writes_one_audit_record_with_its_counts(
    sample_engine: Engine, sample_registry: SampleRegistry
) -> None:
    Customers(sample_engine).upsert([*KIM_VARIANTS[:2], *LISTED_LIKE, ORDINARY[0]])
    monitor = Monitor(
        sample_engine, sample_registry.screener, sample_registry.list_versions, workers=1, actor="ops"
    )
    log = AuditLog(sample_engine)
    start = log.head().seq
    runs: list[ScreeningRun] = [monitor.screen_new_customers(), monitor.full(), monitor.delta([KIM])]
    records = [r for r in log.records(since_seq=start) if r.action.startswith("screening.")]
    assert [r.action for r in records] == ["screening.customers", "screening.full", "screening.delta"]
    for run, record in zip(runs, records, strict=True):
        assert record.actor == "ops"
        assert record.subject == f"{run.customers} customers"
        assert record.list_versions == sample_registry.list_versions
        details = _audit_details(run, monitor)
        details.pop("parties")  # see the delta test below
        assert {k: v for k, v in record.details.items() if k != "parties"} == details
    assert records[0].details["customers"] == 6 and records[0].details["alerts_created"] == 5
    assert records[1].details["already_alerted"] == 5 and records[1].details["alerts_created"] == 0
    assert records[2].details["customers"] == 3 and records[2].details["already_alerted"] == 3
    alerts_records = [r for r in log.records(since_seq=start) if r.action == "alerts.created"]
    assert len(alerts_records) == 1 and alerts_records[0].details["trigger"] == "customers"
    assert log.verify().ok


def test_the_delta_audit_record_counts_the_parties(
    sample_engine: Engine, sample_registry: SampleRegistry
) -> None:
    Customers(sample_engine).upsert([*KIM_VARIANTS, ORDINARY[0]])
    monitor = _monitor(sample_engine, sample_registry)
    run = monitor.delta([KIM, HWANG])
    assert run.parties == 2
    assert _last_audit(sample_engine, "screening.delta").details == _audit_details(run, monitor)


# ---- parallel screening ------------------------------------------------------------------------------

_FIRST = ["Maria", "Jong", "Su", "Chun", "Peter", "Anna", "Kim", "Ivan", "Wei", "Hwang", "Choe", "Ji", "Man"]
_LAST = ["Schmidt", "Un", "Man", "Sik", "Kim", "Miller", "Petrov", "Song", "Hwang", "Choe", "Gang", "Lee"]
_LISTED = ["Kim Jong Un", "Hwang Su Man", "Choe Chun Sik", "Korea Kwangson Banking Corp", "Lazarus Group"]


def _typo(rng: random.Random, name: str) -> str:
    at = rng.randrange(1, len(name))
    return name[:at] + name[at] + name[at:] if rng.random() < 0.5 else name[:at] + name[at + 1 :]


def _crowd(size: int) -> list[Customer]:
    rng = random.Random(20260115)
    out: list[Customer] = []
    for n in range(size):
        if n % 6 == 0:
            name = rng.choice(_LISTED)
            name = _typo(rng, name) if rng.random() < 0.6 else name
        else:
            name = f"{rng.choice(_LAST)} {rng.choice(_FIRST)} {rng.choice(_FIRST)}"
        schema = "Company" if name.endswith(("Corp", "Group")) else "Person"
        out.append(Customer(f"m-{n:04d}", schema, (name,)))
    return out


@pytest.fixture
def two_copies(sample_registry: SampleRegistry, tmp_path: Path) -> Iterator[tuple[Engine, Engine]]:
    crowd = _crowd(600)
    engines = []
    for name in ("serial.db", "parallel.db"):
        engine = connect(sample_registry.copy(tmp_path / name))
        Customers(engine).upsert(crowd)
        engines.append(engine)
    try:
        yield engines[0], engines[1]
    finally:
        for engine in engines:
            engine.dispose()


@pytest.mark.skipif(not can_fork(), reason="worker processes are forked")
def test_parallel_full_screen_raises_the_same_alerts_as_a_serial_one(
    two_copies: tuple[Engine, Engine], sample_registry: SampleRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    forked: list[int] = []

    def spy(shared: Any, work: Any, chunks: Any, workers: int) -> Iterator[Any]:
        forked.append(workers)
        return map_in_workers(shared, work, chunks, workers)

    monkeypatch.setattr(rescreen_module, "map_in_workers", spy)
    serial_engine, parallel_engine = two_copies
    serial = _monitor(serial_engine, sample_registry, workers=1).full()
    assert forked == []
    parallel = _monitor(parallel_engine, sample_registry, workers=2).full()
    assert forked == [2]

    assert serial.customers == parallel.customers == 600
    assert serial.hits == parallel.hits
    assert len(serial.alerts) >= 50  # the crowd is screened for real
    key = [(a["customer_id"], a["entity_id"], a["score"]) for a in serial.alerts]
    assert sorted(key) == sorted((a["customer_id"], a["entity_id"], a["score"]) for a in parallel.alerts)
    assert len(set(key)) == len(key)
    for engine in two_copies:
        assert _unscreened(engine) == []
        with engine.connect() as conn:
            stored = set(
                conn.execute(select(t.alerts.c.customer_id, t.alerts.c.entity_id, t.alerts.c.score)).all()
            )
        assert {(c, e, round(s, 4)) for c, e, s in stored} == set(key)
