"""The analyst pages for payments: the hold queue beside the alerts, and one screened message.

A held message's decision is taken on its case page (the alert's four-eyes forms), which links back here;
this page shows what the case page cannot: the message as received and every hit by field.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from sanctionwatch.access.roles import Role
from sanctionwatch.api.state import state_of
from sanctionwatch.payments.holds import PaymentHolds, PaymentState
from sanctionwatch.web.pages import page, signed_in

router = APIRouter(prefix="/ui", include_in_schema=False)
QUEUE_LIMIT = 500
TABS = ("held", "released", "rejected", "passed", "all")


@router.get("/payments", response_class=HTMLResponse)
def payment_queue(request: Request, state: str = Query("held", max_length=20)) -> Response:
    principal = signed_in(request, Role.ANALYST)
    if state not in TABS:
        raise HTTPException(400, f"state: unknown {state!r}; use one of {', '.join(TABS)}")
    wanted = None if state == "all" else PaymentState(state)
    found = PaymentHolds(state_of(request).registry.engine).recent(state=wanted, limit=QUEUE_LIMIT)
    return page(request, "payments.html", principal, payments=found, shown=state, tabs=TABS)


@router.get("/payments/{payment_id}", response_class=HTMLResponse)
def payment_page(request: Request, payment_id: int = Path(..., ge=1, le=2**31 - 1)) -> Response:
    principal = signed_in(request, Role.ANALYST)
    found = PaymentHolds(state_of(request).registry.engine).get(payment_id)
    if found is None:
        raise HTTPException(404, f"payment {payment_id}: no such screened message")
    return page(request, "payment.html", principal, p=found)
