"""The audit log: every record chained to the one before, and any edit made behind its back found and named."""

from __future__ import annotations

import csv
import io
import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, insert, select, update
from typer.testing import CliRunner

import sanctionwatch
from sanctionwatch.cli.audit import audit_app
from sanctionwatch.registry.audit import (
    GENESIS,
    AuditError,
    AuditLog,
    AuditRecord,
    append,
    canonical_json,
    record_hash,
)
from sanctionwatch.registry.tables import audit_head, audit_log, list_versions, sources
from tests.cases.conftest import fill

# ---- helpers ---------------------------------------------------------------------------------------


def tamper(engine: Engine, *statements: Any) -> None:
    """Edit the tables directly, as someone with database access could."""
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(statement)


def row(engine: Engine, seq: int) -> dict[str, Any]:
    with engine.connect() as conn:
        return dict(conn.execute(select(audit_log).where(audit_log.c.seq == seq)).one()._mapping)


def rehash(values: dict[str, Any]) -> str:
    """What an attacker who knows the recipe computes for a rewritten row."""
    return record_hash(
        seq=values["seq"],
        at=values["at"],
        actor=values["actor"],
        action=values["action"],
        subject=values["subject"],
        details=json.loads(values["details"]),
        list_versions=json.loads(values["list_versions"]),
        engine_version=values["engine_version"],
        prev_hash=values["prev_hash"],
    )


def at_seq(seq: int) -> Any:
    return audit_log.c.seq == seq


# ---- appending and reading -------------------------------------------------------------------------


def test_records_read_back_exactly_as_appended(log: AuditLog) -> None:
    written = fill(log, 5)
    assert log.records() == written
    assert [r.seq for r in written] == [1, 2, 3, 4, 5]
    assert written[0].details == {"reason": "décision n°1", "score": 0.1, "tags": ["a", 1]}
    assert written[0].engine_version == sanctionwatch.__version__
    assert written[0].at.tzinfo is not None
    assert log.records(since_seq=3) == written[3:]
    assert log.records(since_seq=1, limit=2) == written[1:3]
    assert log.latest(2) == written[3:]


def test_each_record_is_chained_to_the_previous_one(log: AuditLog) -> None:
    written = fill(log, 3)
    assert written[0].prev_hash == GENESIS
    assert [r.prev_hash for r in written[1:]] == [r.hash for r in written[:-1]]
    for r in written:
        fields = r.to_json()
        del fields["hash"]
        fields["at"] = r.at
        assert record_hash(**fields) == r.hash
    assert log.head().seq == 3
    assert log.head().hash == written[-1].hash


def test_details_are_stored_as_canonical_json(engine: Engine, log: AuditLog) -> None:
    log.record(actor="ana", action="note", subject="x", details={"b": "ü", "a": [1, {"d": 2, "c": 1}]})
    stored = row(engine, 1)
    assert stored["details"] == '{"a":[1,{"c":1,"d":2}],"b":"ü"}'
    assert stored["list_versions"] == "{}"


def test_list_versions_default_to_the_active_versions(engine: Engine, log: AuditLog) -> None:
    now = datetime.now(UTC)
    common: dict[str, Any] = {
        "published": None, "fetched": now, "format": "test", "files": [], "digest": "0" * 64,
        "entity_count": 0, "stats": {}, "status_reason": None, "activated_at": now,
    }  # fmt: skip
    tamper(
        engine,
        insert(sources).values(name="ofac-sdn"),
        insert(sources).values(name="un"),
        insert(list_versions).values(source="ofac-sdn", number=2, status="superseded", **common),
        insert(list_versions).values(source="ofac-sdn", number=3, status="active", **common),
        insert(list_versions).values(source="un", number=7, status="active", **common),
        insert(list_versions).values(source="un", number=8, status="held", **common),
    )
    try:
        assert log.record(actor="ana", action="note", subject="x").list_versions == {"ofac-sdn": 3, "un": 7}
        assert log.record(actor="ana", action="note", subject="x", list_versions={}).list_versions == {}
        assert log.verify().ok
    finally:
        tamper(engine, delete(list_versions), delete(sources))


def test_bad_input_is_refused_and_leaves_the_log_untouched(log: AuditLog) -> None:
    fill(log, 2)
    with pytest.raises(AuditError, match="actor"):
        log.record(actor="x" * 201, action="note", subject="s")
    with pytest.raises(AuditError, match="NUL"):
        log.record(actor="ana", action="note\x00", subject="s")
    with pytest.raises(AuditError, match="action"):
        log.record(actor="ana", action=" ", subject="s")
    with pytest.raises(TypeError):
        log.record(actor="ana", action="note", subject="s", details={"when": datetime.now(UTC)})
    with pytest.raises(ValueError):
        log.record(actor="ana", action="note", subject="s", details={"score": float("nan")})
    assert log.head().seq == 2
    assert log.verify().ok


def test_an_append_in_a_rolled_back_transaction_leaves_no_trace(engine: Engine, log: AuditLog) -> None:
    fill(log, 3)
    head = log.head()
    with pytest.raises(RuntimeError, match="decision failed"), engine.begin() as conn:
        append(conn, actor="ana", action="case.decide", subject="alert:1", details={"decision": "fp"})
        raise RuntimeError("decision failed")
    assert log.head() == head
    assert len(log.records()) == 3
    assert log.record(actor="ana", action="case.decide", subject="alert:1").seq == 4
    assert log.verify().ok


def test_a_decision_and_its_record_commit_together(engine: Engine, log: AuditLog) -> None:
    with engine.begin() as conn:
        first = append(conn, actor="ana", action="case.propose", subject="alert:1")
        second = append(conn, actor="ana", action="case.confirm", subject="alert:1")
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.hash
    assert log.verify().ok


def test_concurrent_appends_form_one_contiguous_chain(engine: Engine, log: AuditLog) -> None:
    threads, each = 8, 25
    start = threading.Barrier(threads)
    seen: dict[int, list[int]] = {}
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            start.wait()
            mine = seen.setdefault(worker, [])
            for i in range(each):
                mine.append(log.record(actor=f"w{worker}", action="note", subject=f"{worker}:{i}").seq)
        except BaseException as exc:  # reported below: a thread's exception does not fail the test
            errors.append(exc)

    pool = [threading.Thread(target=work, args=(w,)) for w in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert errors == []
    records = log.records()
    assert [r.seq for r in records] == list(range(1, threads * each + 1))
    assert all(seqs == sorted(seqs) for seqs in seen.values())
    assert sorted(s for seqs in seen.values() for s in seqs) == list(range(1, threads * each + 1))
    result = log.verify()
    assert result.ok, result.problem
    assert result.checked == threads * each
    assert result.head_hash == log.head().hash


# ---- verification ----------------------------------------------------------------------------------


def test_an_empty_log_is_intact(log: AuditLog) -> None:
    result = log.verify()
    assert (result.ok, result.checked, result.head_hash) == (True, 0, GENESIS)


def test_an_intact_log_verifies(log: AuditLog, log20: list[AuditRecord]) -> None:
    result = log.verify()
    assert result.ok
    assert (result.checked, result.first_bad_seq, result.problem) == (20, None, None)
    assert (result.head_seq, result.head_hash) == (20, log20[-1].hash)


def assert_caught(log: AuditLog, seq: int, *words: str) -> None:
    result = log.verify()
    assert not result.ok
    assert result.first_bad_seq == seq, result.problem
    assert result.problem is not None
    for word in words:
        assert word in result.problem


def test_altered_details_are_caught(engine: Engine, log: AuditLog, log20: list[AuditRecord]) -> None:
    tamper(engine, update(audit_log).where(at_seq(7)).values(details='{"reason":"nothing to see"}'))
    assert_caught(log, 7, "record 7: content altered (its hash does not match)")
    assert log.verify().checked == 6


def test_altered_actor_is_caught(engine: Engine, log: AuditLog, log20: list[AuditRecord]) -> None:
    tamper(engine, update(audit_log).where(at_seq(3)).values(actor="someone-else"))
    assert_caught(log, 3, "record 3: content altered")


def test_altered_timestamp_is_caught(engine: Engine, log: AuditLog, log20: list[AuditRecord]) -> None:
    tamper(engine, update(audit_log).where(at_seq(11)).values(at=log20[10].at - timedelta(microseconds=1)))
    assert_caught(log, 11, "record 11: content altered")


def test_details_reformatted_but_equivalent_are_caught(
    engine: Engine, log: AuditLog, log20: list[AuditRecord]
) -> None:
    text = json.dumps(log20[4].details, indent=1)
    tamper(engine, update(audit_log).where(at_seq(5)).values(details=text))
    assert_caught(log, 5, "record 5: content altered")


def test_unreadable_details_are_caught(engine: Engine, log: AuditLog, log20: list[AuditRecord]) -> None:
    tamper(engine, update(audit_log).where(at_seq(2)).values(details="{not json"))
    assert_caught(log, 2, "record 2: content altered")


def test_a_deleted_record_is_caught(engine: Engine, log: AuditLog, log20: list[AuditRecord]) -> None:
    tamper(engine, delete(audit_log).where(at_seq(12)))
    assert_caught(log, 12, "record 12 missing (11 is followed by 13)")


def test_deleted_first_records_are_caught(engine: Engine, log: AuditLog, log20: list[AuditRecord]) -> None:
    tamper(engine, delete(audit_log).where(audit_log.c.seq <= 2))
    assert_caught(log, 1, "records 1 to 2 missing (the log starts at record 3)")


def test_a_deleted_last_record_shows_against_the_head(
    engine: Engine, log: AuditLog, log20: list[AuditRecord]
) -> None:
    tamper(engine, delete(audit_log).where(at_seq(20)))
    assert_caught(log, 20, "head says 20 records, the log ends at 19: the last records were deleted")


def test_swapped_records_are_caught(engine: Engine, log: AuditLog, log20: list[AuditRecord]) -> None:
    five, nine = row(engine, 5), row(engine, 9)
    content = [c.name for c in audit_log.columns if c.name != "seq"]
    tamper(
        engine,
        update(audit_log).where(at_seq(5)).values({c: nine[c] for c in content}),
        update(audit_log).where(at_seq(9)).values({c: five[c] for c in content}),
    )
    assert_caught(log, 5, "record 5: does not follow record 4 (prev_hash mismatch)")


def test_renumbering_to_close_a_gap_is_caught(
    engine: Engine, log: AuditLog, log20: list[AuditRecord]
) -> None:
    # A careful attacker deletes record 8, renumbers the rest and moves the head back to match.
    tamper(
        engine,
        delete(audit_log).where(at_seq(8)),
        *(update(audit_log).where(at_seq(seq)).values(seq=seq - 1) for seq in range(9, 21)),
        update(audit_head).values(seq=19),
    )
    assert_caught(log, 8, "record 8: does not follow record 7 (prev_hash mismatch)")


def test_a_rewritten_record_with_a_recomputed_hash_breaks_the_next_link(
    engine: Engine, log: AuditLog, log20: list[AuditRecord]
) -> None:
    changed = row(engine, 6) | {"actor": "someone-else"}
    tamper(engine, update(audit_log).where(at_seq(6)).values(actor="someone-else", hash=rehash(changed)))
    assert_caught(log, 7, "record 7: does not follow record 6 (prev_hash mismatch)")


def test_an_altered_head_hash_is_caught(engine: Engine, log: AuditLog, log20: list[AuditRecord]) -> None:
    tamper(engine, update(audit_head).values(hash="f" * 64))
    assert_caught(log, 20, "head altered", "record 20")


def test_a_head_moved_back_is_caught(engine: Engine, log: AuditLog, log20: list[AuditRecord]) -> None:
    tamper(engine, update(audit_head).values(seq=18, hash=log20[17].hash))
    assert_caught(log, 19, "record 19: past the head")


def test_a_head_moved_forward_is_caught(engine: Engine, log: AuditLog, log20: list[AuditRecord]) -> None:
    tamper(engine, update(audit_head).values(seq=22))
    assert_caught(log, 21, "head says 22 records, the log ends at 20")


def test_a_whole_chain_rewritten_with_its_head_passes_but_changes_the_head_hash(
    engine: Engine, log: AuditLog, log20: list[AuditRecord]
) -> None:
    """The documented limit: only a head hash kept outside the database exposes a full rewrite."""
    anchored = log.verify().head_hash
    prev = log20[14].hash
    for seq in range(16, 21):
        values = row(engine, seq) | {"prev_hash": prev}
        if seq == 16:
            values["actor"] = "someone-else"
        values["hash"] = rehash(values)
        tamper(engine, update(audit_log).where(at_seq(seq)).values(**values))
        prev = values["hash"]
    tamper(engine, update(audit_head).values(hash=prev))
    result = log.verify()
    assert result.ok
    assert result.head_hash != anchored


texts = st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=6,
)
appends = st.lists(
    st.tuples(
        texts.filter(lambda s: s.strip() != ""),
        st.sampled_from(["case.open", "case.decide", "goodguy.add", "list.activate"]),
        st.dictionaries(texts, json_values, max_size=4),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=appends, data=st.data())
def test_any_log_verifies_and_altering_any_record_names_it(
    engine: Engine, entries: list[tuple[str, str, dict[str, Any]]], data: st.DataObject
) -> None:
    tamper(engine, delete(audit_log), update(audit_head).values(seq=0, hash=GENESIS))
    log = AuditLog(engine)
    written = [log.record(actor=a, action=b, subject="alert:1", details=d) for a, b, d in entries]
    assert [r.details for r in log.records()] == [json.loads(canonical_json(d)) for _, _, d in entries]
    result = log.verify()
    assert result.ok, result.problem
    assert result.checked == len(entries)
    victim = data.draw(st.sampled_from(written))
    tamper(
        engine,
        update(audit_log)
        .where(at_seq(victim.seq))
        .values(details=canonical_json({"altered": victim.details})),
    )
    result = log.verify()
    assert not result.ok
    assert result.first_bad_seq == victim.seq
    assert result.problem == f"record {victim.seq}: content altered (its hash does not match)"


# ---- export ----------------------------------------------------------------------------------------


def recomputed(fields: dict[str, Any]) -> str:
    return record_hash(
        seq=int(fields["seq"]),
        at=datetime.fromisoformat(fields["at"]),
        actor=fields["actor"],
        action=fields["action"],
        subject=fields["subject"],
        details=fields["details"],
        list_versions=fields["list_versions"],
        engine_version=fields["engine_version"],
        prev_hash=fields["prev_hash"],
    )


def test_csv_export_has_every_record_and_lets_an_examiner_recompute_the_chain(
    log: AuditLog, log20: list[AuditRecord]
) -> None:
    log.record(actor="ana", action="note", subject='a "quoted", subject', details={"text": "line 1\nline 2"})
    out = io.StringIO(newline="")
    assert log.export(out, "csv") == 21
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert [int(r["seq"]) for r in rows] == list(range(1, 22))
    assert rows[-1]["subject"] == 'a "quoted", subject'
    prev = GENESIS
    for r in rows:
        fields = r | {"details": json.loads(r["details"]), "list_versions": json.loads(r["list_versions"])}
        assert r["prev_hash"] == prev
        assert recomputed(fields) == r["hash"]
        prev = r["hash"]
    assert prev == log.head().hash


def test_json_export_is_one_array_with_every_record(log: AuditLog, log20: list[AuditRecord]) -> None:
    out = io.StringIO()
    assert log.export(out, "json") == 20
    exported = json.loads(out.getvalue())
    assert exported == [r.to_json() for r in log20]
    assert all(recomputed(r) == r["hash"] for r in exported)
    assert len(out.getvalue().splitlines()) == 22  # "[", a line per record, "]"


def test_an_empty_log_exports_as_an_empty_array(log: AuditLog) -> None:
    out = io.StringIO()
    assert log.export(out, "json") == 0
    assert json.loads(out.getvalue()) == []


# ---- the command line ------------------------------------------------------------------------------

cli = typer.Typer()
cli.add_typer(audit_app, name="audit")
runner = CliRunner()


def test_cli_verify_says_intact_with_the_head_hash(
    db_url: str, log: AuditLog, log20: list[AuditRecord]
) -> None:
    result = runner.invoke(cli, ["audit", "verify", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"audit log intact: 20 records, head {log20[-1].hash}"


def test_cli_verify_fails_naming_the_tampered_record(
    db_url: str, engine: Engine, log: AuditLog, log20: list[AuditRecord]
) -> None:
    tamper(engine, update(audit_log).where(at_seq(13)).values(subject="alert:999"))
    result = runner.invoke(cli, ["audit", "verify", "--db", db_url])
    assert result.exit_code == 1
    assert "record 13: content altered" in result.stderr
    assert result.stdout == ""
    result = runner.invoke(cli, ["audit", "verify", "--db", db_url, "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["first_bad_seq"] == 13
    assert report["checked"] == 12
    assert report["head"] == log20[-1].hash
    assert "record 13" in report["problem"]


def test_cli_verify_json_when_intact(db_url: str, log: AuditLog, log20: list[AuditRecord]) -> None:
    result = runner.invoke(cli, ["audit", "verify", "--db", db_url, "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "ok": True, "checked": 20, "first_bad_seq": None, "problem": None, "head_seq": 20, "head": log20[-1].hash,
    }  # fmt: skip


def test_cli_export_to_a_file_and_to_stdout(
    db_url: str, tmp_path: Path, log: AuditLog, log20: list[AuditRecord]
) -> None:
    target = tmp_path / "audit.csv"
    result = runner.invoke(
        cli, ["audit", "export", "--db", db_url, "--format", "csv", "--output", str(target)]
    )
    assert result.exit_code == 0, result.output
    with target.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["hash"] for r in rows] == [r.hash for r in log20]
    result = runner.invoke(cli, ["audit", "export", "--db", db_url, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [r["hash"] for r in json.loads(result.stdout)] == [r.hash for r in log20]


def test_cli_list_shows_the_latest_records(db_url: str, log: AuditLog, log20: list[AuditRecord]) -> None:
    result = runner.invoke(cli, ["audit", "list", "--db", db_url, "--limit", "3", "--json"])
    assert result.exit_code == 0, result.output
    assert [r["seq"] for r in json.loads(result.stdout)] == [18, 19, 20]
    result = runner.invoke(cli, ["audit", "list", "--db", db_url, "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert "alert:120" in result.stdout
    assert "alert:118" not in result.stdout
