"""Administration over HTTP: API keys (the CLI can do the same, `sanctionwatch keys ...`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from sanctionwatch.api.contracts.service import KeyBody, KeysResponse, NewKeyResponse
from sanctionwatch.api.security import Admin
from sanctionwatch.api.state import state_of
from sanctionwatch.api.yente import ErrorResponse

router = APIRouter(prefix="/admin", tags=["Administration"], dependencies=[Admin])


class NewKey(BaseModel):
    name: str = Field(..., min_length=1, max_length=200)
    role: str = Field(..., max_length=16, examples=["analyst"])
    owner: str | None = Field(None, max_length=100, description="The user the key acts for")


@router.get("/keys", response_model=KeysResponse, summary="Every API key (never the keys themselves)")
def list_keys(request: Request) -> dict[str, Any]:
    return {"keys": [k.to_json() for k in state_of(request).keys.list()]}


@router.post(
    "/keys",
    status_code=201,
    response_model=NewKeyResponse,
    responses={400: {"model": ErrorResponse}},
    summary="A new API key, shown once",
)
def create_key(request: Request, body: NewKey) -> dict[str, Any]:
    record, key = state_of(request).keys.create(
        body.name, body.role, owner=body.owner, actor=request.state.principal.label
    )
    return {**record.to_json(), "key": key}


@router.delete(
    "/keys/{key_id}",
    response_model=KeyBody,
    responses={404: {"model": ErrorResponse}},
    summary="Revoke a key at once",
)
def revoke_key(request: Request, key_id: int = Path(..., ge=1, le=2_147_483_647)) -> dict[str, Any]:
    state = state_of(request)
    revoked = state.keys.revoke(key_id, actor=request.state.principal.label)
    state.key_cache.forget()
    return revoked.to_json()
