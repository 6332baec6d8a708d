"""Australia's DFAT consolidated list: real counts, grouping by reference, dates, bad workbooks, ingest."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from sanctionwatch.model import DateValue, IdKind, NameKind, NameQuality, Schema
from sanctionwatch.registry.store import Registry
from sanctionwatch.sources import au_dfat
from sanctionwatch.sources.au_dfat import dfat_dates
from sanctionwatch.sources.base import ParsedList, SourceFormatError
from sanctionwatch.sources.catalog import detect_format

FILE = "au_dfat_xlsx/Australian_Sanctions_Consolidated_List.xlsx"
_cache: dict[str, ParsedList] = {}


def _parsed(shared_data: Path) -> ParsedList:
    if FILE not in _cache:
        _cache[FILE] = au_dfat.parse([shared_data / FILE])
    return _cache[FILE]


@pytest.mark.realdata
def test_real_file_counts(shared_data: Path) -> None:
    parsed = _parsed(shared_data)
    entities = parsed.entities
    schemas = Counter(e.schema for e in entities)
    names = [n for e in entities for n in e.names]
    aliases = [n for n in names if n.kind == NameKind.ALIAS]
    # 10,976 rows -> 3,811 parties; 10,955 names once repeated spellings within a party are merged.
    assert (len(entities), schemas[Schema.PERSON], schemas[Schema.ORGANIZATION], schemas[Schema.VESSEL]) == (
        3811,
        2518,
        1031,
        262,
    )
    assert (len(names), len(aliases), sum(n.quality == NameQuality.WEAK for n in aliases)) == (
        10955,
        6694,
        437,
    )
    assert sum("unscId" in e.properties for e in entities) == 769
    assert sum(i.kind == IdKind.IMO for e in entities for i in e.identifiers) == 277
    assert parsed.published == date(2026, 2, 24)  # the latest Control Date
    assert detect_format(shared_data / FILE) == "au-dfat-xlsx"


@pytest.mark.realdata
def test_real_records(shared_data: Path) -> None:
    by_id = {e.source_id: e for e in _parsed(shared_data).entities}
    akhund = by_id["2"]
    assert [(n.full, n.kind, n.script) for n in akhund.names] == [
        ("MOHAMMAD HASSAN AKHUND", NameKind.PRIMARY, "Latn"),
        ("محمد حسن أخوند", NameKind.PRIMARY, "Arab"),
    ]
    assert akhund.birth_dates[:2] == [DateValue("1945"), DateValue("1946")] and len(akhund.birth_dates) == 10
    assert akhund.properties["unscId"] == ["TAi.002"] and akhund.listed_on == "2001-01-25"
    assert akhund.programs == ["1988 (Taliban)"]
    assert akhund.properties["measures"] == ["Targeted Financial Sanction", "Travel Ban", "Arms Embargo"]
    assert by_id["3621"].schema == Schema.ORGANIZATION  # one row without a Type takes its party's
    assert [n.kind for n in by_id["8495"].names] == [NameKind.ALIAS]  # the only row is an alias
    remarks = [r for e in by_id.values() for r in e.remarks if "is not a date" in r]
    assert remarks == [
        "Date of Birth: '1980.1981' is not a date (kept as written)",
        "Date of Birth: '/02/1961' is not a date (kept as written)",
        "Date of Birth: '7/02/1950/11/1950 08/08/1945' is not a date (kept as written)",
        "Date of Birth: '10/061962' is not a date (kept as written)",
    ]


@pytest.mark.realdata
def test_ingest_is_versioned(shared_data: Path, tmp_path: Path) -> None:
    registry = Registry.open(f"sqlite:///{tmp_path / 'r.db'}")
    try:
        first = registry.ingest(_parsed(shared_data))
        assert (first.version.entity_count, first.added, first.version.published) == (
            3811,
            3811,
            date(2026, 2, 24),
        )
        again = registry.ingest(_parsed(shared_data))
        assert (again.added, again.removed, again.changed) == (0, 0, 0)
    finally:
        registry.close()


def test_dates_in_a_cell() -> None:
    assert dfat_dates("12/03/1960, 1961,\n08/1977") == (
        [DateValue("1960-03-12"), DateValue("1961"), DateValue("1977-08")],
        [],
    )
    assert dfat_dates("19/12/1962 30/12/1965") == ([DateValue("1962-12-19"), DateValue("1965-12-30")], [])
    assert dfat_dates("Approximately 1960") == ([DateValue("1960", approximate=True)], [])
    assert dfat_dates("Between 1960 and 1965") == ([DateValue("1960", end="1965")], [])
    assert dfat_dates("10/061962") == ([], ["10/061962"])


@given(st.lists(st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)), min_size=1, max_size=5))
def test_day_first_dates_round_trip(days: list[date]) -> None:
    text = ", ".join(f"{d.day}/{d.month:02d}/{d.year}" for d in days)
    assert dfat_dates(text) == ([DateValue(d.isoformat()) for d in days], [])


HEADER = ["Reference", "Name of Individual or Entity", "Type", "Name Type", "Alias Strength", "Date of Birth",
          "Committees", "Control Date", "IMO Number"]  # fmt: skip


def _workbook(
    tmp_path: Path, rows: list[list[Any]], header: list[str] = HEADER, sheet: str = "Consolidated List"
) -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    path = tmp_path / "list.xlsx"
    book.save(path)
    return path


_ROWS = [
    [1, "Acme Shipping", "Entity", "Primary Name", None, None, "Autonomous (Iran)", datetime(2025, 1, 2), None],
    ["1a", "Acme", "Entity", "Alias", "Weak", None, "Autonomous (Iran)", datetime(2025, 1, 2), None],
    [2, "Sea Star", "Vessel", "Primary Name", None, None, "Autonomous (Vessels)", datetime(2025, 3, 4), 9123456],
    [3, "Ivan IVANOV", "Individual", "Primary Name", None, "1/02/1970, 1971", "Autonomous (Russia)", datetime(2025, 3, 1), None],
]  # fmt: skip


def test_small_workbook(tmp_path: Path) -> None:
    path = _workbook(tmp_path, _ROWS)
    assert detect_format(path) == "au-dfat-xlsx"
    parsed = au_dfat.parse([path])
    acme, ship, ivan = parsed.entities
    assert [(n.full, n.kind, n.quality) for n in acme.names] == [
        ("Acme Shipping", NameKind.PRIMARY, NameQuality.STRONG),
        ("Acme", NameKind.ALIAS, NameQuality.WEAK),
    ]
    assert ship.schema == Schema.VESSEL and [i.value for i in ship.identifiers] == ["9123456"]
    assert ivan.birth_dates == [DateValue("1970-02-01"), DateValue("1971")]
    assert parsed.published == date(2025, 3, 4)


@pytest.mark.parametrize(
    ("header", "rows", "sheet", "message"),
    [
        ([c for c in HEADER if c != "Committees"], [], "Consolidated List", "row 1: missing required column 'Committees'"),
        ([*HEADER, "Notes"], [], "Consolidated List", "unknown column 'Notes'"),
        (HEADER, _ROWS, "Data", "no sheet 'Consolidated List'"),
        (HEADER, [[*_ROWS[0][:7], "soon", None]], "Consolidated List", "row 2: bad Control Date 'soon'.* column 'Control Date'"),
        (HEADER, [["X1", *_ROWS[0][1:]]], "Consolidated List", "row 2: bad Reference 'X1'"),
        (HEADER, [[*_ROWS[0][:2], "Trust", *_ROWS[0][3:]]], "Consolidated List", "row 2: unknown Type 'Trust'"),
        (HEADER, [_ROWS[0], ["1a", "A", "Vessel", *_ROWS[1][3:]]], "Consolidated List", "party 1 mixes types"),
        (HEADER, [], "Consolidated List", "no rows"),
    ],
)  # fmt: skip
def test_bad_workbooks_are_refused(
    tmp_path: Path, header: list[str], rows: list[list[Any]], sheet: str, message: str
) -> None:
    with pytest.raises(SourceFormatError, match=message):
        au_dfat.parse([_workbook(tmp_path, rows, header, sheet)])


def test_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SourceFormatError, match="not a readable XLSX workbook"):
        au_dfat.parse([path])
