"""Signed receipts of monitoring runs (issue 22), in process: one per customer a run screened, signed as
one batch, each verifying with the public key alone and replaying to the same hits; a delta run gives
receipts only for the customers it screened. The command line is tested end to end in
tests/cli/test_monitoring_receipt_cli.py."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from sanctionwatch.errors import ConflictError, InputError
from sanctionwatch.evidence.monitoring_receipts import MonitoringReceipts
from sanctionwatch.evidence.party_receipt import PARTY_CALL
from sanctionwatch.evidence.receipt import Issued
from sanctionwatch.evidence.replay import ReplayOutcome, replay_receipt
from sanctionwatch.evidence.signing import SigningKey, create_signing_key
from sanctionwatch.evidence.verify import Check, verify_file
from sanctionwatch.monitoring.customer import Customer
from sanctionwatch.monitoring.customer_store import Customers
from sanctionwatch.monitoring.rescreen import (
    HITS_PER_CUSTOMER,
    CustomerScreen,
    Monitor,
    ScreeningRun,
    ScreenJob,
    screen_job,
)
from sanctionwatch.registry.audit import AuditLog
from sanctionwatch.registry.store import Registry
from tests.monitoring.conftest import SampleRegistry
from tests.monitoring.test_rescreen import HWANG, KIM, KIM_VARIANTS, LISTED_LIKE, ORDINARY

# A customer screened as several queries: two names in two scripts, two nationalities, a passport.
MANY = Customer(
    "c-many",
    "Person",
    ("Ким Чен Ын", "Kim Jong Un"),
    birth_dates=("1984-01-08",),
    countries=("kp", "ru"),
    identifiers=("472220033",),  # HWANG Su Man's passport: a hit by identifier alone
)
BROKEN = Customer("x-broken", "Person", ("Kim Jong Un",), birth_dates=("1984-13-45",))


@dataclass
class Signed:
    path: Path
    issued: Issued | None
    documents: list[dict[str, Any]]


@pytest.fixture
def key(tmp_path: Path) -> SigningKey:
    return create_signing_key(tmp_path / "signing-key.pem")


@pytest.fixture
def registry(sample_engine: Engine) -> Iterator[Registry]:
    yield Registry(sample_engine)


def monitor_with(engine: Engine, sample: SampleRegistry, receipts: MonitoringReceipts) -> Monitor:
    return Monitor(engine, sample.screener, sample.list_versions, workers=1, on_screened=receipts.add)


def signed(receipts: MonitoringReceipts, registry: Registry, key: SigningKey, path: Path) -> Signed:
    with receipts, path.open("x", encoding="utf-8") as out:

        def write(line: str, _index: int) -> None:
            out.write(line)

        issued = receipts.sign(registry.engine, key, write)
    lines = path.read_text(encoding="utf-8").splitlines()
    return Signed(path, issued, [json.loads(line) for line in lines])


def test_a_run_gives_one_signed_receipt_per_customer_that_verifies_and_replays(
    sample_engine: Engine,
    sample_registry: SampleRegistry,
    registry: Registry,
    key: SigningKey,
    tmp_path: Path,
) -> None:
    customers = [*LISTED_LIKE, ORDINARY[0], MANY, BROKEN]
    Customers(sample_engine).upsert(customers)
    receipts = MonitoringReceipts(registry, actor="test:monitoring")
    monitor = monitor_with(sample_engine, sample_registry, receipts)
    run = monitor.screen_new_customers()
    assert run.customers == len(customers) and len(receipts) == len(customers)
    done = signed(receipts, registry, key, tmp_path / "receipts.jsonl")

    assert done.issued is not None and done.issued.count == len(customers)
    by_customer = {d["extra"]["customer"]: d for d in done.documents}
    assert len(by_customer) == len(done.documents) and set(by_customer) == {c.id for c in customers}
    for document in done.documents:
        assert document["channel"] == "monitoring" and document["actor"] == "test:monitoring"
        assert document["extra"]["run"] == run.id and document["extra"]["kind"] == "customers"
        assert document["settings"] == {
            "threshold": monitor.threshold,
            "limit": HITS_PER_CUSTOMER,
            "sources": [],
            "programs": [],
        }
        assert {v["source"]: v["version"] for v in document["lists"]} == sample_registry.list_versions
        assert document["audit"]["seq"] == done.issued.audit_seq
        assert document["audit"]["details"]["merkle_root"] == done.issued.merkle_root
    # The run's own audit record names the same run.
    record = [r for r in AuditLog(sample_engine).records() if r.action == "screening.customers"][-1]
    assert record.details["run"] == run.id

    # The customer as screened: every value, the call, and each single query the engine made of it.
    many = by_customer["c-many"]
    assert many["extra"]["customer_hash"] == MANY.hash
    assert many["query"]["given"]["names"] == list(MANY.names)
    assert many["query"]["screened"] == {
        "call": PARTY_CALL, "names": list(MANY.names), "schema": "Person", "birth_dates": ["1984-01-08"],
        "countries": ["kp", "ru"], "identifiers": ["472220033"], "id": "c-many", "sources": [],
    }  # fmt: skip
    readings = [(q["name"], q["country"], q["identifier"]) for q in many["query"]["normalized"]]
    assert len(readings) == 5  # 2 names x 2 countries, and the passport with the first name
    assert readings[-1][2] == "472220033"
    hits = {h["entity_id"] for h in many["result"]["hits"]}
    assert {KIM, HWANG} <= hits and many["result"]["outcome"] == "hit"
    assert by_customer["o-maria"]["result"] == {"outcome": "no match", "hits": []}
    broken = by_customer["x-broken"]["result"]
    assert broken["outcome"] == "error" and "1984-13-45" in broken["error"]

    # Offline: the receipts and the public key alone; then against the database's chain.
    offline = list(verify_file(done.path, key.public))
    assert len(offline) == len(customers) and all(c.ok for c in offline), offline
    assert {r.check for r in offline[0].results if r.ok} == {
        Check.FORM, Check.SIGNATURE, Check.AUDIT_RECORD, Check.INCLUSION,
    }  # fmt: skip
    online = list(verify_file(done.path, key.public, log=AuditLog(sample_engine)))
    assert all(c.ok and c.results[-1].ok for c in online)

    for document in done.documents:
        replay = replay_receipt(document, registry)
        assert replay.outcome is ReplayOutcome.SAME, (document["extra"]["customer"], replay)
        assert replay.against == sample_registry.list_versions


def test_a_replay_screens_the_party_as_recorded_not_a_single_query(
    sample_engine: Engine,
    sample_registry: SampleRegistry,
    registry: Registry,
    key: SigningKey,
    tmp_path: Path,
) -> None:
    Customers(sample_engine).upsert([MANY])
    receipts = MonitoringReceipts(registry, actor="test:monitoring")
    monitor_with(sample_engine, sample_registry, receipts).screen_new_customers()
    [document] = signed(receipts, registry, key, tmp_path / "r.jsonl").documents
    assert replay_receipt(document, registry).outcome is ReplayOutcome.SAME

    # Without its passport the party is another one: HWANG's hit is no longer there.
    changed = {**document, "query": {**document["query"]}}
    changed["query"]["screened"] = {**document["query"]["screened"], "identifiers": []}
    replay = replay_receipt(changed, registry)
    assert replay.outcome is ReplayOutcome.DIFFERENT
    assert [(d.entity_id, d.now, d.why) for d in replay.differences if d.entity_id == HWANG] == [
        (HWANG, None, "no longer a hit")
    ]
    # A call this version does not know is refused, not screened as something else.
    unknown = {**document, "query": {**document["query"], "screened": {"call": "readings"}}}
    with pytest.raises(InputError, match="unknown screening call 'readings'"):
        replay_receipt(unknown, registry)


def test_a_delta_run_gives_receipts_only_for_the_customers_it_screened(
    sample_engine: Engine,
    sample_registry: SampleRegistry,
    registry: Registry,
    key: SigningKey,
    tmp_path: Path,
) -> None:
    Customers(sample_engine).upsert([*KIM_VARIANTS, *LISTED_LIKE, *ORDINARY])
    receipts = MonitoringReceipts(registry, actor="test:monitoring")
    run = monitor_with(sample_engine, sample_registry, receipts).delta([KIM])
    assert 0 < run.customers < len(KIM_VARIANTS) + len(LISTED_LIKE) + len(ORDINARY)
    done = signed(receipts, registry, key, tmp_path / "delta.jsonl")
    assert done.issued is not None and done.issued.count == run.customers == run.candidates
    screened = {d["extra"]["customer"] for d in done.documents}
    assert {c.id for c in KIM_VARIANTS} | {"c-kim"} <= screened
    assert not screened & {c.id for c in ORDINARY if c.id != "o-kim"}
    assert {(d["extra"]["run"], d["extra"]["kind"]) for d in done.documents} == {(run.id, "delta")}
    assert all(c.ok for c in verify_file(done.path, key.public))
    for document in done.documents:
        assert replay_receipt(document, registry).outcome is ReplayOutcome.SAME


def test_nothing_screened_signs_nothing(
    sample_engine: Engine, sample_registry: SampleRegistry, registry: Registry, key: SigningKey
) -> None:
    receipts = MonitoringReceipts(registry, actor="test:monitoring")
    head = AuditLog(sample_engine).head().seq
    run = monitor_with(sample_engine, sample_registry, receipts).screen_new_customers()
    assert run.customers == 0 and len(receipts) == 0
    with receipts:
        assert receipts.sign(sample_engine, key, lambda _line, _index: None) is None
    assert [r.action for r in AuditLog(sample_engine).records(since_seq=head)] == ["screening.customers"]


def test_one_batch_refuses_a_run_screened_otherwise(
    sample_registry: SampleRegistry, registry: Registry
) -> None:
    receipts = MonitoringReceipts(registry, actor="test:monitoring")
    versions = sample_registry.list_versions
    receipts.add(CustomerScreen(ScreeningRun("full"), ORDINARY[0], (), None, 0.7, 100, versions))
    with pytest.raises(ConflictError, match="one batch"):
        receipts.add(CustomerScreen(ScreeningRun("delta"), ORDINARY[1], (), None, 0.8, 100, versions))
    with receipts:
        assert len(receipts) == 1


def test_a_job_sends_every_customer_back_with_all_its_hits_only_when_asked(
    sample_registry: SampleRegistry,
) -> None:
    versions = sample_registry.list_versions
    customers = (LISTED_LIKE[0], MANY, BROKEN)
    plain = screen_job(sample_registry.screener, ScreenJob(customers, 0.7, 10, frozenset({HWANG}), versions))
    assert plain.screens == []
    kept = screen_job(
        sample_registry.screener, ScreenJob(customers, 0.7, 10, frozenset({HWANG}), versions, keep=True)
    )
    assert [(c.id, error is None) for c, _hits, error in kept.screens] == [
        ("c-kim", True), ("c-many", True), ("x-broken", False),
    ]  # fmt: skip
    # A delta's findings keep only hits on its parties; the screens hold every hit of the screening.
    assert {f.hit.entity_id for f in kept.findings} == {HWANG}
    assert KIM in {h.entity_id for h in kept.screens[1][1]}
    assert pickle.loads(pickle.dumps(kept)) == kept  # what a worker process sends back
