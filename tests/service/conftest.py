"""A real Sanctionwatch service on loopback, over the shipped sample lists, with a key and a user per role.

The sample is ingested twice: first without KIM Jong Un, then whole, so the registry has a change to
show (one party added under DPRK3). Tests talk to the service over HTTP, as clients do.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select, update

from sanctionwatch.access.keys import ApiKeys
from sanctionwatch.access.roles import Role
from sanctionwatch.access.users import Users
from sanctionwatch.api.settings import ServiceSettings
from sanctionwatch.db.engine import connect
from sanctionwatch.registry import tables
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.update import sample_files, update_from_files

PASSWORD = "correct horse battery staple"
KIM_ROW = "20157,"


@dataclass(frozen=True)
class Service:
    url: str
    keys: dict[Role, str]
    database: str
    jobs_dir: Path

    def client(self, role: Role | None = None, **kwargs: object) -> httpx.Client:
        headers = {"Authorization": f"ApiKey {self.keys[role]}"} if role else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30, **kwargs)  # type: ignore[arg-type]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed_registry(url: str, scratch: Path) -> None:
    """Two versions of the sample OFAC list (the second adds KIM Jong Un) and the UN sample."""
    registry = Registry.open(url)
    try:
        files = sample_files()
        earlier = scratch / "earlier"
        earlier.mkdir()
        for path in files["ofac-sdn"]:
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            (earlier / path.name).write_text(
                "".join(line for line in lines if not line.startswith(KIM_ROW)), encoding="utf-8"
            )
        for paths in ([earlier / p.name for p in files["ofac-sdn"]], files["ofac-sdn"], files["un"]):
            outcomes = update_from_files(registry, paths)
            assert all(o.error is None for o in outcomes), outcomes
        # The earlier version was fetched a day before (not within the same second): the parties' dates
        # (first_seen, last_change) tell the two versions apart, as they would in use.
        with registry.engine.begin() as conn:
            versions = tables.list_versions
            first = (versions.c.source == "ofac-sdn") & (versions.c.number == 1)
            fetched = conn.execute(select(versions.c.fetched).where(first)).scalar_one()
            conn.execute(update(versions).where(first).values(fetched=fetched - timedelta(days=1)))
    finally:
        registry.close()


def make_settings(url: str, scratch: Path, **overrides: object) -> ServiceSettings:
    values: dict[str, object] = {
        "database": url,
        "secret": "test-secret-" + "x" * 32,
        "jobs_dir": scratch / "jobs",
        "secure_cookies": False,
        "refresh_seconds": 3600,
    }
    values.update(overrides)
    return ServiceSettings(**values)  # type: ignore[arg-type]


@dataclass
class RunningServer:
    url: str
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(settings: ServiceSettings) -> RunningServer:
    """`uvicorn` serving the app in a process of its own, as in production.

    (Not a thread of the test process: other tests fork batch workers, and forking a process that
    runs a server's threads can deadlock the child on a lock one of those threads held.)
    """
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "sanctionwatch.service:create_service", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env={**os.environ, **settings.environment()},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return RunningServer(url, process)
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    RunningServer(url, process).stop()
    raise RuntimeError(f"the service did not become ready within 60 s (exit code {process.returncode})")


@contextmanager
def ftm_service(scratch: Path, ftm_files: list[Path], role: Role) -> Iterator[httpx.Client]:
    """A running service over the OFAC sample and the given FtM dataset files (each imported with plain
    `--source ftm`: its own dataset name), and a client holding a key of `role`."""
    url = f"sqlite:///{scratch / 'registry.db'}"
    registry = Registry.open(url)
    try:
        for paths, source in ((sample_files()["ofac-sdn"], None), *(([path], "ftm") for path in ftm_files)):
            outcomes = update_from_files(registry, paths, source=source)
            assert all(o.error is None for o in outcomes), outcomes
        key = ApiKeys(registry.engine).create(f"ftm-{role.value}", role.value)[1]
    finally:
        registry.close()
    running = start_server(make_settings(url, scratch))
    try:
        with httpx.Client(base_url=running.url, headers={"Authorization": f"ApiKey {key}"}, timeout=30) as c:
            yield c
    finally:
        running.stop()


def person_key(database: str, person: str, role: str = "approver") -> str:
    """A key issued for a user (created first when needed): its decisions are that person's."""
    engine = connect(database)
    try:
        if Users(engine).get(person) is None:
            Users(engine).create(person, role, "a long enough password")
        return ApiKeys(engine).create(f"{person}'s integration", role, owner=person)[1]
    finally:
        engine.dispose()


@contextmanager
def seeded_service(url: str, scratch: Path, **overrides: object) -> Iterator[Service]:
    """The service over a seeded registry (either backend), with a key and a user for every role;
    `overrides` are settings (make_settings)."""
    seed_registry(url, scratch)
    registry = Registry.open(url)
    try:
        keys = {role: ApiKeys(registry.engine).create(f"test-{role.value}", role.value)[1] for role in Role}
        for role in Role:
            Users(registry.engine).create(role.value, role.value, PASSWORD)
    finally:
        registry.close()
    settings = make_settings(url, scratch, **overrides)
    running = start_server(settings)
    try:
        yield Service(running.url, keys, url, settings.jobs_dir)
    finally:
        running.stop()


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    scratch = tmp_path_factory.mktemp("service")
    with seeded_service(f"sqlite:///{scratch / 'registry.db'}", scratch) as running:
        yield running


def log_in(page: Page, service: Service, name: str) -> None:
    """Sign in on the login page as the user `name` (seeded_service made one per role, named after it)."""
    page.goto(f"{service.url}/ui/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Screen a name")).to_be_visible()


CHROMIUM = os.environ.get("SANCTIONWATCH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()
