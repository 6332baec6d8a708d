"""The payment hold queue in a real headless Chromium: a held wire found beside the alerts, its hits read
by field, released on its case by an analyst and an approver, and then listed as released."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from sanctionwatch.access.roles import Role
from tests.service.conftest import Service, log_in, seeded_service

LISTED = (
    Path(__file__).resolve().parents[1] / "fixtures" / "payments" / "mt" / "mt103_listed_beneficiary.fin"
).read_bytes()


@pytest.fixture(scope="module")
def payments(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    scratch = tmp_path_factory.mktemp("payment-pages")
    with seeded_service(
        f"sqlite:///{scratch / 'registry.db'}", scratch, payment_max_list_age_days=100_000
    ) as s:
        yield s


def test_a_held_wire_is_read_by_field_and_released_by_two_people(
    browser: Browser, payments: Service, tmp_path: Path
) -> None:
    with payments.client(Role.ANALYST) as gateway:  # the payment system's own key
        [held] = gateway.post("/payments/screen", content=LISTED).json()["messages"]
    assert held["decision"] == "hold"

    analyst = browser.new_context()
    page = analyst.new_page()
    log_in(page, payments, "analyst")
    page.get_by_role("link", name="Payments").click()
    row = page.locator("table.queue tbody tr", has_text="TRADE-2024-118")
    expect(row).to_contain_text("held")
    expect(row).to_contain_text("name in 59")
    row.get_by_role("link", name=f"#{held['id']}", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Payment #{held['id']}")
    hit = page.locator(
        "#hits tbody tr", has_text="KOREA MINING DEVELOPMENT"
    ).first  # OFAC and UN both list it
    expect(hit).to_contain_text("59")
    expect(hit).to_contain_text("creditor")
    expect(page.locator("pre.message")).to_contain_text(":59:/DE89370400440532013000")
    page.screenshot(path=str(tmp_path / "payment.png"), full_page=True)

    page.get_by_role("link", name=f"Case #{held['case']}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Alert #{held['case']}")
    expect(page.get_by_role("link", name=f"payment #{held['id']}")).to_be_visible()
    page.get_by_role("button", name="Start review").click()
    page.get_by_label("false positive").check()
    page.get_by_label("Reason").fill(
        "The buyer is a Berlin machine importer, not KOMID: registry extract seen"
    )
    page.get_by_role("button", name="Propose decision").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("proposed")
    analyst.close()

    approver = browser.new_context()
    page = approver.new_page()
    log_in(page, payments, "approver")
    page.goto(f"{payments.url}/ui/alerts/{held['case']}")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("confirmed")
    page.goto(f"{payments.url}/ui/payments?state=released")
    expect(page.locator("table.queue tbody tr", has_text="TRADE-2024-118")).to_contain_text("released")
    page.goto(f"{payments.url}/ui/payments?state=held")
    expect(page.locator("table.queue")).to_contain_text("No payments here.")
    approver.close()
