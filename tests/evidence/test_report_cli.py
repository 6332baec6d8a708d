"""`sanctionwatch report` end to end, as a user runs it: each format, the files it writes, its refusals."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from sanctionwatch.cli.app import app
from tests.cli.runner import run
from tests.evidence.world import FORMULA, build_world

MARCH = ("--since", "2026-03-01", "--until", "2026-03-31")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scratch = tmp_path_factory.mktemp("report-cli")
    path = scratch / "registry.db"
    build_world(f"sqlite:///{path}", scratch)
    return path


def test_json_and_table_show_the_periods_figures(db: Path) -> None:
    body = json.loads(run(db, "report", *MARCH, "--format", "json").stdout)
    assert body["period"] == {"since": "2026-03-01", "until": "2026-03-31"}
    assert body["alerts"]["raised"] == 8
    assert body["false_positives"]["overall"]["rate"] == 0.75

    shown = run(db, "report", *MARCH).stdout  # --format table is the default
    assert (
        "Alerts raised in the period, by status" in shown
        and "False-positive rate of name hits, by list" in shown
    )
    assert "internal:deny" in shown and FORMULA in shown  # text, shown as it is (not read as markup)


def test_csv_on_standard_output_and_xlsx_to_a_file(db: Path, tmp_path: Path) -> None:
    rows = list(csv.reader(io.StringIO(run(db, "report", *MARCH, "--format", "csv").stdout, newline="")))
    assert rows[0] == ["section", "item", "measure", "value"]
    assert ["false_positives_by_source", "all", "false_positives", "3"] in rows

    out = tmp_path / "report.xlsx"
    written = run(db, "report", *MARCH, "--format", "xlsx", "--output", str(out))
    assert f"report written to {out}" in written.stderr.replace("\n", "")
    book = load_workbook(out)
    assert "screenings_per_day" in book.sheetnames and "list_freshness" in book.sheetnames


def test_a_screened_file_is_counted_on_the_day(db: Path, tmp_path: Path) -> None:
    queries = tmp_path / "queries.csv"
    queries.write_text("id,name\n1,Kim Jong Un\n2,Ada Lovelace\n", encoding="utf-8")
    run(db, "screen-file", str(queries), "--output", str(tmp_path / "results.csv"))
    today = datetime.now(UTC).date().isoformat()
    body = json.loads(run(db, "report", "--since", today, "--format", "json").stdout)
    [day] = body["screenings"]["days"]
    assert (day["files"], day["file_rows"]) == (1, 2)


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (("--since", "2026-02-30"), 1, "--since: '2026-02-30' is not a date of the calendar"),
        (("--since", "2026-04-01", "--until", "2026-03-01"), 1, "--since: 2026-04-01 is after --until"),
        (("--format", "xlsx"), 2, "--output"),
        (("--format", "table", "--output", "report.txt"), 2, "--output"),
        (("--format", "pdf"), 2, "--format"),
    ],
)
def test_refusals_name_what_is_wrong(db: Path, args: tuple[str, ...], code: int, said: str) -> None:
    """In process (typer's runner): each is refused before the database is opened."""
    refused = CliRunner().invoke(app, ["report", "--db", str(db), *args])
    assert refused.exit_code == code, refused.output
    assert said in " ".join(refused.stderr.split()), refused.stderr
