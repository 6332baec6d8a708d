"""Decoding one JSON line from an untrusted file without letting its nesting crash the reader.

Python's json module recurses once per level of `[` or `{`: a line of 100,000 brackets ends in
RecursionError, and a line just under the interpreter's limit decodes but crashes whatever walks,
prints or re-encodes the value later. No record of any format we read nests more than a few levels,
so anything deeper than MAX_JSON_DEPTH is refused here, as a ValueError the readers already report.
"""

from __future__ import annotations

import json
from typing import Any

from sanctionwatch.errors import InputError

__all__ = ["loads_shallow"]

MAX_JSON_DEPTH = 64


class JsonNestingError(InputError, ValueError):
    """A JSON value nested deeper than MAX_JSON_DEPTH."""

    def __init__(self) -> None:
        super().__init__(f"nested more than {MAX_JSON_DEPTH} levels deep")


def loads_shallow(text: str) -> Any:
    """json.loads, refusing values nested more than MAX_JSON_DEPTH levels (JsonNestingError)."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise JsonNestingError() from None
    if _deeper_than(value, MAX_JSON_DEPTH):
        raise JsonNestingError()
    return value


def _deeper_than(value: Any, limit: int) -> bool:
    """Iterative, so checking the depth cannot itself recurse too deep."""
    level: list[Any] = [value]
    for _ in range(limit):
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return False
    return any(isinstance(item, dict | list) for item in level)
