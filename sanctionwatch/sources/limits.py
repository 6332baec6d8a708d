"""How much any reader may decompress or hold, in one setting, and the one error for going beyond it.

A few kilobytes of bzip2 or deflate can expand to gigabytes (a "decompression bomb"), and a parser
that holds what it reads then dies of MemoryError with a traceback instead of naming the file. Every
reader (plain, gzip, bzip2, xz and zip streams, XLSX workbooks, Parquet files, XML trees) therefore
checks against `max_input_bytes()` and refuses beyond it with a SourceFormatError.

The default is sized from the largest real list: OFAC's SDN_ADVANCED.XML decompresses to 121 MB
(115 MiB; the UK XLSX to 17 MB, the UN XML is 2 MB). 512 MiB leaves more than four times that for
growth, while a reader that holds a whole file (a CSV's text, an XLSX's shared strings, one huge cell)
still stays within a couple of GB of memory.
"""

from __future__ import annotations

import os
from pathlib import Path

from sanctionwatch.sources.base import SourceFormatError

__all__ = ["check_size"]

MAX_INPUT_BYTES_SETTING = "SANCTIONWATCH_MAX_INPUT_BYTES"
DEFAULT_MAX_INPUT_BYTES = 512 << 20
_MIB = 1 << 20


def max_input_bytes() -> int:
    """The cap, read on every call so a deployment (or a test) can change it without a restart."""
    raw = os.environ.get(MAX_INPUT_BYTES_SETTING, "").strip()
    if not raw:
        return DEFAULT_MAX_INPUT_BYTES
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise ValueError(f"{MAX_INPUT_BYTES_SETTING}={raw!r}: expected a positive number of bytes")
    return value


def too_large(path: Path | str, what: str = "decompresses to") -> SourceFormatError:
    """The refusal every reader gives, saying which limit and how to raise it."""
    limit = max_input_bytes()
    return SourceFormatError(
        path,
        f"{what} more than {size_text(limit)}; the limit is {limit} bytes "
        f"(set {MAX_INPUT_BYTES_SETTING} to raise it)",
    )


def check_size(path: Path | str, size: int, what: str = "decompresses to") -> None:
    """Refuse a declared or counted size beyond the cap."""
    if size > max_input_bytes():
        raise too_large(path, what)


def size_text(size: int) -> str:
    """Sizes as the refusals state them: '512 MiB', '1.5 MiB', '4096 bytes'."""
    return f"{size / _MIB:g} MiB" if size >= _MIB else f"{size} bytes"
