"""Our own screening endpoint: one party, hits with their full explanation, and the list versions used."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi import Query as QueryParam
from pydantic import BaseModel, Field

from sanctionwatch.api.contracts.screening import ScreenResponse
from sanctionwatch.api.security import Analyst
from sanctionwatch.api.state import state_of
from sanctionwatch.api.yente import ErrorResponse
from sanctionwatch.api.yente_params import refuse_unknown_params
from sanctionwatch.evidence.receipt import Channel, Screened, Settings, sign_one
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
    dependencies=[Analyst, Depends(refuse_unknown_params)],
    response_model=ScreenResponse,
    response_model_exclude_unset=True,  # an explanation leaves out what does not apply to its hit
    responses={400: {"model": ErrorResponse}, 409: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
    summary="Screen one party: hits, best first, each with the explanation of its score",
)
def screen(
    request: Request,
    body: ScreenRequest,
    receipt: bool = QueryParam(False, description="Also return a signed receipt of this screening"),
) -> dict[str, Any]:
    state = state_of(request)
    key = state.signing_key() if receipt else None  # no key: refused before screening
    snapshot = state.snapshot()
    query = Query(body.name, body.schema_, body.birth_date, body.country, body.identifier)
    hits = snapshot.screener.screen(query, threshold=body.threshold, limit=body.limit)
    network = state.network(snapshot)
    owned = network.screen(query, threshold=body.threshold, limit=body.limit)
    actor = request.state.principal.label
    threshold = snapshot.screener.threshold if body.threshold is None else body.threshold
    answer: dict[str, Any] = {
        "threshold": threshold,
        "hits": [hit.to_json() for hit in hits],
        "ownership": [network.hit_json(found) for found in owned],
        "list_versions": [{"source": v.source, "version": v.number} for v in snapshot.versions],
    }
    state.trail.note(actor, "screen", body.model_dump(), hits, snapshot.list_versions)
    if key is None:
        return answer
    line = sign_one(
        state.registry.engine, key, Screened(query, hits), channel=Channel.API, actor=actor,
        settings=Settings(threshold, body.limit), versions=snapshot.versions, subject="one query",
    )  # fmt: skip
    answer["receipt"] = json.loads(line)
    return answer
