"""A customer as the bank's system describes it, and reading customer files (CSV, XLSX, JSONL, Parquet).

Customer files come from core banking exports and spreadsheets: one bad row must not cost the others,
so every record becomes either a clean `Customer` or a `RowError` naming the row and the field. Unlike
a screening file, a customer file needs an `id` (the customer is updated and deleted by it) and keeps
every other column as the customer's own attributes.

Several values of one kind (a second passport, a dual nationality, an alias) go in one cell separated
by ';' or '|', or as JSON lists in JSON lines.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sanctionwatch.model import ORGANIZATION_SCHEMAS
from sanctionwatch.screening.batchio import CellError, Layout, RowError, cell_text, read_records
from sanctionwatch.screening.party import PartyQuery
from sanctionwatch.screening.query import Query, QueryError
from sanctionwatch.screening.screener import validate

__all__ = ["Customer"]

# A customer whose kind the file does not say: unknown, and screened as such (against people and
# organizations alike), not as an organization, which LegalEntity would mean to the matcher.
UNKNOWN_SCHEMA = ""
# Column -> the customer field it fills (plural and singular spellings alike).
FIELD_COLUMNS = {
    "name": "names",
    "names": "names",
    "alias": "names",
    "aliases": "names",
    "birth_date": "birth_dates",
    "birth_dates": "birth_dates",
    "country": "countries",
    "countries": "countries",
    "nationality": "countries",
    "identifier": "identifiers",
    "identifiers": "identifiers",
}
_SEPARATORS = re.compile(r"\s*[;|]\s*")
MAX_ATTRIBUTE_LENGTH = 2000
MAX_ID_LENGTH = 200  # the width of the id columns
CUSTOMER_LAYOUT = Layout(
    fields=None,  # every column: those that are not customer fields are the customer's attributes
    needed=("name", "names", "alias", "aliases"),
    expected=("id", "name", "aliases", "schema", "birth_date", "country", "identifier", "..."),
)


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    schema: str  # Person, Company, Organization, Vessel, ... or "" when the file does not say
    names: tuple[str, ...]
    birth_dates: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # ISO 3166 alpha-2, lower case as the registry keeps them
    identifiers: tuple[str, ...] = ()
    attributes: Mapping[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.names[0] if self.names else ""

    @property
    def organization(self) -> bool:
        return self.schema in ORGANIZATION_SCHEMAS

    def data(self) -> dict[str, Any]:
        """The canonical content: what the database keeps and what the change hash covers."""
        return {
            "schema": self.schema,
            "names": list(self.names),
            "birth_dates": list(self.birth_dates),
            "countries": list(self.countries),
            "identifiers": list(self.identifiers),
            "attributes": dict(sorted(self.attributes.items())),
        }

    @property
    def hash(self) -> str:
        """Changes with any screened value or attribute: a changed customer is screened, and alerted, anew."""
        canonical = json.dumps(self.data(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(f"{self.id}\n{canonical}".encode()).hexdigest()

    def party(self) -> PartyQuery:
        """The customer as one screening party: every name, birth date, country and identifier."""
        return PartyQuery(
            names=self.names,
            schema=self.schema or None,
            birth_dates=self.birth_dates,
            countries=self.countries,
            identifiers=self.identifiers,
            id=self.id,
        )

    @classmethod
    def from_data(cls, customer_id: str, data: Mapping[str, Any]) -> Customer:
        return cls(
            id=customer_id,
            schema=data["schema"],
            names=tuple(data.get("names", ())),
            birth_dates=tuple(data.get("birth_dates", ())),
            countries=tuple(data.get("countries", ())),
            identifiers=tuple(data.get("identifiers", ())),
            attributes=dict(data.get("attributes", {})),
        )


def read_customers(path: Path) -> Iterator[Customer | RowError]:
    """Every record of the file, in order, as a Customer or the RowError that says what is wrong.

    The file's header is checked on the call (SourceFormatError for a file without a name column).
    """
    return (customer_from_record(row, raw) for row, raw in read_records(path, CUSTOMER_LAYOUT))


def customer_from_record(row: int, raw: Mapping[str, object] | RowError) -> Customer | RowError:
    if isinstance(raw, RowError):
        return raw
    try:
        customer_id = cell_text("id", raw.get("id"))
    except CellError as exc:
        return RowError(row, str(exc))
    if not customer_id:
        return RowError(row, "id: missing (a customer is updated and deleted by its id)")
    if len(customer_id) > MAX_ID_LENGTH or "\x00" in customer_id:
        return RowError(row, f"id: longer than {MAX_ID_LENGTH} characters or holding a NUL character")
    try:
        return _customer(customer_id, raw)
    except (QueryError, CellError) as exc:
        return RowError(row, str(exc), id=customer_id)


def _customer(customer_id: str, raw: Mapping[str, object]) -> Customer:
    values: dict[str, list[str]] = {"names": [], "birth_dates": [], "countries": [], "identifiers": []}
    attributes: dict[str, str] = {}
    for column, cell in raw.items():
        target = FIELD_COLUMNS.get(column)
        if target is not None:
            values[target].extend(_values(column, cell))
        elif column not in ("id", "schema") and (text := cell_text(column, cell)):
            attributes[column[:MAX_ID_LENGTH]] = text.replace("\x00", "")[:MAX_ATTRIBUTE_LENGTH]
    # Names as screening cleans them (control characters out, one space between words): what is
    # stored is what is screened, and every database can hold it.
    names = list(dict.fromkeys(validate(Query(name)).name for name in values["names"]))
    if not names:
        raise QueryError("name: missing (a customer is screened by name)")
    schema = _schema(raw.get("schema"))
    # Each value is checked as screening will check it; the error names the field ("birth_date: ...").
    dates = [validate(Query(names[0], schema, birth_date=v)).birth_date for v in values["birth_dates"]]
    countries = [validate(Query(names[0], schema, country=v)).country for v in values["countries"]]
    for identifier in values["identifiers"]:
        if len(identifier) > MAX_ID_LENGTH or "\x00" in identifier:
            raise QueryError(f"identifier: longer than {MAX_ID_LENGTH} characters or holding a NUL character")
    return Customer(
        id=customer_id,
        schema=schema,
        names=tuple(names),
        birth_dates=tuple(dict.fromkeys(d for d in dates if d)),
        countries=tuple(dict.fromkeys(c for c in countries if c)),
        identifiers=tuple(dict.fromkeys(values["identifiers"])),
        attributes=attributes,
    )


def _schema(value: object) -> str:
    text = cell_text("schema", value)
    if not text:
        return UNKNOWN_SCHEMA
    return validate(Query("x", text)).schema or UNKNOWN_SCHEMA


def _values(column: str, cell: object) -> list[str]:
    """The values of one cell: a JSON list, or text split at ';' and '|'."""
    if cell is None:
        return []
    if isinstance(cell, list | tuple):
        out: list[str] = []
        for item in cell:
            out.extend(_values(column, item))
        return out
    text = cell_text(column, cell)
    if text is None:
        return []
    return [v for v in _SEPARATORS.split(text) if v]
