"""The analyst page of the management report: the figures of `evidence.reports` for a period, drawn, with
the CSV and XLSX downloads of the same period (the API's /reports.csv and /reports.xlsx, which take the
page's session).

A refused date is shown on the page, under the form that asked for it, with a 400: the figures of a
period other than the one typed are never shown in its place.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from sanctionwatch.access.roles import Role
from sanctionwatch.api.state import state_of
from sanctionwatch.errors import InputError
from sanctionwatch.evidence.alert_figures import Rate
from sanctionwatch.evidence.period import parse_period
from sanctionwatch.evidence.reports import DEFINITIONS, ManagementReport, management_report, sections
from sanctionwatch.evidence.screening_counts import ORIGINS
from sanctionwatch.web.charts import Chart, stacked_bars
from sanctionwatch.web.pages import page, signed_in

router = APIRouter(prefix="/ui", include_in_schema=False)
# The screening columns drawn per day (the others are in the table): one colour each.
DRAWN = {
    "single": "one by one",
    "file_rows": "file rows",
    "monitoring_customers": "customers (monitoring)",
    "payments": "payments",
}


def _screenings_chart(report: ManagementReport) -> Chart:
    days = [d.day.isoformat() for d in report.screenings.days]
    series: dict[str, dict[str, float]] = {
        label: {d.day.isoformat(): getattr(d, column) for d in report.screenings.days}
        for column, label in DRAWN.items()
    }
    return stacked_bars(series, days)


def _ages_chart(report: ManagementReport) -> Chart:
    bands = report.alerts.by_age
    return stacked_bars({"undecided alerts": {b.band: b.count for b in bands}}, [b.band for b in bands],
                        width=480)  # fmt: skip


def _rates_chart(rates: list[Rate]) -> Chart:
    shown = [r for r in rates if r.rate is not None]
    return stacked_bars(
        {"false positives (%)": {r.key: 100 * (r.rate or 0) for r in shown}},
        [r.key for r in shown],
        width=480,
        scale=100,
        value_text=lambda value: f"{value:.0f} %",
    )


@router.get("/reports", response_class=HTMLResponse)
def reports_page(
    request: Request,
    since: str = Query("", max_length=10),
    until: str = Query("", max_length=10),
) -> Response:
    principal = signed_in(request, Role.ANALYST)
    now = datetime.now(UTC)
    state = state_of(request)
    try:
        period = parse_period(since or None, until or None, today=now.date())
        with state.costly.held():  # the period's alerts, audit records and payments: see api.costly
            report = management_report(state.registry.engine, period, now)
    except InputError as exc:
        return page(request, "reports.html", principal, status=400, error=str(exc), since=since, until=until,
                    report=None)  # fmt: skip
    query = urlencode({k: v for k, v in (("since", since), ("until", until)) if v})
    suffix = f"?{query}" if query else ""
    fp = report.alerts.false_positives
    return page(
        request,
        "reports.html",
        principal,
        error=None,
        since=since,
        until=until,
        report=report,
        csv_url=f"/reports.csv{suffix}",
        xlsx_url=f"/reports.xlsx{suffix}",
        screenings=_screenings_chart(report),
        ages=_ages_chart(report),
        rates=_rates_chart(fp.by_source),
        origins=ORIGINS,
        definitions=dict(DEFINITIONS),
        tables={section.name: section for section in sections(report)},
    )
