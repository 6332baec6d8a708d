"""Screen-file readers and writers: every format in, every format out, and bad rows kept in their place."""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from sanctionwatch.screening.batchio import (
    OUTPUT_COLUMNS,
    OutputFormatError,
    RowError,
    open_writer,
    parse_row,
    read_queries,
)
from sanctionwatch.screening.query import Hit, Query, QueryError
from sanctionwatch.sources.base import SourceFormatError

HEADER = ["id", "name", "schema", "birth_date", "country", "identifier"]
ROWS: list[list[Any]] = [
    ["q1", "Kim Jong Un", "Person", "1984-01-08", "KP", None],
    ["q2", "Korea Kwangson Banking Corp", "Organization", None, "North Korea", None],
    ["q3", None, None, None, None, "IMO 9216767"],
]


# ---- writing inputs with the libraries themselves -------------------------------------------------


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]], *, bom: bool = False) -> Path:
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    lines = [json.dumps({k: v for k, v in zip(header, row, strict=True) if v is not None}) for row in rows]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def write_parquet(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    columns = {name: [row[i] for row in rows] for i, name in enumerate(header)}
    pq.write_table(pa.table(columns), path)
    return path


WRITERS = {".csv": write_csv, ".jsonl": write_jsonl, ".xlsx": write_xlsx, ".parquet": write_parquet}


def queries(path: Path) -> list[tuple[int, Query | QueryError]]:
    return list(read_queries(path))


# ---- reading ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", list(WRITERS))
def test_every_input_format_gives_the_same_clean_queries(tmp_path: Path, suffix: str) -> None:
    path = WRITERS[suffix](tmp_path / f"in{suffix}", HEADER, ROWS)
    assert queries(path) == [
        (1, Query("Kim Jong Un", "Person", "1984-01-08", "kp", None, "q1")),
        (2, Query("Korea Kwangson Banking Corp", "Organization", None, "kp", None, "q2")),
        (3, Query("", None, None, None, "IMO 9216767", "q3")),
    ]


def test_the_real_benchmark_file_reads_without_a_single_error() -> None:
    path = Path(__file__).resolve().parents[3] / "shared" / "bench" / "dev" / "queries.csv"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    rows = queries(path)
    assert len(rows) == 15211
    assert [r for r in rows if isinstance(r[1], QueryError)] == []
    assert rows[0] == (1, Query("AERO-CARIBBEAN", "Organization", None, None, None, "d000000"))


@pytest.mark.parametrize("compressed", ["in.csv.gz", "in.jsonl.gz", "in.csv"])
def test_gzipped_text_inputs_are_read_whatever_their_name(tmp_path: Path, compressed: str) -> None:
    plain = WRITERS[".jsonl" if "jsonl" in compressed else ".csv"](tmp_path / "plain", HEADER, ROWS)
    (tmp_path / compressed).write_bytes(gzip.compress(plain.read_bytes()))
    assert [q.name for _, q in queries(tmp_path / compressed) if isinstance(q, Query)][:2] == [
        "Kim Jong Un",
        "Korea Kwangson Banking Corp",
    ]


def test_a_byte_order_mark_does_not_hide_the_first_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", HEADER, ROWS[:1], bom=True)
    assert queries(path)[0][1] == Query("Kim Jong Un", "Person", "1984-01-08", "kp", None, "q1")


def test_extra_columns_are_ignored_and_header_case_does_not_matter(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "in.csv", ["Customer No", " NAME ", "Branch"], [["c-1", "Ivan Petrov", "Riga"]]
    )
    assert queries(path) == [(1, Query("Ivan Petrov", id="1"))]


def test_a_missing_id_becomes_the_row_number(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", HEADER, [["", "A B", "", "", "", ""], ["x", "C D", "", "", "", ""]])
    assert [q.id for _, q in queries(path) if isinstance(q, Query)] == ["1", "x"]


@pytest.mark.parametrize("suffix", list(WRITERS))
def test_a_file_without_name_or_identifier_column_is_refused_on_the_call(tmp_path: Path, suffix: str) -> None:
    path = WRITERS[suffix](tmp_path / f"in{suffix}", ["id", "full_name"], [["1", "Kim"]])
    if suffix == ".jsonl":  # no header: each line stands alone
        assert "name: empty" in str(queries(path)[0][1])
        return
    with pytest.raises(SourceFormatError, match="no 'name' column and no 'identifier' column") as caught:
        read_queries(path)  # not iterated: the check runs before any row is read
    assert str(path) in str(caught.value)


def test_an_identifier_column_alone_is_enough(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", ["identifier"], [["9216767"]])
    assert queries(path) == [(1, Query("", identifier="9216767", id="1"))]


@pytest.mark.parametrize("name", ["in.txt", "in.xlsx.gz", "in"])
def test_an_unknown_input_extension_is_refused(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text("id,name\n1,A\n")
    with pytest.raises(SourceFormatError, match=r"unsupported input format|compressed already"):
        read_queries(tmp_path / name)


def test_a_missing_file_is_a_clear_input_error(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="cannot read file"):
        read_queries(tmp_path / "absent.csv")


@pytest.mark.parametrize("content", ["", "id,name\n", "id,name\n\n\n"])
def test_an_empty_file_has_no_rows(tmp_path: Path, content: str) -> None:
    (tmp_path / "in.csv").write_text(content)
    assert queries(tmp_path / "in.csv") == []


def test_an_empty_sheet_has_no_rows(tmp_path: Path) -> None:
    Workbook().save(tmp_path / "in.xlsx")
    assert queries(tmp_path / "in.xlsx") == []


def row_errors(path: Path) -> dict[int, str]:
    return {row: str(q) for row, q in queries(path) if isinstance(q, QueryError)}


def test_a_broken_json_line_is_an_error_in_its_place(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        '{"id": "a", "name": "Ann Lee"}\n{"id": "b", "name": \n\n[1, 2]\n{"id": "c", "name": "Bo Ng"}\n'
    )
    rows = queries(path)
    assert [row for row, _ in rows] == [1, 2, 3, 4]
    assert row_errors(path) == {
        2: "row 2: not valid JSON (line 2, column 20): Expecting value",
        3: "row 3: expected a JSON object (line 4), got list",
    }
    assert rows[3][1] == Query("Bo Ng", id="c")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_date", "1984-13-01", "birth_date: '1984-13-01' is not"),
        ("birth_date", "1984-02-30", "birth_date: '1984-02-30' is not"),
        ("birth_date", "08/01/1984", "birth_date: '08/01/1984' is not"),
        ("country", "Narnia", "country: 'Narnia'"),
        ("schema", "Dragon", "schema: unknown 'Dragon'"),
        ("name", "x" * 1001, "name: 1001 characters"),
        ("name", "", "name: empty"),
    ],
)
def test_a_bad_field_names_row_and_field_and_spares_the_neighbours(
    tmp_path: Path, field: str, value: str, message: str
) -> None:
    good = ["g", "Ann Lee", "", "", "", ""]
    bad = dict(zip(HEADER, good, strict=True)) | {field: value}
    path = write_csv(tmp_path / "in.csv", HEADER, [good, [bad[h] for h in HEADER], good])
    errors = row_errors(path)
    assert list(errors) == [2]
    assert errors[2].startswith(f"row 2: {message}")
    assert len(queries(path)) == 3


def test_the_error_keeps_the_callers_id(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", HEADER, [["cust-9", "Ann", "", "1984-13-01", "", ""]])
    error = queries(path)[0][1]
    assert isinstance(error, RowError)
    assert (error.row, error.id) == (1, "cust-9")


@pytest.mark.parametrize(
    ("given_value", "expected"), [("Iran", "ir"), ("KP", "kp"), ("de", "de"), ("Korea, North", "kp")]
)
def test_countries_are_accepted_as_codes_or_names_and_normalized(given_value: str, expected: str) -> None:
    query = parse_row(1, {"name": "A", "country": given_value})
    assert isinstance(query, Query)
    assert query.country == expected


def test_control_characters_are_stripped_and_whitespace_becomes_one_space() -> None:
    query = parse_row(1, {"name": "Kim\x00 Jong\tUn\u00a0\r\n", "schema": " person "})
    assert query == Query("Kim Jong Un", "Person", id="1")


def test_spreadsheet_types_become_query_text(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "in.xlsx", HEADER, [[17, "Ann Lee", None, datetime(1984, 1, 8), None, 9216767.0]]
    )
    assert queries(path) == [(1, Query("Ann Lee", None, "1984-01-08", None, "9216767", "17"))]


def test_parquet_dates_and_numbers_become_query_text(tmp_path: Path) -> None:
    path = write_parquet(
        tmp_path / "in.parquet", ["id", "name", "birth_date"], [[5, "Ann Lee", date(1984, 1, 8)]]
    )
    assert queries(path) == [(1, Query("Ann Lee", birth_date="1984-01-08", id="5"))]


def test_a_json_value_of_the_wrong_type_is_a_row_error() -> None:
    assert (
        str(parse_row(4, {"name": ["Ann", "Lee"]})) == 'row 4: name: expected text, got list ["Ann", "Lee"]'
    )
    assert str(parse_row(4, {"name": "Ann", "country": True})).startswith("row 4: country: expected text")


def test_a_line_that_is_not_utf8_spoils_only_its_row(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b"id,name\n1,Ann Lee\n2,M\xfcller\n3,Bo Ng\n")
    assert row_errors(path) == {2: "row 2: not UTF-8 text (line 3)"}
    assert len(queries(path)) == 3


def test_an_oversized_csv_field_is_a_row_error_and_reading_goes_on(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", ["id", "name"], [["1", "A B"], ["2", "x" * 5000], ["3", "C D"]])
    limit = csv.field_size_limit(4000)  # the limit is process-wide, and some library raises it
    try:
        errors = row_errors(path)
        rows = queries(path)
    finally:
        csv.field_size_limit(limit)
    assert list(errors) == [2]
    assert "not a readable CSV record (line 3): field larger than field limit" in errors[2]
    assert [q.id for _, q in rows if isinstance(q, Query)] == ["1", "3"]


def test_a_damaged_workbook_is_refused_clearly(tmp_path: Path) -> None:
    (tmp_path / "in.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SourceFormatError, match="not a readable XLSX workbook"):
        read_queries(tmp_path / "in.xlsx")


def test_row_errors_survive_pickling() -> None:
    import pickle

    error = RowError(7, "birth_date: bad", id="c-7")
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.row, copy.id) == (str(error), 7, "c-7")


# ---- properties of row validation -----------------------------------------------------------------

cell = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8")),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.lists(st.text(), max_size=2),
    st.dates(),
)


@given(
    st.dictionaries(st.sampled_from(["id", "name", "schema", "birth_date", "country", "identifier"]), cell)
)
def test_any_cell_values_give_a_query_or_a_query_error(record: dict[str, object]) -> None:
    result = parse_row(3, record)
    assert isinstance(result, Query | QueryError)
    if isinstance(result, QueryError):
        assert str(result).startswith("row 3: ")


@given(st.dates(min_value=date(1000, 1, 1)), st.integers(min_value=0, max_value=2))
def test_real_dates_in_every_precision_are_accepted(day: date, cut: int) -> None:
    text = day.isoformat()[: (10, 7, 4)[cut]]
    query = parse_row(1, {"name": "Ann Lee", "birth_date": text})
    assert isinstance(query, Query)
    assert query.birth_date == text


def _alpha2() -> list[str]:
    from followthemoney.types import registry

    return sorted(code for code in registry.country.names if len(code) == 2)


@given(st.sampled_from(_alpha2()), st.booleans())
def test_iso_alpha2_codes_are_accepted_in_either_case(code: str, upper: bool) -> None:
    query = parse_row(1, {"name": "Ann Lee", "country": code.upper() if upper else code})
    assert isinstance(query, Query)
    assert query.country == code


# ---- writing ----------------------------------------------------------------------------------------


def hit(entity_id: str, score: float, name: str, programs: list[str]) -> dict[str, Any]:
    return Hit(entity_id, score, [entity_id, "un:KPi.033"], name, name, "Person", programs).to_json()


RECORDS: list[dict[str, Any]] = [
    {
        "id": "q1",
        "hits": [
            hit("ofac-sdn:1", 0.97, "KIM Jong Un", ["DPRK3", "NKSPEA"]),
            hit("ofac-sdn:2", 0.81, "KIM Jong", []),
        ],
    },
    {"id": "q2", "hits": []},
    {"id": "q3", "hits": [], "error": "row 3: birth_date: '1984-13-01' is not YYYY, YYYY-MM or YYYY-MM-DD"},
]
FLAT = [
    ("q1", 1, "ofac-sdn:1", 0.97, "KIM Jong Un", "ofac-sdn:1;un:KPi.033", "DPRK3;NKSPEA", None),
    ("q1", 2, "ofac-sdn:2", 0.81, "KIM Jong", "ofac-sdn:2;un:KPi.033", "", None),
    ("q2", None, None, None, None, None, None, None),
    ("q3", None, None, None, None, None, None, RECORDS[2]["error"]),
]


def write_records(path: Path, records: list[dict[str, Any]] = RECORDS) -> Path:
    with open_writer(path) as writer:
        for record in records:
            writer.write(record)
    return path


def test_jsonl_output_is_one_line_per_query_in_order(tmp_path: Path) -> None:
    path = write_records(tmp_path / "out.jsonl")
    assert [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] == RECORDS


def test_csv_output_is_one_row_per_hit_and_one_for_each_query_without(tmp_path: Path) -> None:
    with open(write_records(tmp_path / "out.csv"), encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == list(OUTPUT_COLUMNS)
    assert rows[1:] == [["" if v is None else str(v) for v in row] for row in FLAT]


def test_xlsx_output_has_the_csv_columns(tmp_path: Path) -> None:
    book = load_workbook(write_records(tmp_path / "out.xlsx"), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    width = len(OUTPUT_COLUMNS)  # empty cells are not stored: trailing ones are missing, others read as None
    expected = [tuple(None if v == "" else v for v in row) for row in FLAT]
    assert [row + (None,) * (width - len(row)) for row in rows] == [OUTPUT_COLUMNS, *expected]


def test_xlsx_output_keeps_formula_like_text_as_text(tmp_path: Path) -> None:
    path = write_records(tmp_path / "out.xlsx", [{"id": '=HYPERLINK("http://x")', "hits": []}])
    book = load_workbook(path)
    sheet = book.worksheets[0]
    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == '=HYPERLINK("http://x")'


def test_parquet_output_has_the_csv_columns_typed(tmp_path: Path) -> None:
    table = pq.read_table(write_records(tmp_path / "out.parquet"))
    assert table.column_names == list(OUTPUT_COLUMNS)
    assert [tuple(r.values()) for r in table.to_pylist()] == FLAT
    assert table.schema.field("score").type == pa.float64()


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".xlsx", ".parquet"])
def test_an_aborted_output_leaves_no_file_behind(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"out{suffix}"
    with pytest.raises(RuntimeError), open_writer(path) as writer:
        writer.write(RECORDS[0])
        raise RuntimeError("screening failed")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".xlsx", ".parquet"])
def test_no_records_still_give_a_valid_empty_output(tmp_path: Path, suffix: str) -> None:
    path = write_records(tmp_path / f"out{suffix}", [])
    assert path.is_file()


def test_an_unknown_output_extension_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputFormatError, match="unsupported output format"):
        open_writer(tmp_path / "out.txt")
