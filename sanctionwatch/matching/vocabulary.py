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

__all__ = ["GramIndex", "segment"]

# Words shorter than this are within the keys' reach: the similarity allows them at most one edit.
MIN_GRAM_WORD = 6
_START, _END = "\x02", "\x03"  # the word's edges: a slip in its first or last letter costs a pair too


def _allowed_edits(length: int) -> int:
    """The edits the token similarity accepts between words of this length (the kernel's rule)."""
    if length <= 5:
        return 1
    return 2 if length <= 9 else 3


def _pair_codes(word: str) -> npt.NDArray[np.int64]:
    """The distinct letter pairs of the word with its edges marked, as integers."""
    points = np.frombuffer(f"{_START}{word}{_END}".encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    return np.unique(points[:-1] << 21 | points[1:])


@dataclass(frozen=True, slots=True)
class GramIndex:
    """Letter pair -> the vocabulary's words of MIN_GRAM_WORD letters or more that contain it (CSR).

    Why pairs and not triples: a word of n letters has n + 1 edge-marked pairs and one edit spoils at most
    two of them, so a word within k edits shares at least n + 1 - 2k of the query's pairs: six of ten for
    two slips in nine letters, where triples would guarantee one shared of nine and filter nothing.
    """

    codes: npt.NDArray[np.int64]  # distinct pair codes, ascending
    starts: npt.NDArray[np.int64]  # the words of codes[k]: words[starts[k]:starts[k + 1]]
    words: npt.NDArray[np.int32]  # vocabulary ids
    lengths: npt.NDArray[np.int32]  # per vocabulary id, its length in letters
    size: int  # the vocabulary's size

    @classmethod
    def build(cls, vocabulary: Sequence[str]) -> GramIndex:
        """All words at once, in a few array operations (the full registry's vocabulary in ~0.1 s)."""
        lengths = np.fromiter((len(w) for w in vocabulary), dtype=np.int32, count=len(vocabulary))
        chosen = np.flatnonzero(lengths >= MIN_GRAM_WORD)
        marked = "".join(f"{_START}{vocabulary[i]}{_END}" for i in chosen.tolist())
        points = np.frombuffer(marked.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        owner = np.repeat(chosen.astype(np.int64), lengths[chosen] + 2)
        same_word = owner[:-1] == owner[1:]
        codes = (points[:-1] << 21 | points[1:])[same_word]
        # Each (pair, word) once, grouped by pair: the postings.
        keyed = np.unique(np.stack([codes, owner[:-1][same_word]]), axis=1)
        distinct, first = np.unique(keyed[0], return_index=True)
        starts = np.append(first, keyed.shape[1]).astype(np.int64)
        return cls(distinct, starts, keyed[1].astype(np.int32), lengths, len(vocabulary))

    def near(self, word: str) -> list[int]:
        """Vocabulary ids of the words that may be within the similarity's edits of `word`: of a length
        within reach, sharing enough letter pairs. A superset to verify, never a verdict: it holds every
        word that many letters changed, added or dropped away (two letters swapped spoil three pairs, so
        a swap beside another slip may be missed; a swap alone is one key away)."""
        if len(word) < MIN_GRAM_WORD or not len(self.codes):
            return []
        edits = _allowed_edits(len(word))
        pairs = _pair_codes(word)
        where = np.minimum(np.searchsorted(self.codes, pairs), len(self.codes) - 1)
        where = where[self.codes[where] == pairs]
        if not len(where):
            return []
        postings = np.concatenate([self.words[self.starts[k] : self.starts[k + 1]] for k in where.tolist()])
        ids, shared = np.unique(postings, return_counts=True)
        need = max(1, len(pairs) - 2 * edits)
        lengths = self.lengths[ids]
        keep = (shared >= need) & (np.abs(lengths - len(word)) <= edits)
        chosen: list[int] = ids[keep].tolist()
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
