"""Text search over the listed parties (yente's GET /search): an inverted index of their FtM properties.

yente searches an Elasticsearch index of every property of every entity. Sanctionwatch keeps its own,
built once per index snapshot from the parties the screener holds (one result per party, however many
lists' records it has: the party's first record stands for it, as in the API's entity shape):

- every FtM property value of a party's records (its own properties, and those of its addresses,
  documents and sanctions) is folded to ASCII words (matching.normalize.ascii_fold, the screener's own
  folding, so "Захаров" and "Zakharov" meet) and each word posts the party, once: under the name words
  when a name of the party holds it, under the other words otherwise;
- each party property's whole value (casefolded) posts the party too, for `properties.<prop>:value`;
- per party: its schema, countries, datasets, topics and gender, as small integer arrays, for filters
  and facet counts over a whole result set.

Memory-light: the keys are 64-bit hashes of the words in sorted numpy arrays, postings are int32
arrays in one block (CSR), so the index holds no Python object per word or per posting. (Two words
sharing a 64-bit hash would post each other's parties: about one chance in 10^10 on the full registry.)
Phrases are checked against the candidates' values, recomputed for them only.
"""

from __future__ import annotations

import threading
import time
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from followthemoney import model
from followthemoney.types import registry as ftm_types

from sanctionwatch.matching.normalize import ascii_fold
from sanctionwatch.model import INTERNAL_SOURCE_PREFIX, Entity
from sanctionwatch.screening.search_syntax import Clause, TextQuery
from sanctionwatch.sources.ftm import FTM_SCHEMA, to_ftm

__all__ = [
    "SANCTION_TOPIC",
    "SearchIndex",
    "SearchIndexCache",
    "party_topics",
    "record_countries",
]

SANCTION_TOPIC = "sanction"
# Sources whose every record is a sanctions designation (the official lists; `ftm` imports carry their
# own topics, as do internal lists imported from FtM; an internal list of another layout carries none).
_NOT_SANCTION_LISTS = ("ftm",)
_MASK = 0xFFFF_FFFF_FFFF_FFFF
Ints = npt.NDArray[np.int32]


def party_topics(records: Iterable[Entity]) -> list[str]:
    """The OpenSanctions topics of a party: those its records carry (FtM imports keep `topics`), and
    "sanction" when a record comes from an official sanctions list (each of its records is a target)."""
    topics: dict[str, None] = {}
    for record in records:
        topics.update(dict.fromkeys(record.properties.get("topics", ())))
        if not record.source.startswith(INTERNAL_SOURCE_PREFIX) and record.source not in _NOT_SANCTION_LISTS:
            topics[SANCTION_TOPIC] = None
    return list(topics)


def _key(text: str) -> int:
    return hash(text) & _MASK


def _value_key(prop: str, value: str) -> int:
    return _key(f"{prop}\x1f{value.casefold().strip()}")


@dataclass(frozen=True)
class _Postings:
    """Sorted 64-bit keys, each with the ascending party ordinals it posts (CSR)."""

    keys: npt.NDArray[np.uint64]
    starts: npt.NDArray[np.int64]
    parties: Ints

    @classmethod
    def build(cls, keys: npt.NDArray[np.uint64], parties: Ints) -> _Postings:
        order = np.lexsort((parties, keys))
        keys, parties = keys[order], parties[order]
        if len(keys):
            keep = np.ones(len(keys), dtype=bool)
            keep[1:] = (keys[1:] != keys[:-1]) | (parties[1:] != parties[:-1])
            keys, parties = keys[keep], parties[keep]
        unique, first = np.unique(keys, return_index=True)
        starts = np.append(first, len(keys)).astype(np.int64)
        return cls(unique, starts, np.ascontiguousarray(parties, dtype=np.int32))

    def get(self, key: int) -> Ints:
        at = int(np.searchsorted(self.keys, np.uint64(key)))
        if at == len(self.keys) or int(self.keys[at]) != key:
            return np.zeros(0, dtype=np.int32)
        return self.parties[self.starts[at] : self.starts[at + 1]]

    @property
    def nbytes(self) -> int:
        return int(self.keys.nbytes + self.starts.nbytes + self.parties.nbytes)


@dataclass(frozen=True)
class _Labels:
    """A multi-valued (or single-valued) attribute of every party: value ids per party, in CSR."""

    names: tuple[str, ...]
    owner: Ints  # party ordinal of each entry
    value: Ints  # value id of each entry

    @classmethod
    def build(cls, per_party: Sequence[Iterable[str]]) -> _Labels:
        ids: dict[str, int] = {}
        owner: list[int] = []
        value: list[int] = []
        for ordinal, values in enumerate(per_party):
            for item in dict.fromkeys(values):
                owner.append(ordinal)
                value.append(ids.setdefault(item, len(ids)))
        return cls(tuple(ids), np.array(owner, dtype=np.int32), np.array(value, dtype=np.int32))

    def parties_with(self, names: Iterable[str]) -> Ints:
        asked = set(names)
        wanted = [i for i, name in enumerate(self.names) if name in asked]
        return np.unique(self.owner[np.isin(self.value, wanted)])

    def counts(self, selected: npt.NDArray[np.bool_]) -> list[tuple[str, int]]:
        """(value, number of selected parties holding it), most first, then by value (as Elasticsearch's
        terms aggregation orders buckets)."""
        held = self.value[selected[self.owner]]
        counts = np.bincount(held, minlength=len(self.names))
        pairs = [(self.names[i], int(c)) for i, c in enumerate(counts) if c]
        return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))

    @property
    def nbytes(self) -> int:
        return int(self.owner.nbytes + self.value.nbytes)


def _values(ftm: list[dict[str, Any]]) -> Iterator[tuple[str, bool, str]]:
    """(property, is a name, value) of every textual value of a record's FtM entities (no entity ids)."""
    for index, data in enumerate(ftm):
        schema = model.get(data["schema"])
        for prop_name, values in data.get("properties", {}).items():
            prop = schema.get(prop_name) if schema is not None else None
            if prop is None or prop.type == ftm_types.entity:
                continue
            is_name = index == 0 and prop.type == ftm_types.name
            qualified = prop_name if index == 0 else f"{data['schema']}.{prop_name}"
            for value in values:
                yield qualified, is_name, str(value)


def _party_values(records: Sequence[Entity]) -> list[tuple[str, bool, str]]:
    return [v for record in records for v in _values(to_ftm(record))]


@dataclass(frozen=True)
class SearchIndex:
    """Every party of a snapshot, searchable by the words of its properties (see the module's docs)."""

    entities: Sequence[Entity]  # the screener's records, by position
    # Per party ordinal: its records' positions (the first one shown), in CSR.
    record_starts: npt.NDArray[np.int64]
    record_positions: Ints
    ordinal_of: Ints  # per record position: its party's ordinal
    names: _Postings
    others: _Postings
    values: _Postings
    schema: _Labels
    countries: _Labels
    datasets: _Labels
    topics: _Labels
    genders: _Labels
    name_length: npt.NDArray[np.uint8]  # fewest words in a name of the party (shorter: a closer hit)
    id_rank: Ints  # the shown record's id, as its rank in id order (yente's tie-break: entity_id)
    caption_rank: Ints  # the shown record's caption, as its rank in (casefolded) caption order
    build_seconds: float

    @classmethod
    def build(cls, entities: Sequence[Entity], party_of: Sequence[int]) -> SearchIndex:
        started = time.perf_counter()
        groups: dict[int, list[int]] = {}
        for position, root in enumerate(party_of):
            groups.setdefault(root, []).append(position)
        party_records = [sorted(members) for _root, members in sorted(groups.items())]
        ordinal_of = np.zeros(len(entities), dtype=np.int32)
        for ordinal, members in enumerate(party_records):
            ordinal_of[members] = ordinal
        # C arrays, not lists: millions of int objects would be freed after the build but leave the
        # memory they fragmented behind (as in MatchIndex.build).
        name_keys, name_owner = array("Q"), array("i")
        other_keys, other_owner = array("Q"), array("i")
        value_keys, value_owner = array("Q"), array("i")
        lengths = array("B")
        for ordinal, members in enumerate(party_records):
            records = [entities[p] for p in members]
            in_names: set[str] = set()
            elsewhere: set[str] = set()
            shortest = 255
            for prop, is_name, value in _party_values(records):
                words = ascii_fold(value).split()
                if is_name:
                    in_names.update(words)
                    shortest = min(shortest, len(words) or 255)
                else:
                    elsewhere.update(words)
                if "." not in prop:
                    value_keys.append(_value_key(prop, value))
                    value_owner.append(ordinal)
            name_keys.extend(map(_key, in_names))
            name_owner.extend([ordinal] * len(in_names))
            rest = elsewhere - in_names
            other_keys.extend(map(_key, rest))
            other_owner.extend([ordinal] * len(rest))
            lengths.append(shortest)

        def postings(keys: array[int], owner: array[int]) -> _Postings:
            return _Postings.build(
                np.frombuffer(keys, dtype=np.uint64).copy(), np.frombuffer(owner, dtype=np.int32).copy()
            )

        def per_party(attribute: Any) -> list[list[str]]:
            return [[v for p in members for v in attribute(entities[p])] for members in party_records]

        return cls(
            entities=entities,
            record_starts=np.cumsum([0, *map(len, party_records)], dtype=np.int64),
            record_positions=np.array([p for m in party_records for p in m], dtype=np.int32),
            ordinal_of=ordinal_of,
            names=postings(name_keys, name_owner),
            others=postings(other_keys, other_owner),
            values=postings(value_keys, value_owner),
            schema=_Labels.build([[_ftm_schema(entities[m[0]])] for m in party_records]),
            countries=_Labels.build(per_party(record_countries)),
            datasets=_Labels.build(per_party(lambda e: [e.source])),
            topics=_Labels.build([party_topics(entities[p] for p in m) for m in party_records]),
            genders=_Labels.build(per_party(lambda e: [e.gender] if e.gender else [])),
            name_length=np.array(lengths, dtype=np.uint8),
            id_rank=_ranks([entities[m[0]].id for m in party_records]),
            caption_rank=_ranks([entities[m[0]].caption.casefold() for m in party_records]),
            build_seconds=time.perf_counter() - started,
        )

    @property
    def size(self) -> int:
        """Number of parties."""
        return len(self.record_starts) - 1

    @property
    def nbytes(self) -> int:
        """Bytes of the index's arrays (its own memory: the records are the screener's)."""
        arrays = (self.names, self.others, self.values, self.schema, self.countries, self.datasets)
        return (
            sum(a.nbytes for a in arrays)
            + self.topics.nbytes
            + self.genders.nbytes
            + int(self.ordinal_of.nbytes + self.name_length.nbytes)
            + int(self.record_starts.nbytes + self.record_positions.nbytes)
            + int(self.id_rank.nbytes + self.caption_rank.nbytes)
        )

    def positions(self, ordinal: int) -> list[int]:
        return [
            int(p)
            for p in self.record_positions[self.record_starts[ordinal] : self.record_starts[ordinal + 1]]
        ]

    def records(self, ordinal: int) -> list[Entity]:
        return [self.entities[p] for p in self.positions(ordinal)]

    def shown(self, ordinal: int) -> Entity:
        """The record that stands for the party in results."""
        return self.entities[int(self.record_positions[self.record_starts[ordinal]])]

    # ---- matching ----------------------------------------------------------------------------------

    @staticmethod
    def fold(text: str) -> list[str]:
        """The words of a text as the index holds them."""
        return ascii_fold(text).split()

    def values_of(self, prop: str, value: str) -> Ints:
        """Parties with this whole value (case aside) of this FtM property of their own."""
        return self.values.get(_value_key(prop, value))

    def word_hits(self, word: str) -> Ints:
        """Parties holding the (folded) word anywhere."""
        key = _key(word)
        return np.union1d(self.names.get(key), self.others.get(key)).astype(np.int32)

    def name_hits(self, word: str) -> Ints:
        return self.names.get(_key(word))

    def find(self, query: TextQuery, labels: dict[str, _Labels]) -> Ints:
        """The parties every positive clause finds and no negated one does (all of them when none is
        positive), ascending. `labels`: the facet attributes a `field:value` clause may name."""
        found: Ints | None = None
        excluded: list[Ints] = []
        for clause in query.clauses:
            hits = self._clause(clause, labels)
            if clause.negated:
                excluded.append(hits)
            else:
                found = hits if found is None else np.intersect1d(found, hits, assume_unique=True)
        result = np.arange(self.size, dtype=np.int32) if found is None else found
        for hits in excluded:
            result = np.setdiff1d(result, hits, assume_unique=True)
        return result.astype(np.int32)

    def _clause(self, clause: Clause, labels: dict[str, _Labels]) -> Ints:
        if clause.field is not None and clause.field.startswith("properties."):
            return self.values.get(_value_key(clause.field.removeprefix("properties."), clause.text))
        if clause.field == "entity_id":
            return self._by_record_id(clause.text)
        if clause.field in labels:
            return labels[clause.field].parties_with([clause.text])
        words = ascii_fold(clause.text).split()
        if not words:
            return np.zeros(0, dtype=np.int32)
        lookup = self.name_hits if clause.field == "names" else self.word_hits
        hits = lookup(words[0])
        for word in words[1:]:
            hits = np.intersect1d(hits, lookup(word), assume_unique=True)
        if clause.phrase and len(words) > 1:
            hits = np.array(
                [o for o in hits if self._has_phrase(int(o), words, clause.field)], dtype=np.int32
            )
        return hits.astype(np.int32)

    def _by_record_id(self, entity_id: str) -> Ints:
        for position, entity in enumerate(self.entities):
            if entity.id == entity_id:
                return np.array([self.ordinal_of[position]], dtype=np.int32)
        return np.zeros(0, dtype=np.int32)

    def _has_phrase(self, ordinal: int, words: list[str], field: str | None) -> bool:
        """Whether one value of the party holds the words in a row (checked on its values, recomputed)."""
        size = len(words)
        for _prop, is_name, value in _party_values(self.records(ordinal)):
            if field == "names" and not is_name:
                continue
            folded = ascii_fold(value).split()
            if any(folded[i : i + size] == words for i in range(len(folded) - size + 1)):
                return True
        return False


def _ranks(keys: Sequence[str]) -> Ints:
    ranks = np.empty(len(keys), dtype=np.int32)
    ranks[np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int64)] = np.arange(
        len(keys), dtype=np.int32
    )
    return ranks


def _ftm_schema(entity: Entity) -> str:
    return FTM_SCHEMA.get(entity.schema, entity.schema)


def record_countries(entity: Entity) -> list[str]:
    """Every country a record links the party to, as yente's `countries` field holds them."""
    return [
        *entity.nationalities,
        *entity.citizenships,
        *entity.countries,
        *(a.country for a in entity.addresses if a.country),
    ]


class SearchIndexCache:
    """The search index of the snapshot in use: built once per snapshot (by the first caller, the
    others waiting for it), dropped with the snapshot."""

    def __init__(self) -> None:
        self._key: object | None = None
        self._index: SearchIndex | None = None
        self._lock = threading.Lock()

    def get(self, key: object, entities: Sequence[Entity], party_of: Sequence[int]) -> SearchIndex:
        with self._lock:
            if self._key is not key or self._index is None:
                self._index = None  # the old one goes before the new one is built
                self._index = SearchIndex.build(entities, party_of)
                self._key = key
            return self._index
