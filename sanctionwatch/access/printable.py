"""Names of keys and users are printed raw in terminals, listings and pages: they must be plain text.

A key named with an escape sequence (ESC [ 2 J ...) would clear or rewrite an administrator's terminal
when `sanctionwatch keys list` prints it, and a bidirectional override (U+202E) makes a name read as
another one. Such names are refused when the key or user is created, so that every later display can
trust them.
"""

from __future__ import annotations

from sanctionwatch.access.roles import AccessError

# C0 controls, DEL, C1 controls, and the bidirectional embeddings, overrides and isolates.
_BIDI_CONTROLS = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))


def _unprintable(ch: str) -> bool:
    code = ord(ch)
    return code < 0x20 or 0x7F <= code <= 0x9F or code in _BIDI_CONTROLS


def refuse_unprintable(field: str, value: str) -> None:
    """AccessError naming `field` and the first control or bidi-override character `value` carries."""
    for position, ch in enumerate(value, start=1):
        if _unprintable(ch):
            raise AccessError(
                f"{field}: contains the control character U+{ord(ch):04X} (character {position}); "
                "names are shown in terminals and pages, so control and direction-override characters "
                "are refused"
            )
