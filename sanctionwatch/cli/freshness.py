"""`sanctionwatch watch`, and how a source's freshness is shown (here and by `lists`)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import timedelta
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from sanctionwatch.cli.common import DbOption, JsonOption, console, database, err, print_json
from sanctionwatch.config import cache_dir, cli_actor
from sanctionwatch.monitoring.watch import Round, watch, watch_round
from sanctionwatch.registry.freshness import Freshness, FreshnessState, official_sources
from sanctionwatch.registry.store import Registry
from sanctionwatch.sources.catalog import SOURCES

__all__ = ["freshness_table", "report_degraded", "watch_command"]

EXIT_DEGRADED = 4  # `watch --once`: a watched source is stale or failing

_STYLES = {
    FreshnessState.FRESH: "green",
    FreshnessState.STALE: "bold red",
    FreshnessState.FAILING: "bold red",
    FreshnessState.NEVER_CHECKED: "yellow",
}


def freshness_table(freshness: Sequence[Freshness]) -> Table:
    """One row a source: its state (red when stale or failing), the newest file's age, and why."""
    table = Table(title="Freshness of the official lists")
    for column in ("source", "state", "age", "published", "last check", "last success", "reason"):
        table.add_column(column)
    for f in freshness:
        r = f.record
        style = _STYLES[f.state]
        table.add_row(
            f.source,
            f"[{style}]{f.state.value}[/{style}]",
            f.age_text,
            r.newest_published.isoformat() if r and r.newest_published else "-",
            r.last_check_at.strftime("%Y-%m-%d %H:%M") if r else "-",
            r.last_success_at.strftime("%Y-%m-%d %H:%M") if r and r.last_success_at else "-",
            f"[{style}]{escape(f.reason)}[/{style}]" if f.reason else "",
        )
    return table


def report_degraded(freshness: Sequence[Freshness]) -> None:
    """On stderr, one loud line per stale or failing source (stdout stays the command's own report)."""
    for f in freshness:
        if f.degraded:
            err.print(f"[bold red]{f.state.value.upper()}[/bold red] {f.source}: {escape(f.reason or '')}")


def _round_json(result: Round) -> dict[str, Any]:
    return {
        "at": result.at.isoformat(),
        "checked": result.checked,
        "outcomes": [
            o.result.to_json() if o.result else {"source": o.source, "error": o.error, "active": False}
            for o in result.outcomes
        ],
        "freshness": [f.to_json() for f in result.freshness],
        "announced": [
            {"source": a.freshness.source, "event": a.event, "delivered": sum(d.ok for d in a.deliveries)}
            for a in result.announced
        ],
    }


def watch_command(
    source: Annotated[
        list[str] | None,
        typer.Option("--source", "-s", help="Source(s) to watch (default: every official list)."),
    ] = None,
    mirror: Annotated[
        str | None,
        typer.Option("--mirror", help="Internal mirror: a directory or URL laid out as <source>/<file>."),
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help="Check every watched source now, once, and exit (cron, tests).")
    ] = False,
    interval: Annotated[
        int | None,
        typer.Option(
            "--interval",
            min=1,
            help="Check every N seconds, instead of each source's policy (hourly by default).",
        ),
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Check the official lists on their schedule (conditional requests), activate what is new, and
    raise the alarm (webhook events list.stale / list.failing) when a list goes stale or its checks fail.

    Every activation is followed by the delta screen of the customers and its webhooks, as after
    `update`. With --once, every watched source is checked now and the exit code is 4 when one of them
    is stale or failing.
    """
    for name in source or []:
        if name not in official_sources():
            known = ", ".join(official_sources())
            raise typer.BadParameter(
                f"{name!r} has no official download to watch; watched: {known}"
                if name in SOURCES
                else f"unknown source {name!r}; watched: {known}",
                param_hint="--source",
            )
    sources = source or official_sources()
    every = timedelta(seconds=interval) if interval else None
    with database(db) as engine:
        registry = Registry(engine, actor=cli_actor())

        def shown(result: Round) -> None:
            if as_json:
                print_json(_round_json(result))
            else:
                console.print(freshness_table(result.freshness))
                for o in result.outcomes:
                    if o.error:
                        err.print(f"[red]error[/red] {o.source}: {escape(o.error)}")
                for a in result.announced:
                    err.print(
                        f"announced {a.event} for {a.freshness.source} to {len(a.deliveries)} webhook(s)"
                    )
            report_degraded(result.freshness)

        if once:
            result = watch_round(
                registry, sources, cache=cache_dir(), mirror=mirror, only_due=False, interval=every
            )
            shown(result)
            if any(f.degraded for f in result.freshness):
                raise typer.Exit(EXIT_DEGRADED)
            return
        # Until interrupted (Ctrl-C, SIGTERM from the service manager): nothing sets the event.
        watch(
            registry,
            sources,
            cache=cache_dir(),
            mirror=mirror,
            interval=every,
            stop=threading.Event(),
            on_round=shown,
        )
