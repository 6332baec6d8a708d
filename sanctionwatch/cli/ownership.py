"""`sanctionwatch ownership import|show|blocked`: the ownership network from a shell.

`import` reads a user's holdings file into the network; `show` answers "is this party blocked by
ownership, under whose rule, and through whom?" with the chain of owners and their shares;
`blocked` lists every entity that a rule finds blocked or to review without any list naming it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from sanctionwatch.cli.common import DbOption, JsonOption, command_group, console, database, err, print_json
from sanctionwatch.config import cli_actor
from sanctionwatch.errors import InputError
from sanctionwatch.monitoring.after_update import notify_alerts
from sanctionwatch.monitoring.ownership_watch import OwnershipWatch
from sanctionwatch.ownership.aggregate import Standing
from sanctionwatch.ownership.assembly import Network, load_network
from sanctionwatch.ownership.rules import Authority
from sanctionwatch.ownership.store import OwnershipStore, Resolver
from sanctionwatch.registry.store import Registry
from sanctionwatch.screening.query import Query
from sanctionwatch.screening.screener import Screener

ownership_app = command_group(help="Ownership and control: the 50 % rule and the EU/UK tests.")

AuthorityOption = Annotated[
    list[Authority] | None,
    typer.Option("--authority", help="Whose rule (repeatable; default: OFAC, EU and UK)."),
]
OnOption = Annotated[
    str | None, typer.Option("--on", help="Holdings in force on this day (YYYY-MM-DD; default: today's).")
]


def _day(on: str | None) -> date | None:
    if on is None:
        return None
    try:
        return date.fromisoformat(on)
    except ValueError:
        raise InputError(f"--on: {on!r} is not a date (YYYY-MM-DD)") from None


def _network(registry: Registry, on: str | None) -> Network:
    if not registry.active_versions():
        err.print("[red]error[/red] the registry holds no active list: run `sanctionwatch update` first")
        raise typer.Exit(2)
    return load_network(registry, day=_day(on))


@ownership_app.command("import")
def import_holdings(
    file: Annotated[
        Path, typer.Argument(help="CSV, XLSX, JSON lines or Parquet: owner, owned, percentage, ...")
    ],
    dataset: Annotated[
        str | None, typer.Option("--dataset", help="What a later import replaces (default: the file's name).")
    ] = None,
    screen: Annotated[
        bool,
        typer.Option("--screen/--no-screen", help="Raise the ownership alerts on the customers at once."),
    ] = True,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Import holdings (columns owner/owner_id/owner_identifier, owned/owned_id/owned_identifier, percentage,
    kind, start_date, end_date, source). Rows with errors are reported and skipped (exit code 1)."""
    with database(db) as engine:
        registry = Registry(engine, actor=cli_actor())
        screener = Screener.from_registry(registry)
        result = OwnershipStore(engine).import_file(
            file, Resolver(screener), dataset=dataset, actor=cli_actor()
        )
        run = None
        if screen:
            versions = {v.source: v.number for v in registry.active_versions()}
            watch = OwnershipWatch(engine, load_network(registry, screener), versions, actor=cli_actor())
            run = watch.run_if_changed()
            if run is not None:
                notify_alerts(registry, run, versions)
    for problem in result.errors:
        err.print(f"[yellow]skipped[/yellow] {file.name} row {problem.row}: {problem.reason}")
    if as_json:
        print_json({"file": str(file), **result.to_json(), "screening": run.to_json() if run else None})
    else:
        how = ", ".join(f"{count} by {way}" for way, count in sorted(result.resolved.items()))
        console.print(
            f"{file.name}: {result.imported} holdings imported into {result.dataset!r} ({how}), {len(result.errors)} rejected"
        )
        if run is not None:
            console.print(f"ownership alerts: {len(run.alerts)} new ({run.customers} customers checked)")
    if result.errors:
        raise typer.Exit(1)


@ownership_app.command("show")
def show(
    party: Annotated[str, typer.Argument(help="A key (ofac-sdn:12345, customer:ID, party:NAME) or a name.")],
    authority: AuthorityOption = None,
    on: OnOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Whether a party is blocked by ownership under each rule, and the chain of owners that makes it so."""
    wanted = authority or list(Authority)
    with database(db) as engine:
        network = _network(Registry(engine, actor=cli_actor()), on)
    nodes = _nodes(network, party)
    answers = [
        {
            "node": node,
            "name": network.name(node),
            "rules": {a.value: network.finding_json(node, a) for a in network.findings(node) if a in wanted},
        }
        for node in nodes
    ]
    if as_json:
        print_json({"query": party, "parties": answers})
        return
    if not answers:
        console.print(
            f"{party}: not in the ownership network, and no entity blocked by ownership resembles it"
        )
    for node, answer in zip(nodes, answers, strict=True):
        console.print(f"[bold]{answer['name']}[/bold] ({node})", highlight=False)
        found = network.findings(node)
        if not any(a in wanted for a in found):
            console.print("  no rule finds it listed, blocked or to review")
        for a in wanted:
            if a in found:
                console.print(f"  {a.value.upper()}: {found[a].reason(network.names)}", highlight=False)
                if found[a].standing is not Standing.LISTED:
                    for line in network.chain(node, a).lines()[1:]:
                        console.print("    " + line, highlight=False, markup=False)


def _nodes(network: Network, party: str) -> list[str]:
    """A key as given, or the entities blocked by ownership whose names resemble the text."""
    if party in network.active.by_owned or party in network.active.by_owner or network.findings(party):
        return [party]
    if ":" in party and party.split(":", 1)[0] in ("customer", "party", "name"):
        return [party]
    return [hit.node for hit in network.screen(Query(party))]


@ownership_app.command("blocked")
def blocked(
    authority: AuthorityOption = None,
    on: OnOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Every entity a rule finds blocked or to review by ownership or control, though no list names it."""
    wanted = set(authority or list(Authority))
    with database(db) as engine:
        network = _network(Registry(engine, actor=cli_actor()), on)
    flagged = {
        node: {a: f for a, f in found.items() if a in wanted}
        for node, found in sorted(network.flagged().items())
        if any(a in wanted for a in found)
    }
    if as_json:
        print_json(
            {
                "parties": [
                    {
                        "node": node,
                        "name": network.name(node),
                        "rules": {
                            a.value: {"standing": f.standing.value, "reason": f.reason(network.names)}
                            for a, f in found.items()
                        },
                    }
                    for node, found in flagged.items()
                ],
                "problems": network.problems,
            }
        )
        return
    for node, found in flagged.items():
        rules = "; ".join(f"{a.value.upper()} {f.standing}" for a, f in found.items())
        console.print(f"{network.name(node)} ({node}): {rules}", highlight=False, markup=False)
    console.print(f"{len(flagged)} entities blocked or to review by ownership or control")
    for problem in network.problems:
        err.print(f"[yellow]note[/yellow] {problem}")
