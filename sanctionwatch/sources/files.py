"""Open list files whatever their compression, so parsers only ever see the plain bytes."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile
import zlib
from pathlib import Path
from typing import IO, Any, Protocol, cast
from xml.etree.ElementTree import ParseError

from sanctionwatch.sources.base import SourceFormatError
from sanctionwatch.sources.progress import open_raw

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


def is_zip(path: Path) -> bool:
    """XLSX files are zip archives too: callers that want the archive itself ask this first."""
    with open(path, "rb") as fh:
        return fh.read(4) == _ZIP


def open_binary(path: Path) -> IO[bytes]:
    """Return a stream of the decompressed content (gzip, bzip2, xz, or a zip holding one file).

    Detection is by magic bytes, not by file name, because mirrors and downloads rename files.
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
        return _owning(cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb")), raw)
    if magic.startswith(_BZIP2):
        raw = open_raw(path)
        return _owning(bz2.BZ2File(raw, "rb"), raw)
    if magic.startswith(_XZ):
        raw = open_raw(path)
        return _owning(lzma.LZMAFile(raw, "rb"), raw)
    if magic.startswith(_ZIP):
        archive = zipfile.ZipFile(path)
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) != 1:
            archive.close()
            raise SourceFormatError(
                path, f"zip archive holds {len(members)} files; expected exactly one list file"
            )
        return _owning(archive.open(members[0]), archive)
    return io.BufferedReader(open_raw(path))


class _Closable(Protocol):
    def close(self) -> None: ...


class _OwningReader(io.RawIOBase):
    """A decompressing stream that also closes what it reads from (the decompressors leave that open)."""

    def __init__(self, inner: IO[bytes], owned: _Closable) -> None:
        super().__init__()
        self._inner = inner
        self._owned = owned

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            try:
                self._inner.close()
            finally:
                self._owned.close()
        super().close()


def _owning(inner: IO[bytes], owned: _Closable) -> IO[bytes]:
    return io.BufferedReader(_OwningReader(inner, owned), buffer_size=1 << 16)


def read_head(path: Path, size: int = 4096) -> bytes:
    """The first bytes of the decompressed content, for format detection."""
    with open_binary(path) as fh:
        return fh.read(size)


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
