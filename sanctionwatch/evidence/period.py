"""The period a management report covers: whole days in UTC, both ends inclusive.

A compliance head asks for "January" as `--since 2026-01-01 --until 2026-01-31`, not for instants: the
period is days, and a day is a UTC day, the clock every timestamp of the database is kept in. The dates
are read strictly (`YYYY-MM-DD` and nothing else: Python's own reader would also take `20260131` and
ISO week dates, which nobody means here), and a refusal names the option or parameter it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sanctionwatch.errors import InputError

__all__ = ["EARLIEST", "LATEST", "MAX_DAYS", "Period", "parse_period"]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Outside these, a date is a typo (or a probe), and one day past LATEST still fits a datetime.
EARLIEST = date(1970, 1, 1)
LATEST = date(2999, 12, 31)
MAX_DAYS = 3660  # days a report lists one by one (screenings per day): ten years


@dataclass(frozen=True, slots=True)
class Period:
    """From the start of `since` (None: from the first record kept) to the end of `until`."""

    since: date | None
    until: date
    # How the interface that asked names the two ends ("--since" in the CLI), for a later refusal.
    names: tuple[str, str] = ("since", "until")

    @property
    def start(self) -> datetime | None:
        """The first instant in the period (midnight UTC of `since`), or None without a lower bound."""
        return datetime.combine(self.since, time(), tzinfo=UTC) if self.since is not None else None

    @property
    def end(self) -> datetime:
        """The first instant after the period (midnight UTC after `until`): periods are half-open."""
        return datetime.combine(self.until + timedelta(days=1), time(), tzinfo=UTC)

    def holds(self, moment: datetime) -> bool:
        start = self.start
        return (start is None or moment >= start) and moment < self.end

    def to_json(self) -> dict[str, str | None]:
        return {"since": self.since.isoformat() if self.since else None, "until": self.until.isoformat()}


def _day(value: str, name: str) -> date:
    text = value.strip()
    if not _DATE.fullmatch(text):
        raise InputError(f"{name}: {value!r} is not a date (write it YYYY-MM-DD)")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{name}: {value!r} is not a date of the calendar") from None
    if not EARLIEST <= day <= LATEST:
        raise InputError(f"{name}: {text} is out of range ({EARLIEST} to {LATEST})")
    return day


def parse_period(
    since: str | None,
    until: str | None,
    *,
    today: date,
    names: tuple[str, str] = ("since", "until"),
) -> Period:
    """The period asked for: `until` defaults to `today`, `since` to no lower bound. `names` are the
    option or parameter names the interface uses ("--since", "--until"), for the refusals."""
    since_name, until_name = names
    first = _day(since, since_name) if since else None
    last = _day(until, until_name) if until else today
    if first is not None and first > last:
        raise InputError(
            f"{since_name}: {first} is after {until_name} {last}; the period runs from {since_name} to "
            f"{until_name}, both days included"
        )
    if first is not None and (last - first).days + 1 > MAX_DAYS:
        raise InputError(
            f"{since_name}: {first} to {last} is {(last - first).days + 1} days; a report lists at most "
            f"{MAX_DAYS} days one by one: give a later {since_name}"
        )
    return Period(first, last, names)
