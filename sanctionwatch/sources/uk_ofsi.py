"""UK OFSI Consolidated List of Financial Sanctions Targets ("ConList"), as XLSX or CSV.

The list has one row per name of a target: a person with five aliases is six rows sharing a
Group ID, and the rows of one group need not be adjacent. Each group becomes one `Entity`.
Row-level facts (date of birth, passport, title, address) can differ between the rows of a group
(an alias may carry its own date of birth), so they are collected from every row.

Values that have no column of their own sit in "Other Information" as "(Label):value" segments
(gender, phone, IMO number, flag of ship, ...). Multi-valued cells are numbered "(1) A (2) B".

Both layouts start with a "Last Updated | dd/mm/yyyy" row, then the header row; dates are
dd/mm/yyyy text with 00 for unknown day or month.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sanctionwatch.model import (
    Address,
    DateValue,
    Entity,
    Identifier,
    IdKind,
    Link,
    LinkKind,
    Name,
    NameKind,
    NameQuality,
    Schema,
)
from sanctionwatch.sources.base import ParsedList, SourceFormatError
from sanctionwatch.sources.countries import country_code
from sanctionwatch.sources.dates import iso_prefix
from sanctionwatch.sources.fields import packed_names
from sanctionwatch.sources.files import CORRUPT_XLSX_ERRORS, is_xlsx, text_stream
from sanctionwatch.sources.script_codes import name_script
from sanctionwatch.sources.workbooks import open_workbook

_Handler = Callable[[Entity, str], None]

FORMAT_XLSX = "uk-ofsi-xlsx"
FORMAT_CSV = "uk-ofsi-csv"

GROUP_ID = "Group ID"
GROUP_TYPE = "Group Type"
FAMILY_NAME = "Name 6"
GIVEN_NAMES = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5")
ADDRESS_LINES = ("Address 1", "Address 2", "Address 3", "Address 4", "Address 5", "Address 6")
REQUIRED_COLUMNS = (FAMILY_NAME, GROUP_TYPE, GROUP_ID)
LAST_UPDATED = "Last Updated"

_SCHEMAS = {"individual": Schema.PERSON, "entity": Schema.ORGANIZATION, "ship": Schema.VESSEL}

_NAME_KINDS = {
    "primary name": NameKind.PRIMARY,
    # A spelling variant of the primary name: screened like an a.k.a.
    "primary name variation": NameKind.ALIAS,
    "aka": NameKind.ALIAS,
    "fka": NameKind.FORMER,
    "nka": NameKind.NEW,
}

# Regime -> the statutory instrument it is made under. Entries marked (*) are quoted verbatim in the
# statements of reasons of the 2025-04-10 list; the others are the titles as published on
# legislation.gov.uk. A regime missing here gets no authority rather than a guess.
REGIME_AUTHORITIES: dict[str, str] = {
    "Afghanistan": "The Afghanistan (Sanctions) (EU Exit) Regulations 2020",
    "Belarus": "The Republic of Belarus (Sanctions) (EU Exit) Regulations 2019",  # (*)
    "Bosnia and Herzegovina": "The Bosnia and Herzegovina (Sanctions) (EU Exit) Regulations 2020",  # (*)
    "Central African Republic": "The Central African Republic (Sanctions) (EU Exit) Regulations 2020",  # (*)
    "Chemical Weapons": "The Chemical Weapons (Sanctions) (EU Exit) Regulations 2019",  # (*)
    "Counter-Terrorism (Domestic)": "The Counter-Terrorism (Sanctions) (EU Exit) Regulations 2019",  # (*)
    "Counter-Terrorism (International)": "The Counter-Terrorism (International Sanctions) (EU Exit) Regulations 2019",  # (*)
    "Cyber": "The Cyber (Sanctions) (EU Exit) Regulations 2020",
    "Democratic People's Republic of Korea": "The Democratic People's Republic of Korea (Sanctions) (EU Exit) Regulations 2019",  # (*)
    "Democratic Republic of the Congo": "The Democratic Republic of the Congo (Sanctions) (EU Exit) Regulations 2019",  # (*)
    "Global Anti-Corruption": "The Global Anti-Corruption Sanctions Regulations 2021",  # (*)
    "Global Human Rights": "The Global Human Rights Sanctions Regulations 2020",  # (*)
    "Guinea": "The Guinea (Sanctions) (EU Exit) Regulations 2019",
    "Guinea-Bissau": "The Guinea-Bissau (Sanctions) (EU Exit) Regulations 2019",
    "Haiti": "The Haiti (Sanctions) Regulations 2022",
    "Iran": "The Iran (Sanctions) Regulations 2023",  # (*)
    "Iran (Nuclear)": "The Iran (Sanctions) (Nuclear) (EU Exit) Regulations 2019",  # (*)
    "Iraq": "The Iraq (Sanctions) (EU Exit) Regulations 2020",
    "ISIL (Da'esh) and Al-Qaida": "The ISIL (Da'esh) and Al-Qaida (United Nations Sanctions) (EU Exit) Regulations 2019",
    "Libya": "The Libya (Sanctions) (EU Exit) Regulations 2020",
    "Mali": "The Mali (Sanctions) (EU Exit) Regulations 2020",  # (*)
    "Myanmar": "The Myanmar (Sanctions) Regulations 2021",  # (*)
    "Nicaragua": "The Nicaragua (Sanctions) (EU Exit) Regulations 2020",
    "Russia": "The Russia (Sanctions) (EU Exit) Regulations 2019",  # (*)
    "Somalia": "The Somalia (Sanctions) (EU Exit) Regulations 2020",
    "South Sudan": "The South Sudan (Sanctions) (EU Exit) Regulations 2019",  # (*)
    "Sudan": "The Sudan (Sanctions) (EU Exit) Regulations 2020",  # (*)
    "Syria": "The Syria (Sanctions) (EU Exit) Regulations 2019",  # (*)
    "Venezuela": "The Venezuela (Sanctions) (EU Exit) Regulations 2019",
    "Yemen": "The Yemen (Sanctions) (EU Exit) Regulations 2020",
    "Zimbabwe": "The Zimbabwe (Sanctions) (EU Exit) Regulations 2019",
}

# Country spellings of this list that the shared country vocabulary does not know.
_COUNTRY_ALIASES = {
    "congo (democratic republic)": "cd",
    "occupied palestinian territories": "ps",
}
_TRAILING_PAREN = re.compile(r"\s*\([^()]*\)\s*$")

# ---------------------------------------------------------------------------------------------
# Text-level helpers (pure; property-tested)

_UK_DATE = re.compile(r"^\s*(?:(?:(\d{1,2})/)?(\d{1,2})/)?(\d{4})\s*$")
_UNKNOWN_DATE = re.compile(r"^[\s0/]*$")


def parse_uk_date(text: str) -> str | None:
    """'dd/mm/yyyy', 'mm/yyyy' or 'yyyy' with 00 for unknown parts -> ISO prefix keeping the precision.

    '00/00/1961' means "born in 1961": it must stay "1961", never "1961-01-01", or screening would
    reject people born later that year. None when the text is not such a date.
    """
    match = _UK_DATE.match(text)
    if match is None:
        return None
    day, month, year = (int(part) if part else None for part in match.groups())
    return iso_prefix(year, month, day)


_NUMBER_MARK = re.compile(r"\(\s*(\d{1,3})\s*(?:(?:-|to)\s*(\d{1,3})\s*)?\)(?:\s*to\s*\(\s*(\d{1,3})\s*\))?")
_ITEM_TRIM = " \t\r\n.,;:"


def _sequential_marks(text: str) -> list[re.Match[str]]:
    """Only "(1)", then "(2)" (or the number after a range) count, so '(844) 460-0454' stays whole."""
    marks: list[re.Match[str]] = []
    expected = 1
    for mark in _NUMBER_MARK.finditer(text):
        first = int(mark.group(1))
        if first != expected:
            continue
        last = int(mark.group(2) or mark.group(3) or first)
        if last < first:
            continue
        marks.append(mark)
        expected = last + 1
    return marks


def split_numbered(text: str) -> list[str]:
    """'(1) A (2) B', '(1) to (6) A (7) B', '(1-3) A (4) B' -> items, a range repeating its item.

    Repeating keeps positions aligned, so that the n-th town of birth pairs with the n-th country
    and the n-th passport number with the n-th passport details. Text without numbering is one item.
    """
    marks = _sequential_marks(text)
    if not marks or marks[0].start() != len(text) - len(text.lstrip()):
        cleaned = text.strip(_ITEM_TRIM)
        return [cleaned] if cleaned and cleaned != "-" else []
    items: list[str] = []
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        item = text[mark.end() : end].strip(_ITEM_TRIM)
        first = int(mark.group(1))
        last = int(mark.group(2) or mark.group(3) or first)
        repeat = last - first + 1 if last - first < 100 else 1
        items.extend([item] * repeat)
    return [item if item != "-" else "" for item in items]


# Labels of "(Label):value" segments in Other Information (and ship columns of newer layouts).
OTHER_INFO_LABELS = (
    "UK Sanctions List Ref",
    "UK Statement of Reasons",
    "UN Ref",
    "Gender",
    "Phone number",
    "Tel",
    "Fax",
    "Email address",
    "Website",
    "Type of entity",
    "Business Reg No",
    "Parent company",
    "Subsidiaries",
    "IMO number",
    "Current owners",
    "Flag of ship",
    "Previous flags",
    "Type of ship",
    "Tonnage of ship",
    "Length of ship",
    "Year built",
)
_SEGMENT = re.compile(r"\((" + "|".join(re.escape(label) for label in OTHER_INFO_LABELS) + r")\)\s*:", re.I)
_CANONICAL_LABEL = {label.lower(): label for label in OTHER_INFO_LABELS}


def labelled_segments(text: str) -> list[tuple[str, str]]:
    """'(Gender):Male (Phone number):+7 495' -> [('Gender', 'Male'), ('Phone number', '+7 495')].

    Only known labels split the text, so values that contain parentheses ('(844) 460-0454') or
    dates stay whole. A value runs to the next known label.
    """
    marks = list(_SEGMENT.finditer(text))
    segments: list[tuple[str, str]] = []
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        value = text[mark.end() : end].strip()
        if value:
            segments.append((_CANONICAL_LABEL[mark.group(1).lower()], value))
    return segments


# ---------------------------------------------------------------------------------------------
# Reading the table


@dataclass(slots=True)
class _Row:
    number: int  # row number as in the spreadsheet (the "Last Updated" row is 1)
    cells: dict[str, str | None]

    def get(self, column: str) -> str | None:
        return self.cells.get(column)


@dataclass(slots=True)
class _Table:
    path: Path
    where: str  # "sheet 'Data'" for a workbook, "" for CSV
    published: date | None
    rows: list[_Row]

    def error(self, message: str, row: int | None = None, column: str | None = None) -> SourceFormatError:
        prefix = f"{self.where}: " if self.where else ""
        located = f"row {row}: " if row is not None else ""
        return SourceFormatError(self.path, f"{prefix}{located}{message}", line=row, element=column)


def _cell_text(value: Any) -> str | None:
    """Spreadsheet cells may come back typed (a number, a real date) when a file was re-saved."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


_SPACES = re.compile(r"\s+")
# Direction marks, soft hyphens and stray BOMs pasted in from word processors: invisible, but they
# make 'Di\xadrectorate' differ from 'Directorate'. Zero-width (non-)joiners stay: they are spelling.
_INVISIBLE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\xad\ufeff]")


def _squash(column: str, value: str | None) -> str | None:
    """Drop invisible marks and collapse runs of spaces (narrow no-break spaces included).

    Other Information keeps its line breaks: it is kept verbatim as the remarks.
    """
    if value is None:
        return None
    value = _INVISIBLE.sub("", value)
    if column != "Other Information":
        value = _SPACES.sub(" ", value).strip()
    return value or None


def _xlsx_records(path: Path) -> tuple[str, Iterator[list[str | None]]]:
    """Stream the first sheet (read-only mode: the 18,000-row list never sits in memory as cells)."""
    workbook = open_workbook(path)  # refuses an unreadable workbook, or one beyond the size cap
    if not workbook.worksheets:
        workbook.close()
        raise SourceFormatError(path, "workbook has no sheet")
    sheet = workbook.worksheets[0]
    where = f"sheet {sheet.title!r}"

    def records() -> Iterator[list[str | None]]:
        number = 0
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):  # noqa: B007
                yield [_cell_text(value) for value in values]
        except CORRUPT_XLSX_ERRORS as exc:
            raise SourceFormatError(
                path, f"{where}: corrupt workbook data after row {number}: {exc}", line=number + 1
            ) from exc
        finally:
            workbook.close()

    return where, records()


def _csv_records(path: Path) -> Iterator[list[str | None]]:
    with text_stream(path) as stream:
        reader = csv.reader(stream)
        try:
            for values in reader:
                yield [_cell_text(value) for value in values]
        except UnicodeDecodeError as exc:
            raise SourceFormatError(
                path, f"not valid UTF-8 text after line {reader.line_num}", line=reader.line_num
            ) from exc
        except csv.Error as exc:
            raise SourceFormatError(path, f"bad CSV: {exc}", line=reader.line_num) from exc


def _read_table(path: Path, where: str, records: Iterator[list[str | None]]) -> _Table:
    table = _Table(path, where, None, [])
    header: list[str | None] | None = None
    for number, values in enumerate(records, start=1):
        if header is None:
            if values and values[0] == LAST_UPDATED and number == 1:
                table.published = _published(table, values)
                continue
            header = values
            _check_header(table, header, number)
            continue
        if any(values):
            cells = {name: _squash(name, value) for name, value in zip(header, values, strict=False) if name}
            table.rows.append(_Row(number, cells))
    if header is None:
        raise table.error("no header row (file is empty)")
    return table


def _published(table: _Table, values: list[str | None]) -> date | None:
    raw = values[1] if len(values) > 1 else None
    if raw is None:
        return None
    iso = parse_uk_date(raw)
    if iso is None or len(iso) != 10:
        raise table.error(f"bad {LAST_UPDATED} date {raw!r}", 1, LAST_UPDATED)
    return date.fromisoformat(iso)


def _check_header(table: _Table, header: list[str | None], number: int) -> None:
    for column in REQUIRED_COLUMNS:
        if column not in header:
            raise table.error(f"missing required column {column!r} in the header", number, column)


# ---------------------------------------------------------------------------------------------
# Building entities


def _date_cell(table: _Table, row: _Row, column: str) -> str | None:
    """A date cell -> ISO prefix. Blank or all-zero means unknown; anything else unreadable is an error."""
    raw = row.get(column)
    if raw is None or _UNKNOWN_DATE.match(raw):
        return None
    iso = parse_uk_date(raw)
    if iso is None:
        raise table.error(f"bad {column} date {raw!r} (expected dd/mm/yyyy)", row.number, column)
    return iso


def uk_country(value: str | None) -> str | None:
    """Country as this list writes it ('Congo (Democratic Republic)', 'Iraq (previous address)') -> code."""
    if not value:
        return None
    alias = _COUNTRY_ALIASES.get(value.strip().lower())
    if alias:
        return alias
    return country_code(value) or country_code(_TRAILING_PAREN.sub("", value))


def _countries(value: str | None) -> list[str]:
    return [code for item in split_numbered(value or "") if (code := uk_country(item))]


def _names(row: _Row, schema: str) -> list[Name]:
    kind = _NAME_KINDS.get((row.get("Alias Type") or "aka").lower(), NameKind.ALIAS)
    quality_text = (row.get("Alias Quality") or "").lower()
    quality = NameQuality.WEAK if quality_text.startswith("low") else NameQuality.STRONG
    given = [part for column in GIVEN_NAMES if (part := row.get(column))]
    family = row.get(FAMILY_NAME)
    full = " ".join([*given, family] if family else given)
    names: list[Name] = []
    for name in packed_names(full):
        parts = _name_parts(row, given, family) if schema == Schema.PERSON else {}
        script = name_script(name)
        names.append(Name(name, kind, quality, None if script == "Latn" else script, parts))
    other_script = row.get("Name Non-Latin Script")
    if other_script:
        label = row.get("Non-Latin Script Type") or row.get("Non-Latin Script Language")
        names.append(Name(other_script, kind, quality, name_script(other_script, label)))
    return names


def _name_parts(row: _Row, given: list[str], family: str | None) -> dict[str, str]:
    parts: dict[str, str] = {}
    if given:
        parts["given"] = given[0]
    if len(given) > 1:
        parts["middle"] = " ".join(given[1:])
    if family:
        parts["family"] = family
    titles = split_numbered(row.get("Title") or "")
    if len(titles) == 1:
        parts["title"] = titles[0]
    return parts


def _birth_places(row: _Row) -> list[str]:
    towns = split_numbered(row.get("Town of Birth") or "")
    countries = split_numbered(row.get("Country of Birth") or "")
    if towns and len(countries) == len(towns):
        return [", ".join(filter(None, pair)) for pair in zip(towns, countries, strict=True)]
    if towns and len(set(filter(None, countries))) == 1:
        country = next(filter(None, countries))
        return [f"{town}, {country}" if town else country for town in towns]
    return [*towns, *countries]


def _identifiers(row: _Row, kind: IdKind, number_column: str, details_column: str) -> list[Identifier]:
    numbers = split_numbered(row.get(number_column) or "")
    raw_details = row.get(details_column)
    details = split_numbered(raw_details or "")
    paired = len(details) == len(numbers)
    label = "Passport" if kind == IdKind.PASSPORT else "National Identification Number"
    found: list[Identifier] = []
    for index, number in enumerate(numbers):
        if not number:
            continue
        note = (details[index] or None) if paired else raw_details
        found.append(Identifier(kind=kind, value=number, label=label, note=note))
    return found


def _address(row: _Row) -> Address | None:
    lines = [line for column in ADDRESS_LINES if (line := row.get(column))]
    postal_code = row.get("Post/Zip Code")
    if not lines and not postal_code:
        return None
    country_text = row.get("Country")
    full = ", ".join([*lines, *filter(None, [postal_code, country_text])])
    return Address(full=full, postal_code=postal_code, country=uk_country(country_text))


def _add_row(table: _Table, entity: Entity, row: _Row) -> None:
    """Fold one row (one name of the target) into its group's entity."""
    entity.names.extend(_names(row, entity.schema))
    dob = _date_cell(table, row, "DOB")
    if dob:
        entity.birth_dates.append(DateValue(dob))
    entity.birth_places.extend(_birth_places(row))
    birth_countries = _countries(row.get("Country of Birth"))
    if birth_countries and entity.schema == Schema.PERSON:
        entity.properties.setdefault("birthCountry", []).extend(birth_countries)
    entity.nationalities.extend(_countries(row.get("Nationality")))
    entity.titles.extend(split_numbered(row.get("Title") or ""))
    entity.positions.extend(split_numbered(row.get("Position") or ""))
    entity.identifiers.extend(_identifiers(row, IdKind.PASSPORT, "Passport Number", "Passport Details"))
    entity.identifiers.extend(
        _identifiers(
            row, IdKind.NATIONAL_ID, "National Identification Number", "National Identification Details"
        )
    )
    address = _address(row)
    if address is not None:
        entity.addresses.append(address)
    entity.countries.extend(_countries(row.get("Country")))
    _add_listing(table, entity, row)
    _add_other_information(entity, row)


def _add_listing(table: _Table, entity: Entity, row: _Row) -> None:
    regime = row.get("Regime")
    if regime:
        entity.programs.append(regime)
        authority = REGIME_AUTHORITIES.get(regime)
        if authority:
            entity.authorities.append(authority)
    listed_on = _date_cell(table, row, "Listed On")
    if listed_on and (entity.listed_on is None or listed_on < entity.listed_on):
        entity.listed_on = listed_on
    for column, prop in (("UK Sanctions List Date Designated", "startDate"), (LAST_UPDATED, "modifiedAt")):
        value = _date_cell(table, row, column)
        if value:
            entity.properties.setdefault(prop, []).append(value)


def _first_token(value: str) -> str:
    """'DPR0100. Pursuant to ...' -> 'DPR0100': reference labels are followed by free text."""
    return value.split()[0].rstrip(".,;")


def _property_adder(prop: str, clean: Callable[[str], str | None] = lambda v: v) -> _Handler:
    def handle(entity: Entity, value: str) -> None:
        for item in split_numbered(value):
            cleaned = clean(item)
            if cleaned:
                entity.properties.setdefault(prop, []).append(cleaned)

    return handle


def _link_adder(kind: LinkKind) -> _Handler:
    def handle(entity: Entity, value: str) -> None:
        for item in split_numbered(value):
            if item:
                entity.links.append(Link(kind=kind, target=item, target_name=item))

    return handle


def _id_adder(kind: IdKind, label: str) -> _Handler:
    def handle(entity: Entity, value: str) -> None:
        for item in split_numbered(value):
            if item:
                entity.identifiers.append(Identifier(kind=kind, value=_first_token(item), label=label))

    return handle


def _set_gender(entity: Entity, value: str) -> None:
    gender = value.split()[0].strip(".,;").lower() if value.split() else ""
    if gender in ("male", "female"):
        entity.gender = gender


def _year(value: str) -> str | None:
    match = re.match(r"\d{4}\b", value)
    return match.group(0) if match else None


_SEGMENT_HANDLERS: dict[str, _Handler] = {
    "UK Sanctions List Ref": _property_adder("authorityId", _first_token),
    "UN Ref": _property_adder("unscId", _first_token),
    "Gender": _set_gender,
    "Phone number": _property_adder("phone"),
    "Tel": _property_adder("phone"),
    "Email address": _property_adder("email"),
    "Website": _property_adder("website"),
    "Type of entity": _property_adder("legalForm"),
    "Business Reg No": _id_adder(IdKind.REGISTRATION, "Business Reg No"),
    "Parent company": _link_adder(LinkKind.OWNED_BY),
    "Current owners": _link_adder(LinkKind.OWNED_BY),
    "Subsidiaries": _link_adder(LinkKind.OWNER_OF),
    "IMO number": _id_adder(IdKind.IMO, "IMO number"),
    "Flag of ship": _property_adder("flag", uk_country),
    "Previous flags": _property_adder("pastFlags", uk_country),
    "Type of ship": _property_adder("type"),
    "Tonnage of ship": _property_adder("tonnage"),
    "Year built": _property_adder("buildDate", _year),
}


def _add_other_information(entity: Entity, row: _Row) -> None:
    text = row.get("Other Information")
    if text:
        entity.remarks.append(text)
        for label, value in labelled_segments(text):
            handler = _SEGMENT_HANDLERS.get(label)
            if handler is not None:
                handler(entity, value)
    for label, handler in _SEGMENT_HANDLERS.items():
        cell = row.get(label)  # newer layouts give ship facts their own columns
        if cell:
            handler(entity, cell)


_KIND_RANK = {NameKind.PRIMARY: 0, NameKind.NEW: 1, NameKind.ALIAS: 2, NameKind.FORMER: 3}


def merge_names(names: list[Name]) -> list[Name]:
    """One name per spelling: the non-Latin column repeats on AKA rows, and a spelling listed both as
    primary and as an alias is one name to screen. The strongest kind and quality win.
    """
    merged: dict[str, Name] = {}
    for name in names:
        kept = merged.get(name.full)
        if kept is None:
            merged[name.full] = Name(name.full, name.kind, name.quality, name.script, dict(name.parts))
            continue
        if _KIND_RANK.get(NameKind(name.kind), 9) < _KIND_RANK.get(NameKind(kept.kind), 9):
            kept.kind = name.kind
        if name.quality == NameQuality.STRONG:
            kept.quality = NameQuality.STRONG
        kept.parts = kept.parts or dict(name.parts)
    # Primary names first, Latin before other scripts, so the caption is the Latin primary name.
    return sorted(merged.values(), key=lambda n: (_KIND_RANK.get(NameKind(n.kind), 9), n.script is not None))


def _finish(entity: Entity) -> Entity:
    """One name per spelling (`merge_names`); repeated group-level facts go in `ParsedList`."""
    entity.names = merge_names(entity.names)
    return entity


def _group_schema(table: _Table, rows: list[_Row]) -> Schema:
    kinds = {(row.get(GROUP_TYPE) or "").lower() for row in rows}
    for row in rows:
        text = (row.get(GROUP_TYPE) or "").lower()
        if text not in _SCHEMAS:
            raise table.error(f"unknown {GROUP_TYPE} {row.get(GROUP_TYPE)!r}", row.number, GROUP_TYPE)
    if len(kinds) > 1:
        raise table.error(
            f"group {rows[0].get(GROUP_ID)} mixes group types {sorted(kinds)}", rows[-1].number, GROUP_TYPE
        )
    return _SCHEMAS[kinds.pop()]


def _groups(table: _Table) -> dict[str, list[_Row]]:
    groups: dict[str, list[_Row]] = {}
    for row in table.rows:
        group_id = row.get(GROUP_ID)
        if not group_id:
            raise table.error(f"empty {GROUP_ID}", row.number, GROUP_ID)
        groups.setdefault(group_id, []).append(row)
    return groups


def _entities(table: _Table, source: str) -> list[Entity]:
    entities = []
    for group_id, rows in _groups(table).items():
        entity = Entity(source=source, source_id=group_id, schema=_group_schema(table, rows))
        for row in rows:
            _add_row(table, entity, row)
        entities.append(_finish(entity))
    return entities


def parse(paths: Sequence[Path], source: str = "uk") -> ParsedList:
    """Parse one ConList file (XLSX by zip magic, otherwise CSV) into one entity per Group ID."""
    if len(paths) != 1:
        raise SourceFormatError(
            ", ".join(map(str, paths)) or "-", f"expected exactly one ConList file, got {len(paths)}"
        )
    path = Path(paths[0])
    if is_xlsx(path):
        where, records = _xlsx_records(path)
        table, fmt = _read_table(path, where, records), FORMAT_XLSX
    else:
        table, fmt = _read_table(path, "", _csv_records(path)), FORMAT_CSV
    return ParsedList(
        source=source,
        format=fmt,
        published=table.published,
        entities=_entities(table, source),
        files=[path],
    )
