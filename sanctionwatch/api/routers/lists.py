"""The lists: versions, what changed between them, the dataset catalog."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse

from sanctionwatch.api.contracts.registry import ListChangesResponse, TimelineResponse, VersionsResponse
from sanctionwatch.api.costly import Costly
from sanctionwatch.api.responses import conditional
from sanctionwatch.api.security import Viewer
from sanctionwatch.api.state import state_of
from sanctionwatch.api.yente import DATASET_ALIASES, CatalogResponse, ErrorResponse
from sanctionwatch.registry.summary import describe_changes
from sanctionwatch.registry.timeline import change_timeline

router = APIRouter(tags=["Registry"])


@router.get(
    "/lists",
    dependencies=[Viewer],
    response_model=VersionsResponse,
    summary="Every version of every list, and which one is active",
)
def versions(request: Request) -> dict[str, Any]:
    return {"versions": [v.to_json() for v in state_of(request).registry.versions()]}


@router.get(
    "/lists/{source}/changes",
    dependencies=[Viewer, Costly],
    response_model=ListChangesResponse,
    responses={404: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
    summary="Parties added, removed and changed between two versions of a list",
)
def changes(
    request: Request,
    source: str,
    from_version: int | None = Query(None, alias="from", ge=1, description="Default: the version before"),
    to_version: int | None = Query(None, alias="to", ge=1, description="Default: the active version"),
    program: list[str] = Query(
        [], description="Only parties under these programmes (DPRK, RUSSIA-EO14024 ...)"
    ),
    authority: list[str] = Query([], description="Only parties under these authorities (EO 13382 ...)"),
) -> dict[str, Any]:
    registry = state_of(request).registry
    if source not in registry.sources():
        raise HTTPException(404, f"unknown source {source!r}; known: {', '.join(registry.sources())}")
    diff = registry.changes(
        source, from_number=from_version, to_number=to_version, programs=program, authorities=authority
    )
    return {"summary": describe_changes(diff), **diff.to_json()}


@router.get(
    "/changes",
    dependencies=[Viewer, Costly],
    response_model=TimelineResponse,
    responses={503: {"model": ErrorResponse}},
    summary="Every version against the one before it, newest first",
)
def timeline(
    request: Request,
    program: list[str] = Query([]),
    authority: list[str] = Query([]),
) -> dict[str, Any]:
    registry = state_of(request).registry
    return {
        "timeline": [c.to_json() for c in change_timeline(registry, programs=program, authorities=authority)]
    }


# yente lets clients cache its catalog for five minutes. Ours answers only to a key (shared caches must
# not hand it to others): private, the same five minutes, then revalidated by ETag (304 when unchanged).
CATALOG_CACHE = "private, max-age=300"


@router.get(
    "/catalog",
    dependencies=[Viewer],
    response_model=CatalogResponse,
    responses={304: {"description": "Not modified: the catalog is still the one whose ETag was sent"}},
    summary="The datasets /match and /search accept (yente's catalog)",
)
def catalog(request: Request) -> Response:
    # The body is encoded here, as the model would (tests/service/test_contracts.py), so the ETag is
    # over the very bytes sent.
    return conditional(request, JSONResponse(catalog_body(request)), CATALOG_CACHE)


def catalog_body(request: Request) -> dict[str, Any]:
    """GET /catalog's body: the active lists and the OpenSanctions names that cover them."""
    active = state_of(request).registry.active_versions()
    datasets = [
        {
            "name": v.source,
            "title": v.source,
            "version": str(v.number),
            "load": True,
            "children": [],
            "index_current": True,
        }
        for v in active
    ]
    sources = {v.source for v in active}
    for alias, covered in DATASET_ALIASES.items():
        children = sorted(sources) if not covered else [s for s in covered if s in sources]
        if children:
            datasets.append(
                {
                    "name": alias,
                    "title": alias,
                    "version": "",
                    "load": True,
                    "children": children,
                    "index_current": True,
                }
            )
    return {
        "datasets": datasets,
        "current": [d["name"] for d in datasets],
        "outdated": [],
        "index_stale": False,
    }
