"""`sanctionwatch audit ...`: check, export and read the hash-chained audit log."""

from __future__ import annotations

import json
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sanctionwatch.cli.common import DbOption, JsonOption, command_group, console, database, err, print_json
from sanctionwatch.registry.audit import AuditLog

audit_app = command_group(
    help="The tamper-evident audit log: verify its hash chain, export it for an examiner, list it.",
)


class Format(StrEnum):
    csv = "csv"
    json = "json"


def _anchor(value: str | None) -> str | None:
    """A head hash as `audit verify` and `audit export` print it: 64 hexadecimal digits."""
    if value is not None and not re.fullmatch(r"[0-9a-fA-F]{64}", value.strip()):
        raise typer.BadParameter("expected a head hash: 64 hexadecimal digits", param_hint="--expect-head")
    return value


@audit_app.command("verify")
def verify(
    db: DbOption = None,
    as_json: JsonOption = False,
    expect_head: Annotated[
        str | None,
        typer.Option(
            "--expect-head",
            help="A head hash kept outside the database (from an earlier verify or export): fail unless "
            "the chain still holds that record. A log that has grown since passes.",
            callback=_anchor,
        ),
    ] = None,
) -> None:
    """Check the whole hash chain; exit 1 naming the first altered, missing or misplaced record.

    When intact, the head hash is printed: keep it somewhere outside the database (a ticket, an
    e-mail, a write-once store) and give it back with --expect-head. A rewrite of the chain's end
    together with the head row, which the chain alone cannot show, then fails.
    """
    with database(db) as engine:
        result = AuditLog(engine).verify(expect_head)
    if as_json:
        print_json(result.to_json())
    elif result.ok:
        # Plain print: the hash must stay on one line, without markup, to be copied.
        anchored = f"; expected head found at record {result.anchor_seq}" if expect_head else ""
        print(f"audit log intact: {result.checked} records, head {result.head_hash}{anchored}")
    if not result.ok:
        err.print(f"[red]audit log NOT intact[/red]: {result.problem}", soft_wrap=True, highlight=False)
        raise typer.Exit(1)


@audit_app.command("export")
def export(
    db: DbOption = None,
    fmt: Annotated[
        Format, typer.Option("--format", help="json: one array, a record per line; csv: a row per record.")
    ] = Format.json,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (standard output if omitted).")
    ] = None,
) -> None:
    """Every record, oldest first, with its hash and prev_hash, so that an examiner can recompute the chain.

    The head of the exported chain (last record's number and hash) is printed on standard error, in
    every format, as `audit head: record N, hash H`: the export itself stays plain records (a JSON
    array, a CSV table) that any reader takes whole. Keep that line apart and check later logs with
    `audit verify --expect-head H`.
    """
    with database(db) as engine:
        log = AuditLog(engine)
        if output is None:
            exported = log.write_export(sys.stdout, fmt.value)
        else:
            with output.open("w", encoding="utf-8", newline="") as out:
                exported = log.write_export(out, fmt.value)
    if output is not None:
        err.print(f"Exported {exported.count} audit records to {output}.")
    head = exported.head
    err.print(
        f"audit head: record {head.seq}, hash {head.hash}", soft_wrap=True, highlight=False, markup=False
    )


@audit_app.command("list")
def list_records(
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many of the latest records.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """The latest records, oldest first."""
    with database(db) as engine:
        records = AuditLog(engine).latest(limit)
    if as_json:
        print_json([r.to_json() for r in records])
        return
    table = Table(title="Audit log")
    for column in ("seq", "at (UTC)", "actor", "action", "subject", "details", "lists"):
        table.add_column(column)
    for r in records:
        table.add_row(
            str(r.seq), r.at.strftime("%Y-%m-%d %H:%M:%S"), r.actor, r.action, r.subject,
            json.dumps(r.details, ensure_ascii=False, sort_keys=True),
            ", ".join(f"{source}/{number}" for source, number in sorted(r.list_versions.items())),
        )  # fmt: skip
    console.print(table)
