"""The OpenRefine Reconciliation Service API, so that analysts can reconcile a spreadsheet of names.

OpenRefine cannot send an Authorization header, so this endpoint also takes the key as ?api_key=
(the access log masks it). Queries: {"q0": {"query": "...", "type": "Person", "limit": 3,
"properties": [{"pid": "birthDate", "v": "1984"}]}}; answers: {"q0": {"result": [...]}}.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool

from sanctionwatch.access.roles import Role
from sanctionwatch.api.contracts.reconcile import ReconcileManifest, ReconcileResponse
from sanctionwatch.api.security import require
from sanctionwatch.api.state import state_of
from sanctionwatch.matching.tuning import TUNING
from sanctionwatch.screening.examples import party_from_example
from sanctionwatch.screening.live import Snapshot
from sanctionwatch.screening.party import screen_party
from sanctionwatch.screening.query import Hit, QueryError

router = APIRouter(tags=["Reconciliation"])
Reconciler = require(Role.ANALYST, query_key=True)
TYPES = ("Person", "Organization", "Company", "LegalEntity", "Vessel")
MAX_QUERIES = 50


def _manifest(request: Request) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/")
    return {
        "versions": ["0.2"],
        "name": "Sanctionwatch",
        "identifierSpace": f"{base}/entities/",
        "schemaSpace": "https://followthemoney.tech/explorer/schemata/",
        "defaultTypes": [{"id": t, "name": t} for t in TYPES],
        "view": {"url": f"{base}/ui/entities/{{{{id}}}}"},
    }


def _reconcile(
    snapshot: Snapshot, key: str, spec: Any, note: Callable[[Any, list[Hit]], None]
) -> dict[str, Any]:
    if not isinstance(spec, dict) or not isinstance(spec.get("query"), str):
        raise HTTPException(400, f"queries.{key}: expected an object with a 'query' string")
    kind = spec.get("type") or "LegalEntity"
    if not isinstance(kind, str):
        raise HTTPException(400, f"queries.{key}.type: expected a schema name")
    limit = spec.get("limit", 5)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 100:
        raise HTTPException(400, f"queries.{key}.limit: expected a number from 1 to 100")
    properties: dict[str, list[Any]] = {"name": [spec["query"]]}
    given = spec.get("properties") or []
    if not isinstance(given, list):
        raise HTTPException(400, f"queries.{key}.properties: expected a list of {{'pid': ..., 'v': ...}}")
    for item in given:
        if not isinstance(item, dict) or not isinstance(item.get("pid"), str):
            raise HTTPException(400, f"queries.{key}.properties: expected [{{'pid': ..., 'v': ...}}]")
        values = item.get("v")
        properties.setdefault(item["pid"], []).extend(values if isinstance(values, list) else [values])
    try:
        party = party_from_example(kind, properties, query_id=key)
        hits = screen_party(snapshot.screener, party, threshold=TUNING.shown_floor, limit=limit)
    except QueryError as exc:  # named by where it is in the request
        raise QueryError(f"queries.{key}.{exc}") from None
    note([kind, properties], hits)
    results = []
    for hit in hits:
        found = snapshot.party(hit.entity_id)
        schema = found[0].schema if found else hit.schema
        results.append(
            {
                "id": hit.entity_id,
                "name": hit.caption,
                "type": [{"id": schema, "name": schema}],
                "score": round(hit.score * 100, 1),
                "match": hit.score >= snapshot.screener.threshold,
            }
        )
    return {"result": results}


async def _queries(request: Request) -> Any:
    raw: Any = request.query_params.get("queries")
    if raw is None and request.method == "POST":
        form = await request.form()
        raw = form.get("queries")
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise HTTPException(400, "queries: expected a JSON object")
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise HTTPException(400, f"queries: not JSON ({exc.msg} at character {exc.pos})") from None


@router.get(
    "/reconcile",
    dependencies=[Depends(Reconciler)],
    response_model=ReconcileManifest | ReconcileResponse,
    summary="Reconciliation service manifest, or answers to ?queries=",
)
@router.post(
    "/reconcile",
    dependencies=[Depends(Reconciler)],
    response_model=ReconcileManifest | ReconcileResponse,
    summary="Answers to the `queries` form field (the manifest without it)",
)
async def reconcile(request: Request) -> dict[str, Any]:
    queries = await _queries(request)
    if queries is None:
        return _manifest(request)
    if not isinstance(queries, dict) or not 0 < len(queries) <= MAX_QUERIES:
        raise HTTPException(400, f"queries: expected an object of 1 to {MAX_QUERIES} queries")
    state = state_of(request)
    snapshot = state.snapshot()
    caller = request.state.principal.label

    def note(query: Any, hits: list[Hit]) -> None:
        state.trail.note(caller, "reconcile", query, hits, snapshot.list_versions)

    def answer() -> dict[str, Any]:  # screening is CPU work: off the event loop
        return {key: _reconcile(snapshot, key, spec, note) for key, spec in queries.items()}

    return await run_in_threadpool(answer)
