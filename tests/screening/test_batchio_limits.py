"""Screening and customer files under the input cap: XLSX, Parquet and compressed files alike.

The cap is lowered through its setting so the test files stay small.
"""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from openpyxl import Workbook

from sanctionwatch.monitoring.customer import read_customers
from sanctionwatch.screening.batchio import read_queries
from sanctionwatch.sources.base import SourceFormatError
from sanctionwatch.sources.limits import MAX_INPUT_BYTES_SETTING

CAP = 1 << 20
BIG = 4 << 20
SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture(autouse=True)
def low_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MAX_INPUT_BYTES_SETTING, str(CAP))


def _workbook(path: Path, name_size: int) -> Path:
    """id/name workbook whose one name has `name_size` letters (written past openpyxl's 32,767 cut)."""
    draft = path.with_name("draft.xlsx")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["id", "name"])
    sheet.append(["c1", "PLACEHOLDER"])
    workbook.save(draft)
    with zipfile.ZipFile(draft) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == SHEET:
                data = data.replace(b"PLACEHOLDER", b"A" * name_size)
            copy.writestr(info.filename, data)
    return path


def test_xlsx_with_a_huge_cell_is_refused_for_screening_and_import(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "customers.xlsx", BIG)
    for read in (read_queries, read_customers):
        with pytest.raises(SourceFormatError, match="workbook decompresses to more than 1 MiB") as info:
            list(read(path))
        assert info.value.path == str(path) and MAX_INPUT_BYTES_SETTING in str(info.value)


def test_xlsx_within_the_cap_reads(tmp_path: Path) -> None:
    [(row, query)] = list(read_queries(_workbook(tmp_path / "queries.xlsx", 10)))
    assert row == 1 and getattr(query, "name", None) == "AAAAAAAAAA"


def test_parquet_declaring_more_than_the_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "customers.parquet"
    table = pa.table({"id": ["c1", "c2"], "name": ["A" * BIG, "B" * BIG]})
    pq.write_table(table, path, compression="zstd")
    assert path.stat().st_size < 100_000
    for read in (read_queries, read_customers):
        with pytest.raises(SourceFormatError, match="decompresses to more than 1 MiB") as info:
            list(read(path))
        assert info.value.path == str(path)


def test_gzipped_jsonl_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "queries.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"id": "1", "name": "Kim"}\n' + b" " * BIG))
    with pytest.raises(SourceFormatError, match="decompresses to more than 1 MiB"):
        list(read_queries(path))
