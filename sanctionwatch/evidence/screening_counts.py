"""Screenings per day, counted from what the system records, with where each count comes from.

Nothing here keeps counters of its own: every figure is read back from a record an examiner can also
read (the hash-chained audit log, the payment screenings table). So the report says, for each column,
which record it counts (`ORIGINS`), and a screening the system did not record is not in it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, func, select

from sanctionwatch.errors import InputError
from sanctionwatch.evidence.period import MAX_DAYS, Period
from sanctionwatch.payments.tables import payment_screenings
from sanctionwatch.registry.audit import AuditLog

__all__ = ["ORIGINS", "DayCount", "ScreeningCounts", "screening_counts"]

# One screening at a time, as screening.trail notes them (API /screen, /match, /reconcile, the pages)
# and as the CLI's `screen` records them: one note per screening, each with its own time.
SINGLE_ACTIONS = ("screening.calls", "screening.cli")
FILE_ACTION = "screening.file"  # the CLI's screen-file and the service's batch jobs: rows per file
# Monitoring runs (monitoring.rescreen, ownership_watch, shared_watch): customers screened per run.
RUN_ACTIONS = (
    "screening.customers",
    "screening.full",
    "screening.delta",
    "screening.ownership",
    "screening.shared-value",
)
# A batch of notes is written a second or so after its screenings (longer while the database is
# down): the log is read this far past the period so that the notes of its last moments are counted.
NOTE_LAG = timedelta(days=1)

ORIGINS: dict[str, str] = {
    "single": "audit log, actions screening.calls (API and pages, one note per screening) and "
    "screening.cli (the screen command): one per screening, on the day of its note",
    "single_unrecorded": "audit log, screening.calls: screenings noted while the audit log could not be "
    "written and dropped before they were (dropped_before), on the day the loss was recorded",
    "file_rows": "audit log, action screening.file (screen-file and batch jobs): the rows of each file",
    "files": "audit log, action screening.file: the files screened",
    "monitoring_customers": "audit log, actions screening.customers, .full, .delta, .ownership and "
    ".shared-value (monitoring runs): the customers each run screened",
    "monitoring_runs": "audit log, the same actions: the monitoring runs",
    "payments": "table payment_screenings: one row per payment message screened (passed or held)",
}


@dataclass(slots=True)
class DayCount:
    day: date
    single: int = 0
    single_unrecorded: int = 0
    file_rows: int = 0
    files: int = 0
    monitoring_customers: int = 0
    monitoring_runs: int = 0
    payments: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"day": self.day.isoformat()} | {name: getattr(self, name) for name in ORIGINS}


COLUMNS = tuple(f.name for f in fields(DayCount) if f.name != "day")  # = ORIGINS' keys (a test says so)


@dataclass(frozen=True, slots=True)
class ScreeningCounts:
    days: list[DayCount]  # every day from the first listed to the period's last, zeros included
    totals: dict[str, int]


def screening_counts(engine: Engine, period: Period) -> ScreeningCounts:
    counts: dict[date, DayCount] = {}

    def on(day: date) -> DayCount:
        return counts.setdefault(day, DayCount(day))

    _from_audit(engine, period, on)
    with engine.connect() as conn:
        for day, n in _payments_by_day(conn, period):
            on(day).payments += n
    first = period.since or min(counts, default=period.until)
    if (period.until - first).days + 1 > MAX_DAYS:
        since_name = period.names[0]
        raise InputError(
            f"{since_name}: the screenings recorded go back to {first}, more than the {MAX_DAYS} days a "
            f"report lists one by one: give a {since_name} date"
        )
    days = [counts.get(first + timedelta(days=i)) or DayCount(first + timedelta(days=i))
            for i in range((period.until - first).days + 1)]  # fmt: skip
    totals = {name: sum(getattr(d, name) for d in days) for name in COLUMNS}
    return ScreeningCounts(days, totals)


def _from_audit(engine: Engine, period: Period, on: Callable[[date], DayCount]) -> None:
    actions = (*SINGLE_ACTIONS, FILE_ACTION, *RUN_ACTIONS)
    for record in AuditLog(engine).of_actions(actions, since=period.start, until=period.end + NOTE_LAG):
        details: Mapping[str, Any] = record.details
        if record.action in SINGLE_ACTIONS:
            for note in details.get("calls", []):
                at = _note_time(note, record.at)
                if period.holds(at):
                    on(at.astimezone(UTC).date()).single += 1
        if not period.holds(record.at):
            continue
        day = on(record.at.astimezone(UTC).date())
        if record.action in SINGLE_ACTIONS:
            day.single_unrecorded += int(details.get("dropped_before", 0))
        elif record.action == FILE_ACTION:
            day.file_rows += int(details.get("rows", 0))
            day.files += 1
        else:
            day.monitoring_customers += int(details.get("customers", 0))
            day.monitoring_runs += 1


def _note_time(note: Any, written: datetime) -> datetime:
    """A note's own time (screening.trail.note_for writes it in UTC); the record's if it has none."""
    text = note.get("at") if isinstance(note, Mapping) else None
    if not isinstance(text, str):
        return written
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        return written
    return at if at.tzinfo else at.replace(tzinfo=written.tzinfo)


def _utc_day(conn: Connection, column: Any) -> ColumnElement[Any]:
    """The UTC day of a timestamp column, in SQL: SQLite keeps UTC text, PostgreSQL a zoned instant."""
    if conn.dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)


def _payments_by_day(conn: Connection, period: Period) -> list[tuple[date, int]]:
    at = payment_screenings.c.screened_at
    day = _utc_day(conn, at).label("day")
    query = select(day, func.count()).where(at < period.end).group_by(day)
    if period.start is not None:
        query = query.where(at >= period.start)
    out = []
    for value, n in conn.execute(query):
        out.append((value if isinstance(value, date) else date.fromisoformat(str(value)), int(n)))
    return out
