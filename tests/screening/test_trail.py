"""The screening trail: calls noted in memory, written to the hash-chained audit log in batches."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from sanctionwatch.db.engine import connect
from sanctionwatch.registry.audit import AuditLog
from sanctionwatch.screening import trail as trail_module
from sanctionwatch.screening.query import Hit
from sanctionwatch.screening.trail import ScreeningTrail, file_digest, query_digest

V1 = {"ofac-sdn": 3, "un": 1}
HIT = Hit("ofac-sdn:20157", 0.97, ["ofac-sdn:20157"], "KIM Jong Un", "KIM Jong Un", "Person")


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return connect(f"sqlite:///{tmp_path / 'registry.db'}")


def test_notes_are_written_in_batches_with_a_digest_not_the_query(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trail_module, "FLUSH_AT", 3)
    trail = ScreeningTrail(engine)
    for number in range(7):
        trail.note(
            "key:#1 onboarding", "match", {"name": f"Customer {number}"}, [HIT] if number % 2 else [], V1
        )
    assert trail.flush() == 7
    records = [r for r in AuditLog(engine).records() if r.action == "screening.calls"]
    assert [len(r.details["calls"]) for r in records] == [3, 3, 1]
    first = records[0].details["calls"][0]
    assert first["query"] == query_digest({"name": "Customer 0"}) and "Customer 0" not in str(
        records[0].to_json()
    )
    assert records[0].details["calls"][1]["top"] == ["ofac-sdn:20157", 0.97]
    assert AuditLog(engine).verify().ok
    assert trail.flush() == 0  # nothing noted since


def test_a_failed_write_keeps_the_notes_for_the_next_round(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    trail = ScreeningTrail(engine)
    trail.note("user:alice", "page", ["Kim"], [HIT], V1)
    calls = {"n": 0}
    real_append = trail_module.audit.append

    def failing_once(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database went away")
        return real_append(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(trail_module.audit, "append", failing_once)
    with pytest.raises(RuntimeError):
        trail.flush()
    trail.note("user:bob", "page", ["Lee"], [], V1)
    assert trail.flush() == 2
    [record] = [r for r in AuditLog(engine).records() if r.action == "screening.calls"]
    assert [c["actor"] for c in record.details["calls"]] == ["user:alice", "user:bob"]  # order kept


def test_stopping_writes_what_was_noted(engine: Engine) -> None:
    trail = ScreeningTrail(engine, flush_seconds=3600)
    trail.start()
    trail.note("key:#2 payments", "match", ["x"], [], V1)
    trail.stop()
    assert any(r.action == "screening.calls" for r in AuditLog(engine).records())


def test_file_digest_is_the_sha256_of_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_bytes(b"id,name\n1,Kim\n")
    assert file_digest(path) == "4917b93570238757872bf740df9d1358ce28def3a1a9bae2725f688a78e31b10"


def test_notes_are_recorded_against_the_versions_they_were_screened_on(engine: Engine) -> None:
    trail = ScreeningTrail(engine)
    trail.note("user:a", "page", ["x"], [], V1)
    trail.note("user:a", "page", ["y"], [], {"ofac-sdn": 4, "un": 1})  # after a rebuild
    trail.note("user:a", "page", ["z"], [], V1)
    assert trail.flush() == 3
    records = [r for r in AuditLog(engine).records() if r.action == "screening.calls"]
    assert sorted((r.list_versions["ofac-sdn"], len(r.details["calls"])) for r in records) == [(3, 2), (4, 1)]


def test_waiting_notes_are_bounded_and_the_loss_is_recorded(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trail_module, "MAX_WAITING", 5)
    trail = ScreeningTrail(engine)
    for number in range(8):
        trail.note("user:a", "page", [number], [], V1)
    assert trail.flush() == 5
    [record] = [r for r in AuditLog(engine).records() if r.action == "screening.calls"]
    assert record.details["dropped_before"] == 3
    assert [c["query"] for c in record.details["calls"]] == [query_digest([n]) for n in range(3, 8)]
