"""The in-memory candidate index over one registry snapshot.

Built once from the entities (seconds for the whole registry) and then only read, so forked
batch workers share it copy-on-write. Retrieval is by tokens: every query token is expanded to
the vocabulary tokens that share a lookup key with it (exact, one deletion, consonant skeleton,
phonetic code), verified with the token similarity, and the postings of those tokens vote for
name forms, weighted by rarity. Only the best-voted forms go on to full scoring.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sanctionwatch.matching.names import is_noise, listed_forms
from sanctionwatch.matching.tokens import lookup_keys, token_similarity
from sanctionwatch.model import Entity, NameQuality, Schema

ORGANIZATION_SCHEMAS = frozenset({Schema.ORGANIZATION, Schema.COMPANY, Schema.LEGAL_ENTITY})
SIMILAR_CACHE = 200_000  # memoized token lookups (a few hundred bytes each)
NOISE_WEIGHT = 0.15  # share of a full weight that noise tokens (legal forms, 'of', initials) carry
_ID_CLEAN = re.compile(r"[^0-9A-Za-z]")


def identifier_key(value: str) -> str:
    """Identifiers compare without spaces, dashes or case: 'IMO 7937317' and 'imo7937317' agree."""
    key = _ID_CLEAN.sub("", value).upper()
    return key[3:] if key.startswith("IMO") and key[3:].isdigit() else key


def information(token: str) -> float:
    """How much a token can say about identity, before rarity: noise words little, short words less.

    Two- and three-letter tokens (Korean and Chinese syllables, 'Li', 'Kim') recur across unrelated
    people far more than their frequency in one list suggests.
    """
    if is_noise(token):
        return NOISE_WEIGHT
    return SHORT_TOKEN.get(len(token), 1.0)


SHORT_TOKEN = {2: 0.6, 3: 0.8}


@dataclass(slots=True)
class IndexedName:
    entity: int  # position in MatchIndex.entities
    text: str  # the listed name as written
    tokens: tuple[str, ...]
    weak: bool


@dataclass(slots=True)
class Candidate:
    form: int
    votes: float


@dataclass
class MatchIndex:
    entities: list[Entity]
    forms: list[IndexedName] = field(default_factory=list)
    vocabulary: dict[str, int] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)  # token id -> token
    weights: list[float] = field(default_factory=list)  # per vocabulary token
    postings: list[npt.NDArray[np.int32]] = field(default_factory=list)  # per token: form ids
    keys: dict[str, list[int]] = field(default_factory=dict)  # lookup key -> token ids
    identifiers: dict[str, list[int]] = field(default_factory=dict)  # identifier key -> entity positions
    max_weight: float = 1.0
    _similar: dict[str, list[tuple[int, float]]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, entities: Iterable[Entity]) -> MatchIndex:
        index = cls(entities=list(entities))
        postings: list[list[int]] = []
        for position, entity in enumerate(index.entities):
            organization = entity.schema in ORGANIZATION_SCHEMAS
            for name in entity.names:
                weak = name.quality == NameQuality.WEAK
                for form, derived in listed_forms(name.full, organization=organization):
                    form_id = len(index.forms)
                    index.forms.append(IndexedName(position, name.full, form.tokens, weak or derived))
                    for token in set(form.tokens):
                        token_id = index.vocabulary.get(token)
                        if token_id is None:
                            token_id = len(postings)
                            index.vocabulary[token] = token_id
                            postings.append([])
                        postings[token_id].append(form_id)
            for identifier in entity.identifiers:
                key = identifier_key(identifier.value)
                if len(key) >= 4:
                    index.identifiers.setdefault(key, []).append(position)
        index._finish(postings)
        return index

    def _finish(self, postings: list[list[int]]) -> None:
        total = max(len(self.forms), 1)
        self.postings = [np.asarray(p, dtype=np.int32) for p in postings]
        self.weights = []
        for token, token_id in self.vocabulary.items():
            rarity = math.log(1.0 + total / len(postings[token_id]))
            self.weights.append(rarity * information(token))
        self.max_weight = max(self.weights, default=1.0)
        self.words = [""] * len(self.vocabulary)
        for token, token_id in self.vocabulary.items():
            self.words[token_id] = token
        keys: defaultdict[str, list[int]] = defaultdict(list)
        for token, token_id in self.vocabulary.items():
            for key in lookup_keys(token):
                keys[key].append(token_id)
        self.keys = dict(keys)

    def token_weight(self, token: str) -> float:
        """Rarity weight of a token; an unknown token is as rare as the rarest known one."""
        token_id = self.vocabulary.get(token)
        if token_id is not None:
            return self.weights[token_id]
        return self.max_weight * information(token)

    def similar_tokens(self, token: str) -> list[tuple[int, float]]:
        """Vocabulary tokens similar to `token`, with their similarity (memoized: names repeat a lot)."""
        cached = self._similar.get(token)
        if cached is None:
            cached = self._similar_uncached(token)
            if len(self._similar) < SIMILAR_CACHE:
                self._similar[token] = cached
        return cached

    def _similar_uncached(self, token: str) -> list[tuple[int, float]]:
        found: set[int] = set()
        for key in lookup_keys(token):
            found.update(self.keys.get(key, ()))
        if not found:
            return []
        out: list[tuple[int, float]] = []
        for token_id in found:
            similarity = token_similarity(token, self.words[token_id])
            if similarity > 0.0:
                out.append((token_id, similarity))
        return out

    def _expansion(self, query_tokens: Sequence[str]) -> tuple[dict[str, list[tuple[int, float]]], float]:
        """Each query token's similar vocabulary tokens, and the most the votes could reach.

        A query token's weight is that of the rarest vocabulary token it resembles (its own, if it
        resembles none): a misspelt common name must not count as a rare one.
        """
        # A word split in two ('Es ail', 'Jong un') is also looked up whole.
        joined = [a + b for a, b in itertools.pairwise(query_tokens) if min(len(a), len(b)) <= 4]
        similar = {token: self.similar_tokens(token) for token in [*query_tokens, *joined]}
        reachable = sum(
            max((s * self.weights[t] for t, s in similar[token]), default=0.0) or self.token_weight(token)
            for token in query_tokens
        )
        return similar, reachable

    def candidates(self, query_tokens: Sequence[str], limit: int) -> tuple[list[Candidate], float]:
        """Name forms voted for by the query tokens, best first, and the most the votes could reach."""
        similar, reachable = self._expansion(query_tokens)
        form_ids: list[npt.NDArray[np.int32]] = []
        votes: list[float] = []
        for matches in similar.values():
            for token_id, similarity in matches:
                form_ids.append(self.postings[token_id])
                votes.append(similarity * self.weights[token_id])
        if not form_ids:
            return [], reachable
        ids = np.concatenate(form_ids)
        weights = np.repeat(votes, [len(p) for p in form_ids])
        unique, inverse = np.unique(ids, return_inverse=True)
        totals = np.bincount(inverse, weights=weights)
        top = np.argpartition(-totals, limit)[:limit] if len(unique) > limit else np.arange(len(unique))
        order = top[np.argsort(-totals[top])]
        return [Candidate(int(unique[i]), float(totals[i])) for i in order], reachable

    def vote_share(self, query_tokens: Sequence[str], form_id: int) -> float:
        """The share of the reachable votes that `candidates` would give this one form."""
        similar, reachable = self._expansion(query_tokens)
        present = {self.vocabulary[t] for t in self.forms[form_id].tokens}
        votes = sum(
            similarity * self.weights[token_id]
            for matches in similar.values()
            for token_id, similarity in matches
            if token_id in present
        )
        return votes / reachable if reachable else 0.0

    def by_identifier(self, value: str) -> list[int]:
        return list(self.identifiers.get(identifier_key(value), ()))
