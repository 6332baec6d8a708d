"""Customer files as banks export them (CSV, JSON lines, XLSX, Parquet), and the customer record itself.

Every record becomes a clean Customer or a RowError naming its row and field; the other rows still
read. The same customers in any of the four formats read the same.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from sanctionwatch.monitoring.customer import (
    FIELD_COLUMNS,
    Customer,
    customer_from_record,
    read_customers,
)
from sanctionwatch.screening.batchio import RowError
from sanctionwatch.sources.base import SourceFormatError

# ---- one customer base, written in every format ----------------------------------------------------

COLUMNS = ["id", "name", "aliases", "schema", "birth_date", "country", "identifier", "segment", "branch"]
# As a CSV export holds them: several values of one kind in one cell, separated by ';' or '|'.
ROWS: list[dict[str, str]] = [
    {
        "id": "c-1",
        "name": "Kim Jong Un",
        "aliases": "Kim Jong-un; 김정은",
        "schema": "Person",
        "birth_date": "1984-01-08",
        "country": "KP|kr",
        "identifier": "P-123 ; P-456",
        "segment": "retail",
        "branch": "Seoul",
    },
    {
        "id": "17",
        "name": "Мария Иванова",
        "aliases": "",
        "schema": "Person",
        "birth_date": "1990-05-17",
        "country": "RU",
        "identifier": "",
        "segment": "private banking",
        "branch": "",
    },
    {
        "id": "c-3",
        "name": "Acme Widgets GmbH",
        "aliases": "Acme|ACME Widgets",
        "schema": "Company",
        "birth_date": "",
        "country": "DE",
        "identifier": "HRB 12345",
        "segment": "corporate",
        "branch": "Berlin",
    },
]
EXPECTED = [
    Customer(
        id="c-1",
        schema="Person",
        names=("Kim Jong Un", "Kim Jong-un", "김정은"),
        birth_dates=("1984-01-08",),
        countries=("kp", "kr"),
        identifiers=("P-123", "P-456"),
        attributes={"segment": "retail", "branch": "Seoul"},
    ),
    Customer(
        id="17",
        schema="Person",
        names=("Мария Иванова",),
        birth_dates=("1990-05-17",),
        countries=("ru",),
        attributes={"segment": "private banking"},
    ),
    Customer(
        id="c-3",
        schema="Company",
        names=("Acme Widgets GmbH", "Acme", "ACME Widgets"),
        countries=("de",),
        identifiers=("HRB 12345",),
        attributes={"segment": "corporate", "branch": "Berlin"},
    ),
]


def _split(cell: str) -> list[str]:
    return [v.strip() for v in cell.replace("|", ";").split(";") if v.strip()]


def _write_csv(path: Path, rows: Sequence[Mapping[str, str]], columns: Sequence[str] = COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns])
    return path


def _write_jsonl(path: Path, records: Sequence[Mapping[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def _write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def _csv_file(folder: Path) -> Path:
    return _write_csv(folder / "customers.csv", ROWS)


def _jsonl_file(folder: Path) -> Path:
    """JSON lines carry several values as JSON lists; field names in any case."""
    records: list[dict[str, Any]] = []
    for row in ROWS:
        record: dict[str, Any] = {"ID": row["id"], "Name": row["name"], "schema": row["schema"]}
        record["aliases"] = _split(row["aliases"])
        record["birth_date"] = row["birth_date"] or None
        record["countries"] = _split(row["country"])
        record["identifiers"] = _split(row["identifier"])
        record["Segment"] = row["segment"]
        if row["branch"]:
            record["branch"] = row["branch"]
        records.append(record)
    return _write_jsonl(folder / "customers.jsonl", records)


def _xlsx_file(folder: Path) -> Path:
    """A spreadsheet types what it can: the id 17 as the number 17.0, birth dates as dates."""
    rows: list[list[object]] = []
    for row in ROWS:
        cells: list[object] = [row[c] or None for c in COLUMNS]
        if row["id"].isdigit():
            cells[0] = float(row["id"])
        if row["birth_date"]:
            cells[4] = datetime.fromisoformat(row["birth_date"])
        rows.append(cells)
    return _write_xlsx(folder / "customers.xlsx", [c.upper() for c in COLUMNS], rows)


def _parquet_file(folder: Path) -> Path:
    """Parquet with a list column for the identifiers and a plural column name."""
    columns: dict[str, list[object]] = {c: [row[c] or None for row in ROWS] for c in COLUMNS}
    columns["identifiers"] = [_split(row["identifier"]) for row in ROWS]
    del columns["identifier"]
    table = pa.table(
        {
            name: pa.array(values, type=pa.list_(pa.string()) if name == "identifiers" else pa.string())
            for name, values in columns.items()
        }
    )
    path = folder / "customers.parquet"
    pq.write_table(table, path)
    return path


WRITERS = {"csv": _csv_file, "jsonl": _jsonl_file, "xlsx": _xlsx_file, "parquet": _parquet_file}


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_every_format_reads_the_same_customers(fmt: str, tmp_path: Path) -> None:
    read = list(read_customers(WRITERS[fmt](tmp_path)))
    assert all(isinstance(c, Customer) for c in read), read
    assert [c.id for c in read if isinstance(c, Customer)] == [c.id for c in EXPECTED]
    for got, want in zip(read, EXPECTED, strict=True):
        assert isinstance(got, Customer)
        assert got.data() == want.data(), fmt
        assert got.hash == want.hash


def test_multi_values_split_on_semicolon_and_bar_and_duplicates_go(tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path / "c.csv",
        [{"id": "1", "name": "Ann Lee", "alias": "Ann Lee | A. Lee;Annie Lee", "country": "DE; de|FR"}],
        ["id", "name", "alias", "country"],
    )
    (customer,) = read_customers(path)
    assert isinstance(customer, Customer)
    assert customer.names == ("Ann Lee", "A. Lee", "Annie Lee")
    assert customer.countries == ("de", "fr")


def test_json_lists_nest_and_mix_with_separated_text(tmp_path: Path) -> None:
    path = _write_jsonl(
        tmp_path / "c.jsonl",
        [{"id": "1", "names": ["Ann Lee", "A. Lee|Annie", ["Anna Lee"]], "identifier": [123456, "X-9"]}],
    )
    (customer,) = read_customers(path)
    assert isinstance(customer, Customer)
    assert customer.names == ("Ann Lee", "A. Lee", "Annie", "Anna Lee")
    assert customer.identifiers == ("123456", "X-9")


def test_unknown_columns_are_kept_as_attributes_and_blank_ones_dropped(tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path / "c.csv",
        [{"id": "1", "name": "Ann Lee", "Risk Rating": "high", "rm": "  J.  Doe ", "empty": "  "}],
        ["id", "name", "Risk Rating", "rm", "empty"],
    )
    (customer,) = read_customers(path)
    assert isinstance(customer, Customer)
    assert dict(customer.attributes) == {"risk rating": "high", "rm": "J. Doe"}


@pytest.mark.parametrize("number", [17, 17.0])
def test_a_spreadsheet_number_id_reads_as_its_digits(number: float, tmp_path: Path) -> None:
    path = _write_xlsx(tmp_path / "c.xlsx", ["id", "name", "code"], [[number, "Ann Lee", 42.0]])
    (customer,) = read_customers(path)
    assert isinstance(customer, Customer)
    assert customer.id == "17"
    assert customer.attributes == {"code": "42"}


# ---- bad rows --------------------------------------------------------------------------------------

BAD_ROWS: list[dict[str, str]] = [
    {"id": "ok-1", "name": "Anna Berg", "schema": "Person"},
    {"id": "", "name": "No Id", "schema": "Person"},
    {"id": "e-3", "name": "", "schema": "Person", "country": "DE"},
    {"id": "e-4", "name": "Bad Date", "schema": "Person", "birth_date": "1984-13-01"},
    {"id": "e-5", "name": "Bad Country", "schema": "Person", "country": "Atlantis"},
    {"id": "e-6", "name": "Bad Schema", "schema": "Alien"},
    {"id": "ok-7", "name": "Otto Lang", "schema": "Person", "birth_date": "1970"},
]
# row number -> (the id the error carries, the field it names)
BAD_EXPECTED = {
    2: ("2", "id"),
    3: ("e-3", "name"),
    4: ("e-4", "birth_date"),
    5: ("e-5", "country"),
    6: ("e-6", "schema"),
}


def _bad_file(fmt: str, folder: Path) -> Path:
    columns = ["id", "name", "schema", "birth_date", "country"]
    if fmt == "csv":
        return _write_csv(folder / "bad.csv", BAD_ROWS, columns)
    if fmt == "xlsx":
        rows = [[row.get(c) or None for c in columns] for row in BAD_ROWS]
        return _write_xlsx(folder / "bad.xlsx", columns, rows)
    return _write_jsonl(folder / "bad.jsonl", [{k: v for k, v in r.items() if v} for r in BAD_ROWS])


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_a_bad_row_is_an_error_naming_row_and_field_and_the_others_still_read(
    fmt: str, tmp_path: Path
) -> None:
    read = list(read_customers(_bad_file(fmt, tmp_path)))
    assert len(read) == len(BAD_ROWS)
    good = [r for r in read if isinstance(r, Customer)]
    assert [c.id for c in good] == ["ok-1", "ok-7"]
    assert good[1].birth_dates == ("1970",)
    errors = {r.row: r for r in read if isinstance(r, RowError)}
    assert set(errors) == set(BAD_EXPECTED)
    for row, (error_id, field) in BAD_EXPECTED.items():
        error = errors[row]
        assert error.id == error_id
        assert error.reason.startswith(f"{field}:"), error.reason
        assert str(error).startswith(f"row {row}: {field}:")
    assert "1984-13-01" in errors[4].reason and "Atlantis" in errors[5].reason and "Alien" in errors[6].reason


def test_a_line_that_is_not_json_costs_only_its_row(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(
        '{"id": "1", "name": "Ann Lee"}\n{"id": "2", "name": \n[1, 2]\n{"id": "4", "name": "Bo"}\n'
    )
    read = list(read_customers(path))
    assert [type(r).__name__ for r in read] == ["Customer", "RowError", "RowError", "Customer"]
    assert [r.row for r in read if isinstance(r, RowError)] == [2, 3]


def test_a_cell_of_the_wrong_type_is_a_row_error_naming_the_field(tmp_path: Path) -> None:
    path = _write_jsonl(
        tmp_path / "c.jsonl",
        [
            {"id": "1", "name": "Ann Lee", "segment": {"nested": True}},
            {"id": ["x"], "name": "Bo Lee"},
            {"id": "3", "name": "Cy Lee", "birth_date": True},
            {"id": "4", "name": "Di Lee"},
        ],
    )
    read = list(read_customers(path))
    assert isinstance(read[3], Customer)
    errors = [r for r in read if isinstance(r, RowError)]
    assert [(e.row, e.reason.split(":")[0]) for e in errors] == [(1, "segment"), (2, "id"), (3, "birth_date")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_a_header_without_a_name_column_refuses_the_file_naming_it(fmt: str, tmp_path: Path) -> None:
    header = ["id", "country", "segment"]
    path = tmp_path / f"no-name.{fmt}"
    if fmt == "csv":
        _write_csv(path, [{"id": "1", "country": "DE", "segment": "x"}], header)
    elif fmt == "xlsx":
        _write_xlsx(path, header, [["1", "DE", "x"]])
    else:
        pq.write_table(pa.table({c: pa.array(["v"]) for c in header}), path)
    with pytest.raises(SourceFormatError) as caught:
        read_customers(path)  # refused on the call, before anything is read
    assert str(path) in str(caught.value)
    assert "name" in caught.value.message


def test_an_identifier_column_does_not_make_up_for_the_missing_name_column(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "ids.csv", [{"id": "1", "identifier": "X123"}], ["id", "identifier"])
    with pytest.raises(SourceFormatError):
        read_customers(path)


@pytest.mark.parametrize("column", ["names", "aliases"])
def test_a_plural_name_column_is_a_name_column(column: str, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "plural.csv", [{"id": "1", column: "Ann Lee;Annie"}], ["id", column])
    (customer,) = read_customers(path)
    assert isinstance(customer, Customer) and customer.names == ("Ann Lee", "Annie")


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".xlsx", ".parquet"])
def test_an_empty_file_reads_as_no_customers(suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    assert list(read_customers(path)) == []


def test_a_header_only_csv_reads_as_no_customers(tmp_path: Path) -> None:
    assert list(read_customers(_write_csv(tmp_path / "h.csv", [], COLUMNS))) == []


def test_a_giant_number_in_a_json_line_costs_only_its_row(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text('{"id": "1", "name": "Ann Lee"}\n{"id": %s, "name": "Bo"}\n' % ("9" * 5000))
    read = list(read_customers(path))
    assert isinstance(read[0], Customer) and isinstance(read[1], RowError) and read[1].row == 2


@pytest.mark.parametrize("column", ["id", "name", "segment"])
def test_a_giant_integer_cell_is_a_row_error(column: str) -> None:
    record: dict[str, object] = {"id": "1", "name": "Ann Lee", column: 10**4400}
    assert isinstance(customer_from_record(1, record), RowError)


# ---- the change hash -------------------------------------------------------------------------------

BASE = Customer(
    id="c-1",
    schema="Person",
    names=("Kim Jong Un", "김정은"),
    birth_dates=("1984-01-08",),
    countries=("kp",),
    identifiers=("P-123",),
    attributes={"segment": "retail", "branch": "Seoul"},
)


@pytest.mark.parametrize(
    "changed",
    [
        replace(BASE, id="c-2"),
        replace(BASE, schema="Company"),
        replace(BASE, names=("Kim Jong Un",)),
        replace(BASE, names=("Kim Jong Un", "김정은", "Kim Jong-un")),
        replace(BASE, birth_dates=("1984",)),
        replace(BASE, birth_dates=()),
        replace(BASE, countries=("kr",)),
        replace(BASE, identifiers=("P-124",)),
        replace(BASE, attributes={"segment": "private", "branch": "Seoul"}),
        replace(BASE, attributes={"segment": "retail"}),
        replace(BASE, attributes={"segment": "retail", "branch": "Seoul", "rm": "x"}),
        replace(BASE, attributes={"segment": "retail", "Branch": "Seoul"}),
    ],
)
def test_the_hash_changes_with_any_value_or_attribute(changed: Customer) -> None:
    assert changed.hash != BASE.hash


def test_the_hash_ignores_the_order_of_the_attributes() -> None:
    reordered = replace(BASE, attributes=dict(reversed(list(BASE.attributes.items()))))
    assert list(reordered.attributes) != list(BASE.attributes)
    assert reordered.hash == BASE.hash
    assert replace(BASE).hash == BASE.hash


def test_data_round_trips_through_from_data() -> None:
    assert Customer.from_data(BASE.id, json.loads(json.dumps(BASE.data()))) == BASE


# ---- properties ------------------------------------------------------------------------------------

_LETTERS = st.characters(categories=["Lu", "Ll", "Lo", "Nd"]) | st.sampled_from(
    list("абвгдежзийклмнопрстуфхцчшщыэюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЫЭЮЯ김정은박서준이민호최")
)
_WORD = st.text(_LETTERS, min_size=1, max_size=10)
_NAME = st.lists(_WORD, min_size=1, max_size=4).map(" ".join)
_VALUE_WORD = st.text(st.characters(categories=["L", "N", "P", "S"]), min_size=1, max_size=12)
_ATTRIBUTE_VALUE = st.lists(_VALUE_WORD, min_size=1, max_size=5).map(" ".join)
_RESERVED = set(FIELD_COLUMNS) | {"id", "schema"}
_ATTRIBUTE_KEY = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True).filter(lambda k: k not in _RESERVED)
_COUNTRIES = ["de", "fr", "kp", "kr", "ru", "us", "ua", "cn"]


@st.composite
def customers(draw: st.DrawFn) -> Customer:
    return Customer(
        id=draw(st.text(_LETTERS | st.sampled_from("-_.:/#"), min_size=1, max_size=20)),
        schema=draw(st.sampled_from(["Person", "Company", "Organization", "Vessel", "LegalEntity"])),
        names=tuple(draw(st.lists(_NAME, min_size=1, max_size=4, unique=True))),
        birth_dates=tuple(
            draw(st.lists(st.dates().map(lambda d: d.isoformat()[:10]), max_size=2, unique=True))
        ),
        countries=tuple(draw(st.lists(st.sampled_from(_COUNTRIES), max_size=3, unique=True))),
        identifiers=tuple(
            draw(st.lists(st.text(_LETTERS, min_size=1, max_size=15), max_size=3, unique=True))
        ),
        attributes=draw(st.dictionaries(_ATTRIBUTE_KEY, _ATTRIBUTE_VALUE, max_size=5)),
    )


def _record(customer: Customer) -> dict[str, Any]:
    data = customer.data()
    return {"id": customer.id, **{k: v for k, v in data.items() if k != "attributes"}, **data["attributes"]}


@settings(max_examples=60)
@given(st.lists(customers(), min_size=1, max_size=8, unique_by=lambda c: c.id))
def test_customers_written_to_json_lines_read_back_equal(
    tmp_path_factory: pytest.TempPathFactory, base: list[Customer]
) -> None:
    path = tmp_path_factory.mktemp("roundtrip") / "customers.jsonl"
    _write_jsonl(path, [_record(c) for c in base])
    read = list(read_customers(path))
    assert all(isinstance(c, Customer) for c in read), read
    assert [(c.id, c.data()) for c in read if isinstance(c, Customer)] == [(c.id, c.data()) for c in base]
    assert [c.hash for c in read if isinstance(c, Customer)] == [c.hash for c in base]


_LEAF = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | _NAME
)
_CELL = st.recursive(
    _LEAF,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
_KEY = st.sampled_from(sorted(_RESERVED)) | st.text(max_size=10)


@settings(max_examples=300)
@given(
    st.integers(min_value=1, max_value=10**6),
    st.fixed_dictionaries(
        {},
        optional={
            "id": _NAME | st.integers(min_value=0, max_value=10**9) | _CELL,
            "name": _NAME | st.lists(_NAME, max_size=3) | _CELL,
        },
    ),
    st.dictionaries(_KEY, _CELL, max_size=8),
)
def test_customer_from_record_never_raises(
    row: int, core: dict[str, object], more: dict[str, object]
) -> None:
    result = customer_from_record(row, {**more, **core})
    if isinstance(result, RowError):
        assert result.row == row
        assert str(result).startswith(f"row {row}: ")
        return
    assert isinstance(result, Customer)
    assert result.id and result.names
    assert all(isinstance(v, str) for v in (*result.names, *result.attributes.values()))
    assert len(result.hash) == 64  # the canonical data serializes


def test_customer_from_record_passes_a_row_error_through() -> None:
    error = RowError(4, "not valid JSON (line 4, column 2): Expecting value")
    assert customer_from_record(4, error) is error
