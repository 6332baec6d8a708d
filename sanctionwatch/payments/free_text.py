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
_MAX_TAIL = 2  # noise words (legal forms) kept at the end of a run
_MAX_INITIALS = 2  # initials kept at the start of a run
LISTED_COVERAGE = 0.6  # how much of a listed name a window of free text must cover (_names_it_whole)
WINDOW_COVERAGE = 0.8  # and how much of the window the listed name must account for (_names_it_whole)
SINGLE_WORD_LETTERS = 7  # a listed name of one word counts in free text from this length (_names_it_whole)
# Words that announce a vessel's name in payment text ("FREIGHT MV ROAD", "M/V", "M.T." fold to "m v", "m t").
VESSEL_MARKERS = frozenset({"mv", "mt", "v", "t", "vessel", "ship", "tanker", "vsl", "ss", "mts", "mvs"})
# Letters of scripts written without spaces between the words of a name (Han, Kana, Hangul).
_SYLLABIC = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
# SWIFT's structured codes in fields 70 and 72 (/ROC/, /INV/, /BNF/, /INS/): labels, not words of a name.
_CODE = re.compile(r"/[A-Z0-9]{2,8}/")


@dataclass(frozen=True, slots=True)
class TextHit:
    hit: Hit
    window: str  # the words of the text that matched (for identifiers: the word)
    by_identifier: bool
    span: tuple[int, int] | None = None  # (first word, one past the last) of a name's window in the text


def scan_text(screener: Screener, text: str, *, threshold: float | None = None) -> list[TextHit]:
    """The listed parties named or identified in `text`, best first, one hit per party."""
    best: dict[str, TextHit] = {}
    for found in (*_identifier_hits(screener, text), *_name_hits(screener, text, threshold)):
        current = best.get(found.hit.entity_id)
        if current is None or found.hit.score > current.hit.score:
            best[found.hit.entity_id] = found
    kept: list[TextHit] = []
    for found in sorted(best.values(), key=lambda f: f.hit.score, reverse=True):
        if not any(_inside(found.span, k.span) for k in kept):
            kept.append(found)
    return kept


def _inside(span: tuple[int, int] | None, other: tuple[int, int] | None) -> bool:
    """Whether a window lies within another, longer one: 'chong chon' (PAK Jong Chon) inside 'chong chon
    gang' (the vessel CHONG CHON GANG). The text names the longer, better-scoring party; the words it
    shares with a shorter name are no second mention."""
    if span is None or other is None:
        return False
    return other[0] <= span[0] and span[1] <= other[1] and span != other


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
    text = _CODE.sub(" ", text)
    yield from _syllabic_hits(screener, _SYLLABIC.findall(text), threshold)
    words = tokens(_SYLLABIC.sub(" ", text))
    for begin, size in _windows(screener, words):
        window = " ".join(words[begin : begin + size])
        after_marker = begin > 0 and words[begin - 1] in VESSEL_MARKERS
        if size == 1 and not after_marker and len(window) < SINGLE_WORD_LETTERS:
            continue  # could never count (_names_it_whole): not worth a screen
        try:
            hits = screener.screen(Query(name=window), threshold=threshold, limit=3)
        except QueryError:
            continue  # a window the screener cannot read as a name (nothing left after folding)
        for hit in hits:
            if _names_it_whole(hit, single=size == 1, after_marker=after_marker):
                yield TextHit(hit, window, by_identifier=False, span=(begin, begin + size))


def _syllabic_hits(screener: Screener, runs: list[str], threshold: float | None) -> Iterator[TextHit]:
    """Runs of Chinese, Japanese or Korean script, each screened whole, as a name field is.

    Read as romanized syllables, such a run ('吉林有限公司' -> 'ji lin you xian gong si') would give
    windows of syllables that spell some listed person's two-syllable name; a run of one script is instead
    one name or phrase, which the screener reads as the lists write such names."""
    for run in dict.fromkeys(runs):
        if len(run) < 2:
            continue
        try:
            hits = screener.screen(Query(name=run), threshold=threshold, limit=3)
        except QueryError:
            continue
        for hit in hits:
            if _names_it_whole(hit, single=False, after_marker=False):
                yield TextHit(hit, run, by_identifier=False)


def _names_it_whole(hit: Hit, *, single: bool, after_marker: bool) -> bool:
    """Whether the window names the listed party, not merely shares a word with it.

    In a name field, one matching word of a longer name is worth an alert for a person to look at; in free
    text, where every common word resembles some listed word ('settlement', 'fuel'), it is noise. So a
    window counts only when it covers most of the listed name (LISTED_COVERAGE of its weight: a dropped
    word or initials still count) and the listed name accounts for the window (WINDOW_COVERAGE: syllables
    of a longer phrase that happen to spell a short name do not; coverage is weighed by similarity, so a
    name with a slip in every word covers about 0.86). Both were set on the dev benchmark's variants
    (bench.payments_quality; RESULTS.md lists the settings compared; an in-sample choice). One word alone is
    the weakest case (a listed vessel is called ROAD, an SDGT entity ROC): it counts only when it is the
    whole listed name, spelled as listed, and either a vessel named after a vessel marker ("MV ROAD") or a
    word of SINGLE_WORD_LETTERS or more (an invented name such as KORYOLINK, not an everyday word)."""
    name = hit.explanation.name if hit.explanation is not None else None
    if name is None or name.listed_coverage < LISTED_COVERAGE or name.query_coverage < WINDOW_COVERAGE:
        return False
    if not single:
        return len(name.token_pairs) >= 2
    exact = not name.unmatched_listed_tokens and all(p.similarity == 1.0 for p in name.token_pairs)
    if not exact:
        return False
    if after_marker:
        return hit.schema == "Vessel"
    return all(len(p.listed) >= SINGLE_WORD_LETTERS for p in name.token_pairs)


def _windows(screener: Screener, words: list[str]) -> list[tuple[int, int]]:
    """(start, length) of each run of words that resemble listed words, and of the windows of the long ones.

    Words that never decide a name (stopwords, legal forms, single letters: 'al', 'de', 'ltd', 's') do
    not end a run between two words that resemble listed ones, nor at its end ('SERRA GAS S.L. OFFSHORE',
    'ANA BANKING CORPORATION LTD'): a name is read with them, as the screener reads it. Initials just
    before a run are read with it too ('A. THABET')."""
    noise = [w.isdigit() or is_noise(w) for w in words]
    listed_like = [
        not n and screener.index.token_votes(w, further=False).best > 0
        for w, n in zip(words, noise, strict=True)
    ]
    spans: dict[tuple[int, int], None] = {}
    begin = 0
    while begin < len(words):
        if not listed_like[begin]:
            begin += 1
            continue
        lead = 0
        while (
            begin > 0 and len(words[begin - 1]) == 1 and words[begin - 1].isalpha() and lead < _MAX_INITIALS
        ):
            begin, lead = begin - 1, lead + 1  # initials before a name are part of it ('A. THABET')
        end = last = begin + lead + 1  # `last`: one past the last word resembling a listed one
        while end < len(words) and (listed_like[end] or (noise[end] and not words[end].isdigit())):
            end += 1
            if listed_like[end - 1]:
                last = end
        end = min(end, last + _MAX_TAIL)  # noise after the name: a legal form or two, no more
        length = end - begin
        if length <= _MAX_RUN:
            spans[(begin, length)] = None
        for size in range(1 if length > 1 else 2, min(_MAX_WINDOW, length) + 1):
            for start in range(begin, end - size + 1):
                if listed_like[start] or start < begin + lead:  # a name's word or initial, never noise
                    spans[(start, size)] = None
        begin = end
    return list(spans)
