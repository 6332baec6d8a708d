"""The analyst page of a party's ownership: its standing under each rule and the chain of owners drawn.

The same answer as GET /ownership/{key} (api.routers.ownership.node_findings), with one picture per rule
that finds something, since the rules count different owners (OFAC adds up every blocked owner's
share; the EU and UK follow one designated person's holdings).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from sanctionwatch.access.roles import Role
from sanctionwatch.api.routers.ownership import node_findings
from sanctionwatch.api.state import state_of
from sanctionwatch.ownership.assembly import ChainStep
from sanctionwatch.ownership.rules import Authority
from sanctionwatch.screening.live import Snapshot
from sanctionwatch.web.charts import Tree, ownership_tree
from sanctionwatch.web.pages import page, signed_in

__all__ = ["alert_chains", "ownership_href", "router"]

router = APIRouter(prefix="/ui", include_in_schema=False)


def ownership_href(node: str) -> str:
    return f"/ui/ownership/{quote(node, safe=':')}"


def chain_links(tree: Tree, snapshot: Snapshot | None, top: str) -> dict[str, str]:
    """Where each box of a drawn chain leads: a listed party's page, or the other party's ownership page."""
    return {
        box.node: (
            f"/ui/entities/{quote(box.node, safe=':')}"
            if snapshot is not None and snapshot.party(box.node) is not None
            else ownership_href(box.node)
        )
        for box in tree.boxes
        if box.node != top
    }


def alert_chains(explanation: Mapping[str, Any], snapshot: Snapshot | None, top: str) -> list[dict[str, Any]]:
    """The rules' findings an ownership alert recorded, each with its chain drawn as it was then."""
    recorded = explanation.get("ownership")
    if not isinstance(recorded, Mapping):
        return []  # a 'linked' or 'clear' alert, or not an ownership alert at all
    out = []
    for authority, finding in recorded.items():
        tree = ownership_tree(ChainStep.from_json(finding["chain"]))
        out.append(
            {"authority": authority, **finding, "tree": tree, "links": chain_links(tree, snapshot, top)}
        )
    return out


@router.get("/ownership/{key:path}", response_class=HTMLResponse)
async def ownership_page(request: Request, key: str = Path(..., max_length=400)) -> Response:
    principal = signed_in(request, Role.ANALYST)
    state = state_of(request)
    snapshot = state.snapshot()
    network = await run_in_threadpool(state.network, snapshot)
    body = node_findings(network, snapshot, key)
    rules = []
    for finding in body["findings"]:
        tree = ownership_tree(network.chain(key, Authority(finding["authority"])))
        rules.append({**finding, "tree": tree, "links": chain_links(tree, snapshot, key)})
    return page(request, "ownership.html", principal, party=body, rules=rules)
