"""The management report page in a real headless Chromium: reached from the navigation, drawn, downloaded
as CSV for its period, and a refused period shown on the page; and the chart geometry it draws with."""

from __future__ import annotations

import csv
from pathlib import Path

from playwright.sync_api import Browser, expect

from sanctionwatch.access.roles import Role
from sanctionwatch.web.charts import stacked_bars
from tests.service.conftest import Service, log_in
from tests.service.test_reports_api import _decided_false_positive


def test_stacked_bars_stack_each_column_to_its_total() -> None:
    chart = stacked_bars({"a": {"d1": 3, "d2": 1}, "b": {"d1": 1}}, ["d1", "d2", "d3"], height=244)
    assert chart.top == 4 and [label for _x, label in chart.labels] == ["d1", "d2", "d3"]
    heights = {bar.title: bar.height for bar in chart.bars}
    assert heights == {"d1 a: 3": 150.0, "d1 b: 1": 50.0, "d2 a: 1": 50.0}  # 200 px of plot for 4
    first = [bar for bar in chart.bars if bar.title.startswith("d1")]
    assert first[1].y + first[1].height == first[0].y  # b sits on a
    assert [text for _x, _y, text in chart.totals] == ["4", "1", "0"]
    assert chart.width == 40 + 3 * 64  # three columns make a narrow chart, not three walls
    scaled = stacked_bars({"rate": {"x": 50.0}}, ["x"], scale=100, value_text=lambda v: f"{v:.0f} %")
    assert scaled.top == 100 and scaled.bars[0].title == "x rate: 50 %"
    assert stacked_bars({"a": {}}, []).bars == []


def test_the_report_page_draws_the_figures_and_downloads_them(
    browser: Browser, service: Service, tmp_path: Path
) -> None:
    _decided_false_positive(service, "report-page-1")
    with service.client(Role.ANALYST) as client:  # a customer imported: a monitoring run screens it today
        imported = client.post(
            "/customers", files={"file": ("c.csv", b"id,name\nreport-page-c,Maria Schmidt\n")}
        )
    assert imported.status_code == 200, imported.text
    context = browser.new_context()
    page = context.new_page()
    log_in(page, service, "analyst")
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Management report")
    expect(page.get_by_role("img", name="False-positive rate of name hits by list")).to_be_visible()
    expect(page.get_by_role("img", name="Screenings per day")).to_be_visible()
    expect(page.locator("table#false_positives_by_source")).to_contain_text("ofac-sdn")
    expect(page.locator("table#list_freshness")).to_contain_text("un")
    page.screenshot(path=str(tmp_path / "reports.png"), full_page=True)

    page.get_by_label("Since (first day, UTC)").fill("2026-01-01")
    page.get_by_label("Until (last day, UTC)").fill("2026-01-31")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2026-01-01 to 2026-01-31")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    assert download.value.suggested_filename == "sanctionwatch-report-2026-01-01-2026-01-31.csv"
    saved = tmp_path / "report.csv"
    download.value.save_as(saved)
    with saved.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert (
        rows[0] == ["section", "item", "measure", "value"]
        and ["report", "until", "value", "2026-01-31"] in rows
    )

    page.get_by_label("Since (first day, UTC)").fill("2026-02-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_contain_text("since: 2026-02-01 is after until 2026-01-31")
    expect(page.locator("table#alerts_by_status")).to_have_count(0)  # no figures of another period
    context.close()

    viewer = browser.new_context()
    page = viewer.new_page()
    log_in(page, service, "viewer")
    response = page.goto(f"{service.url}/ui/reports")
    assert response is not None and response.status == 403
    viewer.close()
