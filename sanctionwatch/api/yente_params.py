"""yente's query parameters, read once for every yente-compatible route (/match, /search).

A yente client that sends a parameter expects yente's meaning of it. Each one is therefore either
applied here with that meaning, or refused with HTTP 400 naming it; a parameter yente does not have
either is refused too (`refuse_unknown_params`), as a typo would otherwise go unnoticed.

Applied: the dataset scope (`include_dataset`, `exclude_dataset`, and /search's `datasets`), the
results' filters (`exclude_entity_ids`, `exclude_schema`, `changed_since`, `topics`, and /search's
`countries`, `target`, `filter_op`, `filter`), /search's `sort`, `facets` and `simple`. A party's topics
are those its records carry (FtM imports keep them) and "sanction" for a record of an official sanctions
list (screening.search.party_topics). Refused when asked for: /search's `fuzzy=true`, and the values
of `sort`, `facets`, `filter` and the parts of `q` that the search cannot honour (each named).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Query, Request
from followthemoney import model
from followthemoney.types import registry as ftm_types

from sanctionwatch.api.deps import dataset_sources
from sanctionwatch.errors import InputError
from sanctionwatch.model import Entity, is_ftm_source
from sanctionwatch.screening.live import Snapshot
from sanctionwatch.screening.screener import Admits
from sanctionwatch.screening.search import party_target, party_topics, record_countries
from sanctionwatch.sources.countries import country_code
from sanctionwatch.sources.ftm import FTM_SCHEMA

__all__ = [
    "MAX_OFFSET",
    "MAX_PAGE",
    "MAX_RESULTS",
    "ChangedSince",
    "ExcludeDataset",
    "ExcludeEntityIds",
    "ExcludeSchema",
    "Facet",
    "FilterOp",
    "IncludeDataset",
    "ResultFilter",
    "SearchFilters",
    "SortSpec",
    "Topics",
    "checked_topics",
    "dataset_scope",
    "parse_changed_since",
    "refuse_unknown_params",
    "result_filter",
    "search_filters",
]

# yente's own pattern for `changed_since`: a day, optionally with an hour, minutes and seconds.
TS_PATTERN = r"^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?$"
MAX_EXCLUDED_IDS = 50  # yente's bound

IncludeDataset = Annotated[
    tuple[str, ...],
    Query(description="Only results with a record in one of these datasets (within the path's dataset)"),
]
ExcludeDataset = Annotated[
    tuple[str, ...], Query(description="Take these datasets out of the path's dataset before searching")
]
ExcludeSchema = Annotated[
    tuple[str, ...], Query(description="No results of these FollowTheMoney schemata (exact names)")
]
ExcludeEntityIds = Annotated[
    tuple[str, ...],
    Query(
        description="No result whose party has a record of one of these ids (its own id or a referent)",
        max_length=MAX_EXCLUDED_IDS,
    ),
]
ChangedSince = Annotated[
    str | None,
    Query(
        pattern=TS_PATTERN,
        description="Only parties a record of which changed at or after this UTC time (YYYY-MM-DD"
        "[THH[:MM[:SS]]]): the fetch of the list version that brought its present content",
    ),
]
Topics = Annotated[
    tuple[str, ...],
    Query(
        description="Only parties with one of these OpenSanctions topics: those FtM imports carry, and "
        '"sanction" for every party of an official sanctions list'
    ),
]


# ---- unknown parameters ------------------------------------------------------------------------------

_DECLARED: dict[int, frozenset[str]] = {}


def _declared(route: Any) -> frozenset[str]:
    """The query parameters a route declares (its own and its dependencies'), by the name clients use."""
    known = _DECLARED.get(id(route))
    if known is None:
        known = frozenset(_query_params(route.dependant))
        _DECLARED[id(route)] = known
    return known


def _query_params(dependant: Any) -> list[str]:
    names = [p.alias for p in dependant.query_params]
    for sub in dependant.dependencies:
        names.extend(_query_params(sub))
    return names


async def refuse_unknown_params(request: Request) -> None:
    """A dependency of the yente-compatible routes: 400 for a query parameter the route does not take.

    FastAPI ignores undeclared parameters; a yente client sending one of yente's that we lack (or a
    misspelled one) would get an answer that silently did not do what it asked. (Async: a set lookup
    needs no worker thread, and /match's single query is answered on the event loop.)
    """
    route = request.scope.get("route")
    if route is None or not hasattr(route, "dependant"):
        return
    known = _declared(route)
    for name in dict.fromkeys(request.query_params.keys()):
        if name not in known:
            raise InputError(
                f"query.{name}: not a parameter of {route.path} (it takes: {', '.join(sorted(known))})"
            )


def checked_topics(topics: Sequence[str], parameter: str = "topics") -> tuple[str, ...]:
    """The topics asked for, each one of FollowTheMoney's topics (400 naming an unknown one: a typo
    would otherwise filter everything away without a word)."""
    for topic in topics:
        if topic not in ftm_types.topic.names:
            raise InputError(
                f"{parameter}: {topic!r} is not a FollowTheMoney topic (e.g. sanction, role.pep)"
            )
    return tuple(dict.fromkeys(topics))


# ---- dataset scope -------------------------------------------------------------------------------------


def dataset_scope(
    snapshot: Snapshot,
    dataset: str,
    include_dataset: Sequence[str] = (),
    exclude_dataset: Sequence[str] = (),
) -> frozenset[str] | None:
    """The sources results may come from, as yente scopes a query: the path's dataset, narrowed to
    `include_dataset` when given, less `exclude_dataset`. None: no narrowing asked (the path's dataset
    alone, which the caller applies). An unknown dataset name is a 400 naming the parameter."""
    path_sources = dataset_sources(snapshot, dataset)
    if not include_dataset and not exclude_dataset:
        return None
    every = frozenset(v.source for v in snapshot.versions)
    scope = frozenset(path_sources) if path_sources else every
    if include_dataset:
        scope &= _union(snapshot, "include_dataset", include_dataset, every)
    if exclude_dataset:
        scope -= _union(snapshot, "exclude_dataset", exclude_dataset, every)
    return scope


def _union(snapshot: Snapshot, parameter: str, names: Sequence[str], every: frozenset[str]) -> frozenset[str]:
    out: set[str] = set()
    for name in names:
        sources = dataset_sources(snapshot, name, parameter=parameter)
        out.update(sources or every)
    return frozenset(out)


# ---- changed_since -------------------------------------------------------------------------------------


def parse_changed_since(value: str | None) -> datetime | None:
    """yente's `changed_since` (a day, or a day and a time) as a UTC instant; 400 naming it if unreal."""
    if value is None:
        return None
    if not re.match(TS_PATTERN, value):
        raise InputError(f"changed_since: {value!r} is not YYYY-MM-DD[THH[:MM[:SS]]]")
    day, _, time = value.partition("T")
    year, month, date_ = (int(p) for p in day.split("-"))
    clock = [int(p) for p in time.split(":")] if time else []
    hour, minute, second = clock + [0] * (3 - len(clock))
    try:
        return datetime(year, month, date_, hour, minute, second, tzinfo=UTC)
    except ValueError as exc:
        raise InputError(f"changed_since: {value!r} is not a real time ({exc})") from None


# ---- the filter on results -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResultFilter:
    """What a party must be to be a result; every field empty/None lets everything through."""

    # A record in a source of each group: the dataset scope is one group; /search's `datasets` one
    # more (filter_op OR) or one per dataset (AND).
    source_groups: tuple[frozenset[str], ...] = ()
    excluded_ids: frozenset[str] = frozenset()
    excluded_schemata: frozenset[str] = frozenset()  # FtM schema names
    changed_since: datetime | None = None
    last_changes: dict[str, datetime] | None = None
    country_groups: tuple[frozenset[str], ...] = ()  # a country of each group (/search's `countries`)
    topic_groups: tuple[frozenset[str], ...] = ()  # a topic of each group (`topics`)
    target: bool | None = None

    @property
    def active(self) -> bool:
        return bool(
            self.source_groups
            or self.excluded_ids
            or self.excluded_schemata
            or self.changed_since is not None
            or self.country_groups
            or self.topic_groups
            or self.target is not None
        )

    def admits(self, records: Sequence[Entity]) -> bool:
        """Whether the party of these records (the scoring one first) may be a result."""
        if self.source_groups:
            held = {r.source for r in records}
            if not all(group & held for group in self.source_groups):
                return False
        if self.excluded_ids and any(
            r.id in self.excluded_ids or (is_ftm_source(r.source) and r.source_id in self.excluded_ids)
            for r in records
        ):  # a registry id, or the FtM id an FtM dataset's entity is shown under
            return False
        if self.excluded_schemata and FTM_SCHEMA.get(records[0].schema) in self.excluded_schemata:
            return False
        if self.changed_since is not None:
            changes = self.last_changes or {}
            latest = max((changes[r.id] for r in records if r.id in changes), default=None)
            if latest is None or latest < self.changed_since:
                return False
        if self.country_groups:
            countries = {c for r in records for c in record_countries(r)}
            if not all(group & countries for group in self.country_groups):
                return False
        if self.topic_groups:
            topics = set(party_topics(records))
            if not all(group & topics for group in self.topic_groups):
                return False
        # As the party is shown: an FtM file may list a party without targeting it.
        return self.target is None or party_target(records) is self.target

    def predicate(self) -> Admits | None:
        """What screening asks of each candidate, or None when nothing is filtered."""
        return self.admits if self.active else None


def result_filter(
    snapshot: Snapshot,
    *,
    scope: frozenset[str] | None = None,
    exclude_entity_ids: Collection[str] = (),
    exclude_schema: Collection[str] = (),
    changed_since: str | None = None,
    topics: Sequence[str] = (),
    canonical: Callable[[str], Iterable[str]] | None = None,
) -> ResultFilter:
    """The filter for yente's result parameters, each checked first (400 naming the one at fault).

    `canonical` gives the ids an id was merged into (FtM `referents`): excluding a referent a client
    stored (`ofac-45937`) excludes the entity it now is, as yente does."""
    for name in exclude_schema:
        if model.get(name) is None:
            raise InputError(f"exclude_schema: {name!r} is not a FollowTheMoney schema")
    since = parse_changed_since(changed_since)
    return ResultFilter(
        source_groups=(scope,) if scope is not None else (),
        excluded_ids=_with_canonical(exclude_entity_ids, canonical),
        excluded_schemata=frozenset(exclude_schema),
        changed_since=since,
        topic_groups=(frozenset(checked_topics(topics)),) if topics else (),
        last_changes=snapshot.dates.last_change if since is not None else None,
    )


def _with_canonical(ids: Collection[str], canonical: Callable[[str], Iterable[str]] | None) -> frozenset[str]:
    given = [i.strip() for i in ids if i.strip()]
    merged = [c for i in given for c in canonical(i)] if canonical is not None else []
    return frozenset(given + merged)


# ---- /search's own parameters ----------------------------------------------------------------------------


class FilterOp(StrEnum):
    OR = "OR"
    AND = "AND"


MAX_PAGE = 500  # yente's bounds on a page of /search results
MAX_RESULTS = 9999
MAX_OFFSET = MAX_RESULTS - MAX_PAGE


class Facet(StrEnum):
    """yente's facets; `identifiers` is refused (not counted here)."""

    DATASETS = "datasets"
    SCHEMA = "schema"
    COUNTRIES = "countries"
    IDENTIFIERS = "identifiers"
    TOPICS = "topics"
    GENDERS = "genders"


DEFAULT_FACETS = (Facet.COUNTRIES, Facet.TOPICS, Facet.DATASETS)  # yente's
SORT_FIELDS = ("caption", "entity_id", "first_seen", "last_seen", "last_change")
FILTER_FIELDS = ("countries", "datasets", "topics", "schema", "properties.<FtM property>")


@dataclass(frozen=True, slots=True)
class SortSpec:
    field: str
    descending: bool = False


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """/search's parameters beyond the ones /match shares (see search_filters)."""

    countries: tuple[str, ...] = ()  # ISO codes, lower case
    datasets: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    schemata: tuple[str, ...] = ()  # exact FtM schema names (filter=schema:...)
    properties: tuple[tuple[str, str], ...] = ()  # (FtM property, value) (filter=properties.X:...)
    target: bool | None = None
    filter_op: FilterOp = FilterOp.OR
    sorts: tuple[SortSpec, ...] = ()
    facets: tuple[Facet, ...] = DEFAULT_FACETS
    simple: bool = False

    def narrow(self, snapshot: Snapshot, base: ResultFilter) -> ResultFilter:
        """`base` with the filters on records added (countries, datasets, topics, target: the property
        and schema filters are the search index's); a dataset unknown here is a 400 naming `datasets`."""
        every = frozenset(v.source for v in snapshot.versions)
        groups = [
            frozenset(dataset_sources(snapshot, name, parameter="datasets") or every)
            for name in self.datasets
        ]
        countries = [frozenset([code]) for code in self.countries]
        topics = [frozenset([topic]) for topic in self.topics]
        if self.filter_op is FilterOp.OR:
            groups = [frozenset().union(*groups)] if groups else []
            countries = [frozenset(self.countries)] if self.countries else []
            topics = [frozenset(self.topics)] if self.topics else []
        return replace(
            base,
            source_groups=base.source_groups + tuple(groups),
            country_groups=tuple(countries),
            topic_groups=base.topic_groups + tuple(topics),
            target=self.target,
        )


def _property_names() -> frozenset[str]:
    return frozenset(name for schema in model.schemata.values() for name in schema.properties)


_PROPERTIES = _property_names()


def _split_filters(
    filters: Sequence[str],
) -> tuple[list[str], list[str], list[str], list[str], list[tuple[str, str]]]:
    """yente's `filter=field:value`, by field: countries, datasets, topics, schemata, properties."""
    countries: list[str] = []
    datasets: list[str] = []
    topics: list[str] = []
    schemata: list[str] = []
    properties: list[tuple[str, str]] = []
    for item in filters:
        field, sep, value = item.partition(":")
        if not sep:
            raise InputError(f"filter: {item!r} is not field:value")
        if field == "countries":
            countries.append(value)
        elif field == "datasets":
            datasets.append(value)
        elif field == "topics":
            topics.append(value)
        elif field == "schema":
            if model.get(value) is None:
                raise InputError(f"filter: schema {value!r} is not a FollowTheMoney schema")
            schemata.append(value)
        elif field.startswith("properties.") and field.removeprefix("properties.") in _PROPERTIES:
            properties.append((field.removeprefix("properties."), value))
        else:
            raise InputError(
                f"filter: field {field!r} is not supported; use one of {', '.join(FILTER_FIELDS)}"
            )
    return countries, datasets, topics, schemata, properties


def _sorts(sort: Sequence[str]) -> tuple[SortSpec, ...]:
    out = []
    for item in sort:
        field, _, order = item.partition(":")
        if field not in SORT_FIELDS:
            raise InputError(f"sort: {field!r} is not supported; sort by one of {', '.join(SORT_FIELDS)}")
        if order not in ("", "asc", "desc"):
            raise InputError(f"sort: {item!r}: the order is asc or desc")
        out.append(SortSpec(field, order == "desc"))
    return tuple(out)


def _facets(facets: Sequence[str] | None) -> tuple[Facet, ...]:
    if facets is None:
        return DEFAULT_FACETS
    out = []
    for name in facets:
        if name not in Facet.__members__.values() or name == Facet.IDENTIFIERS:
            supported = ", ".join(f.value for f in Facet if f is not Facet.IDENTIFIERS)
            raise InputError(f"facets: {name!r} is not supported; count one of {supported}")
        out.append(Facet(name))
    return tuple(dict.fromkeys(out))


async def search_filters(
    countries: Annotated[tuple[str, ...], Query(description="Only parties linked to these countries")] = (),
    topics: Topics = (),
    datasets: Annotated[
        tuple[str, ...], Query(description="Only parties with a record in these datasets (see filter_op)")
    ] = (),
    filter: Annotated[  # yente's name
        tuple[str, ...],
        Query(
            description="field:value, for countries, datasets, topics, schema (exact) or "
            "properties.<FtM property> (the whole value, case aside), e.g. properties.birthDate:1984-01-08"
        ),
    ] = (),
    sort: Annotated[
        tuple[str, ...],
        Query(description=f"field[:asc|desc], field one of {', '.join(SORT_FIELDS)}; then best first"),
    ] = (),
    target: Annotated[
        bool | None,
        Query(
            description="yente's, deprecated: only targets (true) or only the entities that are not "
            "(false: parties an FtM dataset lists untargeted, its addresses, sanctions ...)"
        ),
    ] = None,
    fuzzy: Annotated[bool, Query(description="Fuzzy query syntax: refused when true")] = False,
    simple: Annotated[
        bool, Query(description="q in yente's simple syntax (simple_query_string) rather than Lucene's")
    ] = False,
    facets: Annotated[
        tuple[str, ...] | None,
        Query(description="Counts over all results: countries, topics, datasets (default), schema, genders"),
    ] = None,
    filter_op: Annotated[
        FilterOp,
        Query(
            description="How several values of one filter combine (countries, datasets, topics): OR or AND"
        ),
    ] = FilterOp.OR,
) -> SearchFilters:
    """yente's /search parameters that /match lacks: each applied, or refused naming it."""
    if fuzzy:
        raise InputError(
            "fuzzy: not supported: words match as the screener folds them (case, accents, scripts), "
            "not by edit distance"
        )
    more_countries, more_datasets, more_topics, schemata, properties = _split_filters(filter)
    codes = []
    for value in (*countries, *more_countries):
        code = country_code(value)
        if code is None:
            parameter = "countries" if value in countries else "filter"
            raise InputError(f"{parameter}: {value!r} is not an ISO 3166 country")
        codes.append(code)
    return SearchFilters(
        countries=tuple(dict.fromkeys(codes)),
        datasets=tuple(dict.fromkeys((*datasets, *more_datasets))),
        topics=checked_topics((*topics, *more_topics)),
        schemata=tuple(schemata),
        properties=tuple(properties),
        target=target,
        filter_op=filter_op,
        sorts=_sorts(sort),
        facets=_facets(facets),
        simple=simple,
    )
