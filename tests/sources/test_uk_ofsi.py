"""UK OFSI ConList parser: the CSV fixture, format equivalence, bad input, the real 2025-04-10 list."""

from __future__ import annotations

import csv
import re
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from sanctionwatch.model import Entity, IdKind, LinkKind, NameKind, NameQuality, Schema
from sanctionwatch.sources.base import ParsedList, SourceFormatError
from sanctionwatch.sources.uk_ofsi import (
    REGIME_AUTHORITIES,
    labelled_segments,
    parse,
    parse_uk_date,
    split_numbered,
)

REAL_FILE = Path("uk_ofsi_conlist_xlsx") / "ConList_2025-04-10.xlsx"
DPRK = "Democratic People's Republic of Korea"


def by_id(parsed: ParsedList) -> dict[str, Entity]:
    return {entity.source_id: entity for entity in parsed.entities}


def csv_rows(path: Path) -> list[list[str | None]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [list[str | None](row) for row in csv.reader(fh)]


def write_xlsx(rows: list[list[str | None]], path: Path) -> Path:
    """Save rows as a one-sheet workbook in the ConList layout (sheet 'Data', text cells)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Data"
    for row in rows:
        sheet.append([value if value != "" else None for value in row])
    workbook.save(path)
    return path


def write_csv(rows: list[list[str | None]], path: Path) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(["" if v is None else v for v in row] for row in rows)
    return path


# --- the CSV fixture (official ConList.csv layout) ------------------------------------------


@pytest.fixture(scope="module")
def fixture_list(fixtures_dir: Path) -> ParsedList:
    return parse([fixtures_dir / "uk" / "ConList.csv"])


def test_csv_fixture_envelope(fixture_list: ParsedList, fixtures_dir: Path) -> None:
    assert fixture_list.format == "uk-ofsi-csv"
    assert fixture_list.source == "uk"
    assert fixture_list.published == date(2025, 4, 10)
    assert fixture_list.files == [fixtures_dir / "uk" / "ConList.csv"]
    # Rows of a group are not adjacent in the file; groups keep the order of their first row.
    assert [e.source_id for e in fixture_list.entities] == ["13590", "13648", "13633", "14241"]


def test_csv_person_groups_rows_into_one_entity(fixture_list: ParsedList) -> None:
    person = by_id(fixture_list)["13590"]
    assert person.id == "uk:13590"
    assert person.schema == Schema.PERSON
    primary, variation = person.names
    assert (primary.full, primary.kind, primary.quality) == ("Jong Hyuk AN", NameKind.PRIMARY, "strong")
    assert primary.parts == {"given": "Jong", "middle": "Hyuk", "family": "AN", "title": "Diplomat"}
    assert (variation.full, variation.kind, variation.quality) == (
        "Jong Hyok AN",
        NameKind.ALIAS,
        NameQuality.WEAK,
    )
    assert person.caption == "Jong Hyuk AN"
    # One row says 14/03/1970, the other 00/00/1970: both kept, each at its own precision.
    assert [d.value for d in person.birth_dates] == ["1970-03-14", "1970"]
    assert person.nationalities == ["kp"]
    assert person.countries == ["eg"]
    assert person.gender == "male"
    assert person.titles == ["Diplomat"]
    assert person.positions == ["Diplomat DPRK Embassy Egypt"]
    assert [(i.kind, i.value) for i in person.identifiers] == [(IdKind.PASSPORT, "563410155")]
    assert person.programs == [DPRK]
    assert person.authorities == [REGIME_AUTHORITIES[DPRK]]
    assert person.listed_on == "2018-01-22"
    assert person.properties["startDate"] == ["2020-12-31"]
    assert person.properties["authorityId"] == ["DPR0001"]
    assert len(person.remarks) == 1 and person.remarks[0].startswith("(UK Sanctions List Ref):DPR0001.")


def test_csv_ship_facts_from_other_information(fixture_list: ParsedList) -> None:
    ship = by_id(fixture_list)["13648"]
    assert ship.schema == Schema.VESSEL
    assert [(n.full, n.kind) for n in ship.names] == [
        ("AN SAN 1", NameKind.PRIMARY),
        ("ERMAK", NameKind.ALIAS),
    ]
    assert [(i.kind, i.value) for i in ship.identifiers] == [(IdKind.IMO, "7303803")]
    assert ship.properties["flag"] == ["kp"]
    assert ship.properties["pastFlags"] == ["ru"]
    assert ship.properties["type"] == ["Chemical Carrier"]
    assert ship.properties["tonnage"] == ["1757"]
    assert ship.properties["buildDate"] == ["1973"]
    assert [(lk.kind, lk.target) for lk in ship.links] == [(LinkKind.OWNED_BY, "Korean Ansan Shipping")]
    assert ship.listed_on == "2018-04-03"


def test_csv_organization_address_and_numbered_phones(fixture_list: ParsedList) -> None:
    company = by_id(fixture_list)["13633"]
    assert company.schema == Schema.ORGANIZATION
    assert [n.full for n in company.names] == ["KOREA ANSAN SHIPPING COMPANY", "KOREA ANSAN SHPG CO"]
    assert all(not n.parts for n in company.names)
    (address,) = company.addresses
    assert address.full == "Pyongchon 1-dong, Pyongchon-guyok, Pyongyang, North Korea"
    assert address.country == "kp"
    assert company.properties["phone"] == ["+850 2 18111", "+850 2 381 8100"]


def test_csv_non_latin_name(fixture_list: ParsedList) -> None:
    person = by_id(fixture_list)["14241"]
    latin, cyrillic = person.names
    assert latin.full == "Khizri Magomedovich ABAKAROV" and latin.script is None
    assert cyrillic.full == "Хизри Магомедович Абакаров"
    assert cyrillic.script == "Cyrl"
    assert person.birth_places == ["Yuzhno Sakhalinsk, Russia"]
    assert person.properties["birthCountry"] == ["ru"]
    assert person.addresses[0].postal_code == "103265"
    assert person.authorities == ["The Russia (Sanctions) (EU Exit) Regulations 2019"]


def test_xlsx_and_csv_of_same_rows_parse_identically(fixtures_dir: Path, tmp_path: Path) -> None:
    rows: list[list[str | None]] = list(csv_rows(fixtures_dir / "uk" / "ConList.csv"))
    from_csv = parse([fixtures_dir / "uk" / "ConList.csv"])
    from_xlsx = parse([write_xlsx(rows, tmp_path / "ConList.xlsx")])
    assert from_xlsx.format == "uk-ofsi-xlsx"
    assert from_xlsx.published == from_csv.published
    assert [e.to_dict() for e in from_xlsx.entities] == [e.to_dict() for e in from_csv.entities]


def test_typed_cells_of_a_resaved_workbook(fixtures_dir: Path, tmp_path: Path) -> None:
    """Excel turns '13590' into a number and dates into dates when a file is re-saved."""
    rows: list[list[object]] = [list(row) for row in csv_rows(fixtures_dir / "uk" / "ConList.csv")]
    rows[0][1] = date(2025, 4, 10)
    rows[2][-1] = 13590.0
    rows[2][32] = date(2018, 1, 22)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append([value if value != "" else None for value in row])
    workbook.save(tmp_path / "typed.xlsx")
    parsed = parse([tmp_path / "typed.xlsx"])
    assert parsed.published == date(2025, 4, 10)
    assert by_id(parsed)["13590"].listed_on == "2018-01-22"


# --- bad input --------------------------------------------------------------------------------


def test_missing_required_column_names_file_and_column(fixtures_dir: Path) -> None:
    path = fixtures_dir / "uk" / "missing_group_id.csv"
    with pytest.raises(SourceFormatError) as info:
        parse([path])
    assert info.value.path == str(path)
    assert info.value.element == "Group ID"
    assert info.value.line == 2
    assert "Group ID" in str(info.value) and str(path) in str(info.value)


def test_missing_column_in_workbook_names_the_sheet(fixtures_dir: Path, tmp_path: Path) -> None:
    first, *rest = csv_rows(fixtures_dir / "uk" / "ConList.csv")
    rows: list[list[str | None]] = [list(first), *([c for i, c in enumerate(row) if i != 0] for row in rest)]
    path = write_xlsx(rows, tmp_path / "no_name6.xlsx")
    with pytest.raises(SourceFormatError, match=r"sheet 'Data'.*row 2.*'Name 6'") as info:
        parse([path])
    assert info.value.element == "Name 6"


def test_empty_file(fixtures_dir: Path) -> None:
    path = fixtures_dir / "uk" / "empty.csv"
    with pytest.raises(SourceFormatError, match="empty") as info:
        parse([path])
    assert info.value.path == str(path)


def test_bad_date_names_row_and_column(fixtures_dir: Path) -> None:
    path = fixtures_dir / "uk" / "bad_dob.csv"
    with pytest.raises(SourceFormatError, match=r"row 5: bad DOB date '31/13/19x0'") as info:
        parse([path])
    assert (info.value.path, info.value.line, info.value.element) == (str(path), 5, "DOB")


def test_bad_date_in_workbook_names_sheet_row_and_column(fixtures_dir: Path, tmp_path: Path) -> None:
    rows: list[list[str | None]] = list(csv_rows(fixtures_dir / "uk" / "ConList.csv"))
    rows[6][32] = "2018-04-03?"  # Listed On of spreadsheet row 7
    with pytest.raises(SourceFormatError, match=r"sheet 'Data': row 7: bad Listed On date") as info:
        parse([write_xlsx(rows, tmp_path / "bad.xlsx")])
    assert (info.value.line, info.value.element) == (7, "Listed On")


def test_bad_last_updated(fixtures_dir: Path, tmp_path: Path) -> None:
    rows: list[list[str | None]] = list(csv_rows(fixtures_dir / "uk" / "ConList.csv"))
    rows[0][1] = "10/04"
    with pytest.raises(SourceFormatError, match="Last Updated") as info:
        parse([write_csv(rows, tmp_path / "bad.csv")])
    assert info.value.line == 1


def test_unknown_group_type_and_empty_group_id(fixtures_dir: Path, tmp_path: Path) -> None:
    rows: list[list[str | None]] = list(csv_rows(fixtures_dir / "uk" / "ConList.csv"))
    rows[3][28] = "Aircraft"
    with pytest.raises(SourceFormatError, match=r"row 4: unknown Group Type 'Aircraft'"):
        parse([write_csv(rows, tmp_path / "type.csv")])
    rows[3][28], rows[3][35] = "Ship", ""
    with pytest.raises(SourceFormatError, match=r"row 4: empty Group ID"):
        parse([write_csv(rows, tmp_path / "gid.csv")])


def test_truncated_and_corrupt_workbooks(fixtures_dir: Path, tmp_path: Path) -> None:
    rows: list[list[str | None]] = list(csv_rows(fixtures_dir / "uk" / "ConList.csv"))
    whole = write_xlsx(rows, tmp_path / "whole.xlsx").read_bytes()
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(SourceFormatError) as info:
        parse([truncated])
    assert info.value.path == str(truncated)
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    with pytest.raises(SourceFormatError):
        parse([garbage])


def _rewrite_sheet(source: Path, target: Path, damage: Callable[[bytes], bytes]) -> Path:
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            data = original.read(info.filename)
            copy.writestr(info, damage(data) if info.filename == "xl/worksheets/sheet1.xml" else data)
    return target


def _big_workbook(path: Path) -> Path:
    rows: list[list[str | None]] = [["Last Updated", "10/04/2025"], ["Name 6", "Group Type", "Group ID"]]
    rows += [[f"NAME {n}", "Individual", str(n)] for n in range(3000)]
    return write_xlsx(rows, path)


def test_damaged_sheet_xml_and_deflate_stream(tmp_path: Path) -> None:
    """Damage inside the sheet surfaces while streaming rows: the error names the sheet and the row reached."""
    whole = _big_workbook(tmp_path / "whole.xlsx")
    cut = _rewrite_sheet(whole, tmp_path / "cut.xlsx", lambda data: data[: len(data) // 2])
    with pytest.raises(SourceFormatError, match=r"sheet 'Data': corrupt workbook data after row \d+") as info:
        parse([cut])
    assert info.value.path == str(cut) and info.value.line is not None and info.value.line > 100

    with zipfile.ZipFile(whole) as archive:
        member = archive.getinfo("xl/worksheets/sheet1.xml")
    raw = bytearray(whole.read_bytes())
    start = member.header_offset + 30 + len(member.filename) + len(member.extra) + member.compress_size // 2
    raw[start : start + 64] = bytes(b ^ 0x55 for b in raw[start : start + 64])
    flipped = tmp_path / "flipped.xlsx"
    flipped.write_bytes(bytes(raw))
    with pytest.raises(SourceFormatError, match="sheet 'Data'"):
        parse([flipped])


def test_zipped_csv_is_read_as_csv(fixtures_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "ConList.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(fixtures_dir / "uk" / "ConList.csv", "ConList.csv")
    parsed = parse([path])
    assert parsed.format == "uk-ofsi-csv" and len(parsed.entities) == 4


def test_not_utf8_csv(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "Last Updated,10/04/2025\nName 6,Group Type,Group ID\nJos\xe9,Individual,1\n".encode("latin-1")
    )
    with pytest.raises(SourceFormatError, match="UTF-8"):
        parse([path])


def test_exactly_one_path(fixtures_dir: Path) -> None:
    path = fixtures_dir / "uk" / "ConList.csv"
    with pytest.raises(SourceFormatError, match="exactly one"):
        parse([path, path])
    with pytest.raises(SourceFormatError, match="exactly one"):
        parse([])


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="cannot read"):
        parse([tmp_path / "nope.xlsx"])


# --- text helpers (property tests) ------------------------------------------------------------

_ISO_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _valid_prefix(value: str) -> bool:
    if not _ISO_PREFIX.match(value):
        return False
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        date(*parts)  # raises if impossible
    return len(parts) < 2 or 1 <= parts[1] <= 12


@given(st.text(max_size=30))
def test_parse_uk_date_never_raises_on_any_text(text: str) -> None:
    result = parse_uk_date(text)
    assert result is None or _valid_prefix(result)


@given(
    st.integers(min_value=0, max_value=99),
    st.integers(min_value=0, max_value=99),
    st.integers(min_value=0, max_value=9999),
)
def test_parse_uk_date_numeric_parts(day: int, month: int, year: int) -> None:
    result = parse_uk_date(f"{day:02d}/{month:02d}/{year:04d}")
    assert result is None or _valid_prefix(result)
    if result is not None:
        assert result[:4] == f"{year:04d}"
        assert (len(result) >= 7) == (1 <= month <= 12)


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31)))
def test_parse_uk_date_full_dates_round_trip(value: date) -> None:
    assert parse_uk_date(value.strftime("%d/%m/%Y")) == value.isoformat()
    assert parse_uk_date(value.strftime("00/%m/%Y")) == value.isoformat()[:7]
    assert parse_uk_date(value.strftime("00/00/%Y")) == value.isoformat()[:4]
    assert parse_uk_date(value.strftime("%m/%Y")) == value.isoformat()[:7]


def test_parse_uk_date_examples() -> None:
    assert parse_uk_date("14/03/1970") == "1970-03-14"
    assert parse_uk_date("00/00/1961") == "1961"
    assert parse_uk_date("00/05/1961") == "1961-05"
    assert parse_uk_date("31/02/1961") == "1961-02"  # impossible day dropped, not invented
    assert parse_uk_date("1954") == "1954"
    assert parse_uk_date("1961-05-01") is None
    assert parse_uk_date("") is None


@given(st.text(max_size=60))
def test_split_numbered_never_raises_and_items_are_trimmed(text: str) -> None:
    for item in split_numbered(text):
        assert item == item.strip(" \t\r\n.,;:")


@given(st.lists(st.text(alphabet="abcdefgh XYZ-'", min_size=1, max_size=12), min_size=1, max_size=8))
def test_split_numbered_recovers_numbered_items(items: list[str]) -> None:
    text = " ".join(f"({n}) {item}" for n, item in enumerate(items, start=1))
    expected = [item.strip(" \t\r\n.,;:") for item in items]
    assert split_numbered(text) == [item if item != "-" else "" for item in expected]


def test_split_numbered_examples() -> None:
    assert split_numbered("(1) Central African Republic. (2) South Sudan") == [
        "Central African Republic",
        "South Sudan",
    ]
    assert split_numbered("(1) to (3) Algeria (4) Morocco") == ["Algeria"] * 3 + ["Morocco"]
    assert split_numbered("(1-2) Libya (3) Syria") == ["Libya", "Libya", "Syria"]
    assert split_numbered("(844) 460-0454") == ["(844) 460-0454"]
    assert split_numbered("(1) 20645897 (2) -") == ["20645897", ""]
    assert split_numbered("Moscow") == ["Moscow"]
    assert split_numbered("  ") == []


@given(st.text(max_size=80))
def test_labelled_segments_never_raise(text: str) -> None:
    for label, value in labelled_segments(text):
        assert label and value == value.strip()


def test_labelled_segments_keep_parenthesised_values() -> None:
    text = "(UK Sanctions List Ref):RUS2299. Text (2022) here. (Phone number):(844) 460-0454 (gender):Male"
    assert labelled_segments(text) == [
        ("UK Sanctions List Ref", "RUS2299. Text (2022) here."),
        ("Phone number", "(844) 460-0454"),
        ("Gender", "Male"),
    ]


# --- the real list ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_path(shared_data: Path) -> Path:
    path = shared_data / REAL_FILE
    if not path.exists():
        pytest.skip(f"{path} not present")
    return path


@pytest.fixture(scope="module")
def real(real_path: Path) -> ParsedList:
    started = time.perf_counter()
    parsed = parse([real_path])
    print(f"parsed {real_path.name} in {time.perf_counter() - started:.2f}s")
    return parsed


def _sheet_rows(path: Path) -> Iterator[tuple[str | None, ...]]:
    workbook = load_workbook(path, read_only=True)
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield tuple(None if v is None else str(v) for v in row)
    finally:
        workbook.close()


@pytest.fixture(scope="module")
def real_rows(real_path: Path) -> list[tuple[str | None, ...]]:
    return list(_sheet_rows(real_path))


@pytest.mark.realdata
def test_real_counts(real: ParsedList, real_rows: list[tuple[str | None, ...]]) -> None:
    assert real.format == "uk-ofsi-xlsx"
    assert real.published == date(2025, 4, 10)
    assert len(real_rows) - 2 == 18_796
    assert len(real.entities) == 4_686
    assert len({e.source_id for e in real.entities}) == 4_686

    header = real_rows[1]
    gid, gtype, regime = header.index("Group ID"), header.index("Group Type"), header.index("Regime")
    types = {row[gid]: row[gtype] for row in real_rows[2:]}
    expected = Counter(
        {"Individual": Schema.PERSON, "Entity": Schema.ORGANIZATION, "Ship": Schema.VESSEL}[t]
        for t in types.values()
        if t
    )
    assert Counter(e.schema for e in real.entities) == expected
    assert expected == {Schema.PERSON: 3_662, Schema.ORGANIZATION: 1_009, Schema.VESSEL: 15}

    for name, groups in ((DPRK, 239), ("Russia", 2_181)):
        from_rows = {row[gid] for row in real_rows[2:] if row[regime] == name}
        assert sum(1 for row in real_rows[2:] if row[regime] == name) == (789 if name == DPRK else 3_814)
        assert {e.source_id for e in real.entities if name in e.programs} == from_rows
        assert len(from_rows) == groups
    assert all(e.names for e in real.entities)
    # One name per spelling, and the caption is a Latin-script primary name where there is one.
    assert all(len({n.full for n in e.names}) == len(e.names) for e in real.entities)
    assert all(e.names[0].script is None for e in real.entities)
    assert sum(1 for e in real.entities for n in e.names if n.script) == 3_225
    assert all(e.authorities for e in real.entities), "every regime in the list has an authority"


@pytest.mark.realdata
def test_real_dprk_individual_with_passport(real: ParsedList) -> None:
    person = by_id(real)["13590"]
    assert person.schema == Schema.PERSON
    assert person.caption == "Jong Hyuk AN"
    assert {n.full for n in person.names} == {"Jong Hyuk AN", "Jong Hyok AN"}
    assert [d.value for d in person.birth_dates] == ["1970-03-14"]
    assert [(i.kind, i.value) for i in person.identifiers] == [(IdKind.PASSPORT, "563410155")]
    assert person.nationalities == ["kp"]
    assert person.gender == "male"
    assert person.programs == [DPRK]
    assert person.listed_on == "2018-01-22"
    assert person.properties["authorityId"] == ["DPR0001"]


@pytest.mark.realdata
def test_real_passport_details_pair_with_numbers(real: ParsedList) -> None:
    person = by_id(real)["13327"]  # JANG Bom Su, Tanchon Commercial Bank representative in Syria
    assert [d.value for d in person.birth_dates] == ["1958-02-22", "1957-04-15"]
    assert (person.names[0].full, person.names[0].kind) == ("JANG BOM SU", NameKind.PRIMARY)
    (passport,) = person.identifiers
    assert passport.value == "836110034"
    assert passport.note is not None and "diplomatic passport" in passport.note
    assert person.properties["unscId"] == ["KPi.016"]


@pytest.mark.realdata
def test_real_entity_with_aliases(real: ParsedList) -> None:
    company = by_id(real)["13633"]
    assert company.schema == Schema.ORGANIZATION
    assert company.caption == "KOREA ANSAN SHIPPING COMPANY"
    aliases = {n.full for n in company.names if n.kind == NameKind.ALIAS}
    assert {"KOREA ANSAN SHPG CO", "KOREA ANSAN SHPG COMPANY"} <= aliases
    assert company.addresses[0].country == "kp"
    assert "Pyongyang" in (company.addresses[0].full or "")


@pytest.mark.realdata
def test_real_ship_with_imo(real: ParsedList) -> None:
    ship = by_id(real)["13648"]
    assert ship.schema == Schema.VESSEL
    assert ship.caption == "AN SAN 1"
    assert {"ERMAK", "TIGER CUB", "ALCHIMIST ROTTERDAM"} <= {n.full for n in ship.names}
    assert [(i.kind, i.value) for i in ship.identifiers] == [(IdKind.IMO, "7303803")]
    assert ship.properties["flag"] == ["kp"]
    assert ship.properties["buildDate"] == ["1973"]
    assert all(
        any(i.kind == IdKind.IMO for i in e.identifiers) for e in real.entities if e.schema == "Vessel"
    )


@pytest.mark.realdata
def test_real_non_latin_names(real: ParsedList) -> None:
    person = by_id(real)["14241"]
    assert [(n.full, n.script) for n in person.names] == [
        ("Khizri Magomedovich ABAKAROV", None),
        ("Хизри Магомедович Абакаров", "Cyrl"),
    ]
    company = by_id(real)["16643"]
    assert ("道通机器人有限公司", "Hani") in [(n.full, n.script) for n in company.names]
    assert company.properties["website"] == ["https://www.autelrobotics.com/"]
    assert company.properties["phone"] == ["(844) 460-0454"]
    assert [(lk.kind, lk.target) for lk in company.links] == [
        (LinkKind.OWNED_BY, "AUTEL INTELLIGENT TECHNOLOGY")
    ]
    scripts = Counter(n.script for e in real.entities for n in e.names if n.script)
    assert scripts["Cyrl"] > 100 and scripts["Arab"] > 10 and scripts["Hang"] >= 1


@pytest.mark.realdata
def test_real_year_only_birth_dates_keep_precision(real: ParsedList) -> None:
    values = {d.value for d in by_id(real)["16383"].birth_dates}
    assert {"1987", "1988", "1991"} <= values
    assert any(n.quality == NameQuality.WEAK for n in by_id(real)["16383"].names)


@pytest.mark.realdata
def test_real_slice_as_csv_and_xlsx_parse_identically(
    real_rows: list[tuple[str | None, ...]], tmp_path: Path
) -> None:
    rows: list[list[str | None]] = [list(row) for row in real_rows[:1502]]
    from_csv = parse([write_csv(rows, tmp_path / "ConList.csv")])
    from_xlsx = parse([write_xlsx(rows, tmp_path / "ConList.xlsx")])
    assert (from_csv.format, from_xlsx.format) == ("uk-ofsi-csv", "uk-ofsi-xlsx")
    assert from_csv.published == from_xlsx.published == date(2025, 4, 10)
    assert len(from_csv.entities) > 300
    assert [e.to_dict() for e in from_csv.entities] == [e.to_dict() for e in from_xlsx.entities]
