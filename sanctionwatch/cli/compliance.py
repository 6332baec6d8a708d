"""`sanctionwatch customers|alerts|cases|rescreen|webhooks ...`: the monitoring and case work from a shell
(and a case's file for an examiner: `cases export`).

Case steps need to know who takes them, beyond doubt, or the four-eyes rule would be one `--as` away
from meaningless: the CLI authenticates like the service does, with a user's password (--user, the
password from SANCTIONWATCH_PASSWORD or a prompt) or an API key issued for a user (SANCTIONWATCH_API_KEY).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import Engine

from sanctionwatch.access.keys import ApiKeys
from sanctionwatch.access.users import Users
from sanctionwatch.cases.workflow import Actor, Cases
from sanctionwatch.cli.common import DbOption, JsonOption, command_group, console, database, err, print_json
from sanctionwatch.cli.customer_receipts import CustomerReceiptsOption, customer_receipts
from sanctionwatch.config import cli_actor
from sanctionwatch.evidence.case_export import export_case_file
from sanctionwatch.evidence.case_file import CaseFileFormat
from sanctionwatch.monitoring.after_update import (
    mark_screened_through,
    network_runs,
    notify_alerts,
    unscreened_ids,
)
from sanctionwatch.monitoring.alerts import STATUSES, Alerts
from sanctionwatch.monitoring.customer_store import Customers
from sanctionwatch.monitoring.rescreen import Monitor, OnScreened, ScreeningRun
from sanctionwatch.monitoring.webhooks import Delivery, Webhooks
from sanctionwatch.registry.store import Registry
from sanctionwatch.screening.screener import Screener

customers_app = command_group(help="The customer base that is monitored.")
alerts_app = command_group(help="Alerts raised by screening the customers.")
cases_app = command_group(help="Review alerts: review, propose, confirm (by a second person), close.")
webhooks_app = command_group(help="Where new alerts are posted (signed with HMAC).")

AlertArg = Annotated[int, typer.Argument(help="The alert's id (`sanctionwatch alerts list`).")]
UserOption = Annotated[
    str | None, typer.Option("--user", help="Act as this user (password: SANCTIONWATCH_PASSWORD or prompt).")
]


def _actor(engine: Engine, user: str | None) -> Actor:
    """Who takes the step, authenticated: a user and their password, or a key from SANCTIONWATCH_API_KEY
    (never an argument: command lines are visible to every process and kept in shell histories)."""
    key = os.environ.get("SANCTIONWATCH_API_KEY")
    if user is None and key:
        record = ApiKeys(engine).verify(key)
        if record is None:
            err.print("[red]error[/red] invalid or revoked API key")
            raise typer.Exit(1)
        return Actor(record.person or record.label, record.role)
    if user is None:
        err.print("[red]error[/red] say who you are: --user NAME (with your password) or an API key")
        raise typer.Exit(1)
    password = os.environ.get("SANCTIONWATCH_PASSWORD") or typer.prompt(
        f"Password for {user}", hide_input=True
    )
    found = Users(engine).authenticate(user, password)
    if found is None:
        err.print(f"[red]error[/red] user {user}: unknown, disabled, or wrong password")
        raise typer.Exit(1)
    return Actor(f"user:{found.name}", found.role)


def _monitor(engine: Engine, on_screened: OnScreened | None = None) -> Monitor:
    registry = Registry(engine)
    versions = {v.source: v.number for v in registry.active_versions()}
    if not versions:
        err.print("[red]error[/red] no lists in the registry yet: run `sanctionwatch update` first")
        raise typer.Exit(1)
    return Monitor(engine, Screener.from_registry(registry), versions, on_screened=on_screened)


def _network_runs(engine: Engine, monitor: Monitor, new_ids: list[str]) -> list[ScreeningRun]:
    """Ownership and shared values after customers changed, their alerts posted to the webhooks."""
    registry = Registry(engine)
    runs = network_runs(registry, monitor.screener, monitor.list_versions, new_ids, actor=cli_actor())
    for run in runs:
        notify_alerts(registry, run, monitor.list_versions)
    return runs


def _notified(engine: Engine, run: ScreeningRun | None, monitor: Monitor | None) -> list[Delivery]:
    """Post the run's new alerts to the webhooks (whatever the output format)."""
    if run is None or monitor is None:
        return []
    return notify_alerts(Registry(engine), run, monitor.list_versions)


def _report_run(run: ScreeningRun, deliveries: list[Delivery], as_json: bool) -> None:
    if as_json:
        print_json(run.to_json() | {"webhooks": [d.to_json() for d in deliveries]})
        return
    console.print(
        f"screened {run.customers} customer(s) ({run.trigger}): [bold]{len(run.alerts)} new alert(s)[/bold], "
        f"{run.already_alerted} already alerted, {run.suppressed} on the good-guy list, in {run.seconds:.1f} s"
    )
    for customer_id, error in run.failed:
        err.print(f"[yellow]not screened[/yellow] customer {customer_id}: {error}")
    for a in run.alerts:
        console.print(f"  alert {a['id']}: customer {a['customer_id']} ~ {a['entity_id']} ({a['score']:.2f})")
    for delivery in deliveries:
        state = "delivered" if delivery.ok else f"[red]not delivered[/red] ({delivery.error})"
        err.print(f"webhook {delivery.webhook_id}: {state}")


# ---- customers --------------------------------------------------------------------------------------


@customers_app.command("import")
def import_customers(
    file: Annotated[Path, typer.Argument(help="CSV, XLSX, JSON lines or Parquet; columns id, name, ...")],
    screen: Annotated[
        bool, typer.Option("--screen/--no-screen", help="Screen the new and changed customers at once.")
    ] = True,
    receipts: CustomerReceiptsOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Add or update customers by id (columns: id, name, aliases, schema, birth_date, country, identifier;
    any other column is kept as an attribute). Rows with errors are reported and skipped."""
    if receipts is not None and not screen:
        raise typer.BadParameter(
            "nothing is screened with --no-screen: no receipt to write", param_hint="--receipts"
        )
    with database(db) as engine, customer_receipts(receipts, Registry(engine)) as signed:
        summary, rejected = Customers(engine).import_file(file, actor=cli_actor())
        for problem in rejected:
            err.print(f"[yellow]skipped[/yellow] {file.name} row {problem.row}: {problem}")
        run = monitor = None
        # Every customer owed a screen, not only this file's changes: an earlier import killed half-way
        # left its customers stored but unscreened, and importing the same file again changes nothing.
        network: list[ScreeningRun] = []
        if screen and Customers(engine).unscreened_count():
            monitor = _monitor(engine, None if signed is None else signed.on_screened)
            new_ids = unscreened_ids(Customers(engine))
            run = monitor.screen_new_customers()
            network = _network_runs(engine, monitor, new_ids)
        deliveries = _notified(engine, run, monitor)
        if as_json:
            print_json(
                {
                    "file": str(file),
                    **summary.to_json(),
                    "errors": [{"row": p.row, "error": str(p)} for p in rejected],
                    "screening": run.to_json() if run else None,
                    "network": [r.to_json() for r in network],
                    "webhooks": [d.to_json() for d in deliveries],
                }
            )
        else:
            console.print(
                f"{file.name}: {summary.added} added, {summary.updated} updated, {summary.unchanged} unchanged, "
                f"{summary.rejected} rejected"
            )
            if run is not None:
                _report_run(run, deliveries, False)
            for extra in network:
                _report_run(extra, [], False)
    if rejected:
        raise typer.Exit(1)


@customers_app.command("delete")
def delete_customers(
    ids: Annotated[list[str], typer.Argument(help="Customer ids.")], db: DbOption = None
) -> None:
    """Remove customers from monitoring (their alerts and cases stay, for the record)."""
    with database(db) as engine:
        removed = Customers(engine).delete(ids, actor=cli_actor())
    console.print(f"deleted {removed} of {len(ids)} customer(s)")
    if removed < len(ids):
        raise typer.Exit(1)


@customers_app.command("show")
def show_customer(
    customer_id: Annotated[str, typer.Argument(help="The customer's id.")], db: DbOption = None
) -> None:
    with database(db) as engine:
        customer = Customers(engine).get(customer_id)
    if customer is None:
        err.print(f"[red]error[/red] no customer {customer_id!r}")
        raise typer.Exit(1)
    print_json({"id": customer.id, **customer.data(), "hash": customer.hash})


@customers_app.command("count")
def count_customers(as_json: JsonOption = False, db: DbOption = None) -> None:
    """How many customers are monitored, and how many of them are still owed a screen."""
    with database(db) as engine:
        store = Customers(engine)
        total, unscreened = store.count(), store.unscreened_count()
    if as_json:
        print_json({"customers": total, "unscreened": unscreened})
        return
    console.print(str(total))
    if unscreened:
        err.print(
            f"[yellow]{unscreened} customer(s) not screened yet[/yellow] (an interrupted import or screen): "
            "`sanctionwatch rescreen` screens them, as does the next import or update"
        )


# ---- screening on demand -------------------------------------------------------------------------------


def rescreen(
    full: Annotated[
        bool, typer.Option("--full", help="Every customer, not only those new or changed.")
    ] = False,
    receipts: CustomerReceiptsOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Screen the customers not screened since they were added or changed, or (--full) all of them."""
    with database(db) as engine:
        with customer_receipts(receipts, Registry(engine)) as signed:
            monitor = _monitor(engine, None if signed is None else signed.on_screened)
            run = monitor.full() if full else monitor.screen_new_customers()
            if full:  # every customer against the active versions: nothing older is owed
                mark_screened_through(engine, monitor.list_versions)
        _report_run(run, _notified(engine, run, monitor), as_json)


# ---- alerts -------------------------------------------------------------------------------------------


@alerts_app.command("list")
def list_alerts(
    status: Annotated[
        list[str] | None, typer.Option("--status", help=f"Only these statuses: {', '.join(STATUSES)}.")
    ] = None,
    customer: Annotated[str | None, typer.Option("--customer", help="Only this customer's alerts.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="At most this many.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """The alert queue, oldest first."""
    for value in status or []:
        if value not in STATUSES:
            raise typer.BadParameter(f"unknown status {value!r}; use one of {', '.join(STATUSES)}")
    with database(db) as engine:
        alerts = Alerts(engine).list(status=status or (), customer_id=customer, limit=limit)
    if as_json:
        print_json(alerts)
        return
    table = Table(title=f"Alerts ({len(alerts)})")
    for column in (
        "id",
        "customer",
        "listed party",
        "score",
        "status",
        "assignee",
        "list version",
        "age (days)",
    ):
        table.add_column(column)
    for a in alerts:
        table.add_row(
            str(a["id"]), a["customer_id"], a["entity_id"], f"{a['score']:.2f}", a["status"],
            a["assignee"] or "", a["list_version"], str(a["age_days"]),
        )  # fmt: skip
    console.print(table)


@alerts_app.command("show")
def show_alert(alert_id: AlertArg, as_json: JsonOption = False, db: DbOption = None) -> None:
    """One alert with its explanation and its case history."""
    with database(db) as engine:
        alert = Alerts(engine).get(alert_id)
    if alert is None:
        err.print(f"[red]error[/red] no alert {alert_id}")
        raise typer.Exit(1)
    if as_json:
        print_json(alert)
        return
    explanation = alert["explanation"]
    console.print(
        f"[bold]alert {alert['id']}[/bold] ({alert['status']}): customer {alert['customer_id']} ~ "
        f"{alert['entity_id']} {explanation.get('caption', '')!r}, score {alert['score']:.2f}, "
        f"on {alert['list_version']}"
    )
    if explanation.get("summary"):
        console.print(f"  why: {explanation['summary']}")
    if alert["decision"]:
        console.print(f"  decision: {alert['decision']} ({alert['reason']})")
    for event in alert["events"]:
        console.print(f"  {event['at'][:19]}  {event['actor']}: {event['action']}  {event['text'] or ''}")


# ---- cases ---------------------------------------------------------------------------------------------


def _case_step(db: str | None, user: str | None, step: str, alert_id: int, **fields: str | None) -> None:
    with database(db) as engine:
        actor = _actor(engine, user)
        Cases(engine).take(step, alert_id, actor, **fields)
        alert = Alerts(engine).get(alert_id)
    assert alert is not None
    console.print(f"alert {alert['id']}: {alert['status']} ({step.replace('_', ' ')} by {actor.name})")


@cases_app.command("review")
def review_case(alert_id: AlertArg, user: UserOption = None, db: DbOption = None) -> None:
    """Take an open alert into review (assigned to you unless someone holds it)."""
    _case_step(db, user, "review", alert_id)


@cases_app.command("assign")
def assign_case(
    alert_id: AlertArg,
    to: Annotated[str, typer.Option("--to", help="Who the case is assigned to.")],
    user: UserOption = None,
    db: DbOption = None,
) -> None:
    _case_step(db, user, "assign", alert_id, assignee=to)


@cases_app.command("propose")
def propose_case(
    alert_id: AlertArg,
    decision: Annotated[str, typer.Option("--decision", help="true_match or false_positive.")],
    reason: Annotated[str, typer.Option("--reason", help="Why: what the evidence shows.")],
    user: UserOption = None,
    db: DbOption = None,
) -> None:
    """Propose a decision; a second person with the approver role confirms it."""
    _case_step(db, user, "propose", alert_id, decision=decision, reason=reason)


@cases_app.command("confirm")
def confirm_case(
    alert_id: AlertArg,
    comment: Annotated[str | None, typer.Option("--comment", help="A note with the confirmation.")] = None,
    user: UserOption = None,
    db: DbOption = None,
) -> None:
    """Confirm someone else's proposal (approver role; never your own)."""
    _case_step(db, user, "confirm", alert_id, text=comment)


@cases_app.command("send-back")
def send_back_case(
    alert_id: AlertArg,
    reason: Annotated[str, typer.Option("--reason", help="What must be looked at again.")],
    user: UserOption = None,
    db: DbOption = None,
) -> None:
    """Return a proposal to review (approver role)."""
    _case_step(db, user, "send_back", alert_id, reason=reason)


@cases_app.command("close")
def close_case(alert_id: AlertArg, user: UserOption = None, db: DbOption = None) -> None:
    _case_step(db, user, "close", alert_id)


@cases_app.command("comment")
def comment_case(
    alert_id: AlertArg,
    text: Annotated[str, typer.Option("--text", help="The comment.")],
    user: UserOption = None,
    db: DbOption = None,
) -> None:
    _case_step(db, user, "comment", alert_id, text=text)


@cases_app.command("export")
def export_case(
    alert_id: AlertArg,
    pdf: Annotated[bool, typer.Option("--pdf", help="The case file as an A4 PDF.")] = False,
    html: Annotated[bool, typer.Option("--html", help="The HTML page the PDF is rendered from.")] = False,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (standard output if omitted, or '-')."),
    ] = None,
    db: DbOption = None,
) -> None:
    """The case file of an alert for an examiner: both sides, why it matched, the list versions with
    their files' SHA-256, every step, the four-eyes decision, the audit records and the chain head.

    The export is itself an audit record (case.export), in the name of this system account.
    """
    if pdf == html:
        raise typer.BadParameter("give exactly one of --pdf or --html", param_hint="'--pdf' / '--html'")
    fmt = CaseFileFormat.PDF if pdf else CaseFileFormat.HTML
    to_stdout = output is None or str(output) == "-"
    if to_stdout and fmt is CaseFileFormat.PDF and sys.stdout.isatty():
        raise typer.BadParameter(
            "a PDF is not for a terminal: --output FILE, or redirect", param_hint="'--pdf'"
        )
    if output is not None and not to_stdout and not output.parent.is_dir():
        raise typer.BadParameter(f"{output.parent}: no such directory", param_hint="'--output'")
    with database(db) as engine:
        exported = export_case_file(engine, alert_id, actor=cli_actor(), fmt=fmt)
    head = exported.case.head
    where = "standard output" if to_stdout else str(output)
    try:
        if to_stdout:
            sys.stdout.buffer.write(exported.content)
            sys.stdout.flush()
        else:
            assert output is not None
            output.write_bytes(exported.content)
    except OSError as exc:  # the export is on record already: say so, not "nothing was written"
        err.print(
            f"error writing the case file to {where}: {exc}; the export is audit record {head.seq}",
            soft_wrap=True,
            highlight=False,
            markup=False,
        )
        raise typer.Exit(1) from None
    err.print(
        f"case file of alert {alert_id} ({fmt.value}, {len(exported.content)} bytes) written to {where}; "
        f"audit record {head.seq}, head {head.hash}",
        soft_wrap=True,
        highlight=False,
        markup=False,
    )


# ---- webhooks ------------------------------------------------------------------------------------------


@webhooks_app.command("add")
def add_webhook(
    url: Annotated[str, typer.Argument(help="http(s) URL that receives the POSTs.")], db: DbOption = None
) -> None:
    """Register a receiver; its signing secret is printed once, as the last word."""
    with database(db) as engine:
        webhook_id, secret = Webhooks(engine).add(url, actor=cli_actor())
    print(f"Added webhook {webhook_id}; its signing secret, shown once: {secret}")


@webhooks_app.command("list")
def list_webhooks(as_json: JsonOption = False, db: DbOption = None) -> None:
    with database(db) as engine:
        hooks = Webhooks(engine).list()
    if as_json:
        print_json([h.to_json() for h in hooks])
        return
    for h in hooks:
        console.print(f"{h.id}  {h.url}  {'active' if h.active else 'disabled'}")


@webhooks_app.command("remove")
def remove_webhook(webhook_id: Annotated[int, typer.Argument()], db: DbOption = None) -> None:
    with database(db) as engine:
        Webhooks(engine).remove(webhook_id, actor=cli_actor())
    console.print(f"webhook {webhook_id} disabled")
