"""The report's files read back: the CSV (one file, long form) and the XLSX (a sheet per section) hold the
figures of the report, and a programme named like a formula stays text in both."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from sanctionwatch.db.engine import connect
from sanctionwatch.evidence.report_files import CSV_COLUMNS, report_csv, report_xlsx
from sanctionwatch.evidence.reports import ManagementReport, management_report, sections
from sanctionwatch.sources.csvsafe import FORMULA_STARTS
from tests.evidence.test_reports import MARCH
from tests.evidence.world import FORMULA, T0, World


@pytest.fixture(scope="module")
def march(world: World) -> Iterator[ManagementReport]:
    engine = connect(world.url)
    try:
        yield management_report(engine, MARCH, T0 + timedelta(hours=12))
    finally:
        engine.dispose()


def test_the_csv_is_one_table_of_figures_in_long_form(march: ManagementReport) -> None:
    rows = list(csv.reader(io.StringIO(report_csv(march), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    figures = {(s, i, m): v for s, i, m, v in rows[1:]}
    assert figures[("alerts_by_status", "open", "count")] == "1"
    assert figures[("alerts_by_status", "all", "count")] == "8"
    assert figures[("decision_time", "decided in the period", "p90_hours")] == "100.0"
    assert figures[("false_positives_by_source", "ofac-sdn", "rate")] == "0.5"
    assert figures[("false_positives_by_source", "all", "decided")] == "4"
    assert figures[("report", "since", "value")] == "2026-03-01"
    assert figures[("list_freshness", "un", "state")] == "failing"
    assert figures[("list_freshness", "internal:deny", "state")] == ""  # not judged: an empty cell
    # Every figure of every section is there, once.
    expected = sum(len(s.rows) * (len(s.columns) - 1) for s in sections(march))
    assert len(rows) - 1 == expected == len(figures)
    # The programme named like a formula is quoted; no cell starts a formula.
    assert figures[("false_positives_by_programme", "'" + FORMULA, "rate")] == "1.0"
    assert not any(cell.startswith(FORMULA_STARTS) for row in rows for cell in row)


def test_the_xlsx_has_a_sheet_per_section_with_the_same_figures(march: ManagementReport) -> None:
    book = load_workbook(io.BytesIO(report_xlsx(march)))
    shown = sections(march)
    assert book.sheetnames == [s.name for s in shown]
    for section in shown:
        sheet = book[section.name]
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert tuple(values[0]) == section.columns
        assert len(values) == len(section.rows) + 1
        # No cell of any sheet is a formula.
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row), section.name
    by_programme = {
        row[0]: row[1:] for row in book["false_positives_by_programme"].iter_rows(values_only=True)
    }
    assert by_programme["'" + FORMULA] == (1, 1, 1.0)
    assert by_programme["DPRK3"] == (1, 0, 0.0)
    status = dict(book["alerts_by_status"].iter_rows(min_row=2, values_only=True))
    assert status == {"open": 1, "in_review": 1, "proposed": 1, "confirmed": 4, "closed": 1, "all": 8}
