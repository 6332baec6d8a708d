"""`sanctionwatch watch`: check the official sources on their schedule, activate what is new, and say loudly
when a source goes stale or starts failing.

One round (`watch_round`) is what `update` does for the sources that are due -- conditional downloads
through the cache (`update_official`, which records each check), then everything owed to the customers
after a change of the active lists (`rescreen_owed`: the delta screen and the `alerts.created` webhooks,
exactly as after `update`) -- followed by the freshness of every watched source, judged at the round's
time, and one webhook event per change of state (`announce`). The state last announced is kept in the
database (`source_freshness.alarm_state`), so a restart or a second watcher does not announce it again.

Events: ``list.stale`` and ``list.failing`` when a source enters that state, ``list.fresh`` when it
recovers from one; the data is the source's freshness (`Freshness.to_json`). A source that is fresh
from its first check announces nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from sanctionwatch.monitoring.after_update import Rescreen, rescreen_owed
from sanctionwatch.monitoring.webhooks import Delivery, Webhooks, notify
from sanctionwatch.registry import freshness as clock
from sanctionwatch.registry.freshness import (
    Freshness,
    FreshnessState,
    check_records,
    freshness_of,
    policy_for,
    set_alarm_state,
)
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.update import SourceOutcome, update_official

__all__ = [
    "EVENTS",
    "Announcement",
    "BackgroundWatch",
    "Round",
    "announce",
    "due_sources",
    "watch",
    "watch_round",
]

log = logging.getLogger(__name__)

EVENTS = {
    FreshnessState.STALE: "list.stale",
    FreshnessState.FAILING: "list.failing",
    FreshnessState.FRESH: "list.fresh",
}


@dataclass(slots=True)
class Announcement:
    freshness: Freshness
    event: str
    deliveries: list[Delivery]


@dataclass(slots=True)
class Round:
    at: datetime
    checked: list[str]
    outcomes: list[SourceOutcome]
    after: Rescreen
    freshness: list[Freshness]
    announced: list[Announcement] = field(default_factory=list)


def due_sources(
    registry: Registry, sources: Sequence[str], now: datetime, *, interval: timedelta | None = None
) -> list[str]:
    """The sources whose next check is due at `now`: never checked, or last checked at least one check
    interval ago (the source's policy, or `interval` when given)."""
    records = check_records(registry.engine, sources)
    return [
        name
        for name in sources
        if (record := records.get(name)) is None
        or now - record.last_check_at >= (interval or policy_for(name).check_every)
    ]


def watch_round(
    registry: Registry,
    sources: Sequence[str],
    *,
    cache: Path,
    mirror: str | None = None,
    now: datetime | None = None,
    only_due: bool = True,
    interval: timedelta | None = None,
    progress: Callable[[str], None] = lambda _m: None,
) -> Round:
    """Check the due sources (all of them when not `only_due`), do what follows an update, judge and
    announce the freshness of every watched source at `now` (default: the freshness clock)."""
    at = now if now is not None else clock.utcnow()  # looked up per call: tests move it
    checked = list(sources) if not only_due else due_sources(registry, sources, at, interval=interval)
    outcomes = (
        update_official(registry, checked, cache=cache, mirror=mirror, progress=progress, clock=lambda: at)
        if checked
        else []
    )
    after = rescreen_owed(registry, progress=progress)
    freshness = freshness_of(registry, at, sources)
    return Round(at, checked, outcomes, after, freshness, announce(registry, freshness))


def announce(registry: Registry, freshness: Sequence[Freshness]) -> list[Announcement]:
    """One webhook event per source whose state changed since the last one announced (see the module)."""
    announced = []
    for judged in freshness:
        record = judged.record
        if (
            record is None
            or judged.state is FreshnessState.NEVER_CHECKED
            or judged.state is record.alarm_state
        ):
            continue
        set_alarm_state(registry.engine, judged.source, judged.state)
        if judged.state is FreshnessState.FRESH and record.alarm_state in (None, FreshnessState.FRESH):
            continue  # fresh from the first check: nothing to announce
        event = EVENTS[judged.state]
        active = Webhooks(registry.engine).active()
        deliveries = notify(active, event, judged.to_json()) if active else []
        for delivery in deliveries:
            if not delivery.ok:
                log.warning("webhook %s: %s not delivered (%s)", delivery.webhook_id, event, delivery.error)
        announced.append(Announcement(judged, event, deliveries))
    return announced


def watch(
    registry: Registry,
    sources: Sequence[str],
    *,
    cache: Path,
    stop: threading.Event,
    mirror: str | None = None,
    interval: timedelta | None = None,
    on_round: Callable[[Round], None] = lambda _r: None,
    progress: Callable[[str], None] = lambda _m: None,
) -> None:
    """Run rounds until `stop` is set, each checking the sources that are due, then waiting until the next
    one is due (at most a minute, so that freshness is judged and announced at least that often).

    A round that fails as a whole (the database gone) is logged with its traceback and the loop goes on:
    a watcher that died quietly would be the very silence it exists to prevent. (A source that fails is
    no such error: it is recorded and judged failing.)
    """
    while not stop.is_set():
        try:
            on_round(
                watch_round(
                    registry, sources, cache=cache, mirror=mirror, interval=interval, progress=progress
                )
            )
        except Exception:
            log.exception("watch: the round failed; trying again at the next one")
        stop.wait(_seconds_to_next_check(registry, sources, interval))


class BackgroundWatch:
    """The watch loop on a daemon thread of the service (`serve` with SANCTIONWATCH_WATCH=1)."""

    def __init__(
        self, registry: Registry, sources: Sequence[str], *, cache: Path, mirror: str | None = None
    ) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=watch,
            args=(registry, list(sources)),
            kwargs={"cache": cache, "mirror": mirror, "stop": self._stop},
            name="list-watch",
            daemon=True,
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)  # a download in progress may hold it that long


def _seconds_to_next_check(registry: Registry, sources: Sequence[str], interval: timedelta | None) -> float:
    try:
        records = check_records(registry.engine, sources)
    except SQLAlchemyError:  # the database is gone: the round that follows logs it
        return 60.0
    now = clock.utcnow()
    waits = [
        (record.last_check_at + (interval or policy_for(name).check_every) - now).total_seconds()
        if (record := records.get(name)) is not None
        else 0.0
        for name in sources
    ]
    return max(1.0, min([60.0, *waits]))
