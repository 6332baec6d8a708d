"""Opening XLSX workbooks for reading: whatever the file is named, and never past the input size cap.

An XLSX is a zip archive, and openpyxl reads some of its members whole (ZipFile.read decompresses a
member in one piece, whatever size its header declares), so a workbook with one 2 GB cell ends in
MemoryError. Before openpyxl sees it, every member's declared size and its actual size (decompressed
here in bounded chunks, without keeping anything) are checked against the cap. openpyxl is then given
the open file, not the path, because it refuses paths without an .xlsx extension even though the
format is recognised from content.
"""

from __future__ import annotations

import html
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from sanctionwatch.sources.base import SourceFormatError
from sanctionwatch.sources.files import CORRUPT_XLSX_ERRORS, XLSX_WORKBOOK
from sanctionwatch.sources.limits import check_size, max_input_bytes, too_large

__all__ = ["open_workbook"]

_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, (version ... sizes), name length, extra length
_LOCAL_SIGNATURE = b"PK\x03\x04"
_CHUNK = 1 << 16
_ENCRYPTED = 0x1
_UNREADABLE: tuple[type[BaseException], ...] = (*CORRUPT_XLSX_ERRORS, InvalidFileException)


class ReadOnlyWorkbook:
    """An openpyxl read-only workbook and the file it streams its sheets from, closed together."""

    def __init__(self, book: Any, file: IO[bytes]) -> None:
        self._book = book
        self._file = file

    @property
    def worksheets(self) -> list[Any]:
        sheets: list[Any] = self._book.worksheets
        return sheets

    def close(self) -> None:
        try:
            self._book.close()
        finally:
            self._file.close()


def open_workbook(path: Path) -> ReadOnlyWorkbook:
    """The workbook, read-only, once its decompressed size is known to be within the cap."""
    check_workbook_size(path)
    file = open(path, "rb")  # noqa: SIM115 (closed by ReadOnlyWorkbook.close)
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except _UNREADABLE as exc:
        file.close()
        raise SourceFormatError(path, f"not a readable XLSX workbook: {exc}") from exc
    except BaseException:
        file.close()
        raise
    return ReadOnlyWorkbook(book, file)


def check_workbook_size(path: Path) -> None:
    """Refuse a workbook whose members, declared or actual, decompress to more than the cap."""
    try:
        with zipfile.ZipFile(path) as archive, open(path, "rb") as raw:
            members = [m for m in archive.infolist() if not m.is_dir()]
            check_size(path, sum(m.file_size for m in members), "workbook decompresses to")
            total = 0
            for member in members:
                total += _actual_size(path, raw, member, max_input_bytes() - total)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, struct.error) as exc:
        raise SourceFormatError(path, f"not a readable XLSX workbook: {exc}") from exc


def _actual_size(path: Path, raw: IO[bytes], member: zipfile.ZipInfo, budget: int) -> int:
    """Decompress one member's raw data in bounded steps, counting; more than declared is refused."""
    where = f"workbook member {member.filename!r}"
    if member.flag_bits & _ENCRYPTED:
        raise SourceFormatError(path, f"{where} is encrypted")
    if member.compress_type == zipfile.ZIP_STORED:
        return member.compress_size
    if member.compress_type != zipfile.ZIP_DEFLATED:
        raise SourceFormatError(
            path, f"{where} uses zip compression method {member.compress_type}, not deflate"
        )
    raw.seek(member.header_offset)
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(raw.read(_LOCAL_HEADER.size))
    if signature != _LOCAL_SIGNATURE:
        raise SourceFormatError(path, f"{where}: no local file header at offset {member.header_offset}")
    raw.seek(name_length + extra_length, 1)
    decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
    size, left = 0, member.compress_size
    pending = b""
    while left > 0 or pending:
        if not pending:
            pending = raw.read(min(_CHUNK, left))
            if not pending:
                break
            left -= len(pending)
        size += len(decompressor.decompress(pending, _CHUNK))
        pending = decompressor.unconsumed_tail
        if size > member.file_size:
            raise SourceFormatError(
                path, f"{where} decompresses to more than its declared {member.file_size} bytes"
            )
        if size > budget:
            raise too_large(path, "workbook decompresses to")
        if decompressor.eof:
            break
    return size


_SHEET_NAME = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"")
_WORKBOOK_HEAD = 1 << 16  # the sheet list comes first in xl/workbook.xml; never read a hostile member whole


def sheet_names(path: Path) -> list[str]:
    """The workbook's sheet names, from the start of xl/workbook.xml, without opening it in openpyxl.

    Format detection uses them to tell workbook lists apart (DFAT's sheet "Consolidated List", OFSI's
    "Data") cheaply; a damaged archive is refused like any unreadable workbook.
    """
    try:
        with zipfile.ZipFile(path) as archive, archive.open(XLSX_WORKBOOK) as member:
            head = member.read(_WORKBOOK_HEAD)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error) as exc:
        raise SourceFormatError(path, f"not a readable XLSX workbook: {exc}") from exc
    return [html.unescape(name.decode("utf-8", "replace")) for name in _SHEET_NAME.findall(head)]
