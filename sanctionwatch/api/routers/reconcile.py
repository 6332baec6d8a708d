"""The OpenRefine Reconciliation Service API, as yente serves it: /reconcile/{dataset}.

OpenRefine (and any client written for yente's /reconcile) adds the service by its manifest,
`GET /reconcile/{dataset}`, then sends `queries` ({"q0": {"query": "...", "type": "Person",
"properties": [{"pid": "birthDate", "v": "1984"}]}}) or `extend` ({"ids": [...], "properties":
[{"id": "country"}]}) as form fields; the manifest names the suggest services (entity, type,
property) and the extension proposals. `/reconcile` is the `default` dataset (every active list).

OpenRefine cannot send an Authorization header, so this API also takes the key as ?api_key= (the access
log masks it); the manifest passes it on to the services it names. A parameter or field we do not
support is refused with 400 naming it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from followthemoney import model

from sanctionwatch.access.roles import Role
from sanctionwatch.api.contracts.reconcile import (
    EntitySuggestResponse,
    ExtendProposal,
    ExtendResponse,
    PropertySuggestResponse,
    ReconcileManifest,
    ReconcileResponse,
    TypeSuggestResponse,
)
from sanctionwatch.api.deps import dataset_sources
from sanctionwatch.api.reconciliation import (
    SchemaCensus,
    extend_proposals,
    extend_settings,
    extension_property,
    extension_values,
    party_type,
    query_property,
    suggest_properties,
    suggest_types,
    type_json,
)
from sanctionwatch.api.routers.match import ALGORITHMS
from sanctionwatch.api.security import require
from sanctionwatch.api.state import ServiceState, state_of
from sanctionwatch.api.yente import ErrorResponse
from sanctionwatch.errors import InputError
from sanctionwatch.matching.tuning import TUNING
from sanctionwatch.screening.examples import NAME_PART_PROPERTIES, party_from_example, screening_schema
from sanctionwatch.screening.live import Snapshot
from sanctionwatch.screening.party import PartyQuery, screen_party
from sanctionwatch.screening.query import Hit, QueryError
from sanctionwatch.sources.datasets import ftm_dataset

router = APIRouter(tags=["Reconciliation"])
Reconciler = require(Role.ANALYST, query_key=True)
DEFAULT_DATASET = "default"
MAX_QUERIES = 50  # queries, or ids to extend, in one request
BATCH_SIZE = 10  # what the manifest asks OpenRefine to send per request
QUERY_FIELDS = ("query", "type", "type_strict", "limit", "properties")
IDENTIFIER_SPACE = "https://www.opensanctions.org/reference/#schema"  # yente's, see the README
SCHEMA_SPACE = "https://www.opensanctions.org/reference/#schema"
ERRORS: dict[int | str, dict[str, Any]] = {400: {"model": ErrorResponse}, 404: {"model": ErrorResponse}}
_census = SchemaCensus()


def only(*allowed: str) -> Callable[[Request], None]:
    """A dependency refusing any query parameter but these (and api_key), naming it."""
    permitted = (*allowed, "api_key")

    def check(request: Request) -> None:
        unknown = sorted(set(request.query_params) - set(permitted))
        if unknown:
            raise InputError(
                f"query parameter {', '.join(unknown)} not supported by {request.url.path}; "
                f"supported: {', '.join(permitted)}"
            )

    return check


def _depends(*allowed: str) -> list[Any]:
    return [Depends(Reconciler), Depends(only(*allowed))]


def _limit(name: str, value: Any, high: int, *, low: int = 1) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InputError(f"{name}: expected a number from {low} to {high}")
    return value


# -- The manifest ---------------------------------------------------------------------------------


def _manifest(request: Request, state: ServiceState, dataset: str) -> dict[str, Any]:
    snapshot = state.snapshot()
    sources = dataset_sources(snapshot, dataset)
    base = str(request.base_url).rstrip("/")
    service_url = f"{base}/reconcile/{dataset}"
    key = request.query_params.get("api_key")
    passed = f"?{urlencode({'api_key': key})}" if key else ""

    def service(path: str) -> dict[str, str]:
        return {"service_url": service_url, "service_path": f"{path}{passed}"}

    return {
        "versions": ["0.2"],
        "name": "Sanctionwatch" if dataset == DEFAULT_DATASET else f"Sanctionwatch ({dataset})",
        "identifierSpace": IDENTIFIER_SPACE,
        "schemaSpace": SCHEMA_SPACE,
        "batchSize": BATCH_SIZE,
        "defaultTypes": [type_json(s) for s in _census.schemata(snapshot, sources)],
        "view": {"url": f"{base}/ui/entities/{{{{id}}}}"},
        "suggest": {
            "entity": service("/suggest/entity"),
            "type": service("/suggest/type"),
            "property": service("/suggest/property"),
        },
        "extend": {
            "propose_properties": service("/extend/property"),
            "propose_settings": [
                {
                    "name": "limit",
                    "label": "Limit",
                    "type": "number",
                    "default": 0,
                    "help_text": "Maximum number of values to return per row (0 for no limit).",
                    "choices": [],
                },
                {
                    "name": "render",
                    "label": "Value rendering",
                    "type": "select",
                    "default": "caption",
                    "help_text": "Return readable value (e.g. 'Russia') instead of raw value ('ru').",
                    "choices": [
                        {"id": "caption", "name": "User-readable value"},
                        {"id": "raw", "name": "Machine-readable value"},
                    ],
                },
            ],
        },
    }


# -- Queries --------------------------------------------------------------------------------------


def _query_type(key: str, spec: dict[str, Any]) -> str:
    strict = spec.get("type_strict", "should")
    if strict != "should":  # the type weighs in the score; it does not filter
        raise InputError(f"queries.{key}.type_strict: only 'should' is supported, not {strict!r}")
    kind = spec.get("type")
    if isinstance(kind, list):  # the API allows several; screening compares as one schema
        if len(set(kind)) > 1:
            raise InputError(f"queries.{key}.type: one type per query, not {kind}")
        kind = kind[0] if kind else None
    if kind is None:
        return "LegalEntity"
    if not isinstance(kind, str):
        raise InputError(f"queries.{key}.type: expected a schema name")
    return kind


def _query_properties(key: str, spec: dict[str, Any]) -> dict[str, list[Any]]:
    properties: dict[str, list[Any]] = {}
    query = spec.get("query")
    if query is not None:
        if not isinstance(query, str):
            raise InputError(f"queries.{key}.query: expected a string")
        properties["name"] = [query]
    given = spec.get("properties") or []
    if not isinstance(given, list):
        raise InputError(f"queries.{key}.properties: expected a list of {{'pid': ..., 'v': ...}}")
    for item in given:
        if not isinstance(item, dict) or not isinstance(item.get("pid"), str) or set(item) - {"pid", "v"}:
            raise InputError(f"queries.{key}.properties: expected [{{'pid': ..., 'v': ...}}], got {item!r}")
        try:
            name = query_property(item["pid"])
        except InputError as exc:
            raise InputError(f"queries.{key}.properties: {exc}") from None
        if name in NAME_PART_PROPERTIES and query is not None:
            raise InputError(
                f"queries.{key}.properties: {item['pid']} is read only when a query gives no name"
            )
        values = item.get("v")
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, dict):  # {"id": ...}: a reconciled cell; we match by values
                raise InputError(f"queries.{key}.properties.{item['pid']}: expected text, not {value!r}")
            properties.setdefault(name, []).append(value)
    return properties


def _reconcile(
    state: ServiceState,
    snapshot: Snapshot,
    sources: tuple[str, ...],
    key: str,
    spec: Any,
    note: Callable[[Any, list[Hit]], None],
) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise InputError(f"queries.{key}: expected an object with a 'query' string")
    unknown = sorted(set(spec) - set(QUERY_FIELDS))
    if unknown:
        raise InputError(f"queries.{key}: {', '.join(unknown)} not supported; use {', '.join(QUERY_FIELDS)}")
    kind = _query_type(key, spec)
    limit = _limit(f"queries.{key}.limit", spec.get("limit", 5), 100)
    properties = _query_properties(key, spec)
    try:
        party = party_from_example(kind, properties, query_id=key)
        party.sources = sources
        hits = screen_party(snapshot.screener, party, threshold=TUNING.shown_floor, limit=limit)
    except QueryError as exc:  # named by where it is in the request
        raise QueryError(f"queries.{key}.{exc}") from None
    note([kind, properties], hits)
    results = []
    for hit in hits:
        shown = state.entity_json.get(snapshot, hit.entity_id)
        if shown is None:
            continue
        schema = model.get(shown["schema"])
        assert schema is not None  # entity_response writes FtM schema names
        results.append(
            {
                "id": shown["id"],
                "name": shown["caption"],
                "description": schema.label,
                "type": [type_json(schema)],
                "score": round(hit.score, 4),
                "match": hit.score >= snapshot.screener.threshold,
            }
        )
    return {"result": results}


async def _answer_queries(request: Request, dataset: str, raw: str) -> dict[str, Any]:
    queries = _json("queries", raw)
    if not isinstance(queries, dict) or not 0 < len(queries) <= MAX_QUERIES:
        raise InputError(f"queries: expected an object of 1 to {MAX_QUERIES} queries")
    state = state_of(request)
    snapshot = state.snapshot()
    sources = dataset_sources(snapshot, dataset)
    caller = request.state.principal.label

    def note(query: Any, hits: list[Hit]) -> None:
        state.trail.note(caller, "reconcile", query, hits, snapshot.list_versions)

    def answer() -> dict[str, Any]:  # screening is CPU work: off the event loop
        return {key: _reconcile(state, snapshot, sources, key, spec, note) for key, spec in queries.items()}

    return await run_in_threadpool(answer)


# -- Data extension -------------------------------------------------------------------------------


def _extend(request: Request, dataset: str, raw: str) -> dict[str, Any]:
    """Values of the asked properties for each id; an id not in the dataset's active lists gets an empty
    row (OpenRefine sends the ids of cells reconciled earlier; lists change)."""
    query = _json("extend", raw)
    if not isinstance(query, dict) or set(query) != {"ids", "properties"}:
        raise InputError("extend: expected {'ids': [...], 'properties': [{'id': ...}]}")
    ids, asked = query["ids"], query["properties"]
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or len(ids) > MAX_QUERIES:
        raise InputError(f"extend.ids: expected a list of at most {MAX_QUERIES} entity ids")
    if not isinstance(asked, list) or not asked:
        raise InputError("extend.properties: expected a list of {'id': ...}")
    columns = []
    for item in asked:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("id"), str)
            or set(item) - {"id", "settings"}
        ):
            raise InputError(f"extend.properties: expected {{'id': ..., 'settings': {{...}}}}, got {item!r}")
        pid = item["id"]
        try:
            prop = extension_property(pid)
        except InputError as exc:
            raise InputError(f"extend.properties: {exc}") from None
        columns.append((pid, prop, *extend_settings(pid, item.get("settings"))))
    state = state_of(request)
    snapshot = state.snapshot()
    # `datasets` of a shown entity are FtM dataset names (sources.datasets)
    names = {ftm_dataset(s) for s in dataset_sources(snapshot, dataset)}
    rows: dict[str, dict[str, list[dict[str, str]]]] = {}
    for entity_id in ids:
        shown = state.entity_json.lookup(snapshot, entity_id, nested=False).shown  # registry or FtM id
        if shown is None or (names and not names & set(shown["datasets"])):
            rows[entity_id] = {}
            continue
        rows[entity_id] = {
            pid: [{"str": v} for v in extension_values(shown, prop, limit, render)]
            for pid, prop, limit, render in columns
        }
    return {"meta": [{"id": pid, "name": prop.label} for pid, prop, _, _ in columns], "rows": rows}


# -- The service ----------------------------------------------------------------------------------


def _json(field: str, raw: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"{field}: not JSON ({exc.msg} at character {exc.pos})") from None


async def _fields(request: Request) -> dict[str, str]:
    """`queries` and `extend`, from the query string or (POST) the form; anything else refused."""
    found: dict[str, str] = {k: v for k, v in request.query_params.items() if k in ("queries", "extend")}
    if request.method == "POST":
        form = await request.form()
        unknown = sorted(set(form) - {"queries", "extend"})
        if unknown:
            raise InputError(f"form field {', '.join(unknown)} not supported; send queries or extend")
        for name, value in form.items():
            if name in found:
                raise InputError(f"{name}: given both in the query string and in the form")
            if not isinstance(value, str):
                raise InputError(f"{name}: expected JSON text, not a file")
            found[name] = value
    if len(found) > 1:
        raise InputError("send either queries or extend, not both")
    return found


async def _serve(request: Request, response: Response, dataset: str, algorithm: str) -> dict[str, Any]:
    if algorithm not in ALGORITHMS:
        raise InputError(f"algorithm: unknown {algorithm!r}; use one of {', '.join(ALGORITHMS)}")
    fields = await _fields(request)
    if "extend" in fields:
        answer = _extend(request, dataset, fields["extend"])
        response.headers["x-batch-size"] = str(len(answer["rows"]))
        return answer
    if "queries" in fields:
        answers = await _answer_queries(request, dataset, fields["queries"])
        response.headers["x-batch-size"] = str(len(answers))
        return answers
    if request.method == "POST":
        raise InputError("no queries or extend given (the manifest is GET)")
    return _manifest(request, state_of(request), dataset)


ALGORITHM = Query("sanctionwatch", description="Accepted for compatibility (as /match): one engine scores")
SERVICE_PARAMS = ("queries", "extend", "algorithm")
ANSWERS = ReconcileManifest | ReconcileResponse | ExtendResponse


@router.get(
    "/reconcile",
    dependencies=_depends(*SERVICE_PARAMS),
    response_model=ANSWERS,
    responses=ERRORS,
    summary="The default dataset's manifest, or answers to ?queries= / ?extend=",
)
async def reconcile(request: Request, response: Response, algorithm: str = ALGORITHM) -> dict[str, Any]:
    return await _serve(request, response, DEFAULT_DATASET, algorithm)


@router.post(
    "/reconcile",
    dependencies=_depends(*SERVICE_PARAMS),
    response_model=ReconcileResponse | ExtendResponse,
    responses=ERRORS,
    summary="The default dataset's answers to the `queries` or `extend` form field",
)
async def reconcile_post(request: Request, response: Response, algorithm: str = ALGORITHM) -> dict[str, Any]:
    return await _serve(request, response, DEFAULT_DATASET, algorithm)


@router.get(
    "/reconcile/{dataset}",
    dependencies=_depends(*SERVICE_PARAMS),
    response_model=ANSWERS,
    responses=ERRORS,
    summary="Reconciliation manifest of a dataset, or answers to ?queries= / ?extend=",
)
async def reconcile_dataset(
    request: Request, response: Response, dataset: str, algorithm: str = ALGORITHM
) -> dict[str, Any]:
    return await _serve(request, response, dataset, algorithm)


@router.post(
    "/reconcile/{dataset}",
    dependencies=_depends(*SERVICE_PARAMS),
    response_model=ReconcileResponse | ExtendResponse,
    responses=ERRORS,
    summary="Answers to the `queries` or `extend` form field, against a dataset",
)
async def reconcile_dataset_post(
    request: Request, response: Response, dataset: str, algorithm: str = ALGORITHM
) -> dict[str, Any]:
    return await _serve(request, response, dataset, algorithm)


PREFIX = Query("", max_length=200, description="What the user typed so far")
CURSOR = Query(0, ge=0, le=1000, description="Suggestions to skip (the next page)")


def _suggest_limit(default: int) -> Any:
    return Query(default, ge=1, le=100, description="Suggestions to return")


# What OpenRefine's suggest widget (Freebase's) sends with every request, and the values that describe
# what we do: the type weighs in and does not filter, matching is by prefix and not exact. `spell` asks
# for spelling corrections; none are offered (the name matching is itself spelling-tolerant: README).
WIDGET_PARAMS = {
    "type_strict": ("should",),
    "exact": ("false",),
    "prefixed": ("true",),
    "spell": ("always", "no_spelling", "no_results"),
}
SUGGEST_PARAMS = ("prefix", "cursor", "limit", *WIDGET_PARAMS)
SUGGEST_TYPE = Query(None, max_length=64, description="A party schema the suggestions are for")


def widget_params(request: Request) -> None:
    """400 for a value of the widget's parameters that would ask for what we do not do."""
    for name, accepted in WIDGET_PARAMS.items():
        for value in request.query_params.getlist(name):
            if value not in accepted:
                raise InputError(f"{name}: only {' or '.join(accepted)} is supported, not {value!r}")


def _suggest_depends(*allowed: str) -> list[Any]:
    return [*_depends(*SUGGEST_PARAMS, *allowed), Depends(widget_params)]


@router.get(
    "/reconcile/{dataset}/suggest/entity",
    dependencies=_suggest_depends("type"),
    response_model=EntitySuggestResponse,
    responses=ERRORS,
    summary="Listed parties whose names start like the prefix (screened as a name)",
)
def suggest_entity(
    request: Request,
    dataset: str,
    prefix: str = PREFIX,
    cursor: int = CURSOR,
    limit: int = _suggest_limit(10),
    type: str | None = SUGGEST_TYPE,
) -> dict[str, Any]:
    state = state_of(request)
    snapshot = state.snapshot()
    sources = dataset_sources(snapshot, dataset)
    kind = screening_schema(party_type(type).name) if type else None
    result: list[dict[str, Any]] = []
    if prefix.strip():
        party = PartyQuery(names=[prefix], schema=kind, sources=sources)
        try:
            hits = screen_party(snapshot.screener, party, threshold=TUNING.shown_floor, limit=cursor + limit)
        except QueryError as exc:
            raise QueryError(f"prefix: {exc}") from None
        for hit in hits[cursor:]:
            shown = state.entity_json.get(snapshot, hit.entity_id)
            schema = model.get(shown["schema"]) if shown is not None else None
            if shown is not None and schema is not None:
                result.append(
                    {"id": shown["id"], "name": shown["caption"], "description": schema.label,
                     "type": [type_json(schema)]}
                )  # fmt: skip
    return {"code": "/api/status/ok", "status": "200 OK", "prefix": prefix, "result": result}


@router.get(
    "/reconcile/{dataset}/suggest/type",
    dependencies=_suggest_depends(),
    response_model=TypeSuggestResponse,
    responses=ERRORS,
    summary="Types (party schemata of the dataset) whose name or label starts with the prefix",
)
def suggest_type(
    request: Request, dataset: str, prefix: str = PREFIX, cursor: int = CURSOR, limit: int = _suggest_limit(5)
) -> dict[str, Any]:
    snapshot = state_of(request).snapshot()
    schemata = _census.schemata(snapshot, dataset_sources(snapshot, dataset))
    found = suggest_types(schemata, prefix)[cursor : cursor + limit]
    return {"code": "/api/status/ok", "status": "200 OK", "prefix": prefix, "result": found}


@router.get(
    "/reconcile/{dataset}/suggest/property",
    dependencies=_suggest_depends("type"),
    response_model=PropertySuggestResponse,
    responses=ERRORS,
    summary="Properties a query may give (those screening reads) whose name or label starts with the prefix",
)
def suggest_property(
    request: Request,
    dataset: str,
    prefix: str = PREFIX,
    cursor: int = CURSOR,
    limit: int = _suggest_limit(5),
    type: str | None = SUGGEST_TYPE,
) -> dict[str, Any]:
    snapshot = state_of(request).snapshot()
    schemata = _census.schemata(snapshot, dataset_sources(snapshot, dataset))
    if type:  # the properties of the type the column is reconciled against
        schemata = [party_type(type)]
    found = suggest_properties(schemata, prefix)[cursor : cursor + limit]
    return {"code": "/api/status/ok", "status": "200 OK", "prefix": prefix, "result": found}


@router.get(
    "/reconcile/{dataset}/extend/property",
    dependencies=_depends("type", "limit"),
    response_model=ExtendProposal,
    responses=ERRORS,
    summary="Properties the candidates of a type can be extended by (data extension)",
)
def extend_property(
    request: Request,
    dataset: str,
    type: str = Query("Thing", max_length=64, description="A party schema"),
    limit: int = Query(0, ge=0, le=1000, description="At most this many (0: all)"),
) -> dict[str, Any]:
    dataset_sources(state_of(request).snapshot(), dataset)  # 404 for an unknown dataset
    schema = party_type(type)
    return {"limit": limit, "type": schema.name, "properties": extend_proposals(schema, limit)}
