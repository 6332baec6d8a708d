"""Writing systems of names -> ISO 15924 codes.

Screening transliterates a name before comparing it, and needs to know which script it is in.
Lists label scripts loosely ("Cyrillic", "Cryillic", "Russian", "Persian"), and often not at all,
so a declared label is mapped where it is known and the characters decide otherwise.
"""

from __future__ import annotations

import unicodedata

from sanctionwatch import refdata

__all__ = ["detect_script"]

# Labels as lists write them (lower case) -> ISO 15924, and the first word of a character's Unicode name
# -> ISO 15924 for the scripts sanctions lists use: refdata/scripts.tsv.
_LABELS = {text: script for kind, text, script in refdata.SCRIPTS.rows() if kind == "label"}
_UNICODE_PREFIXES = {text: script for kind, text, script in refdata.SCRIPTS.rows() if kind == "unicode-word"}


def script_from_label(label: str | None) -> str | None:
    """A list's own script or language label -> ISO 15924 code; None when the label is unknown."""
    if not label:
        return None
    return _LABELS.get(label.strip().lower())


def detect_script(text: str) -> str | None:
    """The script of the first letter that belongs to a known script; None for digits/punctuation only."""
    for char in text:
        if not char.isalpha():
            continue
        first_word = unicodedata.name(char, "").split(" ", 1)[0]
        code = _UNICODE_PREFIXES.get(first_word)
        if code is not None:
            return code
    return None


def name_script(text: str, label: str | None = None) -> str | None:
    """Script for a name: the characters win over a label, since labels are often misspelt or a language."""
    return detect_script(text) or script_from_label(label)
