"""The analyst pages for alerts: the queue, the case (customer and listed party side by side, with the
explanation and the history), and the decision forms.

Every form posts to one route that calls the same `Cases` step as the CLI and the API: the four-eyes
rule and the status checks are not re-implemented here, only their refusals shown.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sanctionwatch.access.roles import Role
from sanctionwatch.api.security import check_csrf
from sanctionwatch.api.state import state_of
from sanctionwatch.cases.workflow import STEPS, Actor, CaseError, Cases, NotAllowedError
from sanctionwatch.monitoring.alerts import STATUSES, Alerts, Decision
from sanctionwatch.monitoring.customer_store import Customers
from sanctionwatch.web.ownership import alert_chains
from sanctionwatch.web.pages import page, signed_in

router = APIRouter(prefix="/ui", include_in_schema=False)
QUEUE_LIMIT = 500
# The forms, in the order the page shows them: a case offers those whose step starts from its status
# (the workflow's STEPS; the workflow still decides who may use them).
STEP_LABELS = {
    "review": "Start review",
    "propose": "Propose decision",
    "confirm": "Confirm",
    "send_back": "Send back",
    "close": "Close",
    "assign": "Assign",
    "comment": "Comment",
}


def offered(status: str) -> list[str]:
    return [action for action in STEP_LABELS if status in STEPS[action].from_statuses]


@router.get("/alerts", response_class=HTMLResponse)
def alert_queue(request: Request, status: str = Query("open", max_length=20)) -> Response:
    principal = signed_in(request, Role.ANALYST)
    wanted = [] if status == "all" else [status]
    if status != "all" and status not in STATUSES:
        raise HTTPException(400, f"status: unknown {status!r}; use one of {', '.join(STATUSES)} or all")
    alerts_store = Alerts(state_of(request).registry.engine)
    alerts = alerts_store.list(status=wanted, limit=QUEUE_LIMIT)
    customers = Customers(state_of(request).registry.engine).many({a["customer_id"] for a in alerts})
    return page(
        request,
        "alerts.html",
        principal,
        alerts=alerts,
        names={c.id: c.name for c in customers},
        shown=status,
        statuses=("all", *STATUSES),
        counts=alerts_store.counts(),
    )


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def case_page(request: Request, alert_id: int = Path(..., ge=1, le=2**31 - 1)) -> Response:
    return _case(request, alert_id)


def _case(request: Request, alert_id: int, *, error: str | None = None, status: int = 200) -> Response:
    principal = signed_in(request, Role.ANALYST)
    state = state_of(request)
    alert = Alerts(state.registry.engine).get(alert_id)
    if alert is None:
        raise HTTPException(404, f"alert {alert_id}: no such alert")
    customer = Customers(state.registry.engine).get(alert["customer_id"])
    snapshot = state.live.snapshot
    found = snapshot.party(alert["entity_id"]) if snapshot else None
    listed = found[0] if found else None
    return page(
        request,
        "case.html",
        principal,
        status=status,
        alert=alert,
        customer=customer,
        customer_changed=customer is not None and customer.hash != alert["customer_hash"],
        listed=listed,
        listed_changed=listed is not None and listed.content_hash() != alert["record_hash"],
        hit={"explanation": alert["explanation"]},
        chains=alert_chains(alert["explanation"], snapshot, alert["entity_id"]),
        offered=offered(alert["status"]),
        labels=STEP_LABELS,
        decisions=[d.value for d in Decision],
        error=error,
    )


@router.post("/alerts/{alert_id}/steps", response_class=HTMLResponse)
async def take_step(
    request: Request,
    alert_id: int = Path(..., ge=1, le=2**31 - 1),
    action: str = Form(..., max_length=20),
    decision: str = Form("", max_length=20),
    reason: str = Form("", max_length=4000),
    text: str = Form("", max_length=4000),
    assignee: str = Form("", max_length=200),
) -> Response:
    await check_csrf(request)
    principal = signed_in(request, Role.ANALYST)
    actor = Actor(principal.person or principal.label, principal.role)
    try:
        Cases(state_of(request).registry.engine).take(
            action, alert_id, actor, decision=decision, reason=reason, text=text, assignee=assignee
        )
    except CaseError as exc:
        # The case page again, with the refusal in words and a status that says what kind it is.
        code = 403 if isinstance(exc, NotAllowedError) else 409
        return _case(request, alert_id, error=str(exc), status=code)
    return RedirectResponse(f"/ui/alerts/{alert_id}?done={quote(action)}", status_code=303)
