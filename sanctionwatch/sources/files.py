"""Open list files whatever their compression, so parsers only ever see the plain bytes."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol, cast
from xml.etree.ElementTree import ParseError

from sanctionwatch.sources.base import SourceFormatError
from sanctionwatch.sources.limits import check_size, max_input_bytes, too_large
from sanctionwatch.sources.progress import open_raw

__all__ = ["CORRUPT_XLSX_ERRORS", "open_binary"]

# What openpyxl lets escape from a damaged workbook: broken zip, deflate stream or sheet XML.
CORRUPT_XLSX_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    ParseError,
    KeyError,
    OSError,
    ValueError,
    EOFError,
    TypeError,
)

_GZIP = b"\x1f\x8b"
_BZIP2 = b"BZh"
_XZ = b"\xfd7zXZ\x00"
_ZIP = b"PK\x03\x04"
_ARCHIVE_MAGICS = (_GZIP, _BZIP2, _XZ, _ZIP, b"PK\x05\x06", b"7z\xbc\xaf", b"Rar!")
_ENCRYPTED = 0x1  # zip general-purpose flag bit 0
XLSX_WORKBOOK = "xl/workbook.xml"


def _is_zip(path: Path) -> bool:
    """Zip magic: an XLSX workbook, or an archive that should hold one list file."""
    with open(path, "rb") as fh:
        return fh.read(4) == _ZIP


def is_xlsx(path: Path) -> bool:
    """An XLSX workbook is a zip archive holding xl/workbook.xml; a zip of one list file is not one.

    Formats are recognised from content, so a workbook renamed without its extension is still one.
    """
    try:
        if not _is_zip(path):
            return False
    except OSError as exc:
        raise SourceFormatError(path, f"cannot read file: {exc.strerror or exc}") from exc
    with _zip_archive(path) as archive:
        return XLSX_WORKBOOK in archive.namelist()


def open_binary(path: Path) -> IO[bytes]:
    """Return a stream of the decompressed content (gzip, bzip2, xz, or a zip holding one file).

    Detection is by magic bytes, not by file name, because mirrors and downloads rename files.
    The stream refuses to yield more than `max_input_bytes()`, whatever the compression ratio.
    """
    try:
        with open(path, "rb") as fh:
            magic = fh.read(6)
    except OSError as exc:
        raise SourceFormatError(path, f"cannot read file: {exc.strerror or exc}") from exc
    if not magic:
        raise SourceFormatError(path, "file is empty")
    if magic.startswith(_GZIP):
        raw = open_raw(path)
        return _limited(path, cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb")), raw)
    if magic.startswith(_BZIP2):
        raw = open_raw(path)
        return _limited(path, bz2.BZ2File(raw, "rb"), raw)
    if magic.startswith(_XZ):
        raw = open_raw(path)
        return _limited(path, lzma.LZMAFile(raw, "rb"), raw)
    if magic.startswith(_ZIP):
        archive = _zip_archive(path)
        try:
            member = _single_list_member(path, archive)
            return _limited(path, archive.open(member), archive)
        except BaseException:
            archive.close()
            raise
    raw = open_raw(path)
    return _limited(path, raw, raw, what="holds")


def _zip_archive(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise SourceFormatError(path, f"not a readable zip archive (nor XLSX workbook): {exc}") from exc


def _single_list_member(path: Path, archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    """The one list file a zip may hold: not a workbook, not encrypted, not another archive, not a bomb."""
    members = [m for m in archive.infolist() if not m.is_dir()]
    if any(m.filename == XLSX_WORKBOOK for m in members):
        raise SourceFormatError(path, "is an XLSX workbook, not a text list file")
    if len(members) != 1:
        raise SourceFormatError(
            path, f"zip archive holds {len(members)} files; expected exactly one list file"
        )
    member = members[0]
    where = f"zip member {member.filename!r}"
    if member.flag_bits & _ENCRYPTED:
        raise SourceFormatError(path, f"{where} is encrypted; give the list file unencrypted")
    check_size(path, member.file_size, f"{where} decompresses to")
    try:
        with archive.open(member) as stream:
            magic = stream.read(6)
    except (zipfile.BadZipFile, NotImplementedError, OSError, zlib.error, EOFError) as exc:
        raise SourceFormatError(path, f"{where} cannot be read: {exc}") from exc
    if magic.startswith(_ARCHIVE_MAGICS):
        raise SourceFormatError(
            path, f"{where} is itself compressed or an archive; give the list file itself"
        )
    return member


class _Closable(Protocol):
    def close(self) -> None: ...


class _LimitedReader(io.RawIOBase):
    """A (decompressing) stream that stops at the size cap and also closes what it reads from.

    The decompressors leave their underlying file open, hence `owned`. The cap is checked as bytes
    come out, so a bomb is refused after reading just past the limit, never held whole.
    """

    def __init__(self, path: Path, inner: IO[bytes] | io.RawIOBase, owned: _Closable, what: str) -> None:
        super().__init__()
        self._path = path
        self._inner = inner
        self._owned = owned
        self._what = what
        self._limit = max_input_bytes()
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._inner.read(len(buffer)) or b""
        except (zipfile.BadZipFile, lzma.LZMAError) as exc:  # the others are OSError, EOFError, zlib.error
            raise SourceFormatError(self._path, f"cannot decompress or read: {exc}") from exc
        self._count += len(data)
        if self._count > self._limit:
            raise too_large(self._path, self._what)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            try:
                self._inner.close()
            finally:
                self._owned.close()
        super().close()


def _limited(
    path: Path, inner: IO[bytes] | io.RawIOBase, owned: _Closable, *, what: str = "decompresses to"
) -> IO[bytes]:
    return io.BufferedReader(_LimitedReader(path, inner, owned, what), buffer_size=1 << 16)


SNIFF_LIMIT = 4 << 20  # how far detection looks past whitespace, comments and processing instructions
_SNIFF_CHUNK = 1 << 16
_BOM = b"\xef\xbb\xbf"
_PROLOG_ITEM = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->)", re.S)
_OPEN_PROLOG_ITEMS = (b"<?", b"<!--")


@dataclass(frozen=True, slots=True)
class ContentHead:
    """The first bytes of a file's content proper, and where they start."""

    data: bytes  # from the first byte that is not a BOM, whitespace, XML declaration, comment or PI
    line: int  # the line `data` starts on
    skipped: int  # how many bytes came before it


def read_content_head(path: Path, size: int = 8192) -> ContentHead:
    """The first `size` bytes of the decompressed content after its prolog.

    A fixed-size head is not enough: 70 KB of whitespace or one long comment before the document
    element would hide what the file is, and it would be refused for the wrong reason. The prolog is
    skipped for up to SNIFF_LIMIT bytes; a file with more than that before any content is refused.
    """
    with open_binary(path) as stream:
        buffer = stream.read(size)
        skipped = len(_BOM) if buffer.startswith(_BOM) else 0
        buffer, line, at_end = buffer[skipped:], 1, False
        while True:
            end = _prolog_length(buffer)
            skipped, line, buffer = skipped + end, line + buffer.count(b"\n", 0, end), buffer[end:]
            unfinished = not buffer or buffer.startswith(_OPEN_PROLOG_ITEMS)
            if at_end or not (unfinished or len(buffer) < size):
                return ContentHead(buffer[:size], line, skipped)
            if unfinished and skipped + len(buffer) > SNIFF_LIMIT:
                raise SourceFormatError(
                    path,
                    f"more than {SNIFF_LIMIT >> 20} MiB of whitespace, comments or processing instructions "
                    "before any content; not a list file",
                    line=line,
                )
            more = stream.read(max(size, _SNIFF_CHUNK))
            at_end = not more
            buffer += more


def _prolog_length(data: bytes) -> int:
    """Bytes of whitespace and complete declarations, comments and processing instructions at the start."""
    position = 0
    while match := _PROLOG_ITEM.match(data, position):
        position = match.end()
    rest = data[position:]
    return position + len(rest) - len(rest.lstrip())


def read_text(path: Path, encodings: tuple[str, ...] = ("utf-8-sig",)) -> str:
    """Whole decompressed text, trying the given encodings in order; names the file when none fits."""
    with open_binary(path) as fh:
        raw = fh.read()
    last_error: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            last_error = exc
    assert last_error is not None
    line = raw[: last_error.start].count(b"\n") + 1
    raise SourceFormatError(
        path, f"not valid {' or '.join(encodings)} text (byte {last_error.start})", line=line
    ) from last_error


def text_stream(path: Path, encoding: str = "utf-8-sig") -> io.TextIOWrapper:
    """Decompressed text stream (strict decoding: a wrong encoding is an error, not mojibake)."""
    return io.TextIOWrapper(open_binary(path), encoding=encoding, errors="strict", newline="")
