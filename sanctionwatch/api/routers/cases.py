"""Alerts and their review over HTTP: the queue, one alert with its history, every case step, and the
case file for an examiner (`/cases/{alert_id}/export.pdf`, whose export is itself audited).

Thin on purpose: each step calls the same `Cases` method the CLI and the pages call, with the caller
the service authenticated, so the four-eyes rule and the status checks cannot differ between them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from sanctionwatch.access.roles import Role
from sanctionwatch.api.contracts.monitoring import AlertBody, AlertDetail, StepAction
from sanctionwatch.api.costly import Costly
from sanctionwatch.api.security import Principal, require
from sanctionwatch.api.state import state_of
from sanctionwatch.api.yente import ErrorResponse
from sanctionwatch.api.yente_params import refuse_unknown_params
from sanctionwatch.cases.workflow import Actor, Cases
from sanctionwatch.evidence.case_export import export_case_file
from sanctionwatch.evidence.case_file import CaseFileFormat
from sanctionwatch.monitoring.alerts import STATUSES, Alerts, Decision

router = APIRouter(tags=["Alerts and cases"])
Caller = Annotated[Principal, Depends(require(Role.ANALYST))]
AlertId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The alert's id")]
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorResponse} for code in (400, 403, 404, 409)}


class StepRequest(BaseModel):
    action: StepAction
    decision: Decision | None = None
    reason: str | None = Field(None, max_length=4000)
    text: str | None = Field(None, max_length=4000, description="A comment (comment, confirm)")
    assignee: str | None = Field(None, max_length=200)


@router.get("/alerts", response_model=list[AlertBody], summary="The alert queue, oldest first")
def list_alerts(
    request: Request,
    _caller: Caller,
    status: Annotated[list[str] | None, Query(description=f"Any of {', '.join(STATUSES)}")] = None,
    customer_id: Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00-\x1f]+$")] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[dict[str, Any]]:
    for value in status or []:
        if value not in STATUSES:
            raise HTTPException(400, f"status: unknown {value!r}; use one of {', '.join(STATUSES)}")
    return Alerts(state_of(request).registry.engine).list(
        status=status or (), customer_id=customer_id, limit=limit
    )


@router.get(
    "/alerts/{alert_id}",
    response_model=AlertDetail,
    responses=ERRORS,
    summary="One alert: explanation and case history",
)
def get_alert(request: Request, alert_id: AlertId, _caller: Caller) -> dict[str, Any]:
    alert = Alerts(state_of(request).registry.engine).get(alert_id)
    if alert is None:
        raise HTTPException(404, f"alert {alert_id}: no such alert")
    return alert


@router.post(
    "/alerts/{alert_id}/steps",
    response_model=AlertDetail,
    responses=ERRORS,
    summary="Take a case step (four-eyes rule applies)",
)
def take_step(request: Request, alert_id: AlertId, body: StepRequest, caller: Caller) -> dict[str, Any]:
    engine = state_of(request).registry.engine
    actor = Actor(caller.person or caller.label, caller.role)
    Cases(engine).take(
        body.action, alert_id, actor,
        decision=body.decision, reason=body.reason, text=body.text, assignee=body.assignee,
    )  # fmt: skip
    alert = Alerts(engine).get(alert_id)
    assert alert is not None
    return alert


@router.get(
    "/cases/{alert_id}/export.pdf",
    response_class=Response,
    responses={
        200: {
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            "description": "The case file, an A4 PDF",
        },
        **ERRORS,
        503: {"model": ErrorResponse},
    },
    dependencies=[Depends(refuse_unknown_params)],
    summary="The case file of an alert as PDF, for an examiner (the export is audited)",
)
def export_case_pdf(request: Request, alert_id: AlertId, caller: Caller, _slot: None = Costly) -> Response:
    """Both sides of the alert, why it matched, the list versions with their files' SHA-256, every step,
    the four-eyes decision, the audit records about it and the chain head. Rendering takes about a
    second of CPU: it shares the costly requests' slots."""
    exported = export_case_file(
        state_of(request).registry.engine,
        alert_id,
        actor=caller.person or caller.label,
        fmt=CaseFileFormat.PDF,
    )
    return Response(
        exported.content,
        media_type=exported.media_type,
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
    )
