"""yente's query parameters, read once for every yente-compatible route (/match, /search).

A yente client that sends a parameter expects yente's meaning of it. Each one is therefore either
applied here with that meaning, or refused with HTTP 400 naming it; a parameter yente does not have
either is refused too (`refuse_unknown_params`), as a typo would otherwise go unnoticed.

Applied: the dataset scope (`include_dataset`, `exclude_dataset`, and /search's `datasets`), the
results' filters (`exclude_entity_ids`, `exclude_schema`, `changed_since`, and /search's `countries`,
`target`, `filter_op`). Refused when asked for, since nothing here could honour them: `topics` (our
lists carry no OpenSanctions topics), /search's `filter`, `sort`, `facets`, `fuzzy=true`, `simple=true`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Query, Request
from followthemoney import model

from sanctionwatch.api.deps import dataset_sources
from sanctionwatch.errors import InputError
from sanctionwatch.model import Entity
from sanctionwatch.registry.store import Registry
from sanctionwatch.screening.live import Snapshot
from sanctionwatch.screening.screener import Admits
from sanctionwatch.sources.countries import country_code
from sanctionwatch.sources.ftm import FTM_SCHEMA

__all__ = [
    "ChangedSince",
    "ExcludeDataset",
    "ExcludeEntityIds",
    "ExcludeSchema",
    "IncludeDataset",
    "LastChangeCache",
    "ResultFilter",
    "SearchFilters",
    "Topics",
    "dataset_scope",
    "parse_changed_since",
    "refuse_topics",
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
    Query(description="Refused when given: our lists carry no OpenSanctions topics to filter on"),
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


def refuse_topics(topics: Sequence[str]) -> None:
    """`topics` cannot be honoured: the lists we ingest carry no OpenSanctions topics."""
    if topics:
        raise InputError(
            f"topics: {', '.join(topics)}: not supported; the lists Sanctionwatch ingests carry no "
            "OpenSanctions topics to filter on (every listed party is a sanctions target)"
        )


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


class LastChangeCache:
    """When each record of a snapshot last changed (Registry.last_changes), read once per snapshot and
    only when a request filters on it: the common /match call never pays for it."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._snapshot: Snapshot | None = None
        self._changes: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def get(self, snapshot: Snapshot) -> dict[str, datetime]:
        with self._lock:
            if self._snapshot is not snapshot:
                self._changes = self.registry.last_changes(snapshot.versions)
                self._snapshot = snapshot
            return self._changes


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
    target: bool | None = None

    @property
    def active(self) -> bool:
        return bool(
            self.source_groups
            or self.excluded_ids
            or self.excluded_schemata
            or self.changed_since is not None
            or self.country_groups
            or self.target is False
        )

    def admits(self, records: Sequence[Entity]) -> bool:
        """Whether the party of these records (the scoring one first) may be a result."""
        if self.source_groups:
            held = {r.source for r in records}
            if not all(group & held for group in self.source_groups):
                return False
        if self.excluded_ids and any(r.id in self.excluded_ids for r in records):
            return False
        if self.excluded_schemata and FTM_SCHEMA.get(records[0].schema) in self.excluded_schemata:
            return False
        if self.changed_since is not None:
            changes = self.last_changes or {}
            latest = max((changes[r.id] for r in records if r.id in changes), default=None)
            if latest is None or latest < self.changed_since:
                return False
        if self.country_groups:
            countries = {c for r in records for c in _countries(r)}
            if not all(group & countries for group in self.country_groups):
                return False
        # Every listed party is a target (see yente.entity_response): target=false leaves none.
        return self.target is not False

    def predicate(self) -> Admits | None:
        """What screening asks of each candidate, or None when nothing is filtered."""
        return self.admits if self.active else None


def _countries(entity: Entity) -> list[str]:
    """Every country the record links the party to, as yente's `countries` field holds them."""
    return [
        *entity.nationalities,
        *entity.citizenships,
        *entity.countries,
        *(a.country for a in entity.addresses if a.country),
    ]


def result_filter(
    snapshot: Snapshot,
    *,
    scope: frozenset[str] | None = None,
    exclude_entity_ids: Collection[str] = (),
    exclude_schema: Collection[str] = (),
    changed_since: str | None = None,
    last_changes: LastChangeCache,
) -> ResultFilter:
    """The filter for yente's result parameters, each checked first (400 naming the one at fault)."""
    for name in exclude_schema:
        if model.get(name) is None:
            raise InputError(f"exclude_schema: {name!r} is not a FollowTheMoney schema")
    since = parse_changed_since(changed_since)
    return ResultFilter(
        source_groups=(scope,) if scope is not None else (),
        excluded_ids=frozenset(i.strip() for i in exclude_entity_ids if i.strip()),
        excluded_schemata=frozenset(exclude_schema),
        changed_since=since,
        last_changes=last_changes.get(snapshot) if since is not None else None,
    )


# ---- /search's own parameters ----------------------------------------------------------------------------


class FilterOp(StrEnum):
    OR = "OR"
    AND = "AND"


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """/search's filters beyond the ones /match shares (see search_filters)."""

    countries: tuple[str, ...] = ()  # ISO codes, lower case
    datasets: tuple[str, ...] = ()
    target: bool | None = None
    filter_op: FilterOp = FilterOp.OR

    def narrow(self, snapshot: Snapshot, base: ResultFilter) -> ResultFilter:
        """`base` with these filters added; a dataset name unknown here is a 400 naming `datasets`."""
        every = frozenset(v.source for v in snapshot.versions)
        groups = [
            frozenset(dataset_sources(snapshot, name, parameter="datasets") or every)
            for name in self.datasets
        ]
        countries = [frozenset([code]) for code in self.countries]
        if self.filter_op is FilterOp.OR:
            groups = [frozenset().union(*groups)] if groups else []
            countries = [frozenset(self.countries)] if self.countries else []
        return replace(
            base,
            source_groups=base.source_groups + tuple(groups),
            country_groups=tuple(countries),
            target=self.target,
        )


async def search_filters(
    countries: Annotated[tuple[str, ...], Query(description="Only parties linked to these countries")] = (),
    topics: Topics = (),
    datasets: Annotated[
        tuple[str, ...], Query(description="Only parties with a record in these datasets (see filter_op)")
    ] = (),
    filter: Annotated[  # yente's name
        tuple[str, ...], Query(description="Refused when given: property filters are not supported")
    ] = (),
    sort: Annotated[tuple[str, ...], Query(description="Refused when given: results come best first")] = (),
    target: Annotated[
        bool | None, Query(description="yente's, deprecated: every listed party here is a target")
    ] = None,
    fuzzy: Annotated[bool, Query(description="Query syntax: refused when true; q is a name")] = False,
    simple: Annotated[bool, Query(description="Query syntax: refused when true; q is a name")] = False,
    facets: Annotated[
        tuple[str, ...] | None, Query(description="Refused when given: no facet counts are kept")
    ] = None,
    filter_op: Annotated[
        FilterOp, Query(description="How several `countries` or `datasets` combine: OR (any) or AND (all)")
    ] = FilterOp.OR,
) -> SearchFilters:
    """yente's /search parameters that /match lacks: each applied, or refused naming it."""
    refuse_topics(topics)
    refused = [
        ("filter", bool(filter), "property filters (field:value) are not supported"),
        ("sort", bool(sort), "results come best first, by score"),
        ("fuzzy", fuzzy, "q is a name, screened as one, not a query in a search syntax"),
        ("simple", simple, "q is a name, screened as one, not a query in a search syntax"),
        ("facets", facets is not None, "no facet counts are computed; `facets` in the answer stays empty"),
    ]
    for name, given, why in refused:
        if given:
            raise InputError(f"{name}: not supported: {why}")
    codes = []
    for value in countries:
        code = country_code(value)
        if code is None:
            raise InputError(f"countries: {value!r} is not an ISO 3166 country")
        codes.append(code)
    return SearchFilters(tuple(codes), tuple(datasets), target, filter_op)
