"""`sanctionwatch screen-payment` and `sanctionwatch payments list|show`: payment screening from a shell.

A held message is a case: it is reviewed, proposed (false_positive: release; true_match: reject) and
confirmed by a second person with the `cases` commands, on the case id the hold names. With
`--receipts`, every message screened gets a signed receipt that carries the message itself
(evidence.payment_receipt), checked by `receipt verify` and replayed by `receipt replay`.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sanctionwatch.cli.common import DbOption, JsonOption, command_group, console, database, err, print_json
from sanctionwatch.cli.receipts import ReceiptsOut
from sanctionwatch.config import cli_actor
from sanctionwatch.errors import InputError
from sanctionwatch.evidence.payment_receipt import PaymentReceipts, PaymentSettings
from sanctionwatch.evidence.signing import SigningKey, load_signing_key
from sanctionwatch.ownership.store import OwnershipStore
from sanctionwatch.payments.decision import Decision, HitKind
from sanctionwatch.payments.desk import PaymentDesk, Screened
from sanctionwatch.payments.holds import PaymentHolds, PaymentState
from sanctionwatch.payments.reader import message_files
from sanctionwatch.registry.store import Registry
from sanctionwatch.screening.pool import available_cores

payments_app = command_group(help="Screened payment messages: the hold queue.")

EXIT_HELD = 4  # at least one message held: scripts stop the payment run on it


def screen_payment(
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="FILE_OR_DIR...", help="Messages: ISO 20022 XML or SWIFT MT files."),
    ],
    threshold: Annotated[
        float | None, typer.Option("--threshold", help="Minimum score (default: the calibrated threshold).")
    ] = None,
    max_list_age: Annotated[
        float | None,
        typer.Option(
            "--max-list-age",
            help="Hold every message when a list is older than this many days "
            "(default: each authority's freshness policy).",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Processes that read and screen (default: every core)."),
    ] = None,
    record: Annotated[
        bool, typer.Option("--record/--dry-run", help="Record each screening; holds open cases (default).")
    ] = True,
    receipts: Annotated[
        Path | None,
        typer.Option(
            "--receipts",
            help="Write a signed receipt per message, the message in it: FILE.jsonl (one per line) or a "
            "new directory (one file each). Never overwritten.",
        ),
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Screen payment messages field by field: each passes or is held (exit code 4 when any is held)."""
    if max_list_age is not None and max_list_age <= 0:
        raise InputError(f"--max-list-age: {max_list_age} is not a positive number of days")
    files = list(message_files(paths))
    if not files:
        raise InputError("no message file in " + ", ".join(str(p) for p in paths))
    key = load_signing_key() if receipts is not None else None  # no key: refused before screening
    out = ReceiptsOut(receipts, "--receipts") if receipts is not None else None
    try:
        results = _screen_files(files, max_list_age, threshold, workers, record, key, out, db)
    finally:
        if out is not None:
            out.close()
    if as_json:
        print_json({"messages": [s.to_json() for s in results]})
    else:
        _report(results)
    if any(s.decision.decision is Decision.HOLD for s in results):
        raise typer.Exit(EXIT_HELD)


def _screen_files(
    files: list[Path],
    max_list_age: float | None,
    threshold: float | None,
    workers: int | None,
    record: bool,
    key: SigningKey | None,
    out: ReceiptsOut | None,
    db: str | None,
) -> list[Screened]:
    """The files screened (and recorded), and with `out` each message's receipt signed and written."""
    with database(db) as engine:
        registry = Registry(engine, actor=cli_actor())
        versions = registry.active_versions()  # read once: what the desk screens against, what receipts name
        if not versions:
            err.print("[red]error[/red] the registry holds no active list: run `sanctionwatch update` first")
            raise typer.Exit(2)
        age = timedelta(days=max_list_age) if max_list_age is not None else None
        desk = PaymentDesk.from_registry(
            registry, max_list_age=age, threshold=threshold, record=record, versions=versions
        )
        cores = workers if workers is not None else available_cores()
        with ExitStack() as stack:
            batch = None
            if out is not None:
                batch = stack.enter_context(
                    PaymentReceipts(
                        actor=cli_actor(), settings=PaymentSettings.of(desk.screener, age),
                        versions=versions, holdings_revision=OwnershipStore(engine).revision(),
                    )
                )  # fmt: skip
            results = []
            for screened in desk.screen_files(files, actor=cli_actor(), workers=cores):
                if batch is not None:
                    batch.add(screened)  # spooled to disk: the message is not kept past its receipt
                results.append(replace(screened, received=None))
            if batch is not None and key is not None and out is not None:
                subject = f"{len(files)} message file(s): " + ", ".join(p.name for p in files[:5])
                issued = batch.sign(engine, key, out.write, subject=subject[:200])
                err.print(f"{issued.count} receipts (audit record {issued.audit_seq}) -> {out.path}")
    return results


def _report(results: list[Screened]) -> None:
    if any(h.kind is HitKind.STALE_LISTS for s in results for h in s.decision.hits):
        err.print("[bold red]LISTS TOO OLD[/bold red]: every message is held until they are updated")
    for screened in results:
        d = screened.decision
        colour = "red" if d.decision is Decision.HOLD else "green"
        case = f", case {screened.stored['case']}" if screened.stored and screened.stored["case"] else ""
        console.print(
            f"[{colour}]{d.decision.value.upper()}[/{colour}] {d.source}: {d.message_type or '?'} "
            f"{d.reference or ''}{case}"
        )
        for hit in d.hits:
            console.print(f"    {hit.field}: {hit.kind.value}: {hit.why}")
        for note in d.notes:
            console.print(f"    [dim]note: {note}[/dim]")
    held = sum(1 for s in results if s.decision.decision is Decision.HOLD)
    err.print(f"{len(results)} messages: {len(results) - held} passed, {held} held")


@payments_app.command("list")
def list_payments(
    state: Annotated[
        str | None, typer.Option("--state", help="held, released, rejected or passed (default: all).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Most to show, newest first.")] = 50,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """The screened messages, newest first: the hold queue with --state held."""
    wanted = _state(state)
    with database(db) as engine:
        found = PaymentHolds(engine).recent(state=wanted, limit=limit)
    if as_json:
        print_json({"payments": [_brief(p) for p in found]})
        return
    table = Table(title="Payments" + (f" ({wanted.value})" if wanted else ""))
    for column in ("id", "state", "case", "type", "reference", "screened", "reasons"):
        table.add_column(column)
    for p in found:
        table.add_row(
            str(p["id"]), p["state"], str(p["case"] or ""), p["message_type"] or "?", p["reference"] or "",
            p["screened_at"], "; ".join(p["reasons"]),
        )  # fmt: skip
    console.print(table)


@payments_app.command("show")
def show_payment(
    payment_id: Annotated[int, typer.Argument(help="The screening's id (`payments list`).")],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """One screened message: its decision, every hit by field, its case and the message itself."""
    with database(db) as engine:
        found = PaymentHolds(engine).get(payment_id)
    if found is None:
        err.print(f"[red]not found[/red] payment {payment_id}")
        raise typer.Exit(1)
    if as_json:
        print_json(found)
        return
    console.print(
        f"payment {found['id']}: {found['state']} ({found['message_type']} {found['reference'] or ''})"
    )
    if found["case"]:
        console.print(f"case {found['case']} ({found['case_status']}): `sanctionwatch cases ...` decides it")
    for hit in found["hits"]:
        console.print(f"    {hit['field']}: {hit['kind']}: {hit['why']}")
    console.print(f"lists: {', '.join(found['list_versions'])}; engine {found['engine_version']}")


def _state(value: str | None) -> PaymentState | None:
    if value is None:
        return None
    try:
        return PaymentState(value)
    except ValueError:
        raise InputError(
            f"--state: unknown {value!r}; use one of {', '.join(s.value for s in PaymentState)}"
        ) from None


def _brief(found: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in found.items() if k != "message"}
