"""Decompression and element bombs: every reader stops at the input cap with a SourceFormatError.

The cap is lowered through its setting so the bombs stay small on disk and in memory: a few MiB of
decompressed content stand in for the gigabytes a real bomb would expand to.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from sanctionwatch.sources.base import SourceFormatError
from sanctionwatch.sources.catalog import parse_files
from sanctionwatch.sources.files import open_binary
from sanctionwatch.sources.limits import (
    DEFAULT_MAX_INPUT_BYTES,
    MAX_INPUT_BYTES_SETTING,
    max_input_bytes,
)
from sanctionwatch.sources.workbooks import check_workbook_size

CAP = 1 << 20  # 1 MiB for the tests
BOMB = 4 << 20  # what the bombs expand to: four times the lowered cap
UN_ROOT = b"<CONSOLIDATED_LIST><INDIVIDUALS>"


@pytest.fixture
def low_cap(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv(MAX_INPUT_BYTES_SETTING, str(CAP))
    return CAP


def _refused_for_size(info: pytest.ExceptionInfo[SourceFormatError], path: Path) -> None:
    message = str(info.value)
    assert info.value.path == str(path)
    assert "more than 1 MiB" in message and MAX_INPUT_BYTES_SETTING in message


def _bz2(data_chunks: int, start: bytes) -> bytes:
    compressor = bz2.BZ2Compressor(9)
    parts = [compressor.compress(start)]
    parts += [compressor.compress(b" " * (1 << 20)) for _ in range(data_chunks)]
    return b"".join(parts) + compressor.flush()


COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "xz": lzma.compress,
    "bzip2": bz2.compress,
}


@pytest.mark.parametrize("kind", sorted(COMPRESSORS))
def test_compressed_xml_bomb_is_refused_at_the_cap(low_cap: int, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "consolidated.xml.bomb"
    path.write_bytes(COMPRESSORS[kind](UN_ROOT + b" " * BOMB))
    assert path.stat().st_size < 100_000
    with pytest.raises(SourceFormatError, match="decompresses to more than") as info:
        parse_files([path])
    _refused_for_size(info, path)


def test_bz2_bomb_of_ftm_lines_is_refused(low_cap: int, tmp_path: Path) -> None:
    """The reported case: a few KB of bzip2 that would expand without end, read as FtM JSON lines."""
    path = tmp_path / "entities.ftm.json.bz2"
    path.write_bytes(_bz2(4, b'{"id": "x", "schema": "Person", "properties": {}}\n'))
    assert path.stat().st_size < 10_000
    with pytest.raises(SourceFormatError, match="decompresses to more than") as info:
        parse_files([path])
    _refused_for_size(info, path)


def test_plain_file_beyond_the_cap_is_refused(low_cap: int, tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_bytes(UN_ROOT + b" " * (2 * CAP))
    with pytest.raises(SourceFormatError, match="holds more than") as info:
        parse_files([path])
    _refused_for_size(info, path)


def test_zip_member_declaring_more_than_the_cap_is_refused_before_reading(
    low_cap: int, tmp_path: Path
) -> None:
    path = tmp_path / "un.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("consolidated.xml", UN_ROOT + b" " * BOMB)
    with pytest.raises(SourceFormatError, match=r"zip member 'consolidated\.xml' decompresses to") as info:
        open_binary(path)
    _refused_for_size(info, path)


def test_stream_stops_just_past_the_cap(low_cap: int, tmp_path: Path) -> None:
    """Refused as the bytes come out: the reader never holds the whole expansion."""
    path = tmp_path / "data.gz"
    path.write_bytes(gzip.compress(b"a" * BOMB))
    read = 0
    with pytest.raises(SourceFormatError, match="decompresses to more than"), open_binary(path) as stream:
        while chunk := stream.read(1 << 16):
            read += len(chunk)
    assert read <= CAP


def test_within_the_cap_reads_whole(low_cap: int, tmp_path: Path) -> None:
    path = tmp_path / "data.gz"
    path.write_bytes(gzip.compress(b"a" * CAP))
    with open_binary(path) as stream:
        assert len(stream.read()) == CAP


def test_xml_element_bomb_is_refused_on_the_elements_held(low_cap: int, tmp_path: Path) -> None:
    """Millions of tiny elements no parser asked for: refused long before lxml's tree exhausts memory."""
    path = tmp_path / "consolidated.xml.gz"
    path.write_bytes(gzip.compress(UN_ROOT + b"<x/>" * (CAP // 4 - 100)))  # under the byte cap
    with pytest.raises(SourceFormatError, match="XML elements held at once") as info:
        parse_files([path])
    assert info.value.path == str(path) and MAX_INPUT_BYTES_SETTING in str(info.value)


def test_nested_xml_element_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_bytes(UN_ROOT + b"<a>" * 100_000)
    with pytest.raises(SourceFormatError, match="depth") as info:
        parse_files([path])
    assert info.value.path == str(path)


SHEET = "xl/worksheets/sheet1.xml"


def _workbook_with_cell(path: Path, size: int) -> Path:
    """A ConList-like workbook with one cell of `size` letters (openpyxl itself cuts cells at 32,767)."""
    draft = path.with_suffix(".draft.xlsx")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Name 6", "Group Type", "Group ID"])
    sheet.append(["PLACEHOLDER", "Individual", "1"])
    workbook.save(draft)
    with zipfile.ZipFile(draft) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info.filename)
            copy.writestr(
                info.filename, data.replace(b"PLACEHOLDER", b"A" * size) if info.filename == SHEET else data
            )
    return path


def test_xlsx_with_one_huge_cell_is_refused(low_cap: int, tmp_path: Path) -> None:
    path = _workbook_with_cell(tmp_path / "ConList.xlsx", BOMB)
    with pytest.raises(SourceFormatError, match="workbook decompresses to more than") as info:
        parse_files([path])
    _refused_for_size(info, path)


def _understate_size(source: Path, target: Path, member: str, declared: int) -> Path:
    """Rewrite the central directory so `member` claims fewer bytes than it holds (CRC left alone)."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo(member)
    name = member.encode()
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        (name_length,) = struct.unpack_from("<H", data, at + 28)
        if bytes(data[at + 46 : at + 46 + name_length]) == name:
            struct.pack_into("<I", data, at + 24, declared)
            break
        at = data.find(b"PK\x01\x02", at + 4)
    assert at >= 0 and info.file_size > declared
    target.write_bytes(bytes(data))
    return target


def test_xlsx_member_larger_than_declared_is_refused(tmp_path: Path) -> None:
    """openpyxl decompresses some members whole whatever they declare: the actual size is measured."""
    honest = _workbook_with_cell(tmp_path / "honest.xlsx", 200_000)
    lying = _understate_size(honest, tmp_path / "lying.xlsx", SHEET, 1000)
    with pytest.raises(SourceFormatError, match="decompresses to more than its declared 1000 bytes") as info:
        check_workbook_size(lying)
    assert info.value.path == str(lying)
    with pytest.raises(SourceFormatError, match="declared 1000 bytes"):
        parse_files([lying])


def test_real_workbook_is_within_the_default_cap(shared_data: Path) -> None:
    check_workbook_size(shared_data / "uk_ofsi_conlist_xlsx" / "ConList_2025-04-10.xlsx")


def test_default_cap_has_headroom_over_the_largest_real_list(shared_data: Path) -> None:
    """The default is sized from SDN_ADVANCED.XML, the largest list: at least four times its size."""
    largest = shared_data / "ofac_sdn_advanced_xml" / "sdn_advanced_2025-11-19.xml.bz2"
    with open_binary(largest) as stream:
        size = sum(len(chunk) for chunk in iter(lambda: stream.read(1 << 22), b""))
    assert size > 100_000_000 and 4 * size <= DEFAULT_MAX_INPUT_BYTES


@pytest.mark.parametrize("value", ["0", "-5", "lots"])
def test_a_bad_setting_is_an_error_naming_it(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(MAX_INPUT_BYTES_SETTING, value)
    with pytest.raises(ValueError, match=MAX_INPUT_BYTES_SETTING):
        max_input_bytes()
