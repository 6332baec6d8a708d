"""A user's own list (`internal:NAME`): a CSV or XLSX file in one documented layout, one row per party.

The layout (README, "Your own lists"; examples/internal-deny-list.csv). The first row is the header;
column names are lower case, in any order:

    id           required, unique in the file: the party's id in your list (kept across versions,
                 so that changes between versions are tracked party by party)
    name         required: the primary name
    schema       required: Person, Organization, Company, LegalEntity, Vessel, Aircraft or CryptoWallet
    aliases      other names, separated by ";"
    birth_date   ISO dates (1970, 1970-05 or 1970-05-31), separated by ";"
    nationality  countries (names or ISO codes: "Iran", "IR"), separated by ";"
    country      other country links (residence, registration, flag), as nationality
    identifiers  kind:value pairs separated by ";" (passport:X123; imo:9123456); kinds as `IdKind`
    program      the programme or reason the party is on your list, separated by ";"
    notes        free text, kept as a remark

In every multi-valued column, empty pieces (a trailing ";") are ignored. A deny list must not lose a
row silently: an unknown or duplicate column, a missing required one, or any bad cell refuses the
whole file, naming the file, the row (as a spreadsheet numbers it: the header is row 1) and the
column; nothing of it is ingested and the version in force stays. Every problem found is listed (the
first `MAX_REPORTED`), so that one round of corrections suffices. An XLSX file holds one sheet.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sanctionwatch.model import DateValue, Entity, Identifier, IdKind, Name, NameKind, Schema
from sanctionwatch.sources.base import ParsedList, SourceFormatError
from sanctionwatch.sources.countries import country_code
from sanctionwatch.sources.fields import only_path
from sanctionwatch.sources.files import CORRUPT_XLSX_ERRORS, is_xlsx, text_stream
from sanctionwatch.sources.workbooks import open_workbook

__all__ = ["COLUMNS", "FORMAT", "REQUIRED", "SEPARATOR", "parse", "split_values"]

FORMAT = "internal-list"
SEPARATOR = ";"
REQUIRED = ("id", "name", "schema")
COLUMNS = (*REQUIRED, "aliases", "birth_date", "nationality", "country", "identifiers", "program", "notes")
MAX_REPORTED = 20
_ISO_DATE_LENGTHS = (4, 7, 10)  # 1970, 1970-05, 1970-05-31


def split_values(cell: str) -> list[str]:
    """The values of a multi-valued cell: split at ";", each trimmed, empty pieces dropped."""
    return [piece.strip() for piece in cell.split(SEPARATOR) if piece.strip()]


@dataclass(frozen=True, slots=True)
class _Row:
    number: int  # as a spreadsheet numbers it: the header is row 1
    cells: dict[str, str]


class _Problems:
    """Every bad cell of the file, reported together as one refusal."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.found: list[str] = []

    def add(self, row: int, column: str | None, message: str) -> None:
        where = f"row {row}" + (f", column {column!r}" if column else "")
        self.found.append(f"{where}: {message}")

    def raise_if_any(self) -> None:
        if not self.found:
            return
        shown = self.found[:MAX_REPORTED]
        more = len(self.found) - len(shown)
        tail = f"; and {more} more" if more else ""
        raise SourceFormatError(
            self.path,
            f"internal list refused as a whole, nothing ingested ({len(self.found)} problem(s)): "
            + "; ".join(shown)
            + tail,
        )


def parse(paths: Sequence[Path], source: str = "internal:list") -> ParsedList:
    """One internal list file (CSV or XLSX) -> ParsedList; any bad row refuses the whole file."""
    path = only_path(paths, FORMAT)
    table = _read_xlsx(path) if is_xlsx(path) else _read_csv(path)
    problems = _Problems(path)
    rows = _rows(table, problems)
    problems.raise_if_any()
    entities: list[Entity] = []
    first_row: dict[str, int] = {}
    for row in rows:
        party_id = row.cells.get("id", "")
        if party_id in first_row:
            problems.add(row.number, "id", f"duplicate id {party_id!r} (first on row {first_row[party_id]})")
            continue
        first_row[party_id] = row.number
        entities.append(_entity(source, row, problems))
    problems.raise_if_any()
    if not entities:
        raise SourceFormatError(path, "internal list holds no rows (only a header)")
    return ParsedList(source=source, format=FORMAT, published=None, entities=entities, files=[path])


def _read_csv(path: Path) -> list[list[str]]:
    with text_stream(path) as stream:
        try:
            return [row for row in csv.reader(stream, strict=True)]
        except csv.Error as exc:
            raise SourceFormatError(path, f"not a readable CSV file: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise SourceFormatError(path, f"not UTF-8 text (byte {exc.start} of a read block)") from exc


def _read_xlsx(path: Path) -> list[list[str]]:
    workbook = open_workbook(path)  # refuses an unreadable workbook, or one beyond the size cap
    try:
        sheets = workbook.worksheets
        if len(sheets) != 1:
            names = ", ".join(repr(s.title) for s in sheets)
            raise SourceFormatError(path, f"an internal list workbook holds one sheet (found: {names})")
        return [[_cell_text(v) for v in values] for values in sheets[0].iter_rows(values_only=True)]
    except CORRUPT_XLSX_ERRORS as exc:
        raise SourceFormatError(path, f"corrupt workbook data: {exc}") from exc
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """A workbook cell as the text a CSV would hold: dates as ISO dates, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(table: list[list[str]], problems: _Problems) -> list[_Row]:
    if not table:
        problems.add(1, None, "no header row (the file is empty)")
        return []
    header = [cell.strip().lstrip("\ufeff") for cell in table[0]]
    seen: set[str] = set()
    for name in header:
        if not name:
            continue  # a column without a name may stay empty (`_data_rows` refuses a value in it)
        if name not in COLUMNS:
            problems.add(1, name, f"unknown column (the layout has: {', '.join(COLUMNS)})")
        elif name in seen:
            problems.add(1, name, "column given twice")
        seen.add(name)
    for column in REQUIRED:
        if column not in header:
            problems.add(1, column, "required column missing from the header")
    return list(_data_rows(table, header, problems))


def _data_rows(table: list[list[str]], header: list[str], problems: _Problems) -> Iterator[_Row]:
    for number, values in enumerate(table[1:], start=2):
        if not any(v.strip() for v in values):
            continue  # a blank line holds no party
        if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
            problems.add(number, None, f"{len(values)} cells for {len(header)} columns in the header")
        for position, (name, value) in enumerate(zip(header, values, strict=False), start=1):
            if not name and value.strip():
                problems.add(number, None, f"a value in column {position}, which has no name in the header")
        yield _Row(number, {name: value.strip() for name, value in zip(header, values, strict=False) if name})


def _entity(source: str, row: _Row, problems: _Problems) -> Entity:
    cells = row.cells
    for column in REQUIRED:
        if not cells.get(column):
            problems.add(row.number, column, "empty, but required")
    schema = cells.get("schema", "")
    if schema and schema not in set(Schema):
        problems.add(row.number, "schema", f"unknown schema {schema!r} (use one of {', '.join(Schema)})")
    entity = Entity(source=source, source_id=cells.get("id", ""), schema=schema)
    if cells.get("name"):
        entity.names.append(Name(cells["name"]))
    entity.names += [Name(alias, kind=NameKind.ALIAS) for alias in split_values(cells.get("aliases", ""))]
    for value in split_values(cells.get("birth_date", "")):
        if _is_iso_date(value):
            entity.birth_dates.append(DateValue(value))
        else:
            problems.add(row.number, "birth_date", f"{value!r} is no ISO date (1970, 1970-05 or 1970-05-31)")
    entity.nationalities = _countries(row, "nationality", problems)
    entity.countries = _countries(row, "country", problems)
    entity.identifiers = _identifiers(row, problems)
    entity.programs = split_values(cells.get("program", ""))
    if cells.get("notes"):
        entity.remarks.append(cells["notes"])
    return entity


def _is_iso_date(value: str) -> bool:
    if len(value) not in _ISO_DATE_LENGTHS:
        return False
    padded = value + "-01-01"[len(value) - 4 :]  # 1970 -> 1970-01-01, 1970-05 -> 1970-05-01
    try:
        date.fromisoformat(padded)
    except ValueError:
        return False
    return True


def _countries(row: _Row, column: str, problems: _Problems) -> list[str]:
    codes = []
    for value in split_values(row.cells.get(column, "")):
        code = country_code(value)
        if code is None:
            problems.add(row.number, column, f"{value!r} names no country")
        else:
            codes.append(code)
    return codes


def _identifiers(row: _Row, problems: _Problems) -> list[Identifier]:
    identifiers = []
    kinds = {k.value for k in IdKind}
    for piece in split_values(row.cells.get("identifiers", "")):
        kind, colon, value = piece.partition(":")
        kind, value = kind.strip().lower(), value.strip()
        if not colon or not value or kind not in kinds:
            problems.add(
                row.number,
                "identifiers",
                f"{piece!r} is not kind:value with a kind among {', '.join(sorted(kinds))}",
            )
        else:
            identifiers.append(Identifier(kind, value))
    return identifiers
