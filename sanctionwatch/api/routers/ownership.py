"""Ownership over HTTP: one party's standing under each rule with its chain of owners, and every party
the rules find blocked (or to review) that no list names.

Read-only: holdings are imported with `sanctionwatch ownership import`; the network the answers come
from is the snapshot's (ServiceState.network), rebuilt when the lists or the imported holdings change.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from sanctionwatch.access.roles import Role
from sanctionwatch.api.contracts.ownership import FlaggedResponse, OwnershipResponse
from sanctionwatch.api.security import Principal, require
from sanctionwatch.api.state import state_of
from sanctionwatch.api.yente import ErrorResponse
from sanctionwatch.api.yente_params import refuse_unknown_params
from sanctionwatch.errors import InputError, NotFoundError
from sanctionwatch.ownership.assembly import Network
from sanctionwatch.ownership.rules import Authority
from sanctionwatch.screening.live import Snapshot

__all__ = ["node_findings", "router"]

router = APIRouter(tags=["Ownership"])
Caller = Annotated[Principal, Depends(require(Role.ANALYST))]
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorResponse} for code in (400, 403, 404)}
AUTHORITIES = ", ".join(a.value for a in Authority)


@router.get(
    "/ownership",
    response_model=FlaggedResponse,
    responses=ERRORS,
    dependencies=[Depends(refuse_unknown_params)],
    summary="Every party blocked or to review by ownership that no list names",
)
async def flagged(
    request: Request,
    _caller: Caller,
    authority: Annotated[list[str] | None, Query(description=f"Any of {AUTHORITIES} (repeatable)")] = None,
) -> dict[str, Any]:
    wanted = _authorities(authority)
    state = state_of(request)
    network = await run_in_threadpool(state.network, state.snapshot())
    out = []
    for node, found in sorted(network.flagged().items()):
        standings = {a.value: f.standing.value for a, f in found.items() if a in wanted}
        if standings:
            out.append({"node": node, "name": network.name(node), "standings": standings})
    return {"flagged": out}


@router.get(
    "/ownership/{key:path}",
    response_model=OwnershipResponse,
    responses=ERRORS,
    dependencies=[Depends(refuse_unknown_params)],
    summary="A party's standing under each ownership rule, with the chain of owners",
)
async def ownership_of(
    request: Request,
    _caller: Caller,
    key: Annotated[str, Path(max_length=400, description="ofac-sdn:9345, customer:C-100, party:<name>")],
) -> dict[str, Any]:
    state = state_of(request)
    snapshot = state.snapshot()
    network = await run_in_threadpool(state.network, snapshot)
    return node_findings(network, snapshot, key)


def node_findings(network: Network, snapshot: Snapshot, key: str) -> dict[str, Any]:
    """The body of GET /ownership/{key} (the party's page draws the same): 404 for a key that neither
    a rule, the holdings nor the lists know."""
    found = network.findings(key)
    known = any(key in a.graph.by_owner or key in a.graph.by_owned for a in network.assessors.values())
    if not found and not known and snapshot.party(key) is None:
        raise NotFoundError(f"{key!r}: no such party in the lists or the ownership holdings")
    return {
        "node": key,
        "name": network.name(key),
        "findings": [
            {"authority": authority.value, **network.finding_json(key, authority)} for authority in found
        ],
    }


def _authorities(values: list[str] | None) -> set[Authority]:
    if not values:
        return set(Authority)
    unknown = [v for v in values if v not in {a.value for a in Authority}]
    if unknown:
        raise InputError(f"authority: unknown {', '.join(map(repr, unknown))}; use any of {AUTHORITIES}")
    return {Authority(v) for v in values}
