"""The ownership page in a real headless Chromium: the customer blocked through Sunrise Minerals, its
standing under each rule and the chain drawn, followed up to a listed owner's own page."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from sanctionwatch.monitoring.customer_store import Customers
from sanctionwatch.monitoring.ownership_watch import OwnershipWatch
from sanctionwatch.ownership.assembly import load_network
from sanctionwatch.registry.store import Registry
from sanctionwatch.screening.screener import Screener
from tests.service.conftest import Service, log_in
from tests.service.test_ownership_api import owned as owned  # the service with the holdings imported


def test_the_chain_is_drawn_with_shares_and_leads_to_the_listed_owner(
    browser: Browser, owned: Service, tmp_path: Path
) -> None:
    page = browser.new_context().new_page()
    log_in(page, owned, "analyst")
    page.goto(f"{owned.url}/ui/ownership/customer:C-100")

    expect(page.get_by_role("heading", level=1)).to_contain_text("C-100 Trading")
    ofac = page.locator("#standings tbody tr", has_text="OFAC")
    expect(ofac).to_contain_text("blocked")
    expect(ofac).to_contain_text("50 %")
    picture = page.get_by_role("img", name="Owners of C-100 Trading counted under the OFAC rule")
    expect(picture).to_be_visible()
    boxes = picture.locator("g.party")
    expect(boxes).to_have_count(4)  # the customer, Sunrise, KOMID and Tanchon
    expect(picture.locator("text.edge")).to_have_text(["40 %", "22.5 %", "50 %"])
    page.screenshot(path=str(tmp_path / "ownership.png"), full_page=True)

    picture.locator("a", has_text="Sunrise Minerals Ltd").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sunrise Minerals Ltd")
    expect(page.locator("#standings tbody tr", has_text="OFAC")).to_contain_text("62.5 %")
    page.get_by_role("img", name="Owners of Sunrise Minerals Ltd counted under the OFAC rule").locator(
        "a", has_text="KOREA MINING"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("KOREA MINING DEVELOPMENT TRADING")


def test_an_unknown_party_has_no_page(browser: Browser, owned: Service) -> None:
    page = browser.new_context().new_page()
    log_in(page, owned, "analyst")
    response = page.goto(f"{owned.url}/ui/ownership/party:nobody")
    assert response is not None and response.status == 404


def test_the_party_page_links_an_analyst_to_its_ownership_page(browser: Browser, owned: Service) -> None:
    page = browser.new_context().new_page()
    log_in(page, owned, "analyst")
    page.goto(f"{owned.url}/ui/entities/ofac-sdn:9345")
    page.get_by_role("link", name="Ownership and control").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("KOREA MINING DEVELOPMENT TRADING")
    expect(page.locator("#standings tbody tr", has_text="OFAC")).to_contain_text("listed")


def test_a_viewer_is_not_offered_the_link(browser: Browser, owned: Service) -> None:
    page = browser.new_context().new_page()
    log_in(page, owned, "viewer")
    page.goto(f"{owned.url}/ui/entities/ofac-sdn:9345")
    expect(page.get_by_role("heading", level=2, name="Names")).to_be_visible()
    expect(page.get_by_role("link", name="Ownership and control")).to_have_count(0)


def test_an_ownership_case_shows_the_chain_that_raised_it(
    browser: Browser, owned: Service, tmp_path: Path
) -> None:
    registry = Registry.open(owned.database)
    try:
        customers = tmp_path / "customers.csv"
        customers.write_text("id,name,schema\nC-100,C-100 Trading,Company\n", encoding="utf-8")
        Customers(registry.engine).import_file(customers)
        screener = Screener.from_registry(registry)
        versions = {v.source: v.number for v in registry.active_versions()}
        run = OwnershipWatch(registry.engine, load_network(registry, screener), versions).run()
    finally:
        registry.close()
    [alert] = [a for a in run.alerts if a["customer_id"] == "C-100"]
    page = browser.new_context().new_page()
    log_in(page, owned, "analyst")
    page.goto(f"{owned.url}/ui/alerts/{alert['id']}")
    expect(page.get_by_role("heading", name="OFAC: blocked, 50 %")).to_be_visible()
    picture = page.get_by_role("img", name="Owners counted under the OFAC rule when the alert was raised")
    expect(picture.locator("text.edge")).to_have_text(["40 %", "22.5 %", "50 %"])
    expect(page.get_by_text("No active list names it")).to_be_visible()
