"""A screener that follows the registry: rebuilt when the active list versions change.

A long-running service must screen against the lists of today, not those of its start. The index is
rebuilt beside the one in use and swapped in one assignment, so a query in flight finishes on the
version it started with and no query ever sees a half-built index.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

from sanctionwatch.model import Entity, is_ftm_source
from sanctionwatch.registry.ftm import FtmEntities
from sanctionwatch.registry.store import Registry, VersionInfo
from sanctionwatch.screening.screener import Screener

__all__ = ["LiveScreener", "RecordDates", "Snapshot", "wire_time"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordDates:
    """When each record of a snapshot was first seen, last changed, and last seen (its source's active
    version's fetch): yente's `first_seen`, `last_change`, `last_seen`. Read once per snapshot, beside
    the index, so that no request ever waits on the registry's history."""

    first_seen: dict[str, datetime] = field(default_factory=dict)
    last_change: dict[str, datetime] = field(default_factory=dict)
    last_seen: dict[str, datetime] = field(default_factory=dict)  # by source

    @classmethod
    def read(cls, registry: Registry, versions: Sequence[VersionInfo]) -> RecordDates:
        shared: dict[datetime, datetime] = {}  # one object per instant: a few per version, not per record

        def one(values: dict[str, datetime]) -> dict[str, datetime]:
            return {key: shared.setdefault(moment, moment) for key, moment in values.items()}

        first_seen, last_change = registry.first_seen(versions), registry.last_changes(versions)
        # An FtM dataset's parties are shown with the dates the dataset states (api.yente's FtM answers,
        # /search): `changed_since` on /match must filter on those too, not on when we loaded them.
        ftm_versions = [v.id for v in versions if is_ftm_source(v.source)]
        for record_id, stated in FtmEntities(registry.engine).stated_dates(ftm_versions).items():
            for key, dates in (("first_seen", first_seen), ("last_change", last_change)):
                moment = _stated_time(stated.get(key))
                if moment is not None:  # else the registry's, as the answers show it
                    dates[record_id] = moment
        return cls(
            first_seen=one(first_seen),
            last_change=one(last_change),
            last_seen={v.source: _utc(v.fetched) for v in versions},
        )

    def of_party(self, records: Iterable[Entity]) -> tuple[str | None, str | None, str | None]:
        """(first_seen, last_seen, last_change) of a party: the earliest first sighting, the latest
        sighting and the latest change of its records, in yente's wire format (UTC, to the second,
        without a zone); None where the history does not know the record."""
        records = list(records)
        first = min((m for r in records if (m := self.first_seen.get(r.id))), default=None)
        seen = max((m for r in records if (m := self.last_seen.get(r.source))), default=None)
        change = max((m for r in records if (m := self.last_change.get(r.id))), default=None)
        return wire_time(first), wire_time(seen), wire_time(change)


def wire_time(moment: datetime | None) -> str | None:
    """yente's timestamp: "YYYY-MM-DDTHH:MM:SS", UTC, no zone."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def _stated_time(value: str | None) -> datetime | None:
    """A date an FtM dataset states ("2024-01-02", "2024-01-02T03:04:05"), as a UTC instant; None when
    absent or not a date (the registry's own date stands, as the answers show it)."""
    if not value:
        return None
    try:
        return _utc(datetime.fromisoformat(value))
    except ValueError:
        log.warning("an FtM dataset states an unreadable date %r; the entity is shown without it", value)
        return None


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True)
class Snapshot:
    """One built index and what it was built from; what every lookup of one request goes through,
    so that a request never mixes two versions of the lists."""

    screener: Screener
    versions: tuple[VersionInfo, ...]  # the active versions it was built from
    build_seconds: float
    dates: RecordDates = field(default_factory=RecordDates)  # the records' history (see RecordDates)

    @property
    def version_ids(self) -> tuple[int, ...]:
        return tuple(sorted(v.id for v in self.versions))

    @cached_property
    def list_versions(self) -> dict[str, int]:
        """{source: version number}: what the audit log records a screening against."""
        return {v.source: v.number for v in self.versions}

    def party(self, entity_id: str) -> tuple[Entity, list[Entity]] | None:
        """A listed record and every record of its party across the lists (itself first)."""
        index = self.screener.index
        position = index.position_of(entity_id)
        if position is None:
            return None
        records = [index.entities[r.position] for r in index.parties.records(position)]
        return index.entities[position], records

    def linked_to(self, entity_id: str) -> list[tuple[str, str]]:
        """(id of the linking party, the relation in the list's words) for every link pointing at the
        party: the lists record a link once, on one side (a vessel 'owned by' its company), and an
        analyst reading the company needs the other side too."""
        return list(self._incoming.get(entity_id, ()))

    @cached_property
    def _incoming(self) -> dict[str, list[tuple[str, str]]]:
        incoming: dict[str, list[tuple[str, str]]] = {}
        for entity in self.screener.index.entities:
            for link in entity.links:
                wording = link.note or link.kind
                incoming.setdefault(f"{entity.source}:{link.target}", []).append((entity.id, wording))
        return incoming


class LiveScreener:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()  # one rebuild at a time

    @property
    def snapshot(self) -> Snapshot | None:
        """The index in use, or None before the first build completed."""
        return self._snapshot

    def refresh(self) -> bool:
        """Rebuild if the active versions changed since the last build; True when a new index went in."""
        with self._lock:
            versions = tuple(self.registry.active_versions())
            current = self._snapshot
            if current is not None and current.version_ids == tuple(sorted(v.id for v in versions)):
                return False
            started = time.perf_counter()
            screener = Screener.from_registry(self.registry)
            screener.model  # loaded now, not on the first query  # noqa: B018
            dates = RecordDates.read(self.registry, versions)
            elapsed = time.perf_counter() - started
            self._snapshot = Snapshot(screener, versions, elapsed, dates)
            log.info(
                "screening index built in %.1f s from %s",
                elapsed,
                ", ".join(f"{v.source} v{v.number}" for v in versions) or "no active list",
            )
            return True
