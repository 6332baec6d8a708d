"""Two lookups of a query word against the index's own vocabulary, for the words its lookup keys miss.

The keys (tokens.py) meet a word one edit away: a deletion on each side bridges one changed, dropped,
added or swapped letter. Two queries they cannot reach, which other engines find through character
n-grams and fuzzy terms:

- **A word with two or three slips** ('Aiexandvr' for 'Alexander'). The token similarity (the kernel)
  already accepts two edits in a word of six to nine letters and three from ten on, but no key leads
  there. `GramIndex` does: the vocabulary's words of six letters or more filed under their letter pairs,
  so that the words sharing enough pairs with the query word are proposed and then verified by the very
  similarity that scores them. Nothing new counts as alike; only more of what is alike is found.
- **A name written without spaces** ('alexandervyacheslavovichzakharov', 'KIMJONGUN'). `segment` reads
  such a word as a sequence of the vocabulary's own words, few and common ones (a dynamic programme over
  the word's positions, each piece costing one and more for its rarity). The Korean rule in
  names.py splits a word into Korean syllables; this one splits into whatever the lists contain.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["MIN_GRAM_QUERY", "MIN_GRAM_WORD", "GramIndex", "segment"]

# Listed words shorter than this are within the keys' reach: the similarity allows them at most one edit.
MIN_GRAM_WORD = 6
# Query words shorter than this are not looked up by pairs: two slips in six letters score below the
# similarity's floor (1 - 2 x 1.3 / 7 = 0.63 < 0.66) against any word but a longer one, and a customer
# base's six-letter words are a third of those the lookup would otherwise run for.
MIN_GRAM_QUERY = 7
_START, _END = "\x02", "\x03"  # the word's edges: a slip in its first or last letter costs a pair too
_LENGTH_BITS, _ID_BITS = 6, 20  # a posting's key: pair, then the word's length (capped), then its id
_LONGEST = (1 << _LENGTH_BITS) - 1


def _allowed_edits(length: int) -> int:
    """The edits the token similarity accepts between words of this length (the kernel's rule)."""
    if length <= 5:
        return 1
    return 2 if length <= 9 else 3


def _points(text: str) -> npt.NDArray[np.int64]:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)


@dataclass(frozen=True, slots=True)
class GramIndex:
    """The vocabulary's words of MIN_GRAM_WORD letters or more by their letter pairs: one sorted array of
    keys (pair, word length, word id), so that a pair's words of the lengths within reach of a query word
    are one slice, found by binary search.

    Why pairs and not triples: a word of n letters has n + 1 edge-marked pairs and one edit spoils at most
    two of them, so a word within k edits shares at least n + 1 - 2k of the query's pairs: six of ten for
    two slips in nine letters, where triples would guarantee one shared of nine and filter nothing.
    """

    keys: npt.NDArray[np.int64]  # (pair << 26 | length << 20 | word), ascending, each once
    pair_numbers: dict[str, int]  # a letter pair ('\x02a', 'ab', 'b\x03') -> its number in the keys
    words: npt.NDArray[np.int64]  # the keys' word numbers -> vocabulary ids (the words long enough)

    @classmethod
    def build(cls, vocabulary: Sequence[str]) -> GramIndex:
        """All words at once, in a few array operations (the full registry's vocabulary in ~0.1 s)."""
        if len(vocabulary) >= 1 << _ID_BITS:
            raise ValueError(
                f"vocabulary of {len(vocabulary)} words: letter pairs index at most {1 << _ID_BITS}"
            )
        lengths = np.fromiter((len(w) for w in vocabulary), dtype=np.int64, count=len(vocabulary))
        chosen = np.flatnonzero(lengths >= MIN_GRAM_WORD)
        points = _points("".join(f"{_START}{vocabulary[i]}{_END}" for i in chosen.tolist()))
        # Letters numbered densely by a lookup table, and keys sorted stably: np.unique's sorts took
        # ten times as long on the full registry's 300,000 pairs.
        alphabet = np.flatnonzero(np.bincount(points)) if len(points) else np.zeros(0, dtype=np.int64)
        digit_of = np.zeros(int(alphabet.max(initial=0)) + 1, dtype=np.int64)
        digit_of[alphabet] = np.arange(len(alphabet))
        digits = digit_of[points]
        owner = np.repeat(np.arange(len(chosen)), lengths[chosen] + 2)
        same_word = owner[:-1] == owner[1:]
        pairs = (digits[:-1] * len(alphabet) + digits[1:])[same_word]
        owner = owner[:-1][same_word]
        keys = np.sort(
            pairs << (_LENGTH_BITS + _ID_BITS)
            | np.minimum(lengths[chosen[owner]], _LONGEST) << _ID_BITS
            | owner,
            kind="stable",
        )
        keys = keys[np.append(True, keys[1:] != keys[:-1])] if len(keys) else keys  # a pair twice in a word
        letters = [chr(point) for point in alphabet.tolist()]
        numbers = {
            letters[number // len(letters)] + letters[number % len(letters)]: number
            for number in np.flatnonzero(np.bincount(pairs)).tolist()
        }
        return cls(keys, numbers, chosen)

    def near(self, word: str) -> list[int]:
        """Vocabulary ids of the words that may be within the similarity's edits of `word`: of a length
        within reach, sharing enough letter pairs. A superset to verify, never a verdict: it holds every
        word that many letters changed, added or dropped away (two letters swapped spoil three pairs, so
        a swap beside another slip may be missed; a swap alone is one key away). A word of too few distinct
        pairs to narrow anything ('0000000': every word of its length would do) proposes nothing: the
        fallback is skipped for it rather than made a scan of the vocabulary."""
        if len(word) < MIN_GRAM_WORD or not len(self.keys):
            return []
        edits = _allowed_edits(len(word))
        marked = f"{_START}{word}{_END}"
        pairs = {marked[i : i + 2] for i in range(len(marked) - 1)}
        need = len(pairs) - 2 * edits  # distinct pairs: the word's others are all in a word that near
        numbers = [self.pair_numbers[pair] for pair in pairs if pair in self.pair_numbers]
        if len(numbers) < need:  # letter pairs no listed word has: nothing shares enough
            return []
        if need <= 0 or not numbers:  # too few distinct pairs to narrow anything ('0000…'): no fallback
            return []
        first = np.array(numbers, dtype=np.int64) << (_LENGTH_BITS + _ID_BITS)
        low = min(len(word) - edits, _LONGEST) << _ID_BITS
        high = min(len(word) + edits + 1, _LONGEST + 1) << _ID_BITS
        starts = np.searchsorted(self.keys, first | low).tolist()
        ends = np.searchsorted(self.keys, first + high).tolist()
        found = np.concatenate([self.keys[a:b] for a, b in zip(starts, ends, strict=True)])
        # Counted, not sorted: a word recurs once per shared pair.
        shared = np.bincount(found & ((1 << _ID_BITS) - 1), minlength=len(self.words))
        chosen: list[int] = self.words[shared >= need].tolist()
        return chosen


def segment(
    word: str, vocabulary: Mapping[str, int], frequency: npt.NDArray[np.int64], total: int, longest: int
) -> tuple[str, ...] | None:
    """`word` read as two or more of the vocabulary's words written together, or None.

    A unigram reading weighted by frequency: each piece costs one, plus up to one more for its rarity
    (log(total / frequency) over log(total)). Fewer pieces win unless they are much rarer: three common
    words ('kim jong un') beat two words each seen once. Pieces have at least two letters (a lone letter would let anything through) and at most
    `longest`. `frequency` is per vocabulary id (forms containing the word), `total` the forms indexed.
    """
    n = len(word)
    if n < 4:
        return None
    scale = math.log(max(total, 2))
    best = [math.inf] * (n + 1)
    back = [0] * (n + 1)
    best[0] = 0.0
    for end in range(2, n + 1):
        for start in range(max(0, end - longest), end - 1):
            if best[start] == math.inf:
                continue
            token_id = vocabulary.get(word[start:end])
            if token_id is None:
                continue
            cost = best[start] + 1.0 + math.log(total / max(int(frequency[token_id]), 1)) / scale
            if cost < best[end]:
                best[end], back[end] = cost, start
    if best[n] == math.inf or back[n] == 0:  # no reading, or the word itself (one piece)
        return None
    pieces: list[str] = []
    end = n
    while end:
        pieces.append(word[back[end] : end])
        end = back[end]
    return tuple(reversed(pieces))
