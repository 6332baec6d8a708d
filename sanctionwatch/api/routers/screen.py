"""Our own screening endpoint: one party, hits with their full explanation, and the list versions used."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from sanctionwatch.api.contracts.screening import ScreenResponse
from sanctionwatch.api.security import Analyst
from sanctionwatch.api.state import state_of
from sanctionwatch.api.yente import ErrorResponse
from sanctionwatch.screening.query import Query

router = APIRouter(tags=["Screening"])


class ScreenRequest(BaseModel):
    name: str = Field("", max_length=1000, examples=["Ким Чен Ын"])
    schema_: str | None = Field(None, alias="schema", max_length=64, examples=["Person"])
    birth_date: str | None = Field(None, max_length=10, examples=["1984-01-08"])
    country: str | None = Field(None, max_length=64, examples=["kp"])
    identifier: str | None = Field(None, max_length=200)
    threshold: float | None = Field(None, ge=0.0, le=1.0, description="Default: the calibrated threshold")
    limit: int = Field(5, ge=1, le=100)


@router.post(
    "/screen",
    dependencies=[Analyst],
    response_model=ScreenResponse,
    response_model_exclude_unset=True,  # an explanation leaves out what does not apply to its hit
    responses={400: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
    summary="Screen one party: hits, best first, each with the explanation of its score",
)
def screen(request: Request, body: ScreenRequest) -> dict[str, Any]:
    snapshot = state_of(request).snapshot()
    query = Query(body.name, body.schema_, body.birth_date, body.country, body.identifier)
    hits = snapshot.screener.screen(query, threshold=body.threshold, limit=body.limit)
    network = state_of(request).network(snapshot)
    owned = network.screen(query, threshold=body.threshold, limit=body.limit)
    state_of(request).trail.note(
        request.state.principal.label, "screen", body.model_dump(), hits, snapshot.list_versions
    )
    return {
        "threshold": snapshot.screener.threshold if body.threshold is None else body.threshold,
        "hits": [hit.to_json() for hit in hits],
        "ownership": [network.hit_json(found) for found in owned],
        "list_versions": [{"source": v.source, "version": v.number} for v in snapshot.versions],
    }
