"""The user's own beneficial-ownership data: one holding a row, in CSV, XLSX, JSON lines or Parquet.

Ownership registers, KYC files and data vendors' exports give owner, owned, a percentage and dates; a
file of them is read with the same record readers as customer files (`screening.batchio`), so the same
formats, encodings and per-row errors apply. Each row becomes a `StatedHolding` or a `RowError` naming
the row and the field: one bad row never costs the others, and none is dropped without saying so.

A party is named by `owner_id` / `owned_id` (a registry key such as `ofac-sdn:12345`, or
`customer:ID` for a customer of the customer base), by an identifier (`owner_identifier`: a
registration number, an IMO number, a LEI ...), or by name. A column the reader does not know refuses
the file, naming it: a misspelt `percentge` column must not turn every holding into "share not stated".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sanctionwatch.ownership.graph import HoldingKind
from sanctionwatch.ownership.rules import parse_percentage
from sanctionwatch.screening.batchio import CellError, Layout, RowError, cell_text, read_records
from sanctionwatch.sources.base import SourceFormatError

__all__ = ["COLUMNS", "PartyRef", "StatedHolding", "read_holdings"]

COLUMNS = (
    "owner",
    "owner_id",
    "owner_identifier",
    "owned",
    "owned_id",
    "owned_identifier",
    "percentage",
    "kind",
    "start_date",
    "end_date",
    "source",
)
HOLDINGS_LAYOUT = Layout(fields=None, needed=("owner", "owner_id", "owner_identifier"), expected=COLUMNS)
MAX_TEXT = 500


@dataclass(frozen=True, slots=True)
class PartyRef:
    """One side of a holding as the file names it: by key, by identifier, or by name."""

    name: str | None
    key: str | None
    identifier: str | None

    def label(self) -> str:
        return self.name or self.key or self.identifier or ""


@dataclass(frozen=True, slots=True)
class StatedHolding:
    row: int
    owner: PartyRef
    owned: PartyRef
    share: int | None  # millionths
    kind: HoldingKind
    start: date | None
    end: date | None
    source: str | None


def read_holdings(path: Path) -> Iterator[StatedHolding | RowError]:
    """Every row in order; the header is checked on the first record (SourceFormatError naming a column)."""
    records = read_records(path, HOLDINGS_LAYOUT)
    return _holdings(path, records)


def _holdings(
    path: Path, records: Iterator[tuple[int, Mapping[str, object] | RowError]]
) -> Iterator[StatedHolding | RowError]:
    for row, raw in records:
        if isinstance(raw, RowError):
            yield raw
            continue
        unknown = sorted(set(raw) - set(COLUMNS))
        if unknown:
            raise SourceFormatError(
                path,
                f"row {row}: unknown column(s) {', '.join(map(repr, unknown))}; the columns are {', '.join(COLUMNS)}",
            )
        try:
            yield _holding(row, raw)
        except (CellError, ValueError) as exc:
            yield RowError(row, str(exc))


def _holding(row: int, raw: Mapping[str, object]) -> StatedHolding:
    owner, owned = _party("owner", raw), _party("owned", raw)
    kind_text = (_text("kind", raw) or HoldingKind.OWNERSHIP.value).lower()
    try:
        kind = HoldingKind(kind_text)
    except ValueError:
        raise ValueError(
            f"kind: {kind_text!r} is not one of {', '.join(k.value for k in HoldingKind)}"
        ) from None
    percentage = _text("percentage", raw)
    try:
        share = parse_percentage(percentage) if percentage else None
    except ValueError as exc:
        raise ValueError(f"percentage: {exc}") from None
    start, end = _day("start_date", raw), _day("end_date", raw)
    if start and end and end < start:
        raise ValueError(f"end_date: {end} is before start_date {start}")
    if owner == owned:
        raise ValueError("owner and owned are the same party")
    return StatedHolding(row, owner, owned, share, kind, start, end, _text("source", raw))


def _party(side: str, raw: Mapping[str, object]) -> PartyRef:
    ref = PartyRef(_text(side, raw), _text(f"{side}_id", raw), _text(f"{side}_identifier", raw))
    if not (ref.name or ref.key or ref.identifier):
        raise ValueError(f"{side}: missing (give {side}, {side}_id or {side}_identifier)")
    return ref


def _text(column: str, raw: Mapping[str, object]) -> str | None:
    text = cell_text(column, raw.get(column))
    if text is not None and (len(text) > MAX_TEXT or "\x00" in text):
        raise ValueError(f"{column}: longer than {MAX_TEXT} characters or holding a NUL character")
    return text or None


def _day(column: str, raw: Mapping[str, object]) -> date | None:
    text = _text(column, raw)
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{column}: {text!r} is not a date (YYYY-MM-DD)") from None
