"""CSV records that account for every physical line: a stray quote cannot swallow the rows after it.

A CSV field in quotes may run over several lines (an address typed with line breaks). A quote that is
opened and never closed (`Q-0002,"Stray quote Person,DE`) therefore makes the csv module read every
following line, up to the next quote or the end of the file, as part of one field: in a customer file
of 1,003 lines, 501 customers vanished into row 2 without a word. Here a record that runs over several
lines is accepted only when none of the lines it took looks like a record of its own (as many fields as
the header has); otherwise the record's first line is reported as the error it is, and the lines it had
taken are read again as the records they are. So every line is a record, part of a record, or named in
an error.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True, slots=True)
class CsvRecord:
    """One record's cells, or why its lines are not one: with the physical lines it came from."""

    first_line: int
    last_line: int
    cells: list[str] | None
    error: str | None = None
    salvaged: list[str] | None = None  # an unreadable record's first line read on its own: for its id only


class _Lines:
    """Decoded lines for the csv module, numbered, and able to take back lines to be read again."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._source = enumerate(decoded_lines(stream), start=1)
        self._again: deque[tuple[int, str, bool]] = deque()
        self.taken: list[tuple[int, str, bool]] = []  # (number, text, valid UTF-8) since the last reset

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self._again:
            line = self._again.popleft()
        else:
            number, (text, ok) = next(self._source)
            line = (number, text, ok)
        self.taken.append(line)
        return line[1]

    def give_back(self, lines: list[tuple[int, str, bool]]) -> None:
        self._again.extendleft(reversed(lines))


def decoded_lines(stream: IO[bytes]) -> Iterator[tuple[str, bool]]:
    """Decode line by line, so a stray non-UTF-8 byte spoils one row instead of the whole file.

    Yields the text (undecodable bytes replaced) and whether it was valid UTF-8.
    """
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield raw.decode("utf-8"), True
        except UnicodeDecodeError:
            yield raw.decode("utf-8", errors="replace"), False


class CsvLines:
    """The records of a CSV stream, each with its line numbers; the header is the first record."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._lines = _Lines(stream)
        self._reader = csv.reader(self._lines, strict=True)
        self.width: int | None = None  # fields of the header, once read

    def __iter__(self) -> Iterator[CsvRecord]:
        while True:
            self._lines.taken = []
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                taken = self._lines.taken
                line = taken[0][0] if taken else 0
                if len(taken) > 1 or "unexpected end of data" in str(exc):
                    yield self._unreadable(_unclosed(line, len(taken) - 1))
                else:
                    yield self._unreadable(f"not a readable CSV record (line {line}): {exc}")
                continue
            taken = self._lines.taken
            first, last = taken[0][0], taken[-1][0]
            if self.width is None:
                self.width = len(cells)
            elif len(taken) > 1 and self._swallowed(taken[1:]):
                yield self._unreadable(_unclosed(first, len(taken) - 1))
                continue
            spoiled = [number for number, _text, ok in taken if not ok]
            if spoiled:
                yield CsvRecord(first, last, None, f"not UTF-8 text (line {spoiled[0]})")
            else:
                yield CsvRecord(first, last, cells)

    def _swallowed(self, continuation: list[tuple[int, str, bool]]) -> bool:
        """Does a line a quoted field ran over look like a record of its own?"""
        return any(len(next(csv.reader([text]), [])) == self.width for _n, text, _ok in continuation)

    def _unreadable(self, why: str) -> CsvRecord:
        """The first line taken is the error; the lines after it are read again."""
        taken = self._lines.taken
        if not taken:  # (the csv module failed before taking a line: nothing to give back)
            return CsvRecord(0, 0, None, why)
        self._lines.give_back(taken[1:])
        # A fresh parser: the old one may be inside a field.
        self._reader = csv.reader(self._lines, strict=True)
        return CsvRecord(taken[0][0], taken[0][0], None, why, _alone(taken[0][1]))


def _alone(text: str) -> list[str] | None:
    """A line read on its own, leniently: enough to tell whose record failed (its id), never screened."""
    try:
        return next(csv.reader([text.rstrip("\r\n")]), [])
    except csv.Error:
        return None


def _unclosed(line: int, after: int) -> str:
    return (
        f"a quote opened on line {line} is not closed on it (it would have taken the {after} line(s) "
        "after it into one field; they are read as records of their own)"
    )
