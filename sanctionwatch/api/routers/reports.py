"""The management report over HTTP: as JSON, as one CSV (long form) or as an XLSX workbook.

Who may read it: whoever may read the alerts (the analyst role and above). The report holds no more than
the alert queue already shows an analyst, counted; a compliance head holding the approver or admin role
reads it too. It scans the period's alerts, audit records and payment screenings, so it takes one of
the costly requests' slots.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from sanctionwatch.access.roles import Role
from sanctionwatch.api.contracts.reports import ReportResponse
from sanctionwatch.api.costly import Costly
from sanctionwatch.api.security import require
from sanctionwatch.api.state import state_of
from sanctionwatch.api.yente import ErrorResponse
from sanctionwatch.api.yente_params import refuse_unknown_params
from sanctionwatch.evidence.period import parse_period
from sanctionwatch.evidence.report_files import report_csv, report_xlsx
from sanctionwatch.evidence.reports import ManagementReport, management_report

__all__ = ["XLSX_MEDIA", "report_of", "router"]

router = APIRouter(tags=["Reports"])
Reader = Depends(require(Role.ANALYST))
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorResponse} for code in (400, 403, 503)}
Since = Annotated[
    str | None,
    Query(max_length=10, description="First day of the period, YYYY-MM-DD (default: the first record)"),
]
Until = Annotated[
    str | None, Query(max_length=10, description="Last day of the period, YYYY-MM-DD (default: today, UTC)")
]


def report_of(request: Request, since: str | None, until: str | None) -> ManagementReport:
    """The report of the period asked for (400 naming `since` or `until` when a date is refused)."""
    now = datetime.now(UTC)
    period = parse_period(since, until, today=now.date())
    return management_report(state_of(request).registry.engine, period, now)


def _file_name(report: ManagementReport, extension: str) -> str:
    period = report.period
    since = period.since.isoformat() if period.since else "start"
    return f"sanctionwatch-report-{since}-{period.until.isoformat()}.{extension}"


def _download(content: bytes | str, media: str, name: str) -> Response:
    return Response(
        content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get(
    "/reports",
    dependencies=[Reader, Costly, Depends(refuse_unknown_params)],
    response_model=ReportResponse,
    responses=ERRORS,
    summary="The management report: alerts, false positives, screenings per day, the lists' freshness",
)
def report(request: Request, since: Since = None, until: Until = None) -> dict[str, Any]:
    return report_of(request, since, until).to_json()


@router.get(
    "/reports.csv",
    dependencies=[Reader, Costly, Depends(refuse_unknown_params)],
    response_class=Response,
    responses={
        200: {
            "description": "One CSV, a row per figure: section, item, measure, value",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **ERRORS,
    },
    summary="The management report as one CSV (long form)",
)
def report_as_csv(request: Request, since: Since = None, until: Until = None) -> Response:
    found = report_of(request, since, until)
    return _download(report_csv(found), "text/csv; charset=utf-8", _file_name(found, "csv"))


@router.get(
    "/reports.xlsx",
    dependencies=[Reader, Costly, Depends(refuse_unknown_params)],
    response_class=Response,
    responses={
        200: {
            "description": "An XLSX workbook, a sheet per section",
            "content": {XLSX_MEDIA: {"schema": {"type": "string", "format": "binary"}}},
        },
        **ERRORS,
    },
    summary="The management report as an XLSX workbook",
)
def report_as_xlsx(request: Request, since: Since = None, until: Until = None) -> Response:
    found = report_of(request, since, until)
    return _download(report_xlsx(found), XLSX_MEDIA, _file_name(found, "xlsx"))
