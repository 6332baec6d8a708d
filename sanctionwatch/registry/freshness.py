"""Freshness as a fact: for each official source, what its checks found, and whether it is current.

Why: a list that silently stops changing never trips the sanity guard (the UK's ConList was frozen for
months while `update` kept "succeeding"). So every check of an official download is recorded
(`record_check`, called by `update_official`): when, with what outcome, the publication date the newest
file states, and when that file was first seen. From those records and a per-source `FreshnessPolicy`,
`assess` says at a given time whether each source is fresh, stale or failing, and why. The activation
time is not stored here: it is the active version's `activated_at` (`list_versions`).

The policy defaults (`POLICIES`), one place for all sources:

- every source is checked hourly (`check_every`): the publishers answer a conditional request with a
  304 that costs them nothing, and a designation should reach screening the day it is published;
- **stale** when the newest official file's publication date (or, for a file that states none, the time
  it was first seen) is older than the longest that authority goes without publishing (`stale_after`):
  14 days for OFAC (SDN and Consolidated), the UK and the EU, which publish most working days or at
  least weekly, and the UN, which amends its list every week or two; 30 days for Canada, Australia
  and Switzerland, whose consolidated lists change with each new regulation or ordinance, sometimes
  weeks apart. Generous on purpose: an alarm that rings every quiet week is soon ignored;
- **failing** when the last check failed (unreachable, refused, malformed, or held by the sanity
  guard), or when there has been no successful check for `failing_after_checks` (24) check intervals:
  a day without one means the checks themselves are broken or not running.

A source with no check recorded is `never-checked` (its lists came from files, or nothing checked it
yet): shown, but not counted as degraded while nothing is known to be wrong. Its active version is still
judged by its age: a list loaded from a file (an offline mirror, the shipped sample, an archive) whose
stated publication date (else its activation time) is older than the policy allows is **stale**, exactly
as a checked one would be. Without that, a registry fed only from files would never ring the alarm, the
silent fail-open this module exists to prevent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, update

from sanctionwatch.db.engine import as_utc, dialect_insert
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.tables import source_freshness
from sanctionwatch.sources.catalog import SOURCES

__all__ = [
    "DEFAULT_POLICY",
    "POLICIES",
    "CheckOutcome",
    "CheckRecord",
    "Freshness",
    "FreshnessPolicy",
    "FreshnessState",
    "assess",
    "check_records",
    "describe_age",
    "files_digest",
    "freshness_of",
    "official_sources",
    "policy_for",
    "record_check",
    "set_alarm_state",
    "utcnow",
]


class FreshnessState(StrEnum):
    FRESH = "fresh"
    STALE = "stale"  # the newest official file is older than the authority ever goes without publishing
    FAILING = "failing"  # the last check failed, or no check succeeded for too long
    NEVER_CHECKED = "never-checked"


class CheckOutcome(StrEnum):
    """What one check of a source's official download found."""

    FETCHED = "fetched"  # a file was downloaded (new or not) and ingested or found unchanged
    NOT_MODIFIED = "not-modified"  # the server said 304: the cached copy is current
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class FreshnessPolicy:
    check_every: timedelta
    stale_after: timedelta
    failing_after_checks: int = 24

    def to_json(self) -> dict[str, Any]:
        return {
            "check_every_seconds": int(self.check_every.total_seconds()),
            "stale_after_days": self.stale_after.total_seconds() / 86400,
            "failing_after_checks": self.failing_after_checks,
        }


_HOURLY = timedelta(hours=1)
DEFAULT_POLICY = FreshnessPolicy(check_every=_HOURLY, stale_after=timedelta(days=14))
# See the module docstring for why these numbers; a source not named here gets DEFAULT_POLICY.
POLICIES: dict[str, FreshnessPolicy] = {
    "ofac-sdn": DEFAULT_POLICY,
    "ofac-cons": DEFAULT_POLICY,
    "un": DEFAULT_POLICY,
    "eu": DEFAULT_POLICY,
    "uk": DEFAULT_POLICY,
    "ca": FreshnessPolicy(check_every=_HOURLY, stale_after=timedelta(days=30)),
    "au": FreshnessPolicy(check_every=_HOURLY, stale_after=timedelta(days=30)),
    "ch": FreshnessPolicy(check_every=_HOURLY, stale_after=timedelta(days=30)),
}


def policy_for(source: str) -> FreshnessPolicy:
    return POLICIES.get(source, DEFAULT_POLICY)


def official_sources() -> list[str]:
    """The sources with an official download: those that are checked, and whose freshness is judged."""
    return [name for name, spec in SOURCES.items() if spec.files]


@dataclass(frozen=True, slots=True)
class CheckRecord:
    """The stored row of one source (table `source_freshness`)."""

    source: str
    last_check_at: datetime
    last_outcome: CheckOutcome
    last_success_at: datetime | None
    last_failure_at: datetime | None
    last_failure_reason: str | None
    newest_digest: str | None
    newest_published: date | None
    newest_first_seen_at: datetime | None
    checks: int
    failures: int
    alarm_state: FreshnessState | None


@dataclass(frozen=True, slots=True)
class Freshness:
    """Where one source stands at `at`, with the facts the state was judged on."""

    source: str
    at: datetime
    state: FreshnessState
    reason: str | None  # why it is stale or failing (None when fresh)
    age_seconds: float | None  # age of the newest official file (publication date, else first seen)
    policy: FreshnessPolicy
    record: CheckRecord | None
    active_version: int | None
    activated_at: datetime | None

    @property
    def degraded(self) -> bool:
        return self.state in (FreshnessState.STALE, FreshnessState.FAILING)

    @property
    def age_text(self) -> str:
        """The age as an operator reads it ('3 d 4 h'), '-' when unknown."""
        return describe_age(self.age_seconds) if self.age_seconds is not None else "-"

    def to_json(self) -> dict[str, Any]:
        r = self.record
        return {
            "source": self.source,
            "state": self.state.value,
            "reason": self.reason,
            "age_seconds": round(self.age_seconds) if self.age_seconds is not None else None,
            "newest_published": _iso(r.newest_published if r else None),
            "newest_first_seen_at": _iso(r.newest_first_seen_at if r else None),
            "active_version": self.active_version,
            "activated_at": _iso(self.activated_at),
            "last_check_at": _iso(r.last_check_at if r else None),
            "last_outcome": r.last_outcome.value if r else None,
            "last_success_at": _iso(r.last_success_at if r else None),
            "last_failure_at": _iso(r.last_failure_at if r else None),
            "last_failure_reason": r.last_failure_reason if r else None,
            "checks": r.checks if r else 0,
            "failures": r.failures if r else 0,
            "policy": self.policy.to_json(),
        }


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def describe_age(seconds: float) -> str:
    """'3 d 4 h', '5 h', '12 min': an age as an operator reads it."""
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    return f"{hours} h" if hours else f"{mins} min"


def newest_file_time(record: CheckRecord) -> datetime | None:
    """When the newest official file came out: its stated publication date (midnight UTC), else when it
    was first seen here."""
    if record.newest_published is not None:
        return datetime.combine(record.newest_published, time(), tzinfo=UTC)
    return record.newest_first_seen_at


def assess(
    source: str,
    record: CheckRecord | None,
    policy: FreshnessPolicy,
    now: datetime,
    *,
    active_version: int | None = None,
    activated_at: datetime | None = None,
    active_published: date | None = None,
) -> Freshness:
    """The source's state at `now`: failing before stale (a failing check also keeps the file from ageing
    visibly), stale before fresh. Never checked: stale when the active version is too old, else
    never-checked. Pure: everything it judges on is given."""

    def judged(state: FreshnessState, reason: str | None, age: float | None) -> Freshness:
        return Freshness(source, now, state, reason, age, policy, record, active_version, activated_at)

    if record is None:
        return _unchecked(judged, policy, now, active_version, activated_at, active_published)
    newest = newest_file_time(record)
    age = (now - newest).total_seconds() if newest is not None else None
    if record.last_outcome is CheckOutcome.FAILED:
        return judged(
            FreshnessState.FAILING,
            f"the last check ({record.last_check_at.isoformat()}) failed: {record.last_failure_reason}",
            age,
        )
    limit = policy.check_every * policy.failing_after_checks
    if record.last_success_at is None or now - record.last_success_at > limit:
        since = (
            f"for {describe_age((now - record.last_success_at).total_seconds())}"
            if record.last_success_at is not None
            else "ever"
        )
        return judged(
            FreshnessState.FAILING,
            f"no successful check {since} (checked every {describe_age(policy.check_every.total_seconds())}, "
            f"alarm after {policy.failing_after_checks} intervals)",
            age,
        )
    if age is not None and age > policy.stale_after.total_seconds():
        what = (  # `newest` is the date when there is one, else the first sighting
            f"dated {record.newest_published.isoformat()}"
            if record.newest_published is not None
            else f"first seen {newest.isoformat() if newest else '?'}"
        )
        return judged(
            FreshnessState.STALE,
            f"the newest official file ({what}) is {describe_age(age)} old, over the "
            f"{describe_age(policy.stale_after.total_seconds())} this authority goes without publishing",
            age,
        )
    return judged(FreshnessState.FRESH, None, age)


def _unchecked(
    judged: Callable[[FreshnessState, str | None, float | None], Freshness],
    policy: FreshnessPolicy,
    now: datetime,
    active_version: int | None,
    activated_at: datetime | None,
    active_published: date | None,
) -> Freshness:
    """A source no check has recorded: judged by its active version's date (stated, else activation)."""
    since = datetime.combine(active_published, time(), tzinfo=UTC) if active_published else activated_at
    if active_version is None or since is None:
        return judged(FreshnessState.NEVER_CHECKED, None, None)
    age = (now - since).total_seconds()
    if age <= policy.stale_after.total_seconds():
        return judged(FreshnessState.NEVER_CHECKED, None, age)
    what = f"dated {active_published.isoformat()}" if active_published else f"activated {since.isoformat()}"
    return judged(
        FreshnessState.STALE,
        f"never checked against the official download; the active version {active_version} ({what}, "
        f"loaded from a file) is {describe_age(age)} old, over the "
        f"{describe_age(policy.stale_after.total_seconds())} this authority goes without publishing",
        age,
    )


def utcnow() -> datetime:
    """The clock every surface (`lists`, `/readyz`, `/metrics`, `watch`) judges freshness by: one name,
    so that a test moves time for all of them at once instead of sleeping."""
    return datetime.now(UTC)


def freshness_of(
    registry: Registry, now: datetime | None = None, sources: Sequence[str] | None = None
) -> list[Freshness]:
    """Each source's freshness at `now` (default: `utcnow()`), for every official source or those given,
    from its stored record, its policy and its active version."""
    now = now if now is not None else utcnow()
    names = list(sources) if sources is not None else official_sources()
    records = check_records(registry.engine, names)
    active = {v.source: v for v in registry.active_versions()}
    return [
        assess(
            name,
            records.get(name),
            policy_for(name),
            now,
            active_version=active[name].number if name in active else None,
            activated_at=as_utc(a) if name in active and (a := active[name].activated_at) else None,
            active_published=active[name].published if name in active else None,
        )
        for name in names
    ]


# ---- storage ------------------------------------------------------------------------------------------


def files_digest(paths: Iterable[Path]) -> str:
    """SHA-256 over the bytes of the files a check got, in order: it tells a new file from one seen before."""
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def record_check(
    engine: Engine,
    source: str,
    outcome: CheckOutcome,
    at: datetime,
    *,
    reason: str | None = None,
    digest: str | None = None,
    published: date | None = None,
) -> CheckRecord:
    """Record one check of `source`. A success with a file not seen before (another digest) moves the
    newest file's publication date and first-seen time; a failure keeps them and says why."""
    if outcome is CheckOutcome.FAILED and not reason:
        raise ValueError("a failed check needs its reason")
    c = source_freshness.c
    with engine.begin() as conn:
        conn.execute(
            dialect_insert(conn, source_freshness)
            .values(source=source, last_check_at=at, last_outcome=outcome.value, checks=0, failures=0)
            .on_conflict_do_nothing()
        )
        row = (
            conn.execute(select(source_freshness).where(c.source == source).with_for_update()).one()._mapping
        )
        values: dict[str, Any] = {
            "last_check_at": at,
            "last_outcome": outcome.value,
            "checks": row["checks"] + 1,
        }
        if outcome is CheckOutcome.FAILED:
            values |= {
                "last_failure_at": at,
                "last_failure_reason": reason,
                "failures": row["failures"] + 1,
            }
        else:
            values["last_success_at"] = at
            if digest is not None and digest != row["newest_digest"]:
                values |= {"newest_digest": digest, "newest_published": published, "newest_first_seen_at": at}
        conn.execute(update(source_freshness).where(c.source == source).values(**values))
    return check_records(engine, [source])[source]


def set_alarm_state(engine: Engine, source: str, state: FreshnessState) -> None:
    """Remember the state last announced for `source`, so that each change is announced once."""
    with engine.begin() as conn:
        conn.execute(
            update(source_freshness)
            .where(source_freshness.c.source == source)
            .values(alarm_state=state.value)
        )


def check_records(engine: Engine, sources: Sequence[str] | None = None) -> dict[str, CheckRecord]:
    """The stored records, by source (all of them, or those of `sources` that have one)."""
    query = select(source_freshness)
    if sources is not None:
        query = query.where(source_freshness.c.source.in_(list(sources)))
    with engine.connect() as conn:
        return {row.source: _record(row._mapping) for row in conn.execute(query)}


def _record(row: Any) -> CheckRecord:
    def utc(value: datetime | None) -> datetime | None:
        return as_utc(value) if value is not None else None

    return CheckRecord(
        source=row["source"],
        last_check_at=as_utc(row["last_check_at"]),
        last_outcome=CheckOutcome(row["last_outcome"]),
        last_success_at=utc(row["last_success_at"]),
        last_failure_at=utc(row["last_failure_at"]),
        last_failure_reason=row["last_failure_reason"],
        newest_digest=row["newest_digest"],
        newest_published=row["newest_published"],
        newest_first_seen_at=utc(row["newest_first_seen_at"]),
        checks=row["checks"],
        failures=row["failures"],
        alarm_state=FreshnessState(row["alarm_state"]) if row["alarm_state"] else None,
    )
