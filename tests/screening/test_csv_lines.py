"""Every physical line of a CSV file is accounted for: a record, part of a quoted field, or an error.

A stray quote used to swallow the rows after it without a word (501 customers of a 1,003-line file).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.screening.batchio import read_queries
from sanctionwatch.screening.csv_lines import CsvLines
from sanctionwatch.screening.query import QueryError
from tests.cli.runner import run


def records(text: str) -> list[tuple[int, int, list[str] | None, str | None]]:
    return [(r.first_line, r.last_line, r.cells, r.error) for r in CsvLines(io.BytesIO(text.encode()))]


def stray_quote_file(path: Path, rows: int, closing_quote_at: int | None = None) -> Path:
    """id,name,country with a stray quote on row 2 (line 3 of the file, after the header and row 1)."""
    lines = ["id,name,country", "Q-0001,Anna Schmidt,DE", 'Q-0002,"Stray quote Person,DE']
    for i in range(3, rows + 1):
        name = 'Closing" Quote' if i == closing_quote_at else f"Person Number{i}"
        lines.append(f"Q-{i:04d},{name},DE")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_stray_quote_is_an_error_on_its_line_and_the_lines_after_it_are_records() -> None:
    text = 'id,name\n1,Anna\n2,"Stray quote\n3,Bob\n4,Carl\n'
    assert records(text) == [
        (1, 1, ["id", "name"], None),
        (2, 2, ["1", "Anna"], None),
        (3, 3, None, records(text)[2][3]),
        (4, 4, ["3", "Bob"], None),
        (5, 5, ["4", "Carl"], None),
    ]
    assert "line 3" in str(records(text)[2][3]) and "quote" in str(records(text)[2][3])


def test_a_quote_closed_rows_later_does_not_swallow_them_either() -> None:
    text = 'id,name,country\n1,"Stray,DE\n2,Bob,DE\n3,Carl" Jones,DE\n4,Dora,DE\n'
    found = records(text)
    assert [r[2] is None for r in found] == [False, True, False, False, False]
    assert [r[0] for r in found] == [1, 2, 3, 4, 5]


def test_a_real_multi_line_field_stays_one_record() -> None:
    text = 'id,name,address\n1,Anna,"12 Main Street\nBerlin"\n2,Bob,Paris\n'
    assert records(text) == [
        (1, 1, ["id", "name", "address"], None),
        (2, 3, ["1", "Anna", "12 Main Street\nBerlin"], None),
        (4, 4, ["2", "Bob", "Paris"], None),
    ]


@given(
    st.lists(
        st.lists(st.text("abcXYZ 0129", min_size=1, max_size=8), min_size=3, max_size=3),
        min_size=1,
        max_size=30,
    ),
    st.data(),
)
def test_with_one_stray_quote_every_line_is_one_record_and_only_its_line_an_error(
    rows: list[list[str]], data: st.DataObject
) -> None:
    broken = data.draw(st.integers(0, len(rows) - 1))
    column = data.draw(st.integers(0, 2))
    lines = [",".join(["a", "b", "c"])]
    for i, cells in enumerate(rows):
        cells = list(cells)
        if i == broken:
            cells[column] = '"' + cells[column]
        lines.append(",".join(cells))
    found = records("\n".join(lines) + "\n")
    assert [r[0] for r in found] == list(range(1, len(lines) + 1))  # every line, once, in order
    assert [i for i, r in enumerate(found) if r[2] is None] == [broken + 1]


def test_screen_file_writes_one_record_per_line_of_a_file_with_a_stray_quote(tmp_path: Path) -> None:
    path = stray_quote_file(tmp_path / "customers.csv", 1002)  # 1,003 lines with the header
    parsed = list(read_queries(path))
    assert len(parsed) == 1002
    assert [row for row, q in parsed if isinstance(q, QueryError)] == [2]
    db = tmp_path / "registry.db"
    run(db, "update", "--sample")
    out = tmp_path / "hits.jsonl"
    run(db, "screen-file", str(path), "--output", str(out), check=False)
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(written) == 1002
    assert [r["id"] for r in written if r.get("error")] == ["Q-0002"]
    assert "quote" in next(r["error"] for r in written if r.get("error"))


def test_customers_import_names_the_line_of_a_stray_quote_and_imports_every_other(tmp_path: Path) -> None:
    db = tmp_path / "registry.db"
    run(db, "update", "--sample")
    for closing in (None, 600):
        path = stray_quote_file(tmp_path / f"customers-{closing}.csv", 1002, closing_quote_at=closing)
        imported = run(db, "customers", "import", str(path), "--no-screen", "--json", check=False)
        report = json.loads(imported.stdout)
        assert imported.returncode == 1  # rows were rejected: the exit code says so
        assert report["rejected"] == 1 and report["added"] + report["updated"] + report["unchanged"] == 1001
        assert [e["row"] for e in report["errors"]] == [2]
        assert "line 3" in report["errors"][0]["error"]
