"""What follows a change of the active lists: the delta screen of the customer base and the notification
of new alerts.

Called by `sanctionwatch update` and `sanctionwatch activate` (and by anything else that changes the
active versions), so that nineteen parties designated on a Tuesday are checked against every customer the
same day without anyone having to remember to do it. What has been screened is recorded per source (the
version the customers were screened through); each call covers everything from there to the active
version, so a delta that did not run after an activation is made up by the next call, never skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, insert, select

from sanctionwatch.monitoring.customer_store import Customers
from sanctionwatch.monitoring.ownership_watch import OwnershipWatch
from sanctionwatch.monitoring.rescreen import Monitor, OnScreened, ScreeningRun
from sanctionwatch.monitoring.shared_watch import SharedValueWatch
from sanctionwatch.monitoring.tables import screened_through
from sanctionwatch.monitoring.webhooks import ALERTS_CREATED, Delivery, Webhooks, alerts_payload, notify
from sanctionwatch.ownership.assembly import load_network
from sanctionwatch.registry.store import Registry, VersionInfo
from sanctionwatch.screening.screener import Screener

__all__ = [
    "Rescreen",
    "mark_screened_through",
    "network_runs",
    "notify_alerts",
    "rescreen_owed",
    "unscreened_ids",
]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Rescreen:
    run: ScreeningRun | None  # the delta; None: no party owed, or no customers
    deliveries: list[Delivery] = field(default_factory=list)
    catch_up: ScreeningRun | None = None  # customers left unscreened (a crash, a failed screen), screened now
    network: list[ScreeningRun] = field(default_factory=list)  # ownership and shared values (network_runs)


def screened_versions(engine: Engine) -> dict[str, int]:
    """Per source, the version the customers have been screened through."""
    with engine.connect() as conn:
        rows = conn.execute(select(screened_through.c.source, screened_through.c.version))
        return {source: int(version) for source, version in rows}


def mark_screened_through(engine: Engine, versions: dict[str, int]) -> None:
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for source, version in versions.items():
            conn.execute(delete(screened_through).where(screened_through.c.source == source))
            conn.execute(insert(screened_through).values(source=source, version=version, at=now))


def owed_parties(registry: Registry) -> tuple[list[str], dict[str, int]]:
    """Ids of the parties added or changed between the versions the customers were screened through and
    the active ones; and the active versions, which a successful delta screen marks as screened through.

    A source never marked (customers imported before any delta) is compared with the version before its
    active one: what the last activation changed.
    """
    marks = screened_versions(registry.engine)
    active: dict[str, VersionInfo] = {v.source: v for v in registry.active_versions()}
    ids: list[str] = []
    for source, version in active.items():
        start = marks.get(source)
        if start == version.number:
            continue
        changes = registry.changes(source, from_number=start, to_number=version.number)
        ids.extend(s.id for s in changes.added)
        ids.extend(c.summary.id for c in changes.changed)
    return ids, {source: v.number for source, v in active.items()}


def rescreen_owed(
    registry: Registry,
    *,
    progress: Callable[[str], None] = lambda _m: None,
    on_screened: OnScreened | None = None,
) -> Rescreen:
    """All screening owed to the customers: the delta against every party added or changed since they
    were last screened (then the marks move), and a whole screen of every customer not screened since it
    was added or changed (an import or a screen that was killed half-way). Webhooks get the new alerts.
    `on_screened` receives each customer the delta and the catch-up screen (see Monitor)."""
    ids, versions = owed_parties(registry)
    customers = Customers(registry.engine)
    unscreened = customers.unscreened_count()
    delta_owed = bool(ids) and customers.count() > 0
    if not delta_owed and not unscreened:
        mark_screened_through(registry.engine, versions)
        return Rescreen(None)
    progress("indexing the lists to re-screen the customers")
    screener = Screener.from_registry(registry)
    monitor = Monitor(registry.engine, screener, versions, on_screened=on_screened)
    result = Rescreen(None)
    new_ids = unscreened_ids(customers) if unscreened else []
    if delta_owed:
        progress(f"re-screening the customers against {len(ids)} new or changed parties")
        result.run = monitor.delta(ids)
        result.deliveries += notify_alerts(registry, result.run, versions)
    mark_screened_through(registry.engine, versions)  # only once the alerts are in
    if unscreened:
        progress(f"screening {unscreened} customers left unscreened")
        result.catch_up = monitor.screen_new_customers()
        result.deliveries += notify_alerts(registry, result.catch_up, versions)
    for run in network_runs(registry, screener, versions, new_ids):
        result.network.append(run)
        result.deliveries += notify_alerts(registry, run, versions)
    return result


def unscreened_ids(customers: Customers) -> list[str]:
    """The customers added or changed and not yet screened: what an import's follow-up checks look at."""
    return [c.id for batch in customers.iter_all(unscreened_only=True) for c in batch]


def network_runs(
    registry: Registry,
    screener: Screener,
    versions: dict[str, int],
    new_customers: Collection[str],
    *,
    actor: str = "system",
) -> list[ScreeningRun]:
    """The checks beyond names that follow a change of the lists or of the customers: ownership (every
    customer when what the network flags changed, else the new ones) and values shared with listed
    parties (the whole base: its flood guard counts over all of it). Nothing runs without customers."""
    if not Customers(registry.engine).count():
        return []
    runs: list[ScreeningRun] = []
    ownership = OwnershipWatch(registry.engine, load_network(registry, screener), versions, actor=actor)
    if (run := ownership.run_if_changed(new_customers)) is not None:
        runs.append(run)
    runs.append(SharedValueWatch(registry.engine, screener, versions, actor=actor).run().run)
    return runs


def notify_alerts(registry: Registry, run: ScreeningRun, versions: dict[str, int]) -> list[Delivery]:
    """POST the run's new alerts to every active webhook (nothing when there are none)."""
    if not run.alerts:
        return []
    hooks = Webhooks(registry.engine).active()
    if not hooks:
        return []
    deliveries = notify(
        hooks, ALERTS_CREATED, alerts_payload(run.alerts, trigger=run.trigger, list_versions=versions)
    )
    for delivery in deliveries:
        if not delivery.ok:
            log.warning("webhook %s: not delivered (%s)", delivery.webhook_id, delivery.error)
    return deliveries
