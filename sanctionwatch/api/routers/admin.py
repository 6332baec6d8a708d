"""Administration over HTTP: API keys and the users' own lists (the CLI can do the same,
`sanctionwatch keys ...`, `sanctionwatch update --source internal:NAME --file ...`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, Form, Path, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from sanctionwatch.api.contracts.registry import ListUploadResponse
from sanctionwatch.api.contracts.service import KeyBody, KeysResponse, NewKeyResponse
from sanctionwatch.api.costly import Costly
from sanctionwatch.api.security import Admin
from sanctionwatch.api.state import state_of
from sanctionwatch.api.uploads import spooled_upload, upload_name
from sanctionwatch.api.yente import ErrorResponse
from sanctionwatch.errors import InputError
from sanctionwatch.model import INTERNAL_SOURCE_PREFIX
from sanctionwatch.monitoring.after_update import rescreen_owed
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.update import update_from_files
from sanctionwatch.sources.catalog import source_spec

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


@router.post(
    "/lists/{name}",
    response_model=ListUploadResponse,
    responses={400: {"model": ErrorResponse}, 413: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
    summary="A new version of your own list internal:NAME, from an uploaded CSV, XLSX or FtM file",
)
async def upload_list(
    request: Request,
    name: str = Path(..., max_length=23, description="NAME of internal:NAME: a-z, 0-9, '-', '_'"),
    file: UploadFile = File(..., description="The whole list, in the layout the README documents"),
    force: bool = Form(False, description="Activate even if the sanity guard objects"),
    _slot: None = Costly,
) -> dict[str, Any]:
    """Ingested as `update --source internal:NAME --file` does: a new version, diffed, behind the guard,
    its activation audited under the caller's name; then the customers are re-screened against what
    it added or changed, as after any update. A file with any bad row is refused whole (400)."""
    source = source_spec(INTERNAL_SOURCE_PREFIX + name).name  # 400 for a malformed name
    actor = request.state.principal.label
    state = state_of(request)
    name_given = upload_name(file, "list")  # recorded with the version

    def ingest() -> dict[str, Any]:
        # The registry of this request records the caller, not the service, as the one who activated.
        registry = Registry(state.registry.engine, actor=actor)
        # spooled where jobs' uploads are
        with spooled_upload(file, name_given, prefix="sw-list-", directory=state.settings.jobs_dir) as path:
            [outcome] = update_from_files(registry, [path], source=source, force=force)
        if outcome.result is None:
            raise InputError(outcome.error or f"{name_given}: the list could not be ingested")
        after = rescreen_owed(registry) if outcome.ok else None
        alerts = len(after.run.alerts) if after is not None and after.run is not None else 0
        if after is not None and after.catch_up is not None:
            alerts += len(after.catch_up.alerts)
        if after is not None:
            alerts += sum(len(run.alerts) for run in after.network)
        state.live.refresh()  # screened against at once, not at the watcher's next round
        return {**outcome.result.to_json(), "new_alerts": alerts}

    # Copying the upload, parsing and storing it are blocking: off the event loop.
    return await run_in_threadpool(ingest)
