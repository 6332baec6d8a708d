"""What follows a list update: the delta screen of the customer base and the notification of new alerts.

Called by `sanctionwatch update` (and anything else that ingests) with the ingest outcomes, so that
nineteen parties designated on a Tuesday are checked against every customer the same day without
anyone having to remember to do it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sanctionwatch.monitoring.customer_store import Customers
from sanctionwatch.monitoring.rescreen import Monitor, ScreeningRun
from sanctionwatch.monitoring.webhooks import ALERTS_CREATED, Delivery, Webhooks, alerts_payload, notify
from sanctionwatch.registry.store import IngestResult, Registry
from sanctionwatch.screening.screener import Screener

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Rescreen:
    run: ScreeningRun | None  # None: nothing changed, or no customers
    deliveries: list[Delivery] = field(default_factory=list)


def changed_parties(registry: Registry, results: Sequence[IngestResult]) -> list[str]:
    """Ids of the parties added or changed by the versions these ingests activated."""
    ids: list[str] = []
    for result in results:
        if result.unchanged or not result.version.active or not (result.added or result.changed):
            continue
        changes = registry.changes(result.version.source, to_number=result.version.number)
        ids.extend(s.id for s in changes.added)
        ids.extend(c.summary.id for c in changes.changed)
    return ids


def rescreen_after_update(
    registry: Registry,
    results: Sequence[IngestResult],
    *,
    progress: Callable[[str], None] = lambda _m: None,
) -> Rescreen:
    """Delta-screen the customers against the parties the update added or changed, then notify."""
    ids = changed_parties(registry, results)
    if not ids or Customers(registry.engine).count() == 0:
        return Rescreen(None)
    progress(f"indexing the lists to re-screen customers against {len(ids)} new or changed parties")
    screener = Screener.from_registry(registry)
    versions = {v.source: v.number for v in registry.active_versions()}
    run = Monitor(registry.engine, screener, versions).delta(ids)
    return Rescreen(run, notify_alerts(registry, run, versions))


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
