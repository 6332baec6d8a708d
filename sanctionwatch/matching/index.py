"""The in-memory candidate index over one registry snapshot.

Built once from the entities (seconds for the whole registry) and then only read, so forked
batch workers share it copy-on-write. Retrieval is by tokens: every query token is expanded to
the vocabulary tokens that share a lookup key with it (exact, one deletion, consonant skeleton,
phonetic code), verified with the token similarity, and the postings of those tokens vote for
name forms, weighted by rarity. Only the best-voted forms go on to full scoring.

Two lookups reach what the keys cannot (vocabulary.py): an unknown query word that no listed word
resembles within one slip is also looked up by its letter pairs (two or three slips: 'Aiexandvr'), and
an unknown word is read as listed words written together ('kimjongun', split_glued), which the
Screener screens as one more spelling of the name.
"""

from __future__ import annotations

import gc
import itertools
import math
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from sanctionwatch.matching import _kernel

# Re-exported: the alignments MatchIndex.score_form returns are what the screener keeps per pair.
from sanctionwatch.matching._kernel import Alignment as Alignment
from sanctionwatch.matching.names import (
    LEGAL_FORMS,
    NameForm,
    family_size,
    is_noise,
    is_patronymic,
    listed_forms,
)
from sanctionwatch.matching.normalize import identifier_key
from sanctionwatch.matching.parties import Parties, full_birth_dates, link_parties
from sanctionwatch.matching.tokens import Spelling, token_shape
from sanctionwatch.matching.tuning import TUNING
from sanctionwatch.matching.vocabulary import MIN_GRAM_QUERY, GramIndex, segment
from sanctionwatch.model import ORGANIZATION_SCHEMAS, Entity, NameQuality, Schema

__all__ = ["KEY_SCHEME", "Alignment", "FormScoring", "IndexedName", "MatchIndex", "ScoredForm", "token_keys"]


class Votes(NamedTuple):
    """One query token's votes: the vocabulary tokens it resembles and the vote each casts."""

    ids: npt.NDArray[np.int64]
    votes: npt.NDArray[np.float64]
    best: float  # the highest of those found through the lookup keys (0: none): what the token can reach
    nearest: float  # an unknown token of 6+ letters: its likest word's similarity through the keys (else 0)


_NO_VOTES = Votes(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64), 0.0, 0.0)
SIMILAR_CACHE = 200_000  # memoized token lookups (a few hundred bytes each)


def information(token: str) -> float:
    """How much a token can say about identity, before rarity: noise words little, short words less.

    Two- and three-letter tokens (Korean and Chinese syllables, 'Li', 'Kim') recur across unrelated
    people far more than their frequency in one list suggests.
    """
    if is_noise(token):
        return TUNING.noise_weight
    return TUNING.short_token_information.get(len(token), 1.0)


@dataclass(frozen=True, slots=True)
class FormScoring:
    """What MatchIndex.score_form needs to score one query form against the candidates voted for it."""

    form: NameForm  # the query form: its tokens, and how it was spelled (which decides what is alike)
    organization: bool  # the query is an organization (legal forms and the like are weighed as such)
    candidates: list[tuple[int, float]]  # (form id, votes), as MatchIndex.candidates gives them
    floor: float  # candidates voted less than this are not aligned at all (0: every one)
    query_weight: float  # the most the query's votes could reach: what a vote share is a share of


# One scored candidate: (form id, vote share, the alignment, the name model's features of the pair).
ScoredForm = tuple[int, float, Alignment, list[float]]


@dataclass(slots=True)
class IndexedName:
    entity: int  # position in MatchIndex.entities
    text: str  # the listed name as written
    tokens: tuple[str, ...]
    weak: bool


@dataclass
class MatchIndex:
    entities: list[Entity]
    forms: list[IndexedName] = field(default_factory=list)
    vocabulary: dict[str, int] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)  # token id -> token
    weights: list[float] = field(default_factory=list)  # per vocabulary token
    # Postings of every token in one array (CSR): the form ids of token t are
    # posting_forms[posting_starts[t]:posting_starts[t + 1]], ascending. One array instead of one
    # small array per token saves memory and build time and lets a query gather all its postings
    # in a few vectorized steps.
    posting_forms: npt.NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    posting_starts: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    weight_array: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))  # = weights
    # Lookup key (its 64-bit hash) -> the vocabulary tokens indexed under it (_kernel.KeyTable).
    key_table: _kernel.KeyTable | None = field(default=None, repr=False)
    identifiers: dict[str, list[int]] = field(default_factory=dict)  # identifier key -> entity positions
    # Full birth date ("1964-01-11") -> the ids of the forms of the people born that day: a query that
    # gives one finds them whatever its spelling (Screener retrieves them beside the name's candidates).
    born_on: dict[str, list[int]] = field(default_factory=dict)
    parties: Parties = field(default_factory=lambda: Parties([], {}))  # one party's records across lists
    max_weight: float = 1.0
    _votes: dict[tuple[str, Spelling, bool], Votes] = field(default_factory=dict, repr=False)
    _counter: _kernel.VoteCounter | None = field(default=None, repr=False)
    shapes: list[_kernel.Shape] = field(default_factory=list, repr=False)  # per vocabulary token
    # Every form's tokens by id, as the kernel aligns them (built with the postings).
    listed: _kernel.ListedForms | None = field(default=None, repr=False)
    _positions: dict[str, int] | None = field(default=None, repr=False)
    # Per vocabulary token, the forms it occurs in: how common a piece of a word written together is.
    frequency: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # The longer vocabulary words by letter pairs: what a word with two or three slips is looked up by.
    grams: GramIndex | None = field(default=None, repr=False)
    _splits: dict[str, tuple[str, ...] | None] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, entities: Iterable[Entity]) -> MatchIndex:
        # The build allocates millions of small objects and frees almost none: the cyclic collector
        # would only rescan them again and again (a third of the build time), so it waits.
        with _collector_paused():
            index = cls(entities=list(entities))
            occurrences = index._add_forms()
            index._finish(occurrences)
            index.parties = link_parties(index.entities, index._person_names())
        return index

    def _add_forms(self) -> tuple[array[int], array[int]]:
        """Index every listed form; returns the forms' token ids, one form after another, and the
        offset at which each form starts (with the end as a last offset).

        Kept in C arrays, not lists: a quarter of a million int objects would be freed after the build
        but leave the memory they fragmented behind.
        """
        token_ids = array("i")
        starts = array("l", [0])
        vocabulary = self.vocabulary
        for position, entity in enumerate(self.entities):
            organization = entity.schema in ORGANIZATION_SCHEMAS
            days = {
                d.value for d in entity.birth_dates if d.end is None and len(d.value) == len("1964-01-11")
            }
            for name in entity.names:
                weak = name.quality == NameQuality.WEAK
                for form, derived in listed_forms(name.full, organization=organization):
                    for day in days:
                        self.born_on.setdefault(day, []).append(len(self.forms))
                    self.forms.append(IndexedName(position, name.full, form.tokens, weak or derived))
                    token_ids.extend([vocabulary.setdefault(token, len(vocabulary)) for token in form.tokens])
                    starts.append(len(token_ids))
            for identifier in entity.identifiers:
                key = identifier_key(identifier.value)
                if len(key) >= 4:
                    self.identifiers.setdefault(key, []).append(position)
        return token_ids, starts

    def _person_names(self) -> list[set[str]]:
        """Per entity, the names as compared (sorted tokens) of people with a full birth date: what
        links one person's records across lists (parties.link_parties)."""
        names: list[set[str]] = [set() for _ in self.entities]
        dated = [e.schema == Schema.PERSON and bool(full_birth_dates(e)) for e in self.entities]
        for form in self.forms:
            if dated[form.entity]:
                names[form.entity].add(" ".join(sorted(form.tokens)))
        return names

    def _finish(self, occurrences: tuple[array[int], array[int]]) -> None:
        form_tokens = np.frombuffer(occurrences[0], dtype=np.intc).astype(np.int32)
        form_starts = np.frombuffer(occurrences[1], dtype=np.int_).astype(np.int64)
        n_forms = len(self.forms)
        form_of = np.repeat(np.arange(n_forms, dtype=np.int64), np.diff(form_starts))
        # Each (token, form) once, sorted by token and then form: the postings, each ascending.
        total = max(n_forms, 1)
        pairs = np.unique(form_tokens.astype(np.int64) * total + form_of)
        token_ids, self.posting_forms = pairs // total, (pairs % total).astype(np.int32)
        counts = np.bincount(token_ids, minlength=len(self.vocabulary))
        self.frequency = counts.astype(np.int64)
        self.posting_starts = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self.words = list(self.vocabulary)  # token ids are given in insertion order
        self.weights = [
            math.log(1.0 + total / int(count)) * information(token)
            for token, count in zip(self.words, counts.tolist(), strict=True)
        ]
        self.weight_array = np.asarray(self.weights, dtype=np.float64)
        self._counter = _kernel.VoteCounter(self.posting_forms, self.posting_starts, n_forms)
        self.max_weight = max(self.weights, default=1.0)
        self.shapes = [token_shape(token) for token in self.words]
        self.key_table = _key_table(self.shapes)
        self.grams = GramIndex.build(self.words)
        self.listed = _kernel.ListedForms(
            self.shapes,
            self.weights,
            [is_noise(token) for token in self.words],
            [token in LEGAL_FORMS for token in self.words],
            form_tokens,
            form_starts,
            [form.text for form in self.forms],
            family_size,
        )

    def posting(self, token_id: int) -> npt.NDArray[np.int32]:
        """The form ids a vocabulary token occurs in, ascending (a view, not a copy)."""
        return self.posting_forms[self.posting_starts[token_id] : self.posting_starts[token_id + 1]]

    def token_weight(self, token: str) -> float:
        """Rarity weight of a token; an unknown token is as rare as the rarest known one."""
        token_id = self.vocabulary.get(token)
        if token_id is not None:
            return self.weights[token_id]
        return self.max_weight * information(token)

    def token_votes(self, token: str, spelling: Spelling = Spelling.LATIN, further: bool = True) -> Votes:
        """Vocabulary tokens similar to `token` (ids), each with the vote it casts for the names it
        occurs in (similarity times rarity; memoized: names repeat a lot).

        A query word that is itself a listed word votes at most its own weight through a lookalike:
        'Cho' is not worth more than itself for resembling the rarer 'Choi', or the name CHO IL U
        would be outvoted by every CHOI.

        `further`: a word that no listed word resembles within one slip through the lookup keys is also
        looked up by its letter pairs (vocabulary.GramIndex), for two or three slips.
        """
        cached = self._votes.get((token, spelling, further))
        if cached is None:
            cached = self._votes_uncached(token, spelling, further)
            if len(self._votes) < SIMILAR_CACHE:
                self._votes[token, spelling, further] = cached
        return cached

    def _votes_uncached(self, token: str, spelling: Spelling, further: bool) -> Votes:
        if self.key_table is None:
            return _NO_VOTES
        shape = token_shape(token)
        found = self.key_table.tokens_of(shape, spelling is Spelling.ABJAD)
        own = self.vocabulary.get(token)
        cap = self.weights[own] if own is not None else math.inf
        similar, votes = (
            _kernel.token_votes(shape, found, self.shapes, self.weight_array, cap, spelling)
            if found
            else ([], [])
        )
        # What the query could reach stays what the keys found: words found further only add candidates,
        # they do not make every other name's share of the votes larger.
        best = max(votes, default=0.0)
        # (The vote of an unknown word is its similarity times the listed word's weight, uncapped.)
        # (Only what the two further lookups ask about: unknown words long enough for them.)
        nearest = 0.0
        if own is None and len(token) >= min(TUNING.glued_word, MIN_GRAM_QUERY):
            nearest = max((v / self.weights[t] for t, v in zip(similar, votes, strict=True)), default=0.0)
        if (
            further
            and own is None
            and spelling is Spelling.LATIN
            and len(token) >= MIN_GRAM_QUERY
            and nearest < TUNING.fuzzy_lookup_below
            and self.grams is not None
        ):
            # No listed word within one slip: look further, among the words sharing enough letter pairs.
            extra = sorted(set(self.grams.near(token)).difference(found))
            if extra:
                more_ids, more_votes = _kernel.token_votes(
                    shape, extra, self.shapes, self.weight_array, cap, spelling
                )
                similar, votes = [*similar, *more_ids], [*votes, *more_votes]
        if not similar:
            return _NO_VOTES._replace(nearest=nearest)
        return Votes(np.asarray(similar, dtype=np.int64), np.asarray(votes, dtype=np.float64), best, nearest)

    def _expansion(
        self, query_tokens: Sequence[str], spelling: Spelling, further: bool = True
    ) -> tuple[dict[str, Votes], float]:
        """Each query token's votes (token_votes), and the most the votes could reach: per query token,
        its best vote (its own weight when it is a listed word), or its own weight when it resembles none.
        """
        # A word split in two ('Es ail', 'Jong un') is also looked up whole; a number is never half a
        # word ('Hjin 2' joined as 'hjin2' would vote for 'haejin' twice over, beside 'hjin').
        joined = [
            a + b
            for a, b in itertools.pairwise(query_tokens)
            if min(len(a), len(b)) <= 4 and a.isalpha() and b.isalpha()
        ]
        # (Two words joined are looked up by their keys alone: 'is' + 'holding' is no word with slips.)
        votes = {token: self.token_votes(token, spelling, further) for token in query_tokens}
        for token in joined:
            votes.setdefault(token, self.token_votes(token, spelling, further=False))
        reachable = sum(votes[token].best or self.token_weight(token) for token in query_tokens)
        return votes, reachable

    def candidates(
        self,
        query_tokens: Sequence[str],
        limit: int,
        spelling: Spelling = Spelling.LATIN,
        further: bool = True,
    ) -> tuple[list[tuple[int, float]], float]:
        """Name forms voted for by the query tokens as (form id, votes), best first, and the most the
        votes could reach.

        Each query token votes once per form, with its best vote there: a token similar to several
        words of one name ('gang' to 'gong', 'kang' and 'hang' in a long Chinese company name) would
        otherwise make such names outvote the name itself. `spelling` says how the query form was
        spelled (tokens.Spelling), which decides what a query token resembles. `further`: look words up
        beyond their keys too (token_votes).
        """
        similar_votes, reachable = self._expansion(query_tokens, spelling, further)
        groups = [votes for votes in similar_votes.values() if len(votes[0])]
        if not groups or self._counter is None:
            return [], reachable
        return self._counter.top(groups, limit), reachable

    def split_glued(self, tokens: Sequence[str]) -> tuple[tuple[str, ...], tuple[int, ...]] | None:
        """The tokens with each unknown word that reads as listed words written together split into them
        ('alexandervyacheslavovichzakharov' -> 'alexander vyacheslavovich zakharov'), and the positions of
        those pieces in the result; None when no word splits (vocabulary.segment; memoized per word)."""
        out: list[str] = []
        pieces_at: list[int] = []
        for token in tokens:
            pieces = self._split(token)
            if pieces is None:
                out.append(token)
                continue
            pieces_at.extend(range(len(out), len(out) + len(pieces)))
            out.extend(pieces)
        return (tuple(out), tuple(pieces_at)) if pieces_at else None

    def glued_spellings(self) -> set[str]:
        """The listed forms' words written together, as a name written without spaces could spell them:
        per form, every run of two or more consecutive words, and all its words from each one on, then
        the ones before ('kimjongun', 'jongun', 'jongunkim', 'unkimjong': the family name first or last).

        For indexes kept elsewhere (the customers' for delta screening), which can look these up by their
        lookup keys and confirm what they find with glued_reading, as split_glued reads a query word."""
        out: set[str] = set()
        for form in self.forms:
            words = [token for token in form.tokens if token.isalpha()]
            n = len(words)
            out.update("".join(words[a:b]) for a in range(n) for b in range(a + 2, n + 1))
            out.update("".join(words[a:] + words[:a]) for a in range(1, n))
        return {glued for glued in out if len(glued) >= TUNING.glued_word}

    def glued_reading(self, token: str) -> tuple[int, ...]:
        """The vocabulary ids of the listed words `token` reads as, written together (the reading
        split_glued gives it: several words one listed name holds), or () when it reads as none."""
        pieces = self._split(token)
        return tuple(self.vocabulary[piece] for piece in pieces) if pieces is not None else ()

    def _split(self, token: str) -> tuple[str, ...] | None:
        if len(token) < TUNING.glued_word or token in self.vocabulary or not token.isalpha():
            return None
        if token not in self._splits:
            if len(self._splits) >= SIMILAR_CACHE:
                self._splits.clear()
            # A word within a slip of a listed word is that word misspelt ('Maplex'), not words run together.
            pieces = None
            if self.token_votes(token).nearest < TUNING.fuzzy_lookup_below:
                pieces = segment(token, self.vocabulary, self.frequency, len(self.forms), TUNING.glued_piece)
            self._splits[token] = pieces if pieces is not None and self._listed_together(pieces) else None
        return self._splits[token]

    def _listed_together(self, pieces: tuple[str, ...]) -> bool:
        """Whether one listed name holds the pieces, every one of them or, from three pieces on, all but one
        (the one may be spelt otherwise there: 'alexander' beside ZAKHAROV, Aleksandr Vyacheslavovich).

        Most words of ordinary names split into some listed words ('baldwin' is 'bal dwin', 'coluccio' is
        'co lu cc io'); what no listed name holds together is no reading of a listed name, and it is
        dropped here, before any of its pieces is looked up."""
        postings = sorted((self.posting(self.vocabulary[piece]) for piece in pieces), key=len)
        need = len(pieces) - (len(pieces) >= 3)
        # A form holding `need` of the pieces holds the rarest piece or, when one may be missing, the
        # second rarest: only those forms are counted.
        found = postings[0] if need == len(pieces) else np.union1d(postings[0], postings[1])
        held = np.zeros(len(found), dtype=np.int64)
        for posting in postings:
            where = np.minimum(np.searchsorted(posting, found), len(posting) - 1)
            held += posting[where] == found
        return bool((held >= need).any())

    def vote_shares(
        self,
        query_tokens: Sequence[str],
        form_ids: Iterable[int],
        spelling: Spelling = Spelling.LATIN,
        further: bool = True,
    ) -> dict[int, float]:
        """The share of the reachable votes that `candidates` would give each of these forms."""
        similar_votes, reachable = self._expansion(query_tokens, spelling, further)
        shares: dict[int, float] = {}
        for form_id in form_ids:
            present = {self.vocabulary[t] for t in self.forms[form_id].tokens}
            votes = sum(  # each query token's best vote in the form, as in candidates
                max(
                    (vote for t, vote in zip(votes_of.ids, votes_of.votes, strict=True) if t in present),
                    default=0.0,
                )
                for votes_of in similar_votes.values()
            )
            shares[form_id] = votes / reachable if reachable else 0.0
        return shares

    def profile(self, tokens: Sequence[str], text: str | None = None) -> _kernel.Profile:
        """Tokens as the kernel aligns and weighs them: a query's, or (given `text`, the name as listed:
        'FAMILY, Given' tells the family name) a listed name's. Each side gets the flags it is weighed by.
        Indexed forms have theirs ready (form_profile).
        """
        unflagged = [False] * len(tokens)
        listed = text is not None
        return _kernel.Profile(
            [token_shape(t) for t in tokens],
            [self.token_weight(t) for t in tokens],
            unflagged if listed else [is_patronymic(t) for t in tokens],
            [is_noise(t) for t in tokens],
            unflagged if listed else [t in self.vocabulary for t in tokens],
            [t in LEGAL_FORMS for t in tokens] if listed else unflagged,
            text,
            family_size,
        )

    def form_profile(self, form_id: int) -> _kernel.Profile:
        """The profile of an indexed form, as profile(tokens, text) would make it."""
        if self.listed is None:
            raise IndexError(f"form {form_id}: the index holds no forms")
        return self.listed.profile(form_id)

    def score_form(self, scoring: FormScoring) -> list[ScoredForm]:
        """The query form aligned with each candidate voted at least `scoring.floor`, best first; only
        pairs whose names are close enough to weigh (TUNING.prefilter) come back. (Compiled:
        _kernel.score_form.)"""
        if self.listed is None:  # an index never built holds no forms to score
            return []
        form = scoring.form
        return _kernel.score_form(
            self.profile(form.tokens),
            scoring.candidates,
            scoring.floor,
            scoring.query_weight,
            TUNING.prefilter,
            form.spelling,
            scoring.organization,
            form.syllabic,
            self.max_weight,
            self.listed,
            token_shape,
        )

    def position_of(self, entity_id: str) -> int | None:
        """Where an entity is in `entities` (made on first use: only the service looks entities up)."""
        if self._positions is None or len(self._positions) != len(self.entities):
            self._positions = {entity.id: position for position, entity in enumerate(self.entities)}
        return self._positions.get(entity_id)

    def by_identifier(self, value: str) -> list[int]:
        return list(self.identifiers.get(identifier_key(value), ()))


# The version of token_keys: raise it whenever the keys a token gets change (a new fold, another hash),
# so that indexes kept elsewhere (the customers' vocabulary) know to file their tokens again.
KEY_SCHEME = 1


def token_keys(token: str) -> list[int]:
    """The 64-bit hashes of the keys the index files a token under and looks it up by (deletions,
    consonant skeleton, phonetic code, consonant frame): for indexes kept elsewhere, such as the
    customers' for delta screening, which must find what this index would."""
    return list(_kernel.key_hashes(token_shape(token), True))


def _key_table(shapes: list[_kernel.Shape]) -> _kernel.KeyTable:
    """Every (key hash, token) pair once, sorted by hash: the table the lookups binary-search."""
    raw_hashes, raw_owners = _kernel.KeyTable.build(shapes)
    hashes = np.frombuffer(raw_hashes, dtype=np.uint64)  # type: ignore[call-overload]
    owners = np.frombuffer(raw_owners, dtype=np.intc).astype(np.int32)  # type: ignore[call-overload]
    order = np.lexsort((owners, hashes))
    hashes, owners = hashes[order], owners[order]
    distinct_pair = np.ones(len(hashes), dtype=bool)  # a token's deletions may repeat ('aab')
    distinct_pair[1:] = (hashes[1:] != hashes[:-1]) | (owners[1:] != owners[:-1])
    hashes, owners = hashes[distinct_pair], owners[distinct_pair]
    distinct, first = np.unique(hashes, return_index=True)
    starts = np.append(first, len(hashes)).astype(np.int64)
    return _kernel.KeyTable(distinct, starts, owners)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector for the duration (restoring its state afterwards).

    What was built is then frozen (gc.freeze): it lives as long as the index, and the collector's
    first pass after a pause would otherwise scan all of it once, a tenth of the build time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
