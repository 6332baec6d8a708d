"""`sanctionwatch report`: the management report (alerts, false positives, screenings, lists) for a period.

Thin: it reads the period, asks `evidence.reports` for the report, and renders it as rich tables, JSON,
CSV (one file, long form: see `evidence.report_files`) or XLSX (a sheet per section).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from sanctionwatch.cli.common import DbOption, console, database, err, print_json
from sanctionwatch.evidence.period import parse_period
from sanctionwatch.evidence.report_files import report_csv, report_xlsx
from sanctionwatch.evidence.reports import Cell, management_report, sections

__all__ = ["report_command"]


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def report_command(
    since: Annotated[
        str | None,
        typer.Option("--since", help="First day of the period, YYYY-MM-DD (default: the first record)."),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Last day of the period, YYYY-MM-DD (default: today, UTC).")
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            help="table: on the terminal; json; csv: one file, a row per figure (section,item,measure,value); "
            "xlsx: a sheet per section (needs --output).",
        ),
    ] = Format.table,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (json and csv: standard output if omitted)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """The management report: alerts by status and age, time to decision, false-positive rates by list and
    programme, screenings per day (each count's origin named), and each list's version and freshness.

    The period is whole UTC days, both included. Alerts count when raised in it, decisions when confirmed
    in it; the lists' freshness is as of now."""
    if fmt is Format.xlsx and output is None:
        raise typer.BadParameter(
            "an XLSX workbook is written to a file: give --output FILE", param_hint="--output"
        )
    if fmt is Format.table and output is not None:
        raise typer.BadParameter(
            "the table format prints on the terminal; for a file use --format json, csv or xlsx",
            param_hint="--output",
        )
    now = datetime.now(UTC)
    period = parse_period(since, until, today=now.date(), names=("--since", "--until"))
    with database(db) as engine:
        report = management_report(engine, period, now)
    if fmt is Format.table:
        for section in sections(report):
            console.print(_table(section.title, section.columns, section.rows))
        return
    if fmt is Format.json:
        if output is None:
            print_json(report.to_json())
            return
        output.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    elif fmt is Format.csv:
        text = report_csv(report)
        if output is None:
            sys.stdout.write(text)
            return
        output.write_text(text, encoding="utf-8", newline="")
    else:
        assert output is not None
        output.write_bytes(report_xlsx(report))
    err.print(f"report written to {output}")


def _table(title: str, columns: tuple[str, ...], rows: list[tuple[Cell, ...]]) -> Table:
    table = Table(title=title, min_width=len(title) + 4)  # the title on one line
    for column in columns:
        table.add_column(column.replace("_", " "))
    for row in rows:
        # Names and reasons come from the lists and the database: shown as text, never read as markup.
        table.add_row(*(escape(_shown(cell)) for cell in row))
    return table


def _shown(cell: Cell) -> str:
    if cell is None:
        return "-"
    if isinstance(cell, float):
        return f"{cell:g}"
    return str(cell)
