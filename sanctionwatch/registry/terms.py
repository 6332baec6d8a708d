"""Matching user filters (programme, legal authority) against the values the lists use.

Filters are forgiving in the way compliance staff write them: "dprk" finds every DPRK programme
(DPRK, DPRK2, DPRK3, DPRK4, DPRK-NKSPEA); "EO13382", "E.O. 13382" and "Executive Order 13382"
all mean "EO 13382".
"""

from __future__ import annotations

import fnmatch
import re

__all__ = ["program_matches"]

_EO = re.compile(r"^(?:e\.?\s*o\.?|executive\s+order)\s*(?:no\.?\s*)?(\d{4,5})\b", re.I)
_SPACES = re.compile(r"\s+")


def authority_key(value: str) -> str:
    """Canonical comparison key for a legal authority."""
    text = _SPACES.sub(" ", value.strip())
    match = _EO.match(text)
    if match:
        return f"EO {match.group(1)}"
    return text.casefold()


def authority_matches(value: str, wanted: str) -> bool:
    return authority_key(value).casefold() == authority_key(wanted).casefold()


def program_matches(value: str, wanted: str) -> bool:
    """Exact (case-insensitive), glob ("DPRK*"), or programme family: the code followed by a digit or '-'."""
    v, w = value.upper(), wanted.strip().upper()
    if any(ch in w for ch in "*?["):
        return fnmatch.fnmatchcase(v, w)
    if v == w:
        return True
    return v.startswith(w) and len(v) > len(w) and (v[len(w)].isdigit() or v[len(w)] == "-")
