"""Screenshots of the analyst pages for the README (docs/screenshots/), taken in headless Chromium.

Usage: .venv/bin/python scripts/screenshots.py [--db REGISTRY.db] [--entity ID]
(needs the dev extra and Debian's chromium)

The service runs on loopback, in a scratch database: the shipped sample lists, or a copy of a SQLite
registry given with --db (the README's pictures come from the full registry of bench.screening_speed).
Nothing else is touched.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx
import uvicorn
from playwright.sync_api import sync_playwright

from sanctionwatch.access.users import Users
from sanctionwatch.api.settings import ServiceSettings
from sanctionwatch.monitoring.customer import Customer
from sanctionwatch.monitoring.customer_store import Customers
from sanctionwatch.monitoring.rescreen import Monitor
from sanctionwatch.payments.desk import PaymentDesk
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.update import sample_files, update_from_files
from sanctionwatch.screening.screener import Screener
from sanctionwatch.service import create_service

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
PASSWORD = "screenshots-only-password"


CUSTOMERS = (
    Customer("C-1001", "Person", ("Kim Jong-un",), ("1984-01-08",), ("KP",), attributes={"branch": "Zurich"}),
    Customer("C-1002", "Company", ("Korea Kwangson Banking Corp.",), countries=("KP",)),
    Customer("C-1003", "Person", ("Maria Schmidt",), ("1979-03-02",), ("DE",)),
    Customer("C-1004", "Vessel", ("M/V Chon Ma San",), identifiers=("IMO 8660313",)),
)


def _screened_customers(registry: Registry) -> None:
    """A small customer base, screened as the monitoring does, so that the alert pages have alerts."""
    Customers(registry.engine).upsert(CUSTOMERS)
    versions = {v.source: v.number for v in registry.active_versions()}
    Monitor(registry.engine, Screener.from_registry(registry), versions).screen_new_customers()


EXAMPLE_WIRES = Path(__file__).resolve().parents[1] / "examples" / "payments"


def _screened_wires(registry: Registry) -> None:
    """The example wires screened and recorded (lists of any age allowed: the pictures show the hits)."""
    desk = PaymentDesk.from_registry(registry, max_list_age=timedelta(days=100_000))
    for path in sorted(EXAMPLE_WIRES.iterdir()):
        desk.screen(path.read_bytes(), path.name, actor="key:payments gateway")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, help="a SQLite registry file to copy (default: the sample lists)")
    parser.add_argument("--entity", default="ofac-sdn:15603", help="the party whose page shows its network")
    options = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="sw-shots-"))
    url = f"sqlite:///{scratch / 'registry.db'}"
    if options.db:
        shutil.copyfile(options.db, scratch / "registry.db")
    registry = Registry.open(url)
    if not options.db:
        for paths in sample_files().values():
            update_from_files(registry, paths)
    Users(registry.engine).create("analyst", "analyst", PASSWORD)
    _screened_customers(registry)
    _screened_wires(registry)
    registry.close()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = ServiceSettings(database=url, secret="s" * 40, jobs_dir=scratch / "jobs", secure_cookies=False)
    server = uvicorn.Server(
        uvicorn.Config(create_service(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    while True:
        try:
            if httpx.get(f"{base}/readyz").status_code == 200:
                break
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium")
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(f"{base}/ui/login")
        page.screenshot(path=str(OUT / "login.png"))
        page.get_by_label("Name").fill("analyst")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_label("Name (any script)").fill("Ким Чен Ын")
        page.get_by_label("Birth date").fill("1984-01-08")
        page.get_by_role("button", name="Screen").click()
        page.locator("li.hit").first.wait_for()
        page.screenshot(path=str(OUT / "screen.png"), full_page=True)
        page.locator("li.hit .hit-name").first.click()
        page.screenshot(path=str(OUT / "entity.png"), full_page=True)
        page.goto(f"{base}/ui/entities/{options.entity}")
        page.screenshot(path=str(OUT / "entity-network.png"), full_page=True)
        page.goto(f"{base}/ui/changes")
        page.screenshot(path=str(OUT / "changes.png"), full_page=True)
        page.goto(f"{base}/ui/alerts")
        page.screenshot(path=str(OUT / "alerts.png"), full_page=True)
        page.locator("table.queue tbody a").first.click()
        page.get_by_role("button", name="Start review").click()
        page.screenshot(path=str(OUT / "case.png"), full_page=True)
        page.goto(f"{base}/ui/payments?state=all")
        page.screenshot(path=str(OUT / "payments.png"), full_page=True)
        page.locator("table.queue tbody tr", has_text="EXAMPLE-0001").get_by_role("link").first.click()
        page.screenshot(path=str(OUT / "payment.png"), full_page=True)
        browser.close()
    server.should_exit = True
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
