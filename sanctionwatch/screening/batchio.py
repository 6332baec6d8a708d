"""Screen-file input and output: query files in, one result per query out (the contract in README.md, "Screening").

Input is CSV, JSON lines, XLSX or Parquet with the columns `id`, `name`, `schema`, `birth_date`,
`country`, `identifier`. Files come from customers' systems and spreadsheets, so one bad row must not
cost the others: every record becomes either a clean `Query` or a `RowError` that names the row and
the field, and the error travels to the output in the row's place. Only a file that cannot hold
queries at all (unreadable, no `name` or `identifier` column) is refused, before anything is screened.

Rows are numbered 1, 2, 3 ... over the records after the header, so "row n" is also the n-th record of
the output. Blank lines and rows with no value at all are not records.
"""

from __future__ import annotations

import csv
import json
import math
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

from sanctionwatch.errors import InputError
from sanctionwatch.screening.csv_lines import CsvLines, CsvRecord, decoded_lines
from sanctionwatch.screening.query import Hit, Query, QueryError
from sanctionwatch.screening.screener import validate
from sanctionwatch.sources.base import SourceFormatError
from sanctionwatch.sources.csvsafe import formula_safe_row
from sanctionwatch.sources.files import CORRUPT_XLSX_ERRORS, open_binary
from sanctionwatch.sources.jsonsafe import loads_shallow
from sanctionwatch.sources.limits import check_size

__all__ = [
    "FIELDS",
    "NEEDED",
    "OUTPUT_COLUMNS",
    "CellError",
    "Layout",
    "RowError",
    "cell_text",
    "hit_rows",
    "parse_row",
    "read_queries",
    "read_records",
]

FIELDS = ("id", "name", "schema", "birth_date", "country", "identifier")
NEEDED = ("name", "identifier")  # at least one of these columns, or no row could ever be screened
INPUT_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx", ".parquet": "parquet"}
OUTPUT_FORMATS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".parquet": "parquet",
}


@dataclass(frozen=True, slots=True)
class Layout:
    """Which columns a file's records keep, and which it cannot do without (at least one of them)."""

    fields: frozenset[str] | None  # None: every named column (lower-cased)
    needed: tuple[str, ...]
    expected: tuple[str, ...]  # named in the error for a file without any needed column


QUERY_LAYOUT = Layout(frozenset(FIELDS), NEEDED, FIELDS)
COMPRESSED = (".gz", ".gzip")  # decompressed by magic bytes; only the text formats are streams
OUTPUT_COLUMNS = ("id", "rank", "entity_id", "score", "matched_name", "source_ids", "programs", "error")
PARQUET_BATCH = 4096
XLSX_MAX_ROWS = 1_048_576  # Excel's sheet limit, header included
# _LAZY: pyarrow and openpyxl are imported where a Parquet or XLSX file is read or written, not with this
# module: what parses and lays out rows (parse_row, flat_rows) is also what every Spark Python worker
# imports, and there the two libraries would be ~120 MB of resident memory per core for nothing.

Record = dict[str, Any]
Row = tuple[int, "Query | QueryError"]
Raw = tuple[int, "Mapping[str, object] | RowError"]
FlatRow = tuple[str, int | None, str | None, float | None, str | None, str | None, str | None, str | None]


class RowError(QueryError):
    """A QueryError tied to its row, carrying the caller's id so the output can still echo it, and the
    query as read when the row's cells were read but the query is refused (a receipt states it)."""

    def __init__(self, row: int, message: str, *, id: str | None = None, query: Query | None = None) -> None:
        self.row = row
        self.id = id if id is not None else str(row)
        self.reason = message
        self.query = query
        super().__init__(f"row {row}: {message}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Chunks of rows cross process boundaries in the batch runner.
        return (_rebuild_row_error, (self.row, self.reason, self.id, self.query))


def _rebuild_row_error(row: int, message: str, id: str, query: Query | None = None) -> RowError:
    return RowError(row, message, id=id, query=query)


class OutputFormatError(InputError, ValueError):
    """The output path's extension names no format we write."""


class CellError(InputError, ValueError):
    """A cell whose type cannot be a query field (a JSON list, a boolean ...)."""


# ---- reading ----------------------------------------------------------------------------------------


def input_format(path: Path) -> str:
    """Format by extension, looking through a .gz suffix; refuses what it cannot read before any work."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSED:
        suffixes.pop()
        if suffixes and INPUT_FORMATS.get(suffixes[-1]) in ("xlsx", "parquet"):
            raise SourceFormatError(path, f"{suffixes[-1]} files are compressed already; give it unzipped")
    fmt = INPUT_FORMATS.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        known = ", ".join(INPUT_FORMATS)
        raise SourceFormatError(
            path, f"unsupported input format; use one of {known} (.csv/.jsonl may be .gz)"
        )
    return fmt


def read_queries(path: Path) -> Iterator[Row]:
    """Every record of the file as (row number, Query or QueryError), in file order.

    Not a generator itself: the file is opened and its header checked on the call, so a file that
    cannot be screened fails before the caller creates any output.
    """
    return ((row, parse_row(row, raw)) for row, raw in read_records(path))


def read_records(path: Path, layout: Layout = QUERY_LAYOUT) -> Iterator[Raw]:
    """Every record of the file as (row number, field -> cell value, or the RowError saying why not).

    The query fields only, unless the layout says otherwise (customer records keep every column, their
    own attributes included). The header is checked on the call, as in read_queries.
    """
    fmt = input_format(path)
    try:
        empty = os.path.getsize(path) == 0
    except OSError as exc:
        raise SourceFormatError(path, f"cannot read file: {exc.strerror or exc}") from exc
    if empty:
        return iter(())
    return _READERS[fmt](path, layout)


def parse_row(row: int, raw: Mapping[str, object] | RowError) -> Query | QueryError:
    """One record (field name -> cell value of any type) as a clean Query, or the RowError saying why not."""
    if isinstance(raw, RowError):
        return raw
    query_id = _safe_id(raw.get("id")) or str(row)
    try:
        values = {name: cell_text(name, raw.get(name)) for name in FIELDS[1:]}
    except CellError as exc:
        return RowError(row, str(exc), id=query_id)
    query = Query(name=values["name"] or "", id=query_id, **{k: values[k] for k in FIELDS[2:]})
    try:
        return validate(query)
    except QueryError as exc:
        return RowError(row, str(exc), id=query_id, query=query)


def _safe_id(value: object) -> str | None:
    """The id is echoed, never judged: an odd one is kept as text rather than failing the row."""
    try:
        return cell_text("id", value)
    except CellError:
        return _clean(str(value))


def cell_text(name: str, value: object) -> str | None:
    """A cell as query text, whatever type the file gave it (spreadsheets type ids and dates)."""
    if value is None or isinstance(value, str):
        return _clean(value) if value is not None else None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | date):
        raise CellError(f"{name}: expected text, got {type(value).__name__} {_short(value)}")
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float | Decimal) and _whole(value):
        value = int(value)
    if isinstance(value, int):
        if abs(value) >= 10**40:  # no id or number in a record is that long (and str() refuses 4,300 digits)
            raise CellError(f"{name}: a number of more than 40 digits")
        return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _whole(value: float | Decimal) -> bool:
    """Spreadsheets store the id 17 as 17.0; it should come back as "17"."""
    if isinstance(value, Decimal):
        return value.is_finite() and value == value.to_integral_value()
    return value.is_integer()


def _clean(value: str) -> str | None:
    """Any run of whitespace (tabs, line breaks, no-break spaces) is one space; empty means absent."""
    return " ".join(value.split()) or None


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def _blank(values: Iterable[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _check_columns(
    path: Path, columns: Sequence[object], layout: Layout, where: str = "header"
) -> dict[str, int]:
    """Column positions by field name (case and spacing ignored); refuses a file no row could pass."""
    positions: dict[str, int] = {}
    for position, column in enumerate(columns):
        key = str(column).strip().lower() if column is not None else ""
        if key and (layout.fields is None or key in layout.fields) and key not in positions:
            positions[key] = position
    if not any(need in positions for need in layout.needed):
        found = ", ".join(repr(c) for c in columns if c is not None) or "nothing"
        missing = " and no ".join(f"{need!r} column" for need in layout.needed)
        raise SourceFormatError(
            path, f"{where} has no {missing} (found {found}); expected columns: {', '.join(layout.expected)}"
        )
    return positions


def _by_field(positions: Mapping[str, int], cells: Sequence[object]) -> dict[str, object]:
    return {name: cells[at] for name, at in positions.items() if at < len(cells)}


def _csv_records(path: Path, layout: Layout) -> Iterator[Raw]:
    stream = open_binary(path)
    records = iter(CsvLines(stream))
    try:
        header = next(records, None)
        if header is None:
            stream.close()
            return iter(())
        if header.cells is None:
            raise SourceFormatError(path, f"header is not readable: {header.error}", line=1)
        if header.last_line != header.first_line:
            raise SourceFormatError(
                path, f"header runs over lines 1 to {header.last_line}: a quote in it is not closed", line=1
            )
        positions = _check_columns(path, header.cells, layout)
    except BaseException:
        stream.close()
        raise
    return _csv_rows(stream, records, positions)


def _csv_rows(stream: IO[bytes], records: Iterator[CsvRecord], positions: Mapping[str, int]) -> Iterator[Raw]:
    """Every record as a row, or the error naming its line: no line is ever lost (csv_lines)."""
    row = 0
    with stream:
        for record in records:
            if record.cells is not None and _blank(record.cells):
                continue
            row += 1
            if record.cells is None:
                salvaged = _by_field(positions, record.salvaged or []).get("id")
                why = record.error or f"line {record.first_line}: not readable"
                yield row, RowError(row, why, id=_safe_id(salvaged) if salvaged else None)
            else:
                yield row, _by_field(positions, record.cells)


def _jsonl_records(path: Path, _layout: Layout) -> Iterator[Raw]:
    """(A JSON record names its fields: every one is kept; the query builder reads only its own.)"""
    stream = open_binary(path)
    return _jsonl_rows(stream)


def _jsonl_rows(stream: IO[bytes]) -> Iterator[Raw]:
    row = 0
    with stream:
        for line, (text, ok) in enumerate(decoded_lines(stream), start=1):
            if ok and not text.strip():
                continue
            row += 1
            yield row, _json_object(row, line, text if ok else None)


def _json_object(row: int, line: int, text: str | None) -> Mapping[str, object] | RowError:
    if text is None:
        return RowError(row, f"not UTF-8 text (line {line})")
    try:
        value = loads_shallow(text.rstrip())
    except json.JSONDecodeError as exc:
        return RowError(row, f"not valid JSON (line {line}, column {exc.colno}): {exc.msg}")
    except ValueError as exc:  # valid JSON Python will not read: 5,000 digits, nested 100,000 deep
        return RowError(row, f"not readable JSON (line {line}): {exc}")
    if not isinstance(value, dict):
        return RowError(row, f"expected a JSON object (line {line}), got {type(value).__name__}")
    return {str(k).strip().lower(): v for k, v in value.items()}


def _xlsx_records(path: Path, layout: Layout) -> Iterator[Raw]:
    from sanctionwatch.sources.workbooks import open_workbook  # see _LAZY

    workbook = open_workbook(path)  # refuses an unreadable workbook, or one beyond the size cap
    try:
        if not workbook.worksheets:
            raise SourceFormatError(path, "workbook has no sheet")
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers record a wrong size; read what is actually there
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            workbook.close()
            return iter(())
        positions = _check_columns(path, header, layout, where=f"sheet {sheet.title!r} header")
    except BaseException:
        workbook.close()
        raise
    return _xlsx_rows(path, workbook, rows, positions)


def _xlsx_rows(
    path: Path, workbook: Any, rows: Iterator[Sequence[object]], positions: Mapping[str, int]
) -> Iterator[Raw]:
    row, row_number = 0, 1
    try:
        for row_number, cells in enumerate(rows, start=2):  # noqa: B007
            if _blank(cells):
                continue
            row += 1
            yield row, _by_field(positions, cells)
    except CORRUPT_XLSX_ERRORS as exc:
        raise SourceFormatError(path, f"damaged sheet after spreadsheet row {row_number}: {exc}") from exc
    finally:
        workbook.close()


def _parquet_records(path: Path, layout: Layout) -> Iterator[Raw]:
    import pyarrow as pa  # type: ignore[import-untyped]  # see _LAZY
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise SourceFormatError(path, f"not a readable Parquet file: {exc}") from exc
    metadata = parquet.metadata
    row_groups = (metadata.row_group(i) for i in range(metadata.num_row_groups))
    check_size(path, sum(group.total_byte_size for group in row_groups))  # as its row groups declare
    names = list(parquet.schema_arrow.names)
    positions = _check_columns(path, names, layout, where="schema")
    wanted = {names[at]: field for field, at in positions.items()}
    return _parquet_rows(path, parquet, wanted)


def _parquet_rows(path: Path, parquet: Any, wanted: Mapping[str, str]) -> Iterator[Raw]:
    """Record batches keep memory flat however long the file; only the query columns are decoded."""
    import pyarrow as pa  # see _LAZY

    row = 0
    try:
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH, columns=list(wanted)):
            for values in batch.to_pylist():
                if _blank(values.values()):
                    continue
                row += 1
                yield row, {wanted[column]: value for column, value in values.items()}
    except (pa.ArrowException, OSError) as exc:
        raise SourceFormatError(path, f"damaged Parquet data after row {row}: {exc}") from exc
    finally:
        parquet.close()


_READERS: dict[str, Callable[[Path, Layout], Iterator[Raw]]] = {
    "csv": _csv_records,
    "jsonl": _jsonl_records,
    "xlsx": _xlsx_records,
    "parquet": _parquet_records,
}


# ---- results ----------------------------------------------------------------------------------------


def result_record(query_id: str, hits: Sequence[Hit]) -> Record:
    return {"id": query_id, "hits": [hit.to_json() for hit in hits]}


def error_record(error: RowError) -> Record:
    return {"id": error.id, "hits": [], "error": str(error)}


def flat_rows(record: Mapping[str, Any]) -> list[FlatRow]:
    """One row per hit, and one with empty hit columns for a query without hits, so no input vanishes."""
    query_id, error = str(record["id"]), record.get("error")
    hits = record["hits"]
    if not hits:
        return [(query_id, None, None, None, None, None, None, error)]
    return [
        (
            query_id,
            rank,
            hit["entity_id"],
            hit["score"],
            hit["matched_name"],
            ";".join(hit["source_ids"]),
            ";".join(hit["programs"]),
            error,
        )
        for rank, hit in enumerate(hits, start=1)
    ]


def hit_rows(query_id: str, hits: Sequence[Hit], error: str | None) -> list[FlatRow]:
    """`flat_rows` of a result straight from its Hit objects: the same rows, without building the hits'
    explanations (a flat output has no column for them, and they cost as much as a tenth of a screen)."""
    if not hits:
        return [(query_id, None, None, None, None, None, None, error)]
    return [
        (
            query_id,
            rank,
            hit.entity_id,
            round(hit.score, 4),  # as Hit.to_json rounds it
            hit.matched_name,
            ";".join(hit.source_ids),
            ";".join(hit.programs),
            error,
        )
        for rank, hit in enumerate(hits, start=1)
    ]


# ---- writing ----------------------------------------------------------------------------------------


def output_format(path: Path) -> str:
    """Format by extension; callers ask first so a bad output name fails before any screening."""
    fmt = OUTPUT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise OutputFormatError(f"{path}: unsupported output format; use one of {', '.join(OUTPUT_FORMATS)}")
    return fmt


# A result record in its output format's own terms, ready to put down: the JSON line, or the flat rows.
# Batch workers encode in parallel, and send back a string or a few tuples instead of nested records.
Encoded = str | list[FlatRow]


def encode(fmt: str, record: Record) -> Encoded:
    """`record` as format `fmt` (output_format) puts it down."""
    return json.dumps(record, ensure_ascii=False) + "\n" if fmt == "jsonl" else flat_rows(record)


class ResultWriter(ABC):
    """Writes beside the target and renames on close: an aborted run never leaves a file that looks complete."""

    format: str

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(f".{path.name}.partial")

    def write(self, record: Record) -> None:
        self.write_encoded(encode(self.format, record))

    @abstractmethod
    def write_encoded(self, encoded: Encoded) -> None:
        """Put down a record encoded (encode) for this writer's format."""

    @abstractmethod
    def _finish(self) -> None:
        """Flush and close the partial file."""

    def close(self) -> None:
        self._finish()
        os.replace(self.partial, self.path)

    def abort(self) -> None:
        try:
            self._finish()
        finally:
            self.partial.unlink(missing_ok=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()


class _JsonlWriter(ResultWriter):
    format = "jsonl"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._file = open(self.partial, "w", encoding="utf-8", newline="\n")  # noqa: SIM115

    def write_encoded(self, encoded: Encoded) -> None:
        assert isinstance(encoded, str), "a JSON line"
        self._file.write(encoded)

    def _finish(self) -> None:
        self._file.close()


class _FlatWriter(ResultWriter):
    """Formats with one row per hit share the flattening; each only knows how to put rows down."""

    def write_encoded(self, encoded: Encoded) -> None:
        assert isinstance(encoded, list), "flat rows"
        self._rows(encoded)

    @abstractmethod
    def _rows(self, rows: list[FlatRow]) -> None: ...


class _CsvWriter(_FlatWriter):
    format = "csv"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._file = open(self.partial, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self._csv = csv.writer(self._file)
        self._csv.writerow(OUTPUT_COLUMNS)

    def _rows(self, rows: list[FlatRow]) -> None:
        # Ids, names and errors come from the caller's file: none may run as a formula in a spreadsheet.
        self._csv.writerows(formula_safe_row(row) for row in rows)

    def _finish(self) -> None:
        self._file.close()


class _XlsxWriter(_FlatWriter):
    format = "xlsx"

    def __init__(self, path: Path) -> None:
        from openpyxl import Workbook  # see _LAZY

        super().__init__(path)
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet("results")
        self._sheet.append(list(OUTPUT_COLUMNS))
        self._count = 1
        self._saved = False

    def _rows(self, rows: list[FlatRow]) -> None:
        self._count += len(rows)
        if self._count > XLSX_MAX_ROWS:
            raise OutputFormatError(
                f"{self.path}: more than {XLSX_MAX_ROWS:,} rows, Excel's limit; write .csv, .jsonl or .parquet"
            )
        for row in rows:
            self._sheet.append([self._cell(value) for value in row])

    def _cell(self, value: object) -> object:
        """Text stays text: a name starting with '=' must not become a formula in the analyst's Excel."""
        from openpyxl.cell import WriteOnlyCell  # see _LAZY (imported once, then a dictionary lookup)
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        if not isinstance(value, str):
            return value
        cell = WriteOnlyCell(self._sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"
        return cell

    def _finish(self) -> None:
        if not self._saved:
            self._saved = True
            self._book.save(self.partial)


@cache
def _parquet_schema() -> Any:
    import pyarrow as pa  # see _LAZY

    return pa.schema(
        [
            ("id", pa.string()),
            ("rank", pa.int32()),
            ("entity_id", pa.string()),
            ("score", pa.float64()),
            ("matched_name", pa.string()),
            ("source_ids", pa.string()),
            ("programs", pa.string()),
            ("error", pa.string()),
        ]
    )


class _ParquetWriter(_FlatWriter):
    format = "parquet"

    def __init__(self, path: Path) -> None:
        import pyarrow.parquet as pq  # see _LAZY

        super().__init__(path)
        self._writer = pq.ParquetWriter(self.partial, _parquet_schema())
        self._pending: list[FlatRow] = []

    def _rows(self, rows: list[FlatRow]) -> None:
        self._pending.extend(rows)
        if len(self._pending) >= PARQUET_BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            import pyarrow as pa  # see _LAZY

            columns = list(zip(*self._pending, strict=True))
            self._writer.write_table(pa.Table.from_arrays(columns, schema=_parquet_schema()))
            self._pending = []

    def _finish(self) -> None:
        try:
            self._flush()
        finally:
            self._writer.close()


_WRITERS: dict[str, Callable[[Path], ResultWriter]] = {
    "jsonl": _JsonlWriter,
    "csv": _CsvWriter,
    "xlsx": _XlsxWriter,
    "parquet": _ParquetWriter,
}


def open_writer(path: Path) -> ResultWriter:
    return _WRITERS[output_format(path)](path)
