"""Text layer of the matcher: one canonical spelling of whatever a list or a customer typed.

Screening compares names written by different people on different keyboards, and sometimes by
people who do not want to be found. Before any comparison, text is made canonical: compatibility
forms unified (NFKC), invisible characters removed (a zero-width joiner inside "BARA\u200dKAT" must
not hide "BARAKAT"), and lookalike letters from another script folded when they sit inside a word
of Latin letters ("Fаyez" with a Cyrillic "а" is "Fayez"). Fuzzy spelling is not handled here:
the scorer does that, on the ASCII tokens this module produces.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from functools import cache, lru_cache
from typing import Protocol, cast

import icu  # type: ignore[import-untyped]

from sanctionwatch import refdata
from sanctionwatch.sources.script_codes import detect_script

__all__ = ["ascii_fold", "clean", "identifier_key", "script_of", "tokens", "transliterate"]


# ---------------------------------------------------------------------------------------------
# ICU transliterators: built once (construction parses rule sets and costs milliseconds), used
# under a lock because an ICU Transliterator keeps per-call state and is not safe to share
# between threads.


class _Transliterator(Protocol):
    def transliterate(self, text: str) -> str: ...


_ICU_LOCK = threading.Lock()


@cache
def _transliterator(spec: str) -> _Transliterator:
    return cast(_Transliterator, icu.Transliterator.createInstance(spec))


def _run(translit: _Transliterator, text: str) -> str:
    with _ICU_LOCK:
        return str(translit.transliterate(text))


def transliterate(spec: str, text: str) -> str:
    """Run an ICU transform ("Any-Latin", "Russian-Latin/BGN; Latin-ASCII", ...) on text.

    ICU can produce a broken surrogate pair (a kana iteration mark after a supplementary-plane
    character) and then refuses to return the string; character by character it cannot.
    """
    translit = _transliterator(spec)
    try:
        return _run(translit, text)
    except icu.ICUError:
        return "".join(
            _run(translit, char) if char.isascii() or ord(char) < 0x10000 else char for char in text
        )


# ---------------------------------------------------------------------------------------------
# Invisible characters and punctuation look-alikes.

# Characters that render as nothing (or as blank) and are not format characters (category Cf):
# refdata/invisible.tsv. Punctuation drawn like an apostrophe, a quotation mark or a hyphen:
# refdata/punctuation.tsv.
_INVISIBLE_EXTRA = frozenset(
    code
    for first, last, _name in refdata.INVISIBLE.rows()
    for code in range(int(first, 16), int(last, 16) + 1)
)
_PUNCTUATION = str.maketrans({char: ascii_form for char, ascii_form, _name in refdata.PUNCTUATION.rows()})


@lru_cache(maxsize=4096)
def _is_invisible(char: str) -> bool:
    """Format and control characters carry no letters; whitespace is kept (it separates words)."""
    if ord(char) in _INVISIBLE_EXTRA:
        return True
    return unicodedata.category(char) in ("Cf", "Cc") and not char.isspace()


_INVISIBLE_EXTRA_CHARS = frozenset(map(chr, _INVISIBLE_EXTRA))


def _drop_invisible(text: str) -> str:
    # Printable text has no format or control characters (str.isprintable): only the extras to check.
    if text.isprintable() and _INVISIBLE_EXTRA_CHARS.isdisjoint(text):
        return text
    return "".join(char for char in text if not _is_invisible(char))


# ---------------------------------------------------------------------------------------------
# Homoglyphs: letters of Cyrillic and Greek drawn like Latin ones (refdata/lookalikes.tsv).


def _lookalikes() -> dict[str, dict[str, str]]:
    """For each script a word can be folded into: the foreign letters drawn like one of its letters.

    Into Cyrillic or Greek, a Latin letter with several lookalikes takes the first the table lists."""
    to_latin: dict[str, str] = {}
    to_other: dict[str, dict[str, str]] = {"Cyrl": {}, "Grek": {}}
    for letter, latin, script, _name in refdata.LOOKALIKES.rows():
        to_latin[letter] = latin
        to_other[script].setdefault(latin, letter)
    return {"Latn": to_latin, **to_other}


_LOOKALIKES = _lookalikes()
_WORD = re.compile(r"[^\W\d_]+")


def _fold_word(match: re.Match[str]) -> str:
    """A word mixing Latin, Cyrillic and Greek letters is rewritten in its majority script, if every
    minority letter has a lookalike there; otherwise it is left alone (it may be a real mixed word)."""
    word = match.group()
    if word.isascii():
        return word
    scripts = [_char_script(char) for char in word]
    if scripts.count(scripts[0]) == len(scripts):  # one script (nearly every word): nothing to fold
        return word
    counts = Counter(scripts)
    mixable = {script: counts[script] for script in _LOOKALIKES if counts[script]}
    if len(mixable) < 2 or len(mixable) != len(counts):
        return word
    target = max(mixable, key=lambda script: (mixable[script], script == "Latn"))
    table = _LOOKALIKES[target]
    folded = [char if _char_script(char) == target else table.get(char) for char in word]
    if any(char is None for char in folded):
        return word
    return "".join(cast(list[str], folded))


# ---------------------------------------------------------------------------------------------
# Public functions.

# Memoized whole names per function. Small on purpose: the index build passes every listed name
# through once and would otherwise leave ~70,000 entries per cache behind (40 MB of resident memory
# for nothing, as listed names are not screened again); queries repeat names only within a batch.
NAME_CACHE = 16_384

_ASCII_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")


@lru_cache(maxsize=NAME_CACHE)
def clean(text: str) -> str:
    """Canonical Unicode for a name: what a reader sees, without what they cannot see.

    Idempotent, so callers may clean text that was cleaned already.
    """
    if text.isascii():
        return " ".join(_ASCII_CONTROLS.sub("", text).replace("`", "'").split())
    text = _drop_invisible(text).translate(_PUNCTUATION)
    normal = unicodedata.normalize("NFKC", text)
    if normal != text:  # compatibility forms can expand into punctuation or formatting
        normal = unicodedata.normalize("NFKC", _drop_invisible(normal).translate(_PUNCTUATION))
    folded = normal
    # A folded base letter may compose with a following mark, joining two words into one that is
    # mixed again ('AА̀К' -> 'AÀК'): fold until nothing changes.
    while (refolded := _WORD.sub(_fold_word, folded)) != folded:
        folded = unicodedata.normalize("NFC", refolded)
    return " ".join(folded.split())


# Letters that survive ICU's Latin-ASCII (IPA-ish letters in Azeri, Arabic and Russian transcriptions):
# refdata/latin_leftovers.tsv.
_LATIN_LEFTOVERS = str.maketrans(
    {letter: ascii_form for letter, ascii_form, _name in refdata.LATIN_LEFTOVERS.rows()}
)
_INNER_APOSTROPHE = re.compile(r"(?<=[a-z0-9])['`]+(?=[a-z0-9])")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _to_ascii(text: str) -> str:
    """Any text to ASCII: ICU for scripts and diacritics, a small table for what ICU leaves.

    Most Latin text only needs its accents stripped, which is cheaper than ICU (pinyin tone marks,
    Romance and Turkish diacritics), so that is tried first.
    """
    stripped = "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    )
    if stripped.isascii():
        return stripped
    latin = transliterate("Any-Latin; Latin-ASCII", text).translate(_LATIN_LEFTOVERS)
    if latin.isascii():
        return latin
    stripped = unicodedata.normalize("NFKD", latin)
    return "".join(char if char.isascii() else " " for char in stripped if not unicodedata.combining(char))


@lru_cache(maxsize=NAME_CACHE)
def ascii_fold(text: str) -> str:
    """Lowercase ASCII words separated by single spaces.

    An apostrophe between letters is dropped, not split on: McCune-Reischauer writes aspiration
    and vowel quality with it ("Ch'oe", "So'k"), and customers leave it out ("Choe", "Sok").
    """
    if not text.isascii():
        text = _to_ascii(clean(text))
    lowered = _INNER_APOSTROPHE.sub("", text.lower())
    return _NOT_ALNUM.sub(" ", lowered).strip()


def tokens(text: str) -> list[str]:
    """The ASCII words of a text, in order."""
    return ascii_fold(text).split()


# Unicode name prefixes that script_codes does not know, for letters that belong to a script
# (refdata/scripts.tsv, kind unicode-prefix), in the table's order.
_EXTRA_PREFIXES = tuple(
    (text, script) for kind, text, script in refdata.SCRIPTS.rows() if kind == "unicode-prefix"
)


@lru_cache(maxsize=8192)
def _char_script(char: str) -> str:
    """ISO 15924 code of one character; "Zyyy" for non-letters and script-neutral modifier letters."""
    if not char.isalpha():
        return "Zyyy"
    code = detect_script(char)
    if code is not None:
        return code
    name = unicodedata.name(char, "")
    for prefix, extra in _EXTRA_PREFIXES:
        if name.startswith(prefix):
            return extra
    return "Zyyy" if name.startswith("MODIFIER") else "Zzzz"


def script_of(text: str) -> str:
    """Script of most letters of a text, so that one stray letter does not decide how it is read.

    Kana make a text Japanese, and then the kanji beside them count as Japanese too.
    """
    if text.isascii():
        return "Latn" if any(char.isalpha() for char in text) else "Zyyy"
    codes = [code for code in map(_char_script, text) if code != "Zyyy"]
    if not codes:
        return "Zyyy"
    if codes.count(codes[0]) == len(codes):  # one script (most words): no tally needed
        return codes[0]
    counts = Counter(codes)
    if "Jpan" in counts:
        counts["Jpan"] += counts.pop("Hani", 0)
    return max(counts, key=counts.__getitem__)


_ID_CLEAN = re.compile(r"[^0-9A-Za-z]")


def identifier_key(value: str) -> str:
    """Identifiers compare without spaces, dashes or case: 'IMO 7937317' and 'imo7937317' agree."""
    key = _ID_CLEAN.sub("", value).upper()
    return key[3:] if key.startswith("IMO") and key[3:].isdigit() else key
