"""The management report over HTTP: who may read it, its JSON, CSV and XLSX, and the requests it refuses."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import httpx
import pytest
from openpyxl import load_workbook

from sanctionwatch.access.roles import Role
from sanctionwatch.cases.workflow import Actor, Cases
from sanctionwatch.db.engine import connect
from sanctionwatch.monitoring.alerts import Alerts, Finding
from sanctionwatch.screening.query import Hit
from tests.service.conftest import Service, person_key


def _decided_false_positive(service: Service, customer_id: str) -> None:
    """An alert raised and confirmed as a false positive by two people, through the service's own database."""
    person_key(service.database, "report-analyst", "analyst")
    person_key(service.database, "report-approver", "approver")
    engine = connect(service.database)
    try:
        hit = Hit("ofac-sdn:20157", 0.93, ["ofac-sdn:20157"], "KIM Jong Un", "KIM Jong Un", "Person")
        finding = Finding(customer_id, "c" * 64, hit, "r" * 64, "ofac-sdn/2")
        alert_id = int(Alerts(engine).raise_alerts([finding], trigger="customers").created[0]["id"])
        cases, analyst = Cases(engine), Actor("user:report-analyst", Role.ANALYST)
        cases.review(alert_id, analyst)
        cases.propose(alert_id, analyst, "false_positive", "another birth date")
        cases.confirm(alert_id, Actor("user:report-approver", Role.APPROVER))
    finally:
        engine.dispose()


def test_the_report_as_json_counts_todays_decision(service: Service) -> None:
    today = datetime.now(UTC).date().isoformat()
    with service.client(Role.ANALYST) as client:
        before = client.get("/reports", params={"since": today}).json()
        _decided_false_positive(service, "report-api-1")
        after = client.get("/reports", params={"since": today, "until": today})
    assert after.status_code == 200
    body = after.json()
    assert body["period"] == {"since": today, "until": today}
    raised = body["alerts"]["raised"]
    assert raised == before["alerts"]["raised"] + 1 == sum(body["alerts"]["by_status"].values())
    overall, was = body["false_positives"]["overall"], before["false_positives"]["overall"]
    assert (overall["decided"], overall["false_positives"]) == (
        was["decided"] + 1,
        was["false_positives"] + 1,
    )
    kim = {r["key"]: r for r in body["false_positives"]["by_programme"]}["DPRK3"]  # KIM's programme in v2
    assert kim["decided"] >= 1 and kim["false_positives"] >= 1
    assert {row["source"] for row in body["lists"]} >= {"ofac-sdn", "un", "eu"}
    assert [d["day"] for d in body["screenings"]["days"]] == [today]


def test_csv_and_xlsx_downloads(service: Service) -> None:
    with service.client(Role.APPROVER) as client:
        as_csv = client.get("/reports.csv", params={"since": "2026-01-01", "until": "2026-01-31"})
        as_xlsx = client.get("/reports.xlsx")
    assert as_csv.status_code == 200 and as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        'filename="sanctionwatch-report-2026-01-01-2026-01-31.csv"' in as_csv.headers["content-disposition"]
    )
    rows = list(csv.reader(io.StringIO(as_csv.text, newline="")))
    assert rows[0] == ["section", "item", "measure", "value"]
    assert ["report", "since", "value", "2026-01-01"] in rows
    assert (
        sum(1 for row in rows if row[0] == "screenings_per_day" and row[2] == "payments") == 31 + 1
    )  # + total

    assert as_xlsx.status_code == 200
    assert as_xlsx.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument")
    assert "sanctionwatch-report-start-" in as_xlsx.headers["content-disposition"]
    book = load_workbook(io.BytesIO(as_xlsx.content))
    assert book.sheetnames[:3] == ["report", "alerts_by_status", "alerts_by_age"]


def test_only_analysts_and_above_read_it(service: Service) -> None:
    for path in ("/reports", "/reports.csv", "/reports.xlsx"):
        with service.client(Role.VIEWER) as viewer:
            refused = viewer.get(path)
        assert refused.status_code == 403 and "analyst" in refused.json()["detail"]
        assert httpx.get(f"{service.url}{path}").status_code == 401


@pytest.mark.parametrize(
    ("params", "status", "said"),
    [
        ({"since": "2026-02-30"}, 400, "since: '2026-02-30' is not a date of the calendar"),
        ({"until": "yesterday"}, 400, "until: 'yesterday' is not a date"),
        ({"since": "2026-03-02", "until": "2026-03-01"}, 400, "since: 2026-03-02 is after until 2026-03-01"),
        ({"since": "1970-01-01"}, 400, "a report lists at most"),
        ({"since": "2026-03-01T00:00"}, 422, "query.since"),  # longer than a date: the schema refuses it
        ({"from": "2026-03-01"}, 400, "query.from: not a parameter of /reports"),
    ],
)
def test_bad_parameters_are_refused_by_name(
    service: Service, params: dict[str, str], status: int, said: str
) -> None:
    with service.client(Role.ANALYST) as client:
        for path in ("/reports", "/reports.csv"):
            refused = client.get(path, params=params)
            assert refused.status_code == status, refused.text
            assert said.replace("/reports", path) in refused.json()["detail"]
