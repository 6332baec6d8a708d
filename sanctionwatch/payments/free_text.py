"""Listed names and identifiers inside a payment's free text: remittance information, MT fields 70 and 72.

A vessel, a front company or a person can be named anywhere in "PAYMENT FOR FUEL DELIVERED TO MV WISE
HONEST IMO 8905490 AS PER INV 23-118": no field says which words are a name. Two scans find them:

- **Identifiers** decide on their own, as they do for a party: every word of the text (an IMO number, a
  wallet address, a BIC, a passport number) is looked up among the listed identifiers, exactly (as
  `identifier_key` folds them: 'IMO 8905490' and '8905490' agree). A dictionary lookup per word.
- **Names**: the words that resemble a listed word (through the matcher's own lookup keys, so slips and
  other romanizations count) form runs; each run, and each window of two to four words of a longer run,
  is screened as a name, with the screener's own threshold. Words that resemble no listed word cannot be
  part of a listed name, so ordinary prose costs almost nothing; a run is screened, not the whole text,
  so that the words around a name do not dilute its score.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sanctionwatch.matching.names import is_noise
from sanctionwatch.matching.normalize import identifier_key, tokens
from sanctionwatch.screening.query import Hit, Query, QueryError
from sanctionwatch.screening.screener import Screener

__all__ = ["TextHit", "scan_text"]

_ID_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]*[A-Za-z0-9]")
_MIN_ID = 6  # shorter words are numbers of anything (amounts, dates, invoice lines)
_MAX_WINDOW = 4  # the longest window of a long run screened on its own
_MAX_RUN = 8  # a run this long is screened as windows only
LISTED_COVERAGE = 0.9  # how much of a listed name a window of free text must cover (_names_it_whole)


@dataclass(frozen=True, slots=True)
class TextHit:
    hit: Hit
    window: str  # the words of the text that matched (for identifiers: the word)
    by_identifier: bool


def scan_text(screener: Screener, text: str, *, threshold: float | None = None) -> list[TextHit]:
    """The listed parties named or identified in `text`, best first, one hit per party."""
    best: dict[str, TextHit] = {}
    for found in (*_identifier_hits(screener, text), *_name_hits(screener, text, threshold)):
        current = best.get(found.hit.entity_id)
        if current is None or found.hit.score > current.hit.score:
            best[found.hit.entity_id] = found
    return sorted(best.values(), key=lambda f: f.hit.score, reverse=True)


def _identifier_hits(screener: Screener, text: str) -> Iterator[TextHit]:
    seen: set[str] = set()
    for word in _ID_WORD.findall(text):
        key = identifier_key(word)
        if (
            len(key) < _MIN_ID
            or key in seen
            or (not any(c.isdigit() for c in key) and len(key) not in (8, 11))
        ):
            continue  # an identifier has a digit, or is a BIC's 8 or 11 letters
        seen.add(key)
        if not screener.index.by_identifier(key):
            continue
        for hit in screener.screen(Query(identifier=word), threshold=0.0, limit=5):
            yield TextHit(hit, word, by_identifier=True)


def _name_hits(screener: Screener, text: str, threshold: float | None) -> Iterator[TextHit]:
    words = tokens(text)
    for window in _windows(screener, words):
        try:
            hits = screener.screen(Query(name=window), threshold=threshold, limit=3)
        except QueryError:
            continue  # a window the screener cannot read as a name (nothing left after folding)
        for hit in hits:
            if _names_it_whole(hit):
                yield TextHit(hit, window, by_identifier=False)


def _names_it_whole(hit: Hit) -> bool:
    """Whether the window names the listed party, not merely shares a word with it.

    In a name field, one matching word of a longer name is worth an alert for a person to look at; in free
    text, where every common word resembles some listed word ('settlement', 'fuel'), it is noise. So a
    window counts only when it covers the listed name (LISTED_COVERAGE of its weight), and a one-word
    window only when that word is the listed name, spelled as listed."""
    name = hit.explanation.name if hit.explanation is not None else None
    if name is None or name.listed_coverage < LISTED_COVERAGE:
        return False
    if len(name.token_pairs) >= 2:
        return True
    return not name.unmatched_listed_tokens and all(p.similarity == 1.0 for p in name.token_pairs)


def _windows(screener: Screener, words: list[str]) -> list[str]:
    """The runs of words that resemble listed words, and the windows of the long ones."""
    listed_like = [
        not w.isdigit() and not is_noise(w) and screener.index.token_votes(w, further=False).best > 0
        for w in words
    ]
    runs: list[list[str]] = []
    current: list[str] = []
    for word, like in zip(words, listed_like, strict=True):
        if like:
            current.append(word)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    out: dict[str, None] = {}
    for run in runs:
        if len(run) <= _MAX_RUN:
            out[" ".join(run)] = None
        if len(run) > 1:
            for size in range(2, min(_MAX_WINDOW, len(run)) + 1):
                for start in range(len(run) - size + 1):
                    out[" ".join(run[start : start + size])] = None
    return list(out)
