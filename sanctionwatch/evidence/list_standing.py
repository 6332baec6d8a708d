"""Each list as it stands: its active version, when that was published and fetched, and its freshness.

The freshness state is the one the system already judges (`registry.freshness.freshness_of`: the same
answer `lists`, `/readyz`, `/metrics` and the pages give); it is read here, never judged again. A source
without an official download (an internal list, an FtM dataset) has no freshness policy: it is listed
with its version and `state` None, "not judged", rather than left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sanctionwatch.db.engine import as_utc
from sanctionwatch.registry.freshness import freshness_of
from sanctionwatch.registry.store import Registry

__all__ = ["ListStanding", "list_standings"]


@dataclass(frozen=True, slots=True)
class ListStanding:
    source: str
    active_version: int | None
    published: date | None  # the date the active version's file states
    fetched: datetime | None  # when the active version was read in
    activated_at: datetime | None
    state: str | None  # registry.freshness.FreshnessState; None: no official download, not judged
    age: str | None  # the newest official file's age as an operator reads it ("3 d 4 h"); None: unknown
    reason: str | None  # why it is stale or failing
    last_check_at: datetime | None
    last_success_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        def iso(value: date | datetime | None) -> str | None:
            if isinstance(value, datetime):
                return value.isoformat(timespec="seconds")
            return value.isoformat() if value is not None else None

        return {
            "source": self.source,
            "active_version": self.active_version,
            "published": iso(self.published),
            "fetched": iso(self.fetched),
            "activated_at": iso(self.activated_at),
            "state": self.state,
            "age": self.age,
            "reason": self.reason,
            "last_check_at": iso(self.last_check_at),
            "last_success_at": iso(self.last_success_at),
        }


def _utc(moment: datetime) -> datetime:
    """A stored time in UTC, as the whole report shows times (PostgreSQL answers in its session's zone)."""
    return as_utc(moment).astimezone(UTC)


def list_standings(registry: Registry, now: datetime) -> list[ListStanding]:
    """Every official source (in the catalogue's order), then every other source with an active version."""
    active = {v.source: v for v in registry.active_versions()}
    judged = freshness_of(registry, now)
    rows = []
    for f in judged:
        version = active.get(f.source)
        record = f.record
        rows.append(
            ListStanding(
                source=f.source,
                active_version=version.number if version else None,
                published=version.published if version else None,
                fetched=_utc(version.fetched) if version else None,
                activated_at=_utc(f.activated_at) if f.activated_at else None,
                state=f.state.value,
                age=f.age_text if f.age_seconds is not None else None,
                reason=f.reason,
                last_check_at=_utc(record.last_check_at) if record else None,
                last_success_at=_utc(record.last_success_at) if record and record.last_success_at else None,
            )
        )
    official = {f.source for f in judged}
    for source in sorted(set(active) - official):
        version = active[source]
        rows.append(
            ListStanding(
                source=source,
                active_version=version.number,
                published=version.published,
                fetched=_utc(version.fetched),
                activated_at=_utc(version.activated_at) if version.activated_at else None,
                state=None,
                age=None,
                reason="no official download: its freshness is not judged",
                last_check_at=None,
                last_success_at=None,
            )
        )
    return rows
