"""Text search over the snapshot's entities (yente's GET /search): an inverted index of their FtM properties.

yente searches an Elasticsearch index of every property of every entity. Sanctionwatch keeps its own,
built once per index snapshot. Its documents are:

- the parties the screener holds (one document per party, however many lists' records it has: the
  party's first record stands for it, as in the API's entity shape); their ordinals come first;
- the other entities of the snapshot's FtM versions (registry/ftm.py), those that are no registry
  record: an Address, a Sanction, a Payment ... as FtM has them, under their FtM id (one document per
  id, whatever datasets hold it). A party an FtM file lists without targeting it is a party.

For each document:

- every FtM property value (a party's records' own, and those of their addresses, documents and
  sanctions; an FtM entity's own) is folded to ASCII words (matching.normalize.ascii_fold, the
  screener's own folding, so "Захаров" and "Zakharov" meet) and each word posts the document, once:
  under the name words when a name of it holds it, under the other words otherwise;
- each own property's whole value (casefolded) posts it too, for `properties.<prop>:value`;
- its schema, countries, datasets, topics and gender, as small integer arrays, for filters and facet
  counts over a whole result set; whether it is a target, and its first_seen / last_seen / last_change,
  all as the API shows them (an FtM entity: what its dataset states; otherwise, and where the dataset
  says nothing, the registry's version history), so that a filter or a sort never disagrees with the
  answer it orders.

Memory-light: the keys are 64-bit hashes of the words in sorted numpy arrays, postings are int32
arrays in one block (CSR), so the index holds no Python object per word or per posting (nor per FtM
document: their ids are one UTF-8 block). (Two words sharing a 64-bit hash would post each other's
documents: about one chance in 10^10 on the full registry.) Phrases are checked against the
candidates' values, recomputed for them only (read again from the registry for an FtM document).
"""

from __future__ import annotations

import logging
import threading
import time
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from followthemoney import model
from followthemoney.proxy import EntityProxy
from followthemoney.types import registry as ftm_types

from sanctionwatch.matching.normalize import ascii_fold
from sanctionwatch.model import INTERNAL_SOURCE_PREFIX, Entity, is_ftm_source
from sanctionwatch.registry.ftm import STATED_DATES, FtmEntities, FtmFragment, merged_proxy, stated_dates_of
from sanctionwatch.screening.live import RecordDates
from sanctionwatch.screening.search_syntax import Clause, TextQuery
from sanctionwatch.sources.ftm import FTM_SCHEMA, to_ftm

log = logging.getLogger(__name__)

__all__ = [
    "DATE_FIELDS",
    "SANCTION_TOPIC",
    "FtmDocuments",
    "SearchIndex",
    "SearchIndexCache",
    "party_target",
    "party_topics",
    "record_countries",
]

SANCTION_TOPIC = "sanction"
DATE_FIELDS = STATED_DATES  # the dates a result shows, sorts and filters on
# Sources whose every record is a sanctions designation (the official lists; `ftm` imports carry their
# own topics, as do internal lists imported from FtM; an internal list of another layout carries none).
_NOT_SANCTION_LISTS = ("ftm",)
_MASK = 0xFFFF_FFFF_FFFF_FFFF
Ints = npt.NDArray[np.int32]
Dates = tuple[str | None, str | None, str | None]  # first_seen, last_seen, last_change as shown


def party_topics(records: Iterable[Entity]) -> list[str]:
    """The OpenSanctions topics of a party: those its records carry (FtM imports keep `topics`), and
    "sanction" when a record comes from an official sanctions list (each of its records is a target)."""
    topics: dict[str, None] = {}
    for record in records:
        topics.update(dict.fromkeys(record.properties.get("topics", ())))
        if not record.source.startswith(INTERNAL_SOURCE_PREFIX) and record.source not in _NOT_SANCTION_LISTS:
            topics[SANCTION_TOPIC] = None
    return list(topics)


def party_target(records: Sequence[Entity]) -> bool:
    """Whether a party is a target as the API shows it (records: the shown one first): that record's
    `target`; for an FtM entity, whether any dataset holding its id targets it (as the FtM entity's
    answer merges them). A party an FtM file lists with `target: false` is not a target."""
    shown = records[0]
    if not is_ftm_source(shown.source):
        return shown.target
    return any(r.target for r in records if is_ftm_source(r.source) and r.source_id == shown.source_id)


def _key(text: str) -> int:
    return hash(text) & _MASK


def _value_key(prop: str, value: str) -> int:
    return _key(f"{prop}\x1f{value.casefold().strip()}")


@dataclass(frozen=True)
class _Postings:
    """Sorted 64-bit keys, each with the ascending document ordinals it posts (CSR)."""

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
    """A multi-valued (or single-valued) attribute of every document: value ids per document, in CSR."""

    names: tuple[str, ...]
    owner: Ints  # document ordinal of each entry
    value: Ints  # value id of each entry

    @classmethod
    def build(cls, per_party: Iterable[Iterable[str]]) -> _Labels:
        ids: dict[str, int] = {}
        owner: array[int] = array("i")
        value: array[int] = array("i")
        for ordinal, values in enumerate(per_party):
            for item in dict.fromkeys(values):
                owner.append(ordinal)
                value.append(ids.setdefault(item, len(ids)))
        return cls(
            tuple(ids),
            np.frombuffer(owner, dtype=np.int32).copy(),
            np.frombuffer(value, dtype=np.int32).copy(),
        )

    def parties_with(self, names: Iterable[str]) -> Ints:
        asked = set(names)
        wanted = [i for i, name in enumerate(self.names) if name in asked]
        return np.unique(self.owner[np.isin(self.value, wanted)])

    def counts(self, selected: npt.NDArray[np.bool_]) -> list[tuple[str, int]]:
        """(value, number of selected documents holding it), most first, then by value (as
        Elasticsearch's terms aggregation orders buckets)."""
        held = self.value[selected[self.owner]]
        counts = np.bincount(held, minlength=len(self.names))
        pairs = [(self.names[i], int(c)) for i, c in enumerate(counts) if c]
        return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))

    @property
    def nbytes(self) -> int:
        return int(self.owner.nbytes + self.value.nbytes)


@dataclass(frozen=True)
class _Texts:
    """Strings by position in one UTF-8 block (no Python object per string)."""

    block: bytes
    starts: npt.NDArray[np.int64]

    @classmethod
    def build(cls, texts: Sequence[str]) -> _Texts:
        encoded = [t.encode("utf-8") for t in texts]
        return cls(b"".join(encoded), np.cumsum([0, *map(len, encoded)], dtype=np.int64))

    def __getitem__(self, at: int) -> str:
        return self.block[int(self.starts[at]) : int(self.starts[at + 1])].decode("utf-8")

    def __len__(self) -> int:
        return len(self.starts) - 1

    @property
    def nbytes(self) -> int:
        return len(self.block) + int(self.starts.nbytes)


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


def _fragment_values(fragments: Sequence[FtmFragment]) -> list[tuple[str, bool, str]]:
    return [v for fragment in fragments for v in _values([fragment.data])]


@dataclass(frozen=True)
class FtmDocuments:
    """Where the index reads the FtM entities of a snapshot: the registry's reader and the snapshot's
    versions of FtM sources (so that a document never mixes two versions of a dataset)."""

    entities: FtmEntities
    versions: tuple[int, ...]

    def read(self, ids: Iterable[str]) -> dict[str, list[FtmFragment]]:
        """The fragments of these ids (chunked reads)."""
        return self.entities.get(self.versions, ids)

    def grouped(self) -> Iterator[list[FtmFragment]]:
        """Every entity of the versions, its fragments (one per dataset holding its id) together."""
        group: list[FtmFragment] = []
        for fragment in self.entities.every(self.versions):
            if group and fragment.id != group[0].id:
                yield group
                group = []
            group.append(fragment)
        if group:
            yield group


@dataclass(frozen=True, slots=True)
class _Stated:
    """What an FtM entity's datasets state of it, as its answer shows it (api.yente.ftm_entity_response:
    the fragments merged, the first one's caption, the earliest first_seen and latest other dates)."""

    schema: str
    caption: str
    dates: Dates
    target: bool

    @classmethod
    def of(cls, fragments: Sequence[FtmFragment], shared: dict[str, str]) -> _Stated:
        first = fragments[0].data
        proxy: EntityProxy | None = None
        schema = str(first["schema"])
        if len(fragments) > 1 or not first.get("caption"):
            proxy = merged_proxy(fragments)
            schema = proxy.schema.name
        caption = str(first.get("caption") or (proxy.caption if proxy is not None else ""))
        dates = tuple(
            shared.setdefault(d, d) if d is not None else None
            for d in stated_dates_of(f.data for f in fragments)
        )
        return cls(schema, caption, dates, any(bool(f.data.get("target")) for f in fragments))  # type: ignore[arg-type]


class _Builder:
    """The documents' words, labels and keys as they are added (C arrays: millions of int objects
    would be freed after the build but leave the memory they fragmented behind, as in MatchIndex)."""

    def __init__(self) -> None:
        self.name_keys, self.name_owner = array("Q"), array("i")
        self.other_keys, self.other_owner = array("Q"), array("i")
        self.value_keys, self.value_owner = array("Q"), array("i")
        self.lengths = array("B")
        self.targets = array("b")
        self.date_codes = (array("i"), array("i"), array("i"))
        self.dates: dict[str, int] = {}
        self.schema: list[list[str]] = []
        self.countries: list[list[str]] = []
        self.datasets: list[list[str]] = []
        self.topics: list[list[str]] = []
        self.genders: list[list[str]] = []
        self.ids: list[str] = []  # the id each document is shown under (yente's entity_id)
        self.captions: list[str] = []

    def add(self, values: Iterable[tuple[str, bool, str]], target: bool, dates: Dates) -> None:
        """A document's words and values (its ordinal: the number added before it)."""
        ordinal = len(self.lengths)
        in_names: set[str] = set()
        elsewhere: set[str] = set()
        shortest = 255
        for prop, is_name, value in values:
            words = ascii_fold(value).split()
            if is_name:
                in_names.update(words)
                shortest = min(shortest, len(words) or 255)
            else:
                elsewhere.update(words)
            if "." not in prop:
                self.value_keys.append(_value_key(prop, value))
                self.value_owner.append(ordinal)
        self.name_keys.extend(map(_key, in_names))
        self.name_owner.extend([ordinal] * len(in_names))
        rest = elsewhere - in_names
        self.other_keys.extend(map(_key, rest))
        self.other_owner.extend([ordinal] * len(rest))
        self.lengths.append(shortest)
        self.targets.append(int(target))
        for codes, date in zip(self.date_codes, dates, strict=True):
            codes.append(-1 if date is None else self.dates.setdefault(date, len(self.dates)))

    def postings(self, which: str) -> _Postings:
        keys: array[int] = getattr(self, f"{which}_keys")
        owner: array[int] = getattr(self, f"{which}_owner")
        return _Postings.build(
            np.frombuffer(keys, dtype=np.uint64).copy(), np.frombuffer(owner, dtype=np.int32).copy()
        )

    def date_ranks(self) -> tuple[tuple[str, ...], tuple[Ints, Ints, Ints]]:
        """The distinct dates in order, and each document's dates as their ranks (-1: none)."""
        ordered = sorted(self.dates)
        rank = np.zeros(len(ordered) + 1, dtype=np.int32)
        rank[[self.dates[d] for d in ordered]] = np.arange(len(ordered), dtype=np.int32)
        rank[-1] = -1  # code -1 indexes the last slot
        ranks = tuple(rank[np.frombuffer(codes, dtype=np.int32)] for codes in self.date_codes)
        return tuple(ordered), ranks  # type: ignore[return-value]


@dataclass(frozen=True)
class SearchIndex:
    """Every party of a snapshot and every other FtM entity of its FtM versions, searchable by the
    words of their properties (see the module's docs). Ordinals: parties first, then FtM documents."""

    entities: Sequence[Entity]  # the screener's records, by position
    # Per party ordinal: its records' positions (the first one shown), in CSR.
    record_starts: npt.NDArray[np.int64]
    record_positions: Ints
    ordinal_of: Ints  # per record position: its party's ordinal
    ftm_ids: _Texts  # per FtM document (ordinal - number of parties): its FtM id
    ftm: FtmDocuments | None
    names: _Postings
    others: _Postings
    values: _Postings
    schema: _Labels
    countries: _Labels
    datasets: _Labels  # sources
    topics: _Labels
    genders: _Labels
    name_length: npt.NDArray[np.uint8]  # fewest words in a name of the document (shorter: a closer hit)
    target: npt.NDArray[np.bool_]
    id_rank: Ints  # the shown id, as its rank in id order (yente's tie-break: entity_id)
    caption_rank: Ints  # the shown caption, as its rank in (casefolded) caption order
    date_values: tuple[str, ...]  # every date shown, in order
    date_ranks: tuple[Ints, Ints, Ints]  # per document: first_seen, last_seen, last_change (-1: none)
    build_seconds: float

    @classmethod
    def build(
        cls,
        entities: Sequence[Entity],
        party_of: Sequence[int],
        dates: RecordDates | None = None,
        ftm: FtmDocuments | None = None,
    ) -> SearchIndex:
        """`dates`: the registry's record history (None: no dates); `ftm`: the snapshot's FtM entities."""
        started = time.perf_counter()
        groups: dict[int, list[int]] = {}
        for position, root in enumerate(party_of):
            groups.setdefault(root, []).append(position)
        party_records = [sorted(members) for _root, members in sorted(groups.items())]
        ordinal_of = np.zeros(len(entities), dtype=np.int32)
        for ordinal, members in enumerate(party_records):
            ordinal_of[members] = ordinal
        # FtM parties are shown as their datasets state them; the other FtM entities are documents.
        ftm_parties = {e.source_id for e in entities if is_ftm_source(e.source)}
        stated: dict[str, _Stated] = {}
        shared: dict[str, str] = {}
        documents = _Builder()
        for fragments in ftm.grouped() if ftm is not None else ():
            about = _Stated.of(fragments, shared)
            if fragments[0].id in ftm_parties:
                stated[fragments[0].id] = about
                continue
            documents.add(_fragment_values(fragments), about.target, about.dates)
            documents.schema.append([about.schema])
            documents.countries.append(_fragment_countries(fragments))
            documents.datasets.append([f.source for f in fragments])
            documents.topics.append(
                [str(t) for f in fragments for t in f.data.get("properties", {}).get("topics", ())]
            )
            documents.genders.append(
                [str(g) for f in fragments for g in f.data.get("properties", {}).get("gender", ())]
            )
            documents.ids.append(fragments[0].id)
            documents.captions.append(about.caption)
        parties = _Builder()
        for members in party_records:
            records = [entities[p] for p in members]
            shown = records[0]
            known: Dates = dates.of_party(records) if dates is not None else (None, None, None)
            about_ftm = stated.get(shown.source_id) if is_ftm_source(shown.source) else None
            if about_ftm is not None:
                known = tuple(s if s is not None else k for s, k in zip(about_ftm.dates, known, strict=True))  # type: ignore[assignment]
            parties.add(_party_values(records), party_target(records), known)
            parties.schema.append([about_ftm.schema if about_ftm is not None else _ftm_schema(shown)])
            parties.countries.append([c for r in records for c in record_countries(r)])
            parties.datasets.append([r.source for r in records])
            parties.topics.append(party_topics(records))
            parties.genders.append([r.gender for r in records if r.gender])
            parties.ids.append(shown.source_id if is_ftm_source(shown.source) else shown.id)
            parties.captions.append(about_ftm.caption if about_ftm is not None else shown.caption)
        return cls._assemble(entities, party_records, ordinal_of, parties, documents, ftm, started)

    @classmethod
    def _assemble(
        cls,
        entities: Sequence[Entity],
        party_records: list[list[int]],
        ordinal_of: Ints,
        parties: _Builder,
        documents: _Builder,
        ftm: FtmDocuments | None,
        started: float,
    ) -> SearchIndex:
        """The parties' and the FtM documents' arrays as one index (the documents' ordinals after the
        parties')."""
        offset = len(party_records)
        for name in ("name", "other", "value"):
            getattr(parties, f"{name}_keys").extend(getattr(documents, f"{name}_keys"))
            getattr(parties, f"{name}_owner").extend(o + offset for o in getattr(documents, f"{name}_owner"))
        parties.lengths.extend(documents.lengths)
        parties.targets.extend(documents.targets)
        codes = {
            code: parties.dates.setdefault(date, len(parties.dates)) for date, code in documents.dates.items()
        }
        for mine, theirs in zip(parties.date_codes, documents.date_codes, strict=True):
            mine.extend(codes[c] if c >= 0 else -1 for c in theirs)
        date_values, date_ranks = parties.date_ranks()

        def labels(attribute: str) -> _Labels:
            return _Labels.build([*getattr(parties, attribute), *getattr(documents, attribute)])

        return cls(
            entities=entities,
            record_starts=np.cumsum([0, *map(len, party_records)], dtype=np.int64),
            record_positions=np.array([p for m in party_records for p in m], dtype=np.int32),
            ordinal_of=ordinal_of,
            ftm_ids=_Texts.build(documents.ids),
            ftm=ftm,
            names=parties.postings("name"),
            others=parties.postings("other"),
            values=parties.postings("value"),
            schema=labels("schema"),
            countries=labels("countries"),
            datasets=labels("datasets"),
            topics=labels("topics"),
            genders=labels("genders"),
            name_length=np.frombuffer(parties.lengths, dtype=np.uint8).copy(),
            target=np.frombuffer(parties.targets, dtype=np.int8).astype(bool),
            id_rank=_ranks([*parties.ids, *documents.ids]),
            caption_rank=_ranks([c.casefold() for c in (*parties.captions, *documents.captions)]),
            date_values=date_values,
            date_ranks=date_ranks,
            build_seconds=time.perf_counter() - started,
        )

    @property
    def size(self) -> int:
        """Number of documents: parties and FtM documents."""
        return self.parties + len(self.ftm_ids)

    @property
    def parties(self) -> int:
        """Number of parties (the first ordinals)."""
        return len(self.record_starts) - 1

    @property
    def nbytes(self) -> int:
        """Bytes of the index's arrays (its own memory: the records are the screener's)."""
        arrays = (self.names, self.others, self.values, self.schema, self.countries, self.datasets)
        return (
            sum(a.nbytes for a in arrays)
            + self.topics.nbytes
            + self.genders.nbytes
            + self.ftm_ids.nbytes
            + int(self.ordinal_of.nbytes + self.name_length.nbytes + self.target.nbytes)
            + int(self.record_starts.nbytes + self.record_positions.nbytes)
            + int(self.id_rank.nbytes + self.caption_rank.nbytes)
            + sum(int(r.nbytes) for r in self.date_ranks)
        )

    def positions(self, ordinal: int) -> list[int]:
        return [
            int(p)
            for p in self.record_positions[self.record_starts[ordinal] : self.record_starts[ordinal + 1]]
        ]

    def records(self, ordinal: int) -> list[Entity]:
        """A party's records (none for an FtM document)."""
        if ordinal >= self.parties:
            return []
        return [self.entities[p] for p in self.positions(ordinal)]

    def shown_record(self, ordinal: int) -> Entity | None:
        """The record that stands for a party in results; None for an FtM document."""
        if ordinal >= self.parties:
            return None
        return self.entities[int(self.record_positions[self.record_starts[ordinal]])]

    def ftm_id(self, ordinal: int) -> str | None:
        """An FtM document's id; None for a party."""
        return self.ftm_ids[ordinal - self.parties] if ordinal >= self.parties else None

    def date(self, field: str, ordinal: int) -> int | None:
        """A document's date (one of DATE_FIELDS) as shown, as its rank among the dates; None: none."""
        rank = int(self.date_ranks[DATE_FIELDS.index(field)][ordinal])
        return None if rank < 0 else rank

    def changed_since(self, moment: str) -> Ints:
        """The documents whose shown last_change is at or after `moment` (yente's wire format)."""
        lowest = bisect_left(self.date_values, moment)
        return np.flatnonzero(self.date_ranks[2] >= lowest).astype(np.int32)

    # ---- matching ----------------------------------------------------------------------------------

    @staticmethod
    def fold(text: str) -> list[str]:
        """The words of a text as the index holds them."""
        return ascii_fold(text).split()

    def values_of(self, prop: str, value: str) -> Ints:
        """Documents with this whole value (case aside) of this FtM property of their own."""
        return self.values.get(_value_key(prop, value))

    def word_hits(self, word: str) -> Ints:
        """Documents holding the (folded) word anywhere."""
        key = _key(word)
        return np.union1d(self.names.get(key), self.others.get(key)).astype(np.int32)

    def name_hits(self, word: str) -> Ints:
        return self.names.get(_key(word))

    def find(self, query: TextQuery, labels: dict[str, _Labels]) -> Ints:
        """The documents every positive clause finds and no negated one does (all of them when none is
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
            return self.with_ids([clause.text])
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
            hits = self._with_phrase(hits, words, clause.field)
        return hits.astype(np.int32)

    def with_ids(self, ids: Iterable[str]) -> Ints:
        """The documents known by any of these ids: a record's registry id, an FtM id (scanned: rare)."""
        wanted = set(ids)
        found = {int(self.ordinal_of[p]) for p, e in enumerate(self.entities) if e.id in wanted}
        found.update(
            int(self.ordinal_of[p])
            for p, e in enumerate(self.entities)
            if is_ftm_source(e.source) and e.source_id in wanted
        )
        found.update(self.parties + i for i in range(len(self.ftm_ids)) if self.ftm_ids[i] in wanted)
        return np.array(sorted(found), dtype=np.int32)

    def _with_phrase(self, hits: Ints, words: list[str], field: str | None) -> Ints:
        """The documents of `hits` one value of which holds the words in a row (checked on their
        values, recomputed: the FtM documents' read again, all in one read)."""
        ids = {int(o): ftm_id for o in hits if (ftm_id := self.ftm_id(int(o))) is not None}
        read = self.ftm.read(ids.values()) if self.ftm is not None and ids else {}
        kept = []
        for o in hits.tolist():
            found = read.get(ids[o], []) if o in ids else None
            values = _fragment_values(found) if found is not None else _party_values(self.records(o))
            if _has_phrase(values, words, field):
                kept.append(o)
        return np.array(kept, dtype=np.int32)


def _has_phrase(values: Iterable[tuple[str, bool, str]], words: list[str], field: str | None) -> bool:
    """Whether one of the values (a name, for `names:`) holds the words in a row."""
    size = len(words)
    for _prop, is_name, value in values:
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


def _fragment_countries(fragments: Sequence[FtmFragment]) -> list[str]:
    """Every country value of an FtM entity (its country-typed properties), as yente's `countries`."""
    found: list[str] = []
    for fragment in fragments:
        schema = model.get(fragment.data["schema"])
        for name, values in fragment.data.get("properties", {}).items():
            prop = schema.get(name) if schema is not None else None
            if prop is not None and prop.type == ftm_types.country:
                found.extend(str(v) for v in values)
    return found


class SearchIndexCache:
    """The search index of the snapshot in use: built once per snapshot (by the first caller, the
    others waiting for it), dropped with the snapshot."""

    def __init__(self) -> None:
        self._key: object | None = None
        self._index: SearchIndex | None = None
        self._lock = threading.Lock()

    def get(
        self,
        key: object,
        entities: Sequence[Entity],
        party_of: Sequence[int],
        dates: RecordDates | None = None,
        ftm: FtmDocuments | None = None,
    ) -> SearchIndex:
        with self._lock:
            if self._key is not key or self._index is None:
                self._index = None  # the old one goes before the new one is built
                built = SearchIndex.build(entities, party_of, dates, ftm)
                log.info(
                    "search index built in %.1f s (%d parties, %d other FtM entities, %.1f MB)",
                    built.build_seconds,
                    built.parties,
                    built.size - built.parties,
                    built.nbytes / 1e6,
                )
                self._index, self._key = built, key
            return self._index
