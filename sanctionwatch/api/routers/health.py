"""Liveness and readiness: the only endpoints that need no authentication."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sanctionwatch.api.contracts.service import HealthResponse, NotReadyResponse, ReadyResponse
from sanctionwatch.api.state import state_of
from sanctionwatch.monitoring.customer_store import Customers
from sanctionwatch.registry.freshness import freshness_of

router = APIRouter(tags=["Health"])
_DEGRADED_KEYS = ("source", "state", "reason", "age_seconds")


@router.get("/healthz", response_model=HealthResponse, summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    response_model=ReadyResponse,
    responses={503: {"model": NotReadyResponse}},
    summary="The screening index is loaded (503 until it is)",
)
def readyz(request: Request) -> dict[str, Any] | JSONResponse:
    snapshot = state_of(request).live.snapshot
    if snapshot is None:
        # Returned as a response, not raised: its body is the 503's own shape, not an error's `detail`.
        return JSONResponse(
            {"status": "building", "ready": False, "detail": "building the screening index"}, status_code=503
        )
    # Still 200: screening works on the lists it has, but an operator must see they are not current.
    degraded = [
        {key: value for key, value in f.to_json().items() if key in _DEGRADED_KEYS}
        for f in freshness_of(state_of(request).registry)
        if f.degraded
    ]
    return {
        "status": "degraded" if degraded else "ok",  # yente's field (contracts.service.ReadyResponse)
        "ready": True,
        "index_built_in_seconds": round(snapshot.build_seconds, 2),
        "versions": [
            {"source": v.source, "version": v.number, "entities": v.entity_count} for v in snapshot.versions
        ],
        # Work owed (an import or a screen killed half-way): shown until a screening command makes it up.
        "customers_unscreened": Customers(state_of(request).registry.engine).unscreened_count(),
        "degraded": degraded,
    }
