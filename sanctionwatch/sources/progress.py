"""Reading progress of list files, for progress bars, without threading a callback through every parser.

A caller (the CLI) installs a reporter for the duration of a parse with `reporting(...)`; every list
file opened through `files.open_binary` then reports how many of its bytes (compressed bytes, for
compressed files) have been read. Parsers stay unaware of it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

__all__ = ["reporting"]

Reporter = Callable[[Path, int, int], None]  # (file, bytes read, file size)

_reporter: ContextVar[Reporter | None] = ContextVar("sanctionwatch_read_progress", default=None)


@contextmanager
def reporting(reporter: Reporter) -> Iterator[None]:
    token = _reporter.set(reporter)
    try:
        yield
    finally:
        _reporter.reset(token)


class ProgressFile(io.FileIO):
    """A plain binary file that tells the active reporter how far it has been read."""

    def __init__(self, path: Path, reporter: Reporter) -> None:
        super().__init__(path, "rb")
        self._path = path
        self._reporter = reporter
        self._size = Path(path).stat().st_size

    def _report(self) -> None:
        self._reporter(self._path, self.tell(), self._size)

    def read(self, size: int | None = -1, /) -> bytes:
        data = super().read(size)
        self._report()
        return data

    def readinto(self, buffer: Any, /) -> int | None:
        count = super().readinto(buffer)
        self._report()
        return count


def open_raw(path: Path) -> io.FileIO:
    """The file itself, reporting progress when a reporter is installed."""
    reporter = _reporter.get()
    return ProgressFile(path, reporter) if reporter is not None else io.FileIO(path, "rb")
