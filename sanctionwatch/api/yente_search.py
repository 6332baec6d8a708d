"""GET /search/{dataset} as yente answers it: a text search with filters, facets, sorting and paging,
over the snapshot's search index (screening.search): its parties, and the other entities of its FtM
datasets (an Address, a Sanction ...), each shown as /entities/{id} shows it (EntityJsonCache).

Results: the entities holding every word of `q` (in any property), and, when `q` is only words and
phrases (a name, likely), the parties whose names the name model scores at or above the alert threshold
against `q` as a name: a name written in another script or spelled otherwise ("김정은" for KIM Jong Un)
is found as /match would find it. Every filter reads the index, which holds what the answer shows:
the schema, datasets, countries, topics, `target` and dates of each entity.

Ranking (yente ranks by Elasticsearch's relevance; ours is stated here): name hits come first (every
word of `q` in the entity's names, or a model score at or above the threshold), best first by the name
model's score (computed for the `RANKED_BY_MODEL` best parties), then by the fewest words in a name;
then the entities that hold the words elsewhere, by how many of the words their names hold. Ties, and
a search without `q`, go by the id shown. `sort` reorders by its fields first (missing values last), the
ranking breaking ties, as yente appends its score order to the sorts asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from followthemoney import model
from followthemoney.types import registry as ftm_types

from sanctionwatch.api.entities import EntityJsonCache
from sanctionwatch.api.yente_params import MAX_RESULTS, Facet, FilterOp, ResultFilter, SearchFilters
from sanctionwatch.errors import InputError
from sanctionwatch.matching.tuning import TUNING
from sanctionwatch.model import INTERNAL_SOURCE_PREFIX
from sanctionwatch.screening.live import Snapshot, wire_time
from sanctionwatch.screening.party import PartyQuery, screen_party
from sanctionwatch.screening.query import QueryError
from sanctionwatch.screening.search import DATE_FIELDS, SearchIndex
from sanctionwatch.screening.search_syntax import TextQuery
from sanctionwatch.sources.catalog import SOURCES
from sanctionwatch.sources.datasets import ftm_dataset

__all__ = ["RANKED_BY_MODEL", "SearchAsked", "search_answer"]

RANKED_BY_MODEL = 50  # name hits ordered by the name model (a fixed number: pages must not depend on it)
Ints = np.ndarray[Any, np.dtype[np.int32]]


@dataclass(frozen=True)
class SearchAsked:
    query: TextQuery
    schema: str  # yente's `schema`: the FtM schema results must be (its matchable kinds)
    sources: tuple[str, ...]  # the path's dataset (empty: all)
    result_filter: ResultFilter  # the record filters (/match's and /search's)
    filters: SearchFilters
    limit: int
    offset: int


def search_answer(
    snapshot: Snapshot, index: SearchIndex, asked: SearchAsked, entity_json: EntityJsonCache
) -> dict[str, Any]:
    """yente's SearchResponse for `asked`, each result as the API shows it (`entity_json`)."""
    if asked.offset + asked.limit > MAX_RESULTS:
        raise InputError(f"offset + limit: {asked.offset + asked.limit}, more than yente's {MAX_RESULTS}")
    scores = _model_scores(snapshot, index, asked.query.free_text)
    found = _found(index, asked, scores)
    facets = _facets(index, found, asked.filters.facets)
    page: list[int] = []
    if asked.limit:
        order = _ranked(index, asked.query, found, scores)
        order = _sorted(index, order, asked.filters)
        page = order[asked.offset : asked.offset + asked.limit]
    results = [body for o in page if (body := _shown(snapshot, index, entity_json, o)) is not None]
    return {
        "limit": asked.limit,
        "offset": asked.offset,
        "total": {"value": len(found), "relation": "eq"},
        "results": results,
        "facets": facets,
    }


def _shown(
    snapshot: Snapshot, index: SearchIndex, entity_json: EntityJsonCache, ordinal: int
) -> dict[str, Any] | None:
    """A result as /match and /entities/{id} show it: a party by its shown record, an FtM document by
    its id (not nested, as yente's search results are not)."""
    record = index.shown_record(ordinal)
    if record is not None:
        return entity_json.get(snapshot, record.id)
    ftm_id = index.ftm_id(ordinal)
    return entity_json.lookup(snapshot, ftm_id).shown if ftm_id is not None else None


# ---- the result set -----------------------------------------------------------------------------------


def _found(index: SearchIndex, asked: SearchAsked, scores: dict[int, float]) -> Ints:
    labels = {"countries": index.countries, "datasets": index.datasets, "topics": index.topics}
    labels["schema"] = index.schema
    found = index.find(asked.query, labels)
    named = [o for o, score in scores.items() if score >= TUNING.threshold]
    if named:
        found = np.union1d(found, np.array(named, dtype=np.int32)).astype(np.int32)
    found = np.intersect1d(found, index.schema.parties_with(_schemata(asked.schema)), assume_unique=True)
    filters = asked.filters
    if filters.schemata:
        found = _narrowed(
            found, [index.schema.parties_with([s]) for s in filters.schemata], filters.filter_op
        )
    if filters.properties:
        hits = [index.values_of(prop, value) for prop, value in filters.properties]
        by_prop: dict[str, list[Ints]] = {}
        for (prop, _value), posted in zip(filters.properties, hits, strict=True):
            by_prop.setdefault(prop, []).append(posted)
        for posted_lists in by_prop.values():
            found = _narrowed(found, posted_lists, filters.filter_op)
    if asked.sources:
        found = np.intersect1d(found, index.datasets.parties_with(asked.sources), assume_unique=True)
    return _filtered(index, found, asked.result_filter).astype(np.int32)


def _filtered(index: SearchIndex, found: Ints, rule: ResultFilter) -> Ints:
    """`found` narrowed by the result filter, read on the index (what the answer shows of each entity:
    an FtM document has no registry record to ask). Each field as ResultFilter.admits reads it, but
    `changed_since`, which takes the last_change shown, as yente's does."""

    def within(allowed: Ints) -> Ints:
        return np.intersect1d(found, allowed, assume_unique=True)

    for group in rule.source_groups:
        found = within(index.datasets.parties_with(group))
    if rule.excluded_ids:
        found = np.setdiff1d(found, index.with_ids(rule.excluded_ids), assume_unique=True)
    if rule.excluded_schemata:
        found = np.setdiff1d(found, index.schema.parties_with(rule.excluded_schemata), assume_unique=True)
    if rule.changed_since is not None:
        found = within(index.changed_since(str(wire_time(rule.changed_since))))
    for group in rule.country_groups:
        found = within(index.countries.parties_with(group))
    for group in rule.topic_groups:
        found = within(index.topics.parties_with(group))
    if rule.target is not None:
        found = found[index.target[found] == rule.target]
    return found


def _narrowed(found: Ints, groups: list[Ints], op: FilterOp) -> Ints:
    """`found` within any of the groups (OR) or within each (AND): yente's filter_op on one field."""
    if op is FilterOp.OR:
        allowed = groups[0]
        for group in groups[1:]:
            allowed = np.union1d(allowed, group)
        return np.intersect1d(found, allowed, assume_unique=True)
    for group in groups:
        found = np.intersect1d(found, group, assume_unique=True)
    return found


def _schemata(name: str) -> list[str]:
    """The schemata yente's `schema` admits: the matchable ones it stands for (its descendants when it
    is not matchable itself, as `Thing` is not); 400 naming `schema` if FtM has no such schema."""
    schema = model.get(name)
    if schema is None:
        raise InputError(f"schema: {name!r} is not a FollowTheMoney schema")
    schemata = set(schema.matchable_schemata)
    if not schema.matchable:
        schemata.update(schema.descendants)
    schemata.add(schema)
    return [s.name for s in schemata]


# ---- facets -----------------------------------------------------------------------------------------------

_FACET_LABELS = {
    Facet.COUNTRIES: ftm_types.country.plural,
    Facet.TOPICS: ftm_types.topic.plural,
    Facet.DATASETS: "Data sources",
    Facet.SCHEMA: "Entity types",
    Facet.GENDERS: ftm_types.gender.plural,
}


def _facets(index: SearchIndex, found: Ints, asked: Sequence[Facet]) -> dict[str, Any]:
    """yente's facets over the whole result set: {name: {label, values: [{name, label, count}]}}."""
    selected = np.zeros(index.size, dtype=bool)
    selected[found] = True
    attributes = {
        Facet.COUNTRIES: index.countries,
        Facet.TOPICS: index.topics,
        Facet.DATASETS: index.datasets,
        Facet.SCHEMA: index.schema,
        Facet.GENDERS: index.genders,
    }
    out: dict[str, Any] = {}
    for facet in asked:
        values = [
            # a dataset by its FtM name (`us_ofac_sdn`, `zala`), as every yente-shaped answer gives it
            {
                "name": ftm_dataset(name) if facet is Facet.DATASETS else name,
                "label": _value_label(facet, name),
                "count": count,
            }
            for name, count in attributes[facet].counts(selected)
        ]
        out[facet.value] = {"label": _FACET_LABELS[facet], "values": values}
    return out


def _value_label(facet: Facet, name: str) -> str:
    if facet is Facet.COUNTRIES:
        return str(ftm_types.country.caption(name) or name)
    if facet is Facet.TOPICS:
        return str(ftm_types.topic.caption(name) or name)
    if facet is Facet.GENDERS:
        return str(ftm_types.gender.caption(name) or name)
    if facet is Facet.SCHEMA:
        schema = model.get(name)
        return schema.plural if schema is not None else name
    spec = SOURCES.get(name)
    if spec is not None:
        return spec.title
    return (
        name.removeprefix(INTERNAL_SOURCE_PREFIX)
        if name.startswith(INTERNAL_SOURCE_PREFIX)
        else ftm_dataset(name)
    )


# ---- order --------------------------------------------------------------------------------------------


def _ranked(index: SearchIndex, query: TextQuery, found: Ints, scores: dict[int, float]) -> list[int]:
    """The result set in ranking order (see the module's docs)."""
    words = [w for c in query.clauses if not c.negated and c.field is None for w in index.fold(c.text)]
    if not len(found) or not words:
        return [int(o) for o in found[np.argsort(index.id_rank[found], kind="stable")]]
    in_names = np.zeros(len(found), dtype=np.int32)
    for word in dict.fromkeys(words):
        in_names += np.isin(found, index.name_hits(word), assume_unique=True)
    model_score = np.array([scores.get(o, 0.0) for o in found.tolist()])
    name_hit = (in_names == len(set(words))) | (model_score >= TUNING.threshold)
    keys = (
        index.id_rank[found],
        -in_names,
        index.name_length[found],
        -model_score,
        ~name_hit,
    )
    order = np.lexsort(keys)  # the last key sorts first
    return [int(o) for o in found[order]]


def _model_scores(snapshot: Snapshot, index: SearchIndex, text: str | None) -> dict[int, float]:
    """The name model's score of `text` as a name, for the RANKED_BY_MODEL best parties (by ordinal);
    none when `q` is not only words and phrases."""
    if text is None:
        return {}
    position_of = snapshot.screener.index.position_of
    try:
        hits = screen_party(snapshot.screener, PartyQuery(names=[text]), threshold=0.0, limit=RANKED_BY_MODEL)
    except QueryError:  # not usable as a name (too long ...): the text ranking alone
        return {}
    scores: dict[int, float] = {}
    for hit in hits:
        position = position_of(hit.entity_id)
        if position is not None:
            ordinal = int(index.ordinal_of[position])
            scores[ordinal] = max(scores.get(ordinal, 0.0), hit.score)
    return scores


def _sorted(index: SearchIndex, order: list[int], filters: SearchFilters) -> list[int]:
    """`order` re-sorted by the `sort` fields (the first one first; missing values last), stable."""
    for spec in reversed(filters.sorts):
        value = _sort_value(index, spec.field)
        keyed = [(o, value(o)) for o in order]
        present = [(o, v) for o, v in keyed if v is not None]
        present.sort(key=lambda pair: pair[1], reverse=spec.descending)
        order = [o for o, _ in present] + [o for o, v in keyed if v is None]
    return order


def _sort_value(index: SearchIndex, field: str) -> Callable[[int], Any]:
    """The sort key of a field: what the answer shows (a date: the one shown, FtM-stated or the
    registry's), as a rank."""
    if field == "caption":
        return lambda o: int(index.caption_rank[o])
    if field == "entity_id":
        return lambda o: int(index.id_rank[o])
    if field not in DATE_FIELDS:
        raise InputError(f"sort: {field!r} is not a sort field")
    return lambda o: index.date(field, o)
