"""Dates as the lists write them -> ISO prefixes ("1984", "1984-01", "1984-01-08"), keeping the precision given.

Lists mix "08 Jan 1984", "Jan 1984", "1984", "circa 1950", "1950 to 1955", "08/01/1984" (day first
in UK and EU data) and ISO. A birth date known only to the year must stay a year: widening it to
"1984-01-01" would make screening reject true matches born later that year.
"""

from __future__ import annotations

import re
from datetime import date

from sanctionwatch.model import DateValue

_MONTHS = {
    name: index
    for index, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_APPROX = re.compile(r"^\s*(?:circa|ca\.?|c\.|approximately|approx\.?|about|around)\s+", re.I)
_RANGE = re.compile(r"^\s*(?:between\s+)?(.+?)\s+(?:to|and|-|–)\s+(.+?)\s*$", re.I)
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T.*)?$")
_DMY_NAMED = re.compile(r"^(?:(\d{1,2})\s+)?([A-Za-z]{3,9})\.?,?\s+(\d{4})$")
_MDY_NAMED = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2}),\s*(\d{4})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")


def iso_prefix(year: int | None, month: int | None = None, day: int | None = None) -> str | None:
    """Build an ISO prefix from parts, dropping unknown (0/None) or impossible parts rather than inventing them."""
    if not year or not 1000 <= year <= 2999:
        return None
    if not month or not 1 <= month <= 12:
        return f"{year:04d}"
    if not day:
        return f"{year:04d}-{month:02d}"
    try:
        date(year, month, day)
    except ValueError:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_single(text: str, *, day_first: bool = True) -> str | None:
    """One date in any of the lists' notations -> ISO prefix, or None if it is not a date."""
    value = text.strip().rstrip(".;,")
    if not value:
        return None
    match = _ISO.match(value)
    if match:
        return iso_prefix(*(int(g) if g else None for g in match.groups()))
    match = _DMY_NAMED.match(value)
    if match and match.group(2).lower() in _MONTHS:
        day, month_name, year = match.groups()
        return iso_prefix(int(year), _MONTHS[month_name.lower()], int(day) if day else None)
    match = _MDY_NAMED.match(value)
    if match and match.group(1).lower() in _MONTHS:
        month_name, day, year = match.groups()
        return iso_prefix(int(year), _MONTHS[month_name.lower()], int(day))
    match = _NUMERIC.match(value)
    if match:
        first, second, year = (int(g) for g in match.groups())
        day, month = (first, second) if day_first else (second, first)
        return iso_prefix(year, month, day)
    return None


def parse_date(text: str | None, *, day_first: bool = True) -> DateValue | None:
    """A date, a "circa" date or a range ("1950 to 1955") -> DateValue; None when unparseable."""
    if text is None:
        return None
    value = text.strip()
    if not value:
        return None
    approximate = False
    approx = _APPROX.match(value)
    if approx:
        approximate = True
        value = value[approx.end() :]
    single = parse_single(value, day_first=day_first)
    if single is not None:
        return DateValue(single, approximate=approximate)
    match = _RANGE.match(value)
    if match:
        start = parse_single(match.group(1), day_first=day_first)
        end = parse_single(match.group(2), day_first=day_first)
        if start and end:
            return DateValue(start, end=end, approximate=approximate)
    return None
