"""The `sanctionwatch` command. Thin: it parses options, calls the core, and renders JSON or rich tables.

Exit codes (scripts rely on them): 0 success; 1 bad input or a failed download (nothing ingested
for that source); 2 a new version was held back by the sanity guard; 3 the official sources could
not be reached at all (offline) and nothing was ingested.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.panel import Panel
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from sanctionwatch.cli.access import keys_app, users_app
from sanctionwatch.cli.audit import audit_app
from sanctionwatch.cli.common import (
    DbOption,
    JsonOption,
    command_group,
    console,
    err,
    failures_reported,
    print_json,
    report,
)
from sanctionwatch.cli.compliance import alerts_app, cases_app, customers_app, rescreen, webhooks_app
from sanctionwatch.cli.customer_receipts import CustomerReceiptsOption, customer_receipts
from sanctionwatch.cli.freshness import freshness_table, report_degraded, watch_command
from sanctionwatch.cli.ownership import ownership_app
from sanctionwatch.cli.payments import payments_app, screen_payment
from sanctionwatch.cli.receipts import (
    ReceiptsOut,
    receipt_app,
    receipt_file,
    receipt_target,
    screened_versions,
)
from sanctionwatch.cli.reports import report_command
from sanctionwatch.cli.serve import serve
from sanctionwatch.cli.spark import snapshot, spark_screen
from sanctionwatch.config import cache_dir, cli_actor, database_url
from sanctionwatch.db.engine import connect
from sanctionwatch.evidence.certificate import certify_file
from sanctionwatch.evidence.receipt import Channel, ReceiptBatch, Screened, Settings, sign_one
from sanctionwatch.evidence.signing import load_signing_key
from sanctionwatch.model import entity_source
from sanctionwatch.monitoring.after_update import Rescreen, rescreen_owed
from sanctionwatch.ownership.assembly import load_network
from sanctionwatch.registry.audit import AuditLog
from sanctionwatch.registry.freshness import freshness_of
from sanctionwatch.registry.store import Registry, RegistryError, VersionInfo
from sanctionwatch.registry.summary import describe_changes
from sanctionwatch.registry.update import (
    SourceOutcome,
    official_sources,
    sample_files,
    update_from_files,
    update_official,
)
from sanctionwatch.screening.batch import RowResult, screen_file
from sanctionwatch.screening.query import Hit, Query
from sanctionwatch.screening.screener import Screener
from sanctionwatch.screening.trail import file_digest, note_for
from sanctionwatch.sources.catalog import SOURCES, UnknownSourceError, source_spec
from sanctionwatch.sources.ftm import write_ftm
from sanctionwatch.sources.progress import reporting

__all__ = ["main"]

app = command_group(
    name="sanctionwatch",
    help="Sanctions lists: ingest the official lists into a versioned registry and inspect them.",
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_INPUT = 1
EXIT_HELD = 2
EXIT_UNREACHABLE = 3

ThresholdOption = Annotated[
    float | None, typer.Option("--threshold", help="Minimum score (default: the calibrated threshold).")
]
ForceOption = Annotated[bool, typer.Option("--force", help="Activate even if the sanity guard objects.")]
RescreenOption = Annotated[
    bool,
    typer.Option(
        "--rescreen/--no-rescreen",
        help="Screen the customers against the parties that became active or changed (default: yes).",
    ),
]


@contextmanager
def _opened(db: str | None) -> Iterator[Registry]:
    """The registry for one command; a failing database or disk ends it with one line and exit code 1
    (see `failures_reported`)."""
    url = database_url(db)
    with failures_reported(url):
        registry = Registry(connect(url), actor=cli_actor())
        try:
            yield registry
        finally:
            registry.close()


def _check_source(source: str) -> None:
    """An official source or a well-formed internal:NAME (`source_spec`), else a usage error."""
    try:
        source_spec(source)
    except UnknownSourceError as exc:
        raise typer.BadParameter(str(exc), param_hint="--source") from None


# ---- update ---------------------------------------------------------------------------------------------


@app.command()
def update(
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source",
            "-s",
            help="Source(s) to update (default: every official list); internal:NAME for a list of your own, "
            "ftm:NAME for a FollowTheMoney dataset (with --file; plain ftm takes NAME from the file).",
        ),
    ] = None,
    file: Annotated[
        list[Path] | None, typer.Option("--file", "-f", help="Ingest these files instead of downloading.")
    ] = None,
    mirror: Annotated[
        str | None,
        typer.Option("--mirror", help="Internal mirror: a directory or URL laid out as <source>/<file>."),
    ] = None,
    sample: Annotated[
        bool,
        typer.Option(
            "--sample", help="Ingest the small sample lists shipped with Sanctionwatch (offline demo)."
        ),
    ] = False,
    force: ForceOption = False,
    rescreen: RescreenOption = True,
    receipts: CustomerReceiptsOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Fetch and ingest official lists as new registry versions, activated only when complete and sane.

    Then the customer base is screened against the new and changed parties (delta screening), and
    new alerts are posted to the webhooks.
    """
    for name in source or []:
        _check_source(name)
        if not file and not sample and not source_spec(name).files:
            raise typer.BadParameter(
                f"{name} has no official download: give its file with --file "
                f"(e.g. sanctionwatch update --source {name} --file deny.csv)",
                param_hint="--source",
            )
    if file and sample:
        raise typer.BadParameter("--file and --sample exclude each other")
    _receipts_checked(receipts, rescreen)
    if mirror and (file or sample):
        raise typer.BadParameter(
            "--mirror is where official files are downloaded from: it does not apply to --file or --sample",
            param_hint="--mirror",
        )
    if file and source and len(source) > 1:
        raise typer.BadParameter(
            "the given files feed one source: name at most one --source with --file", param_hint="--source"
        )
    if sample and source:
        shipped = sample_files()
        if missing := [name for name in source if name not in shipped]:
            raise typer.BadParameter(
                f"no sample list is shipped for {', '.join(missing)} (samples: {', '.join(shipped)})",
                param_hint="--source",
            )
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with (
        _opened(db) as registry,
        Progress(*columns, console=err, disable=as_json, transient=True) as bar,
        reporting(lambda _path, done, size: bar.update(task, completed=done, total=size)),
    ):
        task = bar.add_task("updating", total=None)

        def progress(message: str) -> None:
            bar.update(task, description=message, completed=0, total=None)

        if file:
            chosen = source[0] if source and len(source) == 1 else None
            outcomes = update_from_files(registry, file, source=chosen, force=force, progress=progress)
        elif sample:
            _warn_sample()
            outcomes = []
            for name, paths in sample_files().items():
                if not source or name in source:
                    outcomes += update_from_files(
                        registry, paths, source=name, force=force, progress=progress
                    )
        else:
            outcomes = update_official(
                registry,
                source or official_sources(),
                cache=cache_dir(),
                mirror=mirror,
                force=force,
                progress=progress,
            )
        if rescreen:
            with customer_receipts(receipts, registry) as signed:
                on_screened = None if signed is None else signed.on_screened
                after = rescreen_owed(registry, progress=progress, on_screened=on_screened)
    _report_update(outcomes, as_json, mirror)
    if rescreen:
        _report_rescreen(after)


def _receipts_checked(receipts: Path | None, rescreen: bool) -> None:
    """--receipts refused before the lists are touched: without a re-screen, without a signing key, or
    to a file that exists (the re-screen is made up by the next update if this one is stopped)."""
    if receipts is None:
        return
    if not rescreen:
        raise typer.BadParameter(
            "nothing is screened with --no-rescreen: no receipt to write", param_hint="--receipts"
        )
    load_signing_key()
    receipt_target(receipts, "--receipts")


def _report_rescreen(after: Rescreen) -> None:
    """On stderr: stdout stays the update's own report (its --json shape is a stable interface)."""
    if (run := after.run) is not None:
        err.print(
            f"re-screened {run.candidates} of the customers against {run.parties} new or changed parties: "
            f"[bold]{len(run.alerts)} new alert(s)[/bold] ({run.already_alerted} already alerted, "
            f"{run.suppressed} on the good-guy list) in {run.seconds:.1f} s"
        )
    if (caught := after.catch_up) is not None:
        err.print(
            f"screened {caught.customers} customer(s) left unscreened before (an interrupted import or "
            f"screen): [bold]{len(caught.alerts)} new alert(s)[/bold] in {caught.seconds:.1f} s"
        )
        for customer_id, error in caught.failed:
            err.print(f"[yellow]not screened[/yellow] customer {customer_id}: {error}")
    for extra in after.network:
        err.print(
            f"{extra.trigger}: checked {extra.customers} customer(s): "
            f"[bold]{len(extra.alerts)} new alert(s)[/bold] in {extra.seconds:.1f} s"
        )
    for delivery in after.deliveries:
        state = "delivered" if delivery.ok else f"[red]not delivered[/red] ({delivery.error})"
        err.print(f"webhook {delivery.webhook_id}: {state}")


def _warn_sample() -> None:
    err.print(
        Panel(
            "Using the SMALL SAMPLE LIST shipped with Sanctionwatch, not the official lists.\n"
            "It holds a handful of real designations written from public facts, for demonstration only.\n"
            "Do not screen real customers against it: run `sanctionwatch update` (online) or "
            "`sanctionwatch update --mirror DIR_OR_URL` instead.",
            title="SAMPLE DATA",
            style="bold yellow",
        )
    )


_IMPORT_ROLES = {
    "party": "as parties",
    "non-target": "as parties not targeted by the list (target: false; screened, shown with target false)",
    "non-party": "as non-parties (kept and served, not screened)",
    "unknown-schema": "NOT imported: schema unknown to followthemoney",
}


def import_summary(counts: dict[str, dict[str, int]]) -> str:
    """What an FtM import made of each entity: 'imported 2 as parties (Person 2), 3 as non-parties
    (Address 1, Sanction 2)'; every entity of the file is in one of these counts."""
    parts = []
    for role, wording in _IMPORT_ROLES.items():
        by_schema = counts.get(role) or {}
        if by_schema:
            detail = ", ".join(f"{schema} {n}" for schema, n in sorted(by_schema.items()))
            parts.append(f"{sum(by_schema.values())} {wording} ({detail})")
    return "imported " + "; ".join(parts) if parts else "imported nothing"


def _report_update(outcomes: list[SourceOutcome], as_json: bool, mirror: str | None) -> None:
    if as_json:
        print_json(
            [
                o.result.to_json() if o.result else {"source": o.source, "error": o.error, "active": False}
                for o in outcomes
            ]
        )
    else:
        table = Table(title="Registry update")
        for column in ("source", "version", "published", "parties", "added", "removed", "changed", "status"):
            table.add_column(column)
        for o in outcomes:
            if o.result:
                r = o.result.to_json()
                status = "unchanged" if o.result.unchanged else r["status"]
                table.add_row(
                    o.source, str(r["version"]), r["published"] or "-", str(r["entities"]),
                    str(r["added"]), str(r["removed"]), str(r["changed"]), status,
                )  # fmt: skip
            else:
                table.add_row(o.source, "-", "-", "-", "-", "-", "-", "[red]failed[/red]")
        console.print(table)
    for o in outcomes:
        if o.result and o.result.left_out:
            left_out = ", ".join(f"{count} {reason}" for reason, count in o.result.left_out.items())
            err.print(f"[yellow]left out[/yellow] of {o.source}, on purpose: {left_out}")
        if o.result and (counts := o.result.version.stats.get("import")):
            err.print(f"{o.source}: {import_summary(counts)}")
        if o.error:
            err.print(f"[red]error[/red] {o.source}: {o.error}")
        elif o.result and not o.result.version.active:
            err.print(
                f"[yellow]held[/yellow] {o.source} version {o.result.version.number} was NOT activated: "
                f"{o.result.problems}. The previous version stays active. "
                f"Inspect it, then `sanctionwatch activate {o.source} {o.result.version.number} --force`."
            )
    unreachable = [o for o in outcomes if o.unreachable]
    if unreachable:
        err.print(
            Panel(
                "The official sources could not be reached from this machine "
                f"({', '.join(o.source for o in unreachable)}).\n"
                "Nothing was downloaded for them and no screening data changed; the previously active "
                "versions (if any) stay in force.\n"
                "On an air-gapped network, point Sanctionwatch at your internal mirror:\n"
                "  sanctionwatch update --mirror /path/or/https://mirror.example/lists\n"
                "(laid out as <source>/<official file name>, e.g. ofac-sdn/SDN_ADVANCED.XML), "
                "or ingest files directly with --file PATH.",
                title="OFFICIAL LISTS UNREACHABLE",
                style="bold red",
            )
        )
    if unreachable and len(unreachable) == len(outcomes):
        raise typer.Exit(EXIT_UNREACHABLE)
    if any(o.error for o in outcomes):
        raise typer.Exit(EXIT_INPUT)
    if any(o.result and not o.result.version.active for o in outcomes):
        raise typer.Exit(EXIT_HELD)


# ---- activate -------------------------------------------------------------------------------------------


@app.command()
def activate(
    source: Annotated[str, typer.Argument(help="Source name, e.g. ofac-sdn.")],
    version: Annotated[int, typer.Argument(help="Version number (see `sanctionwatch lists`).")],
    force: ForceOption = False,
    rescreen: RescreenOption = True,
    receipts: CustomerReceiptsOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Activate an existing version: release a held one, or roll back to an earlier one.

    Then the customers are screened against what the change added or changed (as after an update).
    """
    _check_source(source)
    _receipts_checked(receipts, rescreen)
    with _opened(db) as registry:
        try:
            info = registry.activate(source, version, force=force)
            after = Rescreen(None)
            if rescreen:
                with customer_receipts(receipts, registry) as signed:
                    on_screened = None if signed is None else signed.on_screened
                    after = rescreen_owed(registry, on_screened=on_screened)
        except RegistryError as exc:  # held back by the guard (or no such version): exit 2, as documented
            report(exc, exit_code=EXIT_HELD)
    if as_json:
        print_json(info.to_json())
    else:
        console.print(f"{source} version {info.number} is now active ({info.entity_count} parties).")
    _report_rescreen(after)


# ---- lists ----------------------------------------------------------------------------------------------


@app.command("lists")
def list_versions(
    source: Annotated[str | None, typer.Option("--source", "-s", help="Only this source.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Every stored version of every list, and which one is active; and each official list's freshness
    (stale or failing in red, with the reason; in --json, under "freshness" on the active version)."""
    if source:
        _check_source(source)
    with _opened(db) as registry:
        versions = registry.versions(source)
        freshness = freshness_of(registry, sources=[n for n in official_sources() if source in (None, n)])
    by_source = {f.source: f for f in freshness}
    report_degraded(freshness)
    if as_json:
        print_json(
            [
                v.to_json()
                | ({"freshness": by_source[v.source].to_json()} if v.active and v.source in by_source else {})
                for v in versions
            ]
        )
        return
    table = Table(title="List versions")
    for column in ("source", "version", "published", "fetched", "parties", "status", "note"):
        table.add_column(column)
    for v in versions:
        table.add_row(
            v.source, str(v.number), v.published.isoformat() if v.published else "-",
            v.fetched.strftime("%Y-%m-%d %H:%M"), str(v.entity_count),
            f"[bold green]{v.status}[/bold green]" if v.active else v.status, v.status_reason or "",
        )  # fmt: skip
    console.print(table)
    if freshness:
        console.print(freshness_table(freshness))


# ---- changes --------------------------------------------------------------------------------------------


@app.command()
def changes(
    source: Annotated[str, typer.Option("--source", "-s", help="Source to compare.")],
    from_version: Annotated[
        int | None, typer.Option("--from", help="Older version (default: the one before).")
    ] = None,
    to_version: Annotated[
        int | None, typer.Option("--to", help="Newer version (default: the active one).")
    ] = None,
    program: Annotated[
        list[str] | None,
        typer.Option("--program", "-p", help="Only parties in this programme (family: DPRK)."),
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """What changed between two versions of a list: parties added, removed and changed (with fields)."""
    _check_source(source)
    with _opened(db) as registry:
        diff = registry.changes(
            source, from_number=from_version, to_number=to_version, programs=program or []
        )
    if as_json:
        print_json(diff.to_json())
        return
    console.print(describe_changes(diff))
    for title, rows in (("Added", diff.added), ("Removed", diff.removed)):
        if rows:
            table = Table(title=f"{title} ({len(rows)})")
            for column in ("id", "name", "schema", "programmes", "authorities"):
                table.add_column(column)
            for s in rows:
                table.add_row(s.source_id, s.name, s.schema, ", ".join(s.programs), ", ".join(s.authorities))
            console.print(table)
    if diff.changed:
        table = Table(title=f"Changed ({len(diff.changed)})")
        for column in ("id", "name", "weight", "what changed"):
            table.add_column(column)
        for c in diff.changed:
            details = "; ".join(
                f"{f.field}: " + ", ".join([f"+{a}" for a in f.added] + [f"-{r}" for r in f.removed])
                for f in c.fields
            )
            table.add_row(c.summary.source_id, c.summary.name, c.weight.value, details)
        console.print(table)


# ---- entity / entities ----------------------------------------------------------------------------------


@app.command()
def entity(
    entity_id: Annotated[str, typer.Argument(help="SOURCE:ID, e.g. ofac-sdn:36216 or un:KPi.066.")],
    version: Annotated[
        int | None, typer.Option("--version", help="A version number (default: active).")
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """The whole normalized record of one listed party."""
    if ":" not in entity_id:
        raise typer.BadParameter("expected SOURCE:ID, e.g. ofac-sdn:36216", param_hint="ENTITY_ID")
    source = entity_source(entity_id)
    _check_source(source)
    with _opened(db) as registry:
        info: VersionInfo | None = registry.version(source, version) if version is not None else None
        record = registry.entity(entity_id, version=info)
    if record is None:
        err.print(
            f"[red]error[/red] {entity_id} is not in the {'given' if version else 'active'} version of {source}"
        )
        raise typer.Exit(EXIT_INPUT)
    data = {"id": record.id, **record.to_dict()}
    if as_json:
        print_json(data)
        return
    table = Table(title=f"{record.caption} ({record.id})", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for key, value in data.items():
        if value in (None, [], {}):
            continue
        table.add_row(
            key, json.dumps(value, ensure_ascii=False, indent=1) if not isinstance(value, str) else value
        )
    console.print(table)


@app.command()
def entities(
    program: Annotated[
        list[str] | None, typer.Option("--program", "-p", help="Programme (family: DPRK).")
    ] = None,
    authority: Annotated[
        list[str] | None, typer.Option("--authority", "-a", help='Legal authority, e.g. "EO 13382".')
    ] = None,
    schema: Annotated[
        list[str] | None, typer.Option("--schema", help="Person, Organization, Vessel, ...")
    ] = None,
    source: Annotated[list[str] | None, typer.Option("--source", "-s", help="Only these sources.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Listed parties of the active versions, filtered by programme, authority, schema and source."""
    for name in source or []:
        _check_source(name)
    with _opened(db) as registry:
        found = registry.entities(
            sources=source or [], programs=program or [], authorities=authority or [], schemas=schema or []
        )
    if as_json:
        print_json([s.to_json() for s in found])
        return
    table = Table(title=f"{len(found)} listed parties")
    for column in ("id", "name", "schema", "programmes", "authorities"):
        table.add_column(column)
    for s in found:
        table.add_row(s.id, s.name, s.schema, ", ".join(s.programs), ", ".join(s.authorities))
    console.print(table)


# ---- export ---------------------------------------------------------------------------------------------


@app.command()
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write ('-' for stdout).")],
    source: Annotated[list[str] | None, typer.Option("--source", "-s", help="Only these sources.")] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="Output format: ftm (FollowTheMoney JSON lines).")
    ] = "ftm",
    db: DbOption = None,
) -> None:
    """Export the active versions as FollowTheMoney entities (JSON lines), for the FtM/OpenSanctions ecosystem."""
    if fmt != "ftm":
        raise typer.BadParameter("only 'ftm' is supported", param_hint="--format")
    for name in source or []:
        _check_source(name)
    with _opened(db) as registry:
        if str(output) == "-":
            count = write_ftm(registry.iter_entities(source), sys.stdout)
        else:
            with open(output, "w", encoding="utf-8") as out:
                count = write_ftm(registry.iter_entities(source), out)
    err.print(f"wrote {count} FollowTheMoney entities to {output}")


# ---- screen ---------------------------------------------------------------------------------------------


SourceFilter = Annotated[
    list[str] | None, typer.Option("--source", "-s", help="Screen only against these sources.")
]
ProgramFilter = Annotated[
    list[str] | None,
    typer.Option("--program", "-p", help="Screen only against these programmes (family: DPRK)."),
]


def _screener(registry: Registry, source: list[str] | None, program: list[str] | None) -> Screener:
    for name in source or []:
        _check_source(name)
    if not registry.active_versions():
        err.print("[red]error[/red] the registry holds no active list: run `sanctionwatch update` first")
        raise typer.Exit(EXIT_INPUT)
    return Screener.from_registry(registry, sources=source or [], programs=program or [])


@app.command()
def screen(
    name: Annotated[str, typer.Argument(help="Name of the person, company or vessel to screen.")] = "",
    schema: Annotated[
        str | None, typer.Option("--schema", help="Person, Organization, Company, Vessel, ...")
    ] = None,
    dob: Annotated[str | None, typer.Option("--dob", help="Birth date: YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    country: Annotated[str | None, typer.Option("--country", help="Country (ISO code or name).")] = None,
    identifier: Annotated[
        str | None, typer.Option("--id", help="Identifier: passport, IMO, BIC, registration, wallet ...")
    ] = None,
    threshold: ThresholdOption = None,
    limit: Annotated[int, typer.Option("--limit", help="Most hits to show.")] = 5,
    source: SourceFilter = None,
    program: ProgramFilter = None,
    receipt: Annotated[
        Path | None,
        typer.Option(
            "--receipt", help="Write a signed receipt of this screening to FILE (never overwritten)."
        ),
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Screen one name against the active lists, with an explanation for every hit."""
    query = Query(name, schema, dob, country, identifier)
    key = load_signing_key() if receipt is not None else None
    if receipt is not None:
        receipt_file(receipt, "--receipt")
    with _opened(db) as registry:
        versions = screened_versions(registry, source or [])
        screener = _screener(registry, source, program)
        hits = screener.screen(query, threshold=threshold, limit=limit)
        if receipt is not None and key is not None:
            settings = Settings(screener.threshold if threshold is None else threshold, limit,
                                tuple(source or ()), tuple(program or ()))  # fmt: skip
            line = sign_one(registry.engine, key, Screened(query, hits), channel=Channel.CLI, actor=cli_actor(),
                            settings=settings, versions=versions, subject="one query")  # fmt: skip
            with receipt.open("x", encoding="utf-8") as out:
                out.write(line)
            err.print(f"receipt written to {receipt}")
        # Entities an ownership rule blocks though no list names them: weighed against the whole
        # registry, so not when the screen is narrowed to some lists or programmes.
        owned = [] if source or program else _ownership_hits(registry, screener, query, threshold, limit)
        note = note_for(cli_actor(), "cli", [name, schema, dob, country, identifier], hits)
        AuditLog(registry.engine).record(actor=cli_actor(), action="screening.cli", subject="one query",
                         details={"calls": [note], "sources": source or [], "programs": program or []})  # fmt: skip
    if as_json:
        print_json({"query": name, "threshold": screener.threshold if threshold is None else threshold,
                     "hits": [h.to_json() for h in hits], "ownership": owned})  # fmt: skip
        return
    for found in owned:
        rules = "; ".join(f"{f['authority'].upper()} {f['reason']}" for f in found["findings"])
        console.print(f"[bold red]blocked by ownership[/bold red] {found['name']} ({found['node']}), "
                      f"score {found['score']:.2f}: {rules}", highlight=False)  # fmt: skip
    if not hits:
        console.print(
            f"No hit for {name!r} at threshold {screener.threshold if threshold is None else threshold}."
        )
        return
    table = Table(title=f"Hits for {name!r}")
    for column in ("score", "listed party", "matched name", "schema", "programmes", "why"):
        table.add_column(column)
    for hit in hits:
        table.add_row(
            f"{hit.score:.2f}", f"{hit.caption}\n[dim]{', '.join(hit.source_ids)}[/dim]", hit.matched_name,
            hit.schema, ", ".join(hit.programs), _why(hit),
        )  # fmt: skip
    console.print(table)


def _ownership_hits(
    registry: Registry, screener: Screener, query: Query, threshold: float | None, limit: int
) -> list[dict[str, Any]]:
    network = load_network(registry, screener)
    return [network.hit_json(found) for found in network.screen(query, threshold=threshold, limit=limit)]


@app.command("screen-file")
def screen_file_command(
    input_path: Annotated[
        Path, typer.Argument(metavar="INPUT", help="CSV, JSONL, XLSX or Parquet of queries.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Results: .jsonl, .csv, .xlsx or .parquet.")],
    threshold: ThresholdOption = None,
    limit: Annotated[int, typer.Option("--limit", help="Most hits per record.")] = 5,
    workers: Annotated[int | None, typer.Option("--workers", help="Processes (default: every core).")] = None,
    source: SourceFilter = None,
    program: ProgramFilter = None,
    receipts: Annotated[
        Path | None,
        typer.Option(
            "--receipts",
            help="Write a signed receipt per row: FILE.jsonl (one per line) or a new directory (one file each).",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Screen a file of parties: one result per input record, in input order; bad rows are reported in place."""
    if not input_path.is_file():
        raise typer.BadParameter(f"no such file: {input_path}", param_hint="INPUT")
    key = load_signing_key() if receipts is not None else None
    with _opened(db) as registry:
        versions = screened_versions(registry, source or [])
        screener = _screener(registry, source, program)
        digest = file_digest(input_path)
    batch = None
    if receipts is not None:
        settings = Settings(screener.threshold if threshold is None else threshold, limit,
                            tuple(source or ()), tuple(program or ()))  # fmt: skip
        batch = ReceiptBatch(channel=Channel.FILE, actor=cli_actor(), settings=settings, versions=versions)
        out = ReceiptsOut(receipts, "--receipts")
    columns = (SpinnerColumn(), TextColumn("screening"), BarColumn(), TextColumn("{task.completed} rows"))
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("screening", total=None)
        summary = screen_file(
            screener, input_path, output, threshold=threshold, limit=limit, workers=workers,
            progress=lambda done: bar.update(task, completed=done),
            on_result=None if batch is None else lambda kept: batch.add(_screened_row(kept)),
        )  # fmt: skip
    if batch is not None and key is not None:
        with _opened(db) as registry, batch:
            try:
                issued = batch.sign(registry.engine, key, out.write, subject=input_path.name)
            finally:
                out.close()
        err.print(f"{issued.count} receipts (audit record {issued.audit_seq}) -> {receipts}")
    with _opened(db) as registry:
        AuditLog(registry.engine).record(actor=cli_actor(), action="screening.file", subject=input_path.name,
                         details={"sha256": digest, "rows": summary.rows, "with_hits": summary.with_hits,
                                  "bad_rows": summary.errors, "output": output.name})  # fmt: skip
    rate = summary.rows / summary.elapsed if summary.elapsed else 0.0
    err.print(
        f"screened {summary.rows} records ({summary.with_hits} with hits, {summary.errors} bad rows) "
        f"in {summary.elapsed:.1f} s ({rate:.0f}/s, {summary.workers} worker(s)) -> {output}"
    )


@app.command("certify")
def certify_command(
    input_path: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT", help="The customer file: CSV, JSONL, XLSX or Parquet, as screen-file."
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The certificate to write (never overwritten).")
    ],
    threshold: ThresholdOption = None,
    limit: Annotated[
        int, typer.Option("--limit", help="Most hits per record (a refusal names the best).")
    ] = 5,
    workers: Annotated[int | None, typer.Option("--workers", help="Processes (default: every core).")] = None,
    source: SourceFilter = None,
    program: ProgramFilter = None,
    db: DbOption = None,
) -> None:
    """A signed no-match certificate of a customer file: issued only when no row is a hit and every row
    was screened; otherwise refused (exit 1), naming the rows."""
    if not input_path.is_file():
        raise typer.BadParameter(f"no such file: {input_path}", param_hint="INPUT")
    key = load_signing_key()
    receipt_file(output, "--output")
    with _opened(db) as registry:
        versions = screened_versions(registry, source or [])
        screener = _screener(registry, source, program)
        settings = Settings(screener.threshold if threshold is None else threshold, limit,
                            tuple(source or ()), tuple(program or ()))  # fmt: skip
        certified = certify_file(registry.engine, key, screener, input_path, settings=settings,
                                 versions=versions, actor=cli_actor(), workers=workers)  # fmt: skip
    with output.open("x", encoding="utf-8") as out:
        out.write(certified.line)
    err.print(
        f"no-match certificate for {certified.rows} customers of {input_path.name} (audit record "
        f"{certified.audit_seq}) -> {output}"
    )


def _screened_row(kept: RowResult) -> Screened:
    """A screened file's row as its receipt tells it: the query as read, or the row's error."""
    query = kept.query if kept.query is not None else Query(id=kept.id)
    return Screened(query, kept.hits, kept.error, row=kept.row)


def _why(hit: Hit) -> str:
    explanation = hit.explanation
    if explanation is None:
        return ""
    name = explanation.name
    pairs = ", ".join(
        f"{p.query}≈{p.listed}" if p.similarity < 1 else p.query for p in (name.token_pairs if name else ())
    )
    lines = [f"name {name.name_score:.2f}: {pairs}"] if name and pairs else []
    if name and name.unmatched_query_tokens:
        lines.append(f"not in listed name: {' '.join(name.unmatched_query_tokens)}")
    lines.extend(f"{e.effect.value}: {e.detail}" for e in explanation.evidence)
    return "\n".join(lines)


# ---- sources --------------------------------------------------------------------------------------------


@app.command("sources")
def list_sources(as_json: JsonOption = False) -> None:
    """The lists Sanctionwatch knows and where they are published."""
    if as_json:
        print_json(
            [{"source": s.name, "title": s.title, "urls": [f.url for f in s.files]} for s in SOURCES.values()]
        )
        return
    table = Table(title="Known lists")
    for column in ("source", "title", "official URL"):
        table.add_column(column)
    for spec in SOURCES.values():
        table.add_row(spec.name, spec.title, "\n".join(f.url for f in spec.files) or "(files only)")
    # Not in the JSON: that lists what Sanctionwatch knows, and NAME is the user's to choose.
    table.add_row("internal:NAME", "A list of your own (README: Your own lists)", "(files only)")
    console.print(table)


app.add_typer(keys_app, name="keys")
app.add_typer(customers_app, name="customers")
app.add_typer(alerts_app, name="alerts")
app.add_typer(cases_app, name="cases")
app.add_typer(webhooks_app, name="webhooks")
app.add_typer(audit_app, name="audit")
app.add_typer(receipt_app, name="receipt")
app.add_typer(payments_app, name="payments")
app.add_typer(ownership_app, name="ownership")
app.command("screen-payment")(screen_payment)
app.command("snapshot")(snapshot)
app.command("spark-screen")(spark_screen)
app.command("rescreen")(rescreen)
app.add_typer(users_app, name="users")
app.command("serve")(serve)
app.command("watch")(watch_command)
app.command("report")(report_command)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
