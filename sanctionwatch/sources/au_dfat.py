"""Australia's DFAT Consolidated List (Australian_Sanctions_Consolidated_List.xlsx, sheet "Consolidated List").

One row per name: a party's primary name has a bare Reference ("1234"), its other names the same
number with a letter ("1234a", "1234b"). Each base reference becomes one `Entity`, `source_id` the number.

Decisions, column by column (a column this parser does not know is refused, naming it, rather than
dropped; a required column missing is refused the same way):
- Name Type says what each name is: "Primary Name" -> primary; "Original Script" -> primary too (the
  same name in its own script, as the UN treats NAME_ORIGINAL_SCRIPT); "Alias" -> alias, weak when
  Alias Strength is "Weak". The real file has a party whose only row is an alias (8495b) and one whose
  bare row is its original script (8720): they keep what the rows say; the caption is then the first name.
- Type: Individual / Entity / Vessel -> Person / Organization / Vessel. A blank Type on one row takes
  its party's type from the others (one row of 3621 in the real file); a party whose rows disagree, or
  an unknown type, is refused naming the row.
- Date of Birth is typed (a date, a year as a number) or text holding several dates ("1945, 1946",
  "12/03/1960 14/03/1960", "Approximately 1960", "Between 1960 and 1965", "08/1977"; day first).
  A piece that is no date ("10/061962", "7/02/1950/11/1950") is kept in the remarks as written rather
  than refused: the real file has five such pieces, and refusing them would keep the whole list out.
- Place of Birth, Address, Citizenship (countries to ISO codes; an unknown one stays in the remarks),
  Additional Information (remarks; a leading UN reference "TAi.002." is the `unscId` that links the
  party to the UN's record; SWIFT/BIC and IMO numbers in it become identifiers), IMO Number (identifier),
  Committees (the programme), Instrument of Designation (the authority), Listing Information (remarks;
  its first "on <date>", or a date cell, is the listing date), the four measures (Targeted Financial
  Sanction, Travel Ban, Arms Embargo, Maritime Restriction: property `measures` when TRUE).
- Control Date, the date DFAT last changed a row, is required and must be a date (else the row and
  column are named). The list states no publication date of its own; the latest Control Date is the
  date of its newest change and stands as the version's `published` date. The workbook's own
  created/modified properties are not used: any re-save (a mirror, a spreadsheet program) changes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sanctionwatch.model import (
    Address,
    DateValue,
    Entity,
    Identifier,
    IdKind,
    Name,
    NameKind,
    NameQuality,
    Schema,
)
from sanctionwatch.sources.base import ParsedList, SourceFormatError
from sanctionwatch.sources.countries import country_code
from sanctionwatch.sources.dates import iso_prefix, parse_date, parse_single
from sanctionwatch.sources.fields import identifiers_in_text, only_path, squash
from sanctionwatch.sources.files import CORRUPT_XLSX_ERRORS
from sanctionwatch.sources.script_codes import detect_script
from sanctionwatch.sources.workbooks import open_workbook

FORMAT = "au-dfat-xlsx"
SHEET = "Consolidated List"

REFERENCE = "Reference"
NAME = "Name of Individual or Entity"
TYPE = "Type"
NAME_TYPE = "Name Type"
ALIAS_STRENGTH = "Alias Strength"
DATE_OF_BIRTH = "Date of Birth"
PLACE_OF_BIRTH = "Place of Birth"
CITIZENSHIP = "Citizenship"
ADDRESS = "Address"
ADDITIONAL_INFORMATION = "Additional Information"
LISTING_INFORMATION = "Listing Information"
IMO_NUMBER = "IMO Number"
COMMITTEES = "Committees"
CONTROL_DATE = "Control Date"
INSTRUMENT = "Instrument of Designation"
MEASURES = ("Targeted Financial Sanction", "Travel Ban", "Arms Embargo", "Maritime Restriction")
REQUIRED_COLUMNS = (REFERENCE, NAME, TYPE, NAME_TYPE, COMMITTEES, CONTROL_DATE)
KNOWN_COLUMNS = frozenset(
    {
        *REQUIRED_COLUMNS,
        ALIAS_STRENGTH,
        DATE_OF_BIRTH,
        PLACE_OF_BIRTH,
        CITIZENSHIP,
        ADDRESS,
        ADDITIONAL_INFORMATION,
        LISTING_INFORMATION,
        IMO_NUMBER,
        INSTRUMENT,
        *MEASURES,
    }
)

_SCHEMAS = {"individual": Schema.PERSON, "entity": Schema.ORGANIZATION, "vessel": Schema.VESSEL}
_NAME_KINDS = {"primary name": NameKind.PRIMARY, "original script": NameKind.PRIMARY, "alias": NameKind.ALIAS}
_NAME_ORDER = {"primary name": 0, "original script": 1, "alias": 2}
_REFERENCE = re.compile(r"^(\d+)([a-z]*)$", re.IGNORECASE)
_UN_REFERENCE = re.compile(r"^\s*([A-Z]{2}[ie]\.\d{3})\b")
_LISTED_ON = re.compile(r"\bon\s+(\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4})")
_DATE_PIECES = re.compile(r"[,;\n]")
_MONTH_YEAR = re.compile(r"^(\d{1,2})/(\d{4})$")
_COUNTRY_PIECES = re.compile(r"\s*(?:[,;\n]|\band\b)\s*")
_TRUE = {"true": True, "yes": True, "y": True, "false": False, "no": False, "n": False}


@dataclass(slots=True)
class _Row:
    number: int  # as the spreadsheet numbers it (the header is row 1)
    cells: dict[str, Any]

    def text(self, column: str) -> str | None:
        value = self.cells.get(column)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return squash(str(value).replace("\xa0", " "))


@dataclass(slots=True)
class _Reader:
    path: Path
    rows: list[_Row] = field(default_factory=list)

    def error(self, message: str, row: int | None = None, column: str | None = None) -> SourceFormatError:
        located = f"row {row}: " if row is not None else ""
        where = f" column {column!r}" if column and row is not None else ""
        return SourceFormatError(
            self.path, f"sheet {SHEET!r}: {located}{message}{where}", line=row, element=column
        )


def parse(paths: Sequence[Path], source: str = "au") -> ParsedList:
    """Parse one DFAT consolidated list workbook into one entity per base Reference."""
    path = only_path(paths, FORMAT)
    reader = _read(path)
    if not reader.rows:
        raise reader.error("no rows: refusing an empty list")
    groups: dict[str, list[_Row]] = {}
    for row in reader.rows:
        groups.setdefault(_base_reference(reader, row), []).append(row)
    entities = [_entity(reader, source, base, rows) for base, rows in groups.items()]
    published = max(_control_date(reader, row) for row in reader.rows)
    return ParsedList(source=source, format=FORMAT, published=published, entities=entities, files=[path])


def _read(path: Path) -> _Reader:
    workbook = open_workbook(path)  # refuses an unreadable workbook, or one beyond the size cap
    reader = _Reader(path)
    try:
        sheets = {sheet.title: sheet for sheet in workbook.worksheets}
        if SHEET not in sheets:
            raise SourceFormatError(path, f"no sheet {SHEET!r} (sheets: {', '.join(sheets) or 'none'})")
        reader.rows = list(_rows(reader, sheets[SHEET]))
    except CORRUPT_XLSX_ERRORS as exc:
        raise SourceFormatError(path, f"sheet {SHEET!r}: corrupt workbook data: {exc}") from exc
    finally:
        workbook.close()
    return reader


def _rows(reader: _Reader, sheet: Any) -> Iterator[_Row]:
    header: list[str | None] | None = None
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if header is None:
            header = [squash(str(v)) if v is not None else None for v in values]
            _check_header(reader, header, number)
            continue
        if any(v is not None and str(v).strip() for v in values):
            yield _Row(number, {name: value for name, value in zip(header, values, strict=False) if name})
    if header is None:
        raise reader.error("no header row (the sheet is empty)")


def _check_header(reader: _Reader, header: list[str | None], number: int) -> None:
    for column in REQUIRED_COLUMNS:
        if column not in header:
            raise reader.error(f"missing required column {column!r} in the header", number, column)
    for name in header:
        if name is not None and name not in KNOWN_COLUMNS:
            raise reader.error(
                f"unknown column {name!r} in the header (not part of the DFAT layout this parser reads)",
                number,
                name,
            )


def _base_reference(reader: _Reader, row: _Row) -> str:
    text = row.text(REFERENCE)
    match = _REFERENCE.match(text or "")
    if match is None:
        raise reader.error(
            f"bad Reference {text!r} (expected a number, maybe with letters: 1234a)", row.number, REFERENCE
        )
    return match.group(1)


def _control_date(reader: _Reader, row: _Row) -> date:
    value = row.cells.get(CONTROL_DATE)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = row.text(CONTROL_DATE)
    iso = parse_single(text) if text else None
    if iso is None or len(iso) != len("2026-02-20"):
        raise reader.error(f"bad Control Date {text!r} (expected a date)", row.number, CONTROL_DATE)
    return date.fromisoformat(iso)


def _entity(reader: _Reader, source: str, base: str, rows: list[_Row]) -> Entity:
    entity = Entity(source=source, source_id=base, schema=_schema(reader, rows))
    ordered = sorted(rows, key=lambda r: (_NAME_ORDER.get((r.text(NAME_TYPE) or "").lower(), 9), r.number))
    for row in ordered:
        _name(reader, entity, row)
    for row in rows:
        _facts(reader, entity, row)
    return entity


def _schema(reader: _Reader, rows: list[_Row]) -> Schema:
    kinds: set[Schema] = set()
    for row in rows:
        text = row.text(TYPE)
        if text is None:
            continue  # takes the type the party's other rows give
        schema = _SCHEMAS.get(text.lower())
        if schema is None:
            raise reader.error(f"unknown Type {text!r}", row.number, TYPE)
        kinds.add(schema)
    if len(kinds) != 1:
        what = "mixes types " + ", ".join(sorted(kinds)) if kinds else "has no Type on any row"
        raise reader.error(f"party {_base_reference(reader, rows[0])} {what}", rows[-1].number, TYPE)
    return kinds.pop()


def _name(reader: _Reader, entity: Entity, row: _Row) -> None:
    full = row.text(NAME)
    if full is None:
        raise reader.error("no name", row.number, NAME)
    name_type = (row.text(NAME_TYPE) or "").lower()
    kind = _NAME_KINDS.get(name_type)
    if kind is None:
        raise reader.error(f"unknown Name Type {row.text(NAME_TYPE)!r}", row.number, NAME_TYPE)
    weak = (row.text(ALIAS_STRENGTH) or "").lower() == "weak"
    entity.names.append(
        Name(full, kind, NameQuality.WEAK if weak else NameQuality.STRONG, detect_script(full))
    )


def _facts(reader: _Reader, entity: Entity, row: _Row) -> None:
    """Fold one row's party-level facts in (they repeat on every name row; `ParsedList` de-duplicates)."""
    _birth_dates(entity, row)
    place = row.text(PLACE_OF_BIRTH)
    if place:
        entity.birth_places.append(place)
    for country in _country_pieces(row.text(CITIZENSHIP)):
        code = country_code(country)
        if code:
            entity.citizenships.append(code)
        else:
            entity.remarks.append(f"Citizenship: {country}")
    address = row.text(ADDRESS)
    if address:
        code = country_code(address.rsplit(",", 1)[-1])
        entity.addresses.append(Address(full=address, country=code))
        if code:
            entity.countries.append(code)
    _additional_information(entity, row)
    _listing(entity, row)
    imo = row.text(IMO_NUMBER)
    if imo:
        entity.identifiers.append(Identifier(IdKind.IMO, imo, label=IMO_NUMBER))
    committee = row.text(COMMITTEES)
    if committee:
        entity.programs.append(committee)
    instrument = row.cells.get(INSTRUMENT)
    if isinstance(instrument, datetime | date):
        entity.remarks.append(f"{INSTRUMENT}: {instrument:%Y-%m-%d}")
    elif (text := row.text(INSTRUMENT)) is not None:
        entity.authorities.append(text)
    entity.properties.setdefault("modifiedAt", []).append(_control_date(reader, row).isoformat())
    for column in MEASURES:
        if _flag(reader, row, column):
            entity.properties.setdefault("measures", []).append(column)


def _birth_dates(entity: Entity, row: _Row) -> None:
    value = row.cells.get(DATE_OF_BIRTH)
    if isinstance(value, datetime | date):
        entity.birth_dates.append(DateValue(value.strftime("%Y-%m-%d")))
        return
    text = row.text(DATE_OF_BIRTH)
    if not text:
        return
    values, unreadable = dfat_dates(text)
    entity.birth_dates.extend(values)
    entity.remarks.extend(
        f"{DATE_OF_BIRTH}: {piece!r} is not a date (kept as written)" for piece in unreadable
    )


def dfat_dates(text: str) -> tuple[list[DateValue], list[str]]:
    """A Date of Birth cell's text -> the dates in it (day first, precision kept) and the pieces that are none."""
    values: list[DateValue] = []
    unreadable: list[str] = []
    for piece in (p.strip() for p in _DATE_PIECES.split(text.replace("\xa0", " "))):
        if not piece:
            continue
        found = _date_piece(piece)
        if found is None:
            # Two dates with only a space between them ("19/12/1962 30/12/1965").
            words = piece.split()
            parts = [_date_piece(word) for word in words] if len(words) > 1 else []
            if parts and all(parts):
                values.extend(p for p in parts if p is not None)
            else:
                unreadable.append(piece)
            continue
        values.append(found)
    return values, unreadable


def _date_piece(piece: str) -> DateValue | None:
    month_year = _MONTH_YEAR.match(piece)
    if month_year:
        iso = iso_prefix(int(month_year.group(2)), int(month_year.group(1)))
        return DateValue(iso) if iso and len(iso) == len("1977-08") else None
    return parse_date(piece, day_first=True)


def _country_pieces(text: str | None) -> list[str]:
    if not text:
        return []
    if country_code(text):
        return [text]
    return [piece for piece in _COUNTRY_PIECES.split(text) if piece]


def _additional_information(entity: Entity, row: _Row) -> None:
    text = row.text(ADDITIONAL_INFORMATION)
    if not text:
        return
    entity.remarks.append(text)
    reference = _UN_REFERENCE.match(text)
    if reference:
        entity.properties.setdefault("unscId", []).append(reference.group(1))
    entity.identifiers.extend(identifiers_in_text(text))


def _listing(entity: Entity, row: _Row) -> None:
    value = row.cells.get(LISTING_INFORMATION)
    listed: str | None = None
    if isinstance(value, datetime | date):
        listed = value.strftime("%Y-%m-%d")
    elif (text := row.text(LISTING_INFORMATION)) is not None:
        entity.remarks.append(f"{LISTING_INFORMATION}: {text}")
        match = _LISTED_ON.search(text)
        listed = parse_single(match.group(1)) if match else None
    if (
        listed
        and len(listed) == len("2001-01-25")
        and (entity.listed_on is None or listed < entity.listed_on)
    ):
        entity.listed_on = listed


def _flag(reader: _Reader, row: _Row, column: str) -> bool:
    value = row.cells.get(column)
    if value is None or isinstance(value, bool):
        return bool(value)
    flag = _TRUE.get(str(value).strip().lower())
    if flag is None:
        raise reader.error(f"{value!r} is not TRUE or FALSE", row.number, column)
    return flag
