"""The audit log's head kept outside the database: a missing head row is damage, and a tail truncated
with the head rewritten to match (a chain that verifies on its own) is caught by the anchor.

On both backends (the fixtures of tests/cases/conftest.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine, delete, insert, update
from typer.testing import CliRunner

from sanctionwatch.cli.audit import audit_app
from sanctionwatch.registry.audit import GENESIS, AuditLog, AuditRecord
from sanctionwatch.registry.tables import audit_head, audit_log
from tests.cases.conftest import fill
from tests.cases.test_audit import tamper

cli = typer.Typer()
cli.add_typer(audit_app, name="audit")
runner = CliRunner()
HEAD_LINE = re.compile(r"^audit head: record (\d+), hash ([0-9a-f]{64})$", re.MULTILINE)


def truncate_and_rewrite_head(engine: Engine, records: list[AuditRecord], keep: int) -> None:
    """Delete every record after `keep` and move the head back to it: the shorter chain is consistent."""
    tamper(
        engine,
        delete(audit_log).where(audit_log.c.seq > keep),
        update(audit_head).values(seq=keep, hash=records[keep - 1].hash),
    )


def verify_cli(db_url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, ["audit", "verify", "--db", db_url, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


# ---- a deleted head row ----------------------------------------------------------------------------


@pytest.fixture
def head_row_deleted(engine: Engine, log20: list[AuditRecord]) -> Iterator[None]:
    """The head row deleted behind the log's back; put back afterwards for the module's next tests."""
    tamper(engine, delete(audit_head))
    yield
    tamper(engine, insert(audit_head).values(id=1, seq=0, hash=GENESIS))


@pytest.mark.usefixtures("head_row_deleted")
def test_a_deleted_head_row_is_reported_as_damage(log: AuditLog) -> None:
    result = log.verify()
    assert not result.ok
    assert result.problem is not None and "audit_head row is missing" in result.problem


@pytest.mark.usefixtures("head_row_deleted")
def test_cli_verify_says_a_deleted_head_row_is_damage(db_url: str) -> None:
    code, stdout, stderr = verify_cli(db_url)
    assert code == 1
    assert "audit log NOT intact" in stderr and "audit_head row is missing" in stderr
    assert "Traceback" not in stderr and stdout == ""
    code, stdout, _ = verify_cli(db_url, "--json")
    assert code == 1
    assert json.loads(stdout)["ok"] is False


# ---- the anchor: --expect-head -----------------------------------------------------------------------


def test_a_truncated_tail_with_a_rewritten_head_passes_alone_and_fails_against_the_anchor(
    engine: Engine, log: AuditLog, log20: list[AuditRecord]
) -> None:
    anchor = log.verify().head_hash
    truncate_and_rewrite_head(engine, log20, keep=17)
    assert log.verify().ok  # the documented limit of the chain on its own
    result = log.verify(expect_head=anchor)
    assert not result.ok
    assert result.problem is not None
    assert f"expected head {anchor} is not in the chain" in result.problem
    assert "ends at record 17" in result.problem


def test_cli_verify_with_the_anchor_catches_the_truncation(
    db_url: str, engine: Engine, log: AuditLog, log20: list[AuditRecord]
) -> None:
    anchor = log20[-1].hash
    truncate_and_rewrite_head(engine, log20, keep=17)
    code, _, _ = verify_cli(db_url)
    assert code == 0
    code, stdout, stderr = verify_cli(db_url, "--expect-head", anchor)
    assert code == 1
    assert stdout == ""
    assert "audit log NOT intact" in stderr and anchor in stderr
    code, stdout, _ = verify_cli(db_url, "--expect-head", anchor, "--json")
    assert code == 1
    assert json.loads(stdout)["ok"] is False


def test_a_log_grown_since_the_anchor_passes(log: AuditLog, log20: list[AuditRecord]) -> None:
    anchor = log20[-1].hash
    fill(log, 3)
    result = log.verify(expect_head=anchor)
    assert result.ok
    assert (result.anchor_seq, result.head_seq) == (20, 23)
    assert result.to_json()["anchor_seq"] == 20


def test_cli_verify_with_a_kept_anchor_passes_and_says_where_it_is(
    db_url: str, log: AuditLog, log20: list[AuditRecord]
) -> None:
    anchor = log20[9].hash.upper()  # as someone may have copied it
    code, stdout, _ = verify_cli(db_url, "--expect-head", anchor)
    assert code == 0
    assert (
        stdout.strip()
        == f"audit log intact: 20 records, head {log20[-1].hash}; expected head found at record 10"
    )


def test_an_empty_log_anchored_at_genesis_passes(log: AuditLog) -> None:
    assert log.verify(expect_head=GENESIS).ok


def test_cli_verify_refuses_something_that_is_not_a_hash(db_url: str, log: AuditLog) -> None:
    result = runner.invoke(cli, ["audit", "verify", "--db", db_url, "--expect-head", "deadbeef"])
    assert result.exit_code == 2
    assert "64 hexadecimal digits" in result.output


# ---- the head printed by every export ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_every_export_prints_the_head_apart_from_the_records(
    db_url: str, tmp_path: Path, log: AuditLog, log20: list[AuditRecord], fmt: str
) -> None:
    to_stdout = runner.invoke(cli, ["audit", "export", "--db", db_url, "--format", fmt])
    target = tmp_path / f"audit.{fmt}"
    to_file = runner.invoke(cli, ["audit", "export", "--db", db_url, "--format", fmt, "-o", str(target)])
    for result in (to_stdout, to_file):
        assert result.exit_code == 0, result.output
        assert HEAD_LINE.findall(result.stderr) == [("20", log20[-1].hash)]
    # The records stay machine-readable whole: no head line among them.
    exported = to_stdout.stdout
    assert exported == target.read_text(encoding="utf-8")
    if fmt == "json":
        assert [r["hash"] for r in json.loads(exported)] == [r.hash for r in log20]
    else:
        assert [r["hash"] for r in csv.DictReader(io.StringIO(exported, newline=""))] == [
            r.hash for r in log20
        ]


def test_the_head_an_export_printed_anchors_a_later_verify(
    db_url: str, engine: Engine, log: AuditLog, log20: list[AuditRecord]
) -> None:
    result = runner.invoke(cli, ["audit", "export", "--db", db_url, "--format", "csv"])
    ((_, printed),) = HEAD_LINE.findall(result.stderr)
    assert verify_cli(db_url, "--expect-head", printed)[0] == 0
    truncate_and_rewrite_head(engine, log20, keep=19)
    assert verify_cli(db_url)[0] == 0
    assert verify_cli(db_url, "--expect-head", printed)[0] == 1


def test_an_empty_log_exports_genesis_as_its_head(db_url: str, log: AuditLog) -> None:
    result = runner.invoke(cli, ["audit", "export", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert HEAD_LINE.findall(result.stderr) == [("0", GENESIS)]
