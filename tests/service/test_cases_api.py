"""The case review over HTTP: the same four-eyes rule as the CLI, enforced for API callers."""

from __future__ import annotations

import io
import time

import httpx
from pypdf import PdfReader

from sanctionwatch.access.roles import Role
from sanctionwatch.access.users import Users
from sanctionwatch.db.engine import connect
from sanctionwatch.monitoring.alerts import Alerts, Finding
from sanctionwatch.registry.audit import AuditLog
from sanctionwatch.screening.query import Hit
from tests.service.conftest import Service, person_key


def _alert(database: str, customer_id: str) -> int:
    engine = connect(database)
    try:
        hit = Hit("ofac-sdn:20157", 0.91, ["ofac-sdn:20157"], "KIM Jong Un", "KIM Jong Un", "Person")
        created = (
            Alerts(engine)
            .raise_alerts([Finding(customer_id, "c" * 64, hit, "r" * 64, "ofac-sdn/2")], trigger="customers")
            .created
        )
        return int(created[0]["id"])
    finally:
        engine.dispose()


def _step(service: Service, key: str, alert_id: int, **body: object) -> httpx.Response:
    return httpx.post(
        f"{service.url}/alerts/{alert_id}/steps", json=body, headers={"Authorization": f"ApiKey {key}"}
    )


def test_a_proposal_needs_a_second_approver_over_the_api(service: Service) -> None:
    alert_id = _alert(service.database, "api-customer-1")
    approver = person_key(service.database, "approver")
    assert _step(service, approver, alert_id, action="review").status_code == 200
    proposed = _step(
        service, approver, alert_id, action="propose", decision="false_positive", reason="other DOB"
    )
    assert proposed.json()["status"] == "proposed"

    own = _step(service, approver, alert_id, action="confirm")
    assert own.status_code == 403 and "four-eyes" in own.json()["detail"]
    # A second credential of the same person is the same person.
    also_mine = _step(service, person_key(service.database, "approver"), alert_id, action="confirm")
    assert also_mine.status_code == 403 and "four-eyes" in also_mine.json()["detail"]
    # A system's key (no person behind it) decides nothing.
    system = _step(service, service.keys[Role.ADMIN], alert_id, action="confirm")
    assert system.status_code == 403 and "person" in system.json()["detail"]
    by_admin_key_of_other_name = _step(service, service.keys[Role.ANALYST], alert_id, action="confirm")
    assert by_admin_key_of_other_name.status_code == 403  # an analyst may not confirm at all

    second = person_key(service.database, "second-approver")
    confirmed = _step(service, second, alert_id, action="confirm", text="agreed")
    assert confirmed.status_code == 200
    body = confirmed.json()
    assert (body["status"], body["proposed_by"], body["confirmed_by"]) == (
        "confirmed",
        "user:approver",
        "user:second-approver",
    )
    assert [e["action"] for e in body["events"]] == ["opened", "review", "propose", "confirm"]

    again = _step(service, approver, alert_id, action="confirm")
    assert again.status_code == 409  # already confirmed: nothing happens twice
    listed = httpx.get(
        f"{service.url}/alerts",
        params={"status": "confirmed"},
        headers={"Authorization": f"ApiKey {approver}"},
    ).json()
    assert alert_id in {a["id"] for a in listed}


def test_bad_case_requests_are_clear_4xx(service: Service) -> None:
    alert_id = _alert(service.database, "api-customer-2")
    analyst = person_key(service.database, "analyst", "analyst")
    assert _step(service, analyst, 999_999, action="review").status_code == 404
    assert (
        _step(service, analyst, alert_id, action="propose", decision="false_positive", reason="x").status_code
        == 409
    )
    assert _step(service, analyst, alert_id, action="dance").status_code == 422
    _step(service, analyst, alert_id, action="review")
    empty = _step(service, analyst, alert_id, action="propose", decision="true_match", reason="  ")
    assert empty.status_code == 400 and "reason" in empty.json()["detail"]
    engine = connect(service.database)
    try:
        assert AuditLog(engine).verify().ok
    finally:
        engine.dispose()


def test_importing_customers_over_http_screens_them_and_reports_bad_rows(service: Service) -> None:
    analyst = {"Authorization": f"ApiKey {service.keys[Role.ANALYST]}"}
    body = b"id,name,birth_date,country,branch\nh-1,Kim Jong-un,1984-01-08,KP,Geneva\nh-2,Maria Schmidt,1984-13-01,,Basel\n"
    answer = httpx.post(
        f"{service.url}/customers", files={"file": ("book.csv", body)}, headers=analyst, timeout=60
    )
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["added"], report["rejected"]) == (1, 1)
    assert report["errors"][0]["row"] == 2 and "birth_date" in report["errors"][0]["error"]
    assert [a["customer_id"] for a in report["screening"]["alerts"]] == ["h-1"], report["screening"]
    assert report["screening"]["alerts"][0]["entity_id"] == "ofac-sdn:20157"

    shown = httpx.get(f"{service.url}/customers/h-1", headers=analyst).json()
    assert shown["attributes"] == {"branch": "Geneva"} and shown["countries"] == ["kp"]
    again = httpx.post(
        f"{service.url}/customers", files={"file": ("book.csv", body)}, headers=analyst, timeout=60
    )
    assert (again.json()["unchanged"], again.json()["screening"]["alerts"]) == (1, [])
    assert httpx.delete(f"{service.url}/customers/h-1", headers=analyst).status_code == 200
    assert httpx.get(f"{service.url}/customers/h-1", headers=analyst).status_code == 404


def test_screenings_over_the_api_reach_the_audit_log(service: Service) -> None:
    analyst = {"Authorization": f"ApiKey {service.keys[Role.ANALYST]}"}
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Trail Test Person"]}}}}
    assert httpx.post(f"{service.url}/match/default", json=body, headers=analyst).status_code == 200
    engine = connect(service.database)
    try:
        for _ in range(100):  # the service writes its notes about once a second
            calls = [
                call
                for record in AuditLog(engine).records()
                if record.action == "screening.calls"
                for call in record.details["calls"]
            ]
            if any(c["channel"] == "match" and c["actor"].endswith(" test-analyst") for c in calls):
                break
            time.sleep(0.1)
        else:
            raise AssertionError(f"no /match call in the audit log: {calls[-3:]}")
        assert AuditLog(engine).verify().ok
    finally:
        engine.dispose()


def test_a_disabled_persons_key_decides_nothing_even_while_the_service_remembers_it(
    service: Service,
) -> None:
    alert_id = _alert(service.database, "api-customer-leaver")
    analyst = person_key(service.database, "stayer", "analyst")
    assert _step(service, analyst, alert_id, action="review").status_code == 200
    assert _step(
        service, analyst, alert_id, action="propose", decision="false_positive", reason="x"
    ).is_success
    leaver = person_key(service.database, "leaver")
    assert _step(service, leaver, alert_id, action="comment", text="before leaving").status_code == 200
    engine = connect(service.database)
    try:
        Users(engine).disable("leaver")
    finally:
        engine.dispose()
    # At once, although the service may still hold the key in its few-seconds cache: the case step
    # checks the person in its own transaction.
    at_once = _step(service, leaver, alert_id, action="confirm")
    assert at_once.status_code in (401, 403), at_once.text
    if at_once.status_code == 403:
        assert "disabled" in at_once.json()["detail"]
    time.sleep(5.5)  # the key cache's interval: then the key itself is refused
    later = _step(service, leaver, alert_id, action="confirm")
    assert later.status_code == 401
    status = httpx.get(
        f"{service.url}/alerts/{alert_id}", headers={"Authorization": f"ApiKey {analyst}"}
    ).json()["status"]
    assert status == "proposed"


def test_a_case_file_as_pdf_for_whoever_may_read_the_case_and_its_export_on_record(service: Service) -> None:
    alert_id = _alert(service.database, "api-customer-casefile")
    analyst = person_key(service.database, "casefile-analyst", "analyst")
    assert _step(service, analyst, alert_id, action="review").status_code == 200
    url = f"{service.url}/cases/{alert_id}/export.pdf"

    answer = httpx.get(url, headers={"Authorization": f"ApiKey {analyst}"}, timeout=60)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == f'attachment; filename="case-{alert_id}.pdf"'
    text = "".join(PdfReader(io.BytesIO(answer.content)).pages[0].extract_text().split())
    assert "api-customer-casefile" in text and "KIM,JongUn" in text  # as ofac-sdn/2 lists it

    engine = connect(service.database)
    try:
        exports = [r for r in AuditLog(engine).records() if r.action == "case.export"]
        assert (exports[-1].subject, exports[-1].actor) == (f"alert {alert_id}", "user:casefile-analyst")
    finally:
        engine.dispose()

    viewer = httpx.get(url, headers={"Authorization": f"ApiKey {service.keys[Role.VIEWER]}"})
    assert viewer.status_code == 403 and "analyst" in viewer.json()["detail"]
    assert httpx.get(url).status_code == 401
    unknown = httpx.get(
        f"{service.url}/cases/999999/export.pdf", headers={"Authorization": f"ApiKey {analyst}"}
    )
    assert unknown.status_code == 404 and "no such alert" in unknown.json()["detail"]
    extra = httpx.get(url, params={"format": "docx"}, headers={"Authorization": f"ApiKey {analyst}"})
    assert extra.status_code == 400 and "format" in extra.json()["detail"]
