"""The analyst pages in a real headless Chromium (Debian's), driven by Playwright."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.service.conftest import PASSWORD, Service


def _login(page: Page, service: Service, name: str = "analyst") -> None:
    page.goto(f"{service.url}/ui/")
    expect(page).to_have_url(f"{service.url}/ui/login?next=%2Fui%2F")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Screen a name")).to_be_visible()


def test_screen_a_cyrillic_name_open_the_top_hit(browser: Browser, service: Service, tmp_path: Path) -> None:
    page = browser.new_page()
    _login(page, service)
    page.get_by_label("Name (any script)").fill("Ким Чен Ын")
    page.get_by_role("button", name="Screen").click()
    hits = page.locator("li.hit")
    expect(hits.first).to_be_visible()
    top = hits.first
    expect(top.locator(".hit-name")).to_have_text("KIM, Jong Un")
    expect(top.get_by_text("Why this score")).to_be_visible()
    expect(top.locator("table").first).to_contain_text("jong")
    page.screenshot(path=str(tmp_path / "screen.png"), full_page=True)
    top.locator(".hit-name").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("KIM, Jong Un")
    why = page.locator("section", has=page.get_by_role("heading", name="Why “Ким Чен Ын” matched"))
    expect(why).to_contain_text("Words matched")
    expect(why.locator("table").first).to_contain_text("jong")
    expect(page.locator("main")).to_contain_text("DPRK3")
    expect(page.locator("main")).to_contain_text("1984-01-08")
    page.close()


def test_changes_page_shows_the_timeline_and_filters_by_programme(browser: Browser, service: Service) -> None:
    page = browser.new_page()
    _login(page, service, "viewer")
    page.get_by_role("link", name="Lists and changes").click()
    row = page.locator("table.timeline tbody tr", has_text="ofac-sdn").first
    expect(row).to_contain_text("2 (against 1)")
    page.get_by_role("textbox", name="Programme").fill("NPWMD")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(f"{service.url}/ui/changes?program=NPWMD&authority=")
    expect(
        page.locator("table.timeline tbody tr", has_text="2 (against 1)").locator("td").nth(3)
    ).to_have_text("0")
    page.close()


def test_keyboard_alone_screens_and_opens_a_hit_without_javascript(
    browser: Browser, service: Service
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _login(page, service)
    name = page.get_by_label("Name (any script)")
    expect(name).to_be_focused()  # the search field has the focus when the page opens
    page.keyboard.type("김정은")
    page.keyboard.press("Enter")
    top = page.locator("li.hit .hit-name").first
    expect(top).to_have_text("KIM, Jong Un")
    for _ in range(40):  # tab through the form to the first hit
        page.keyboard.press("Tab")
        if top.evaluate("element => element === document.activeElement"):
            break
    expect(top).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("KIM, Jong Un")
    context.close()


def test_logging_out_ends_the_session(browser: Browser, service: Service) -> None:
    page = browser.new_page()
    _login(page, service)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.goto(f"{service.url}/ui/changes")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.close()
