"""The alert queue and the case review in a real headless Chromium: a customer screened into an alert,
reviewed and proposed by one analyst, refused when they try to confirm it themselves, confirmed by an
approver."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from sanctionwatch.monitoring.customer import Customer
from sanctionwatch.monitoring.customer_store import Customers
from sanctionwatch.monitoring.rescreen import Monitor
from sanctionwatch.registry.store import Registry
from sanctionwatch.screening.screener import Screener
from tests.service.conftest import Service, log_in


def _alert_for_a_customer(database: str, customer_id: str = "web-1") -> int:
    """A customer named like a listed party, imported and screened as the monitoring does it."""
    registry = Registry.open(database)
    try:
        customer = Customer(
            customer_id, "Person", ("Kim Jong-un",), ("1984-01-08",), ("KP",), attributes={"branch": "Zurich"}
        )
        Customers(registry.engine).upsert([customer])
        versions = {v.source: v.number for v in registry.active_versions()}
        run = Monitor(registry.engine, Screener.from_registry(registry), versions).screen_customers(
            [customer_id]
        )
        return int(next(a["id"] for a in run.alerts if a["customer_id"] == customer_id))
    finally:
        registry.close()


def test_review_propose_and_a_second_person_confirms(
    browser: Browser, service: Service, tmp_path: Path
) -> None:
    alert_id = _alert_for_a_customer(service.database)
    analyst = browser.new_context()
    page = analyst.new_page()
    log_in(page, service, "analyst")
    page.get_by_role("link", name="Alerts").click()
    row = page.locator("table.queue tbody tr", has_text="web-1")
    expect(row).to_contain_text("open")
    row.get_by_role("link", name=f"#{alert_id}").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Alert #{alert_id}")
    customer = page.locator("section", has=page.get_by_role("heading", name="Customer"))
    listed = page.locator("section", has=page.get_by_role("heading", name="Listed party"))
    expect(customer).to_contain_text("Kim Jong-un")
    expect(customer).to_contain_text("Zurich")
    expect(listed).to_contain_text("KIM, Jong Un")
    expect(page.locator("section", has=page.get_by_role("heading", name="Why it matched"))).to_contain_text(
        "Words matched"
    )

    page.get_by_role("button", name="Start review").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("in review")
    page.get_by_label("false positive").check()
    page.get_by_label("Reason").fill("Customer born 1984-01-08 in Zurich, a namesake: passport seen")
    page.get_by_role("button", name="Propose decision").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("proposed")
    page.screenshot(path=str(tmp_path / "case.png"), full_page=True)

    page.get_by_role("button", name="Confirm").click()  # an analyst, and the proposer: refused twice over
    expect(page.get_by_role("alert")).to_contain_text("approver")
    expect(page.get_by_role("heading", level=1)).to_contain_text("proposed")
    analyst.close()

    approver = browser.new_context()
    page = approver.new_page()
    log_in(page, service, "approver")
    page.goto(f"{service.url}/ui/alerts/{alert_id}")
    page.get_by_label("Note (optional)").fill("Agreed: different person")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("confirmed")
    history = page.locator("section", has=page.get_by_role("heading", name="History"))
    expect(history).to_contain_text("user:analyst")
    expect(history).to_contain_text("user:approver")
    expect(page.locator(".decision")).to_contain_text("confirmed by user:approver")
    approver.close()


def test_the_proposer_cannot_confirm_even_as_approver(browser: Browser, service: Service) -> None:
    registry = Registry.open(service.database)
    try:
        customer = Customer("web-2", "Person", ("Kim Jong Un",))
        Customers(registry.engine).upsert([customer])
        versions = {v.source: v.number for v in registry.active_versions()}
        run = Monitor(registry.engine, Screener.from_registry(registry), versions).screen_customers(["web-2"])
        alert_id = int(next(a["id"] for a in run.alerts if a["customer_id"] == "web-2"))
    finally:
        registry.close()
    context = browser.new_context(java_script_enabled=False)  # forms alone do the work
    page = context.new_page()
    log_in(page, service, "approver")
    page.goto(f"{service.url}/ui/alerts/{alert_id}")
    page.get_by_role("button", name="Start review").click()
    page.get_by_label("true match").check()
    page.get_by_label("Reason").fill("Same person: birth date and nationality agree")
    page.get_by_role("button", name="Propose decision").click()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("alert")).to_contain_text("four-eyes")
    expect(page.get_by_role("heading", level=1)).to_contain_text("proposed")
    context.close()


def test_the_case_page_links_its_case_file_as_pdf(browser: Browser, service: Service) -> None:
    alert_id = _alert_for_a_customer(service.database, "web-casefile")
    context = browser.new_context()
    page = context.new_page()
    log_in(page, service, "analyst")
    page.goto(f"{service.url}/ui/alerts/{alert_id}")
    link = page.get_by_role("link", name="Case file (PDF)")
    expect(link).to_have_attribute("href", f"/cases/{alert_id}/export.pdf")
    # The page's session is enough: the link is the API's route, which takes a signed-in analyst.
    answer = page.request.get(f"{service.url}/cases/{alert_id}/export.pdf")
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF-")
    context.close()
