"""Liveness and readiness: the only endpoints that need no authentication."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sanctionwatch.api.contracts.service import HealthResponse, NotReadyResponse, ReadyResponse
from sanctionwatch.api.state import state_of
from sanctionwatch.monitoring.customer_store import Customers

router = APIRouter(tags=["Health"])


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
        return JSONResponse({"ready": False, "detail": "building the screening index"}, status_code=503)
    return {
        "ready": True,
        "index_built_in_seconds": round(snapshot.build_seconds, 2),
        "versions": [
            {"source": v.source, "version": v.number, "entities": v.entity_count} for v in snapshot.versions
        ],
        # Work owed (an import or a screen killed half-way): shown until a screening command makes it up.
        "customers_unscreened": Customers(state_of(request).registry.engine).unscreened_count(),
    }
