"""Dates keep the precision the list gives; nothing is invented."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.sources.dates import iso_prefix, parse_date

ISO_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@pytest.mark.parametrize(
    ("text", "value", "end", "approximate"),
    [
        ("08 Jan 1984", "1984-01-08", None, False),
        ("8 January 1984", "1984-01-08", None, False),
        ("Jan 1984", "1984-01", None, False),
        ("1984", "1984", None, False),
        ("1984-01-08", "1984-01-08", None, False),
        ("circa 1950", "1950", None, True),
        ("1950 to 1955", "1950", "1955", False),
        ("08/01/1984", "1984-01-08", None, False),
        ("00/00/1960", "1960", None, False),
        ("00/05/1960", "1960-05", None, False),
        ("Sept 12, 1970", "1970-09-12", None, False),
    ],
)
def test_list_notations(text: str, value: str, end: str | None, approximate: bool) -> None:
    parsed = parse_date(text)
    assert parsed is not None
    assert (parsed.value, parsed.end, parsed.approximate) == (value, end, approximate)


def test_impossible_day_keeps_year_and_month() -> None:
    parsed = parse_date("31 Feb 1990")
    assert parsed is not None and parsed.value == "1990-02"


@pytest.mark.parametrize("text", ["", "   ", "unknown", "Pyongyang", "13/13/13"])
def test_non_dates_give_none(text: str) -> None:
    assert parse_date(text) is None


@given(st.text(max_size=40))
def test_never_raises_and_returns_iso_prefixes(text: str) -> None:
    parsed = parse_date(text)
    if parsed is not None:
        assert ISO_PREFIX.match(parsed.value)
        assert parsed.end is None or ISO_PREFIX.match(parsed.end)


@given(st.dates())
def test_iso_round_trip(day: object) -> None:
    text = str(day)
    parsed = parse_date(text) if int(text[:4]) >= 1000 else None
    if parsed is not None:
        assert parsed.value == text


@given(st.integers(0, 3000), st.integers(0, 13), st.integers(0, 32))
def test_iso_prefix_is_valid_or_none(year: int, month: int, day: int) -> None:
    value = iso_prefix(year, month, day)
    assert value is None or ISO_PREFIX.match(value)
