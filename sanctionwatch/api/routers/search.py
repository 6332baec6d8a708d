"""Name search and entity records (yente's GET /search/{dataset} and GET /entities/{id})."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from sanctionwatch.api.contracts.registry import RecordResponse
from sanctionwatch.api.deps import dataset_sources
from sanctionwatch.api.entities import adjacent_page, entity_property
from sanctionwatch.api.security import Viewer
from sanctionwatch.api.state import state_of
from sanctionwatch.api.yente import (
    AdjacentResults,
    EntityAdjacentResponse,
    EntityResponse,
    ErrorResponse,
    SearchResponse,
)
from sanctionwatch.api.yente_params import (
    MAX_OFFSET,
    MAX_PAGE,
    ChangedSince,
    ExcludeDataset,
    ExcludeSchema,
    IncludeDataset,
    SearchFilters,
    dataset_scope,
    refuse_unknown_params,
    result_filter,
    search_filters,
)
from sanctionwatch.api.yente_search import SearchAsked, search_answer
from sanctionwatch.errors import InputError
from sanctionwatch.screening.search_syntax import parse_query

DEFAULT_ADJACENT = 10  # yente's default page of adjacent entities per property

router = APIRouter(tags=["Search"])


@router.get(
    "/search/{dataset}",
    response_model=SearchResponse,
    response_model_by_alias=True,
    responses={400: {"model": ErrorResponse}, 404: {"model": ErrorResponse}},
    dependencies=[Viewer, Depends(refuse_unknown_params)],
    summary="Search listed parties, and the other entities of FtM datasets, by the words of any property",
)
def search(
    request: Request,
    dataset: str,
    q: str = Query(
        "",
        description='Words to find (all of them), "quoted phrases", -excluded words, field:value '
        "(Lucene syntax; see simple); empty: every party of the dataset",
    ),
    schema: str = Query("Thing", max_length=64, description="FtM schema of the results (with its kinds)"),
    limit: int = Query(10, ge=0, le=MAX_PAGE, description="0: only the total and the facets"),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    include_dataset: IncludeDataset = (),
    exclude_dataset: ExcludeDataset = (),
    exclude_schema: ExcludeSchema = (),
    changed_since: ChangedSince = None,
    search_filters: SearchFilters = Depends(search_filters),
) -> dict[str, Any]:
    """yente's text search: every property of the parties is searched (names, addresses, notes,
    identifiers ...), and of the other entities of FtM datasets (an Address, a Sanction ...), name hits
    first; see README, "yente compatibility", for what `q` may hold."""
    state = state_of(request)
    snapshot = state.snapshot()
    sources = dataset_sources(snapshot, dataset)
    query = parse_query(q, simple=search_filters.simple)
    found = result_filter(
        snapshot,
        scope=dataset_scope(snapshot, dataset, include_dataset, exclude_dataset),
        exclude_schema=exclude_schema,
        changed_since=changed_since,
    )
    asked = SearchAsked(
        query=query,
        schema=schema,
        sources=sources,
        result_filter=search_filters.narrow(snapshot, found),
        filters=search_filters,
        limit=limit,
        offset=offset,
    )
    index = state.search_index(snapshot)
    return search_answer(snapshot, index, asked, state.entity_json)


@router.get(
    "/entities/{entity_id}",
    response_model=EntityResponse,
    response_model_by_alias=True,
    responses={
        308: {"description": "The id was merged into another entity (an FtM referent): go there"},
        404: {"model": ErrorResponse},
    },
    dependencies=[Viewer, Depends(refuse_unknown_params)],
    summary="One entity, as FollowTheMoney",
)
def entity(
    request: Request,
    entity_id: str,
    nested: bool = Query(
        True,
        description="Include the adjacent entities of an FtM dataset (sanctions, addresses, "
        "ownerships ...) in the properties, as yente does",
    ),
) -> Any:
    """A registry id (`ofac-sdn:36`, `ftm:us_ofac_sdn:NK-2x`) or the id of an entity of an FtM dataset
    (`NK-2x`, parties and non-parties alike). An id that FtM `referents` say was merged into another
    entity redirects (308) to it, as yente does."""
    state = state_of(request)
    found = state.entity_json.lookup(state.snapshot(), entity_id, nested=nested)
    if found.redirect is not None:
        target = request.app.url_path_for("entity", entity_id=found.redirect)
        return RedirectResponse(target + (f"?{request.url.query}" if request.url.query else ""), 308)
    if found.shown is None:
        raise HTTPException(404, f"no entity {entity_id!r} in the active lists")
    return found.shown


def _adjacent_of(request: Request, entity_id: str) -> tuple[dict[str, Any], dict[str, list[Any]]] | Response:
    """The entity (not nested) and its adjacent entities by property; a redirect for a referent."""
    state = state_of(request)
    snapshot = state.snapshot()
    found = state.entity_json.lookup(snapshot, entity_id, nested=False)
    if found.redirect is not None:
        target = request.app.url_path_for("entity", entity_id=found.redirect)
        return RedirectResponse(target, 308)
    if found.shown is None:
        raise HTTPException(404, f"no entity {entity_id!r} in the active lists")
    return found.shown, state.entity_json.adjacent(snapshot, found.shown["id"])


def _no_sort(sort: list[str]) -> None:
    if sort:
        raise InputError(
            f"sort: {', '.join(sort)!r} is not supported here; adjacent entities come in their dataset's order"
        )


Limit = Query(DEFAULT_ADJACENT, ge=0, le=MAX_PAGE, description="Adjacent entities per property")
Offset = Query(0, ge=0, le=MAX_OFFSET, description="Start at this adjacent entity of each property")
Sort = Query([], description="Not supported: refused if given (the dataset's order is kept)")


@router.get(
    "/entities/{entity_id}/adjacent",
    response_model=EntityAdjacentResponse,
    response_model_by_alias=True,
    responses={
        308: {"description": "The id was merged into another entity (an FtM referent): go there"},
        404: {"model": ErrorResponse},
    },
    dependencies=[Viewer, Depends(refuse_unknown_params)],
    summary="An entity and its adjacent entities (addresses, sanctions, payments ...), paged by property",
)
def adjacent(
    request: Request, entity_id: str, limit: int = Limit, offset: int = Offset, sort: list[str] = Sort
) -> Any:
    """yente's adjacency: every entity one reference away from an entity of an FtM dataset, both ways
    (its addressEntity; the Payments whose payer it is, under `paymentPayer`), `limit` per property
    from `offset`, each with its total. An edge entity (Payment, Ownership ...) shows its far end nested;
    nothing deeper. A listed party of an official list has none (its facts are its own properties)."""
    _no_sort(sort)
    found = _adjacent_of(request, entity_id)
    if isinstance(found, Response):
        return found
    shown, near = found
    return {"entity": shown, "adjacent": {prop: adjacent_page(near, prop, limit, offset) for prop in near}}


@router.get(
    "/entities/{entity_id}/adjacent/{property_name}",
    response_model=AdjacentResults,
    response_model_by_alias=True,
    responses={
        308: {"description": "The id was merged into another entity (an FtM referent): go there"},
        404: {"model": ErrorResponse},
    },
    dependencies=[Viewer, Depends(refuse_unknown_params)],
    summary="One property's adjacent entities of an entity, paged",
)
def adjacent_by_property(
    request: Request,
    entity_id: str,
    property_name: str,
    limit: int = Limit,
    offset: int = Offset,
    sort: list[str] = Sort,
) -> Any:
    """As /entities/{id}/adjacent, for one entity-typed property of the entity's schema (404 for a
    property the schema does not have or that does not name entities, as yente answers)."""
    _no_sort(sort)
    found = _adjacent_of(request, entity_id)
    if isinstance(found, Response):
        return found
    shown, near = found
    if not entity_property(shown["schema"], property_name):
        raise HTTPException(404, f"{shown['schema']} has no property {property_name!r} naming entities")
    return adjacent_page(near, property_name, limit, offset)


@router.get(
    "/records/{entity_id}",
    response_model=RecordResponse,
    responses={404: {"model": ErrorResponse}},
    dependencies=[Viewer],
    summary="One listed party, every field as Sanctionwatch normalized it, with its linked records",
    tags=["Registry"],
)
def record(request: Request, entity_id: str) -> dict[str, Any]:
    found = state_of(request).snapshot().party(entity_id)
    if found is None:
        raise HTTPException(404, f"no listed party {entity_id!r} in the active lists")
    entity_, records = found
    # `target` always shown here (the stored form leaves it out when true, to keep record hashes).
    entity_json = {**entity_.to_dict(), "target": entity_.target}
    return {"entity": entity_json, "party_records": [r.id for r in records]}
