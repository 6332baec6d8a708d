"""The management report as files: one CSV, or one XLSX workbook with a sheet per section.

The CSV is one file in long form, `section,item,measure,value`: each figure of each section on a row
of its own (`alerts_by_status,open,count,3`; `screenings_per_day,2026-01-05,payments,12`). The sections
have different columns, and a single CSV cannot hold several headers that a program can read back;
the long form holds them all under one header, and a spreadsheet's pivot table gives the wide tables
back. The XLSX has them wide, a sheet per section, as a person reads them.

Every text cell goes through `formula_safe_row`: programme names, list names and reasons come from
the lists and the database, and none may run as a formula in the spreadsheet that opens the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from sanctionwatch.evidence.reports import Cell, ManagementReport, sections
from sanctionwatch.sources.csvsafe import formula_safe_row

__all__ = ["CSV_COLUMNS", "report_csv", "report_xlsx"]

CSV_COLUMNS = ("section", "item", "measure", "value")
_WIDEST = 80  # characters: a column of long reasons is wrapped by the reader, not made a screen wide


def _long_rows(report: ManagementReport) -> Iterator[tuple[Cell, ...]]:
    for section in sections(report):
        measures = section.columns[1:]
        for row in section.rows:
            for measure, value in zip(measures, row[1:], strict=True):
                yield (section.name, row[0], measure, value)


def report_csv(report: ManagementReport) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(formula_safe_row(row) for row in _long_rows(report))
    return out.getvalue()


def report_xlsx(report: ManagementReport) -> bytes:
    book = Workbook()
    first = book.active
    if first is not None:
        book.remove(first)
    for section in sections(report):
        sheet = book.create_sheet(section.name)
        sheet.append(list(section.columns))
        for row in section.rows:
            sheet.append([_cell(value) for value in formula_safe_row(row)])
        sheet.freeze_panes = "A2"
        for index, column in enumerate(sheet.iter_cols(), start=1):
            width = max(len(str(c.value)) if c.value is not None else 0 for c in column)
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(width + 2, _WIDEST)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: object) -> object:
    """A value as openpyxl may store it: text without the control characters XML cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
