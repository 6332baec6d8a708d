"""The service under pressure: key guessing from one address, costly endpoints in a loop, a database
that drops its connections. Screening must go on; valid keys must keep working; nothing answers 500.

Most tests run the app in this process (to hold a slot or fail a query at a chosen moment); the
outage test on PostgreSQL runs the real server and kills its database connections for real.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from sanctionwatch.access.keys import ApiKeys
from sanctionwatch.access.roles import Role
from sanctionwatch.api.app import create_app
from sanctionwatch.api.routers import lists
from sanctionwatch.api.state import ServiceState
from sanctionwatch.db.engine import connect
from tests.postgres import drop_pg_database, make_pg_database
from tests.service.conftest import make_settings, seed_registry, start_server

MATCH = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}}}
WAIT = 30  # seconds a test waits for something that happens at once, before calling it a failure


@dataclass(frozen=True)
class Registry:
    url: str
    scratch: Path
    keys: dict[Role, str]  # one per role
    spare: str  # a valid viewer key never presented before the test


@dataclass(frozen=True)
class InProcess:
    client: TestClient
    state: ServiceState

    def auth(self, key: str) -> dict[str, str]:
        return {"Authorization": f"ApiKey {key}"}


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    scratch = tmp_path_factory.mktemp("resilience")
    url = f"sqlite:///{scratch / 'registry.db'}"
    seed_registry(url, scratch)
    engine = connect(url)
    try:
        keys = {role: ApiKeys(engine).create(f"test-{role.value}", role.value)[1] for role in Role}
        spare = ApiKeys(engine).create("spare", "viewer")[1]
    finally:
        engine.dispose()
    return Registry(url, scratch, keys, spare)


@contextmanager
def serving(registry: Registry, **settings: object) -> Iterator[InProcess]:
    """The app in this process, index built; every server error answered as HTTP (never raised)."""
    app = create_app(make_settings(registry.url, registry.scratch, **settings))
    with TestClient(app, raise_server_exceptions=False) as client:
        deadline = time.monotonic() + WAIT
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "the index was not built"
            time.sleep(0.05)
        yield InProcess(client, app.state.service)


def counting(monkeypatch: pytest.MonkeyPatch, target: object, name: str) -> list[int]:
    """Counts the calls of `target.name` (one element per call), which still does its work."""
    calls: list[int] = []
    original: Callable[..., Any] = getattr(target, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, counted)
    return calls


# ---- a: wrong keys throttle wrong keys, never the valid ones ----------------------------------------


def test_an_address_out_of_bad_key_budget_keeps_its_valid_keys(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(registry, bad_keys_per_minute=3) as service:
        client = service.client
        lookups = counting(monkeypatch, service.state.keys, "verify")
        wrong = [client.get("/lists", headers=service.auth(f"sw_wrong{i:040d}")) for i in range(3)]
        assert [r.status_code for r in wrong] == [401, 401, 401]
        assert len(lookups) == 3
        # Beyond the budget, guesses are refused without a lookup each.
        guesses = [client.get("/lists", headers=service.auth(f"sw_guess{i:040d}")) for i in range(5)]
        assert {r.status_code for r in guesses} == {429}
        assert int(guesses[0].headers["retry-after"]) >= 1
        assert len(lookups) == 3
        # The address's valid keys still get in: one used before, one never seen by this process.
        assert client.get("/lists", headers=service.auth(registry.keys[Role.VIEWER])).status_code == 200
        assert client.get("/lists", headers=service.auth(registry.spare)).status_code == 200
        assert (
            client.post(
                "/match/default", json=MATCH, headers=service.auth(registry.keys[Role.ANALYST])
            ).status_code
            == 200
        )
        # ... and the next guess is still refused.
        assert client.get("/lists", headers=service.auth("sw_" + "z" * 43)).status_code == 429


def test_a_revoked_key_from_an_address_out_of_budget_is_refused(registry: Registry) -> None:
    engine = connect(registry.url)
    try:
        record, revoked = ApiKeys(engine).create("soon revoked", "viewer")
        ApiKeys(engine).revoke(record.id)
    finally:
        engine.dispose()
    with serving(registry, bad_keys_per_minute=1) as service:
        assert service.client.get("/lists", headers=service.auth(revoked)).status_code == 401
        assert service.client.get("/lists", headers=service.auth(revoked)).status_code == 429


# ---- d: costly endpoints have their own few slots -------------------------------------------------


@pytest.fixture
def blocked_timeline(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, threading.Event]]:
    """GET /changes blocks inside its registry scan until released: (entered, release)."""
    entered, release = threading.Event(), threading.Event()
    original = lists.change_timeline

    def blocking(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        assert release.wait(WAIT), "never released"
        return original(*args, **kwargs)

    monkeypatch.setattr(lists, "change_timeline", blocking)
    yield entered, release
    release.set()


def test_a_costly_request_beyond_the_limit_is_refused_while_screening_goes_on(
    registry: Registry, blocked_timeline: tuple[threading.Event, threading.Event]
) -> None:
    entered, release = blocked_timeline
    viewer, analyst = registry.keys[Role.VIEWER], registry.keys[Role.ANALYST]
    with serving(registry, costly_concurrency=1) as service:
        client = service.client
        first: list[httpx.Response] = []
        holder = threading.Thread(
            target=lambda: first.append(client.get("/changes", headers=service.auth(viewer)))
        )
        holder.start()
        try:
            assert entered.wait(WAIT)
            for refused in (
                client.get("/changes", headers=service.auth(viewer)),
                client.get("/lists/ofac-sdn/changes", headers=service.auth(viewer)),
                client.post(
                    "/jobs",
                    files={"file": ("q.csv", b"id,name\n1,Kim Jong Un\n")},
                    headers=service.auth(analyst),
                ),
            ):
                assert refused.status_code == 503, refused.text
                assert int(refused.headers["retry-after"]) >= 1
            # Screening and the cheap reads are not held by it.
            assert client.post("/match/default", json=MATCH, headers=service.auth(analyst)).status_code == 200
            assert (
                client.post(
                    "/screen", json={"name": "Kim Jong Un"}, headers=service.auth(analyst)
                ).status_code
                == 200
            )
            assert client.get("/search/default?q=kim", headers=service.auth(viewer)).status_code == 200
            assert client.get("/lists", headers=service.auth(viewer)).status_code == 200
        finally:
            release.set()
            holder.join(WAIT)
        assert first[0].status_code == 200
        # The slot is given back once the request is done, also after a refusal.
        assert client.get("/changes", headers=service.auth(viewer)).status_code == 200


def test_a_failing_costly_request_gives_its_slot_back(registry: Registry) -> None:
    viewer = registry.keys[Role.VIEWER]
    with serving(registry, costly_concurrency=1) as service:
        assert service.client.get("/lists/nowhere/changes", headers=service.auth(viewer)).status_code == 404
        assert service.client.get("/lists/ofac-sdn/changes", headers=service.auth(viewer)).status_code == 200


# ---- b: a dropped database connection is retried (reads) or answered 503, never 500 ----------------


def dropped_once(monkeypatch: pytest.MonkeyPatch, target: object, name: str) -> list[int]:
    """`target.name` fails once as a lost connection does, then works; returns the calls made."""
    calls: list[int] = []
    original: Callable[..., Any] = getattr(target, name)

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError(
                "SELECT 1",
                {},
                Exception("server closed the connection unexpectedly"),
                connection_invalidated=True,
            )
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, flaky)
    return calls


def test_a_read_that_loses_its_connection_is_tried_once_more(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(registry) as service:
        calls = dropped_once(monkeypatch, service.state.registry, "versions")
        response = service.client.get("/lists", headers=service.auth(registry.keys[Role.VIEWER]))
        assert response.status_code == 200
        assert response.json()["versions"]
        assert len(calls) == 2


def test_a_write_that_loses_its_connection_answers_503_with_retry_after(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving(registry) as service:
        calls = dropped_once(monkeypatch, service.state.keys, "create")
        response = service.client.post(
            "/admin/keys",
            json={"name": "x", "role": "viewer"},
            headers=service.auth(registry.keys[Role.ADMIN]),
        )
        assert response.status_code == 503
        assert int(response.headers["retry-after"]) >= 1
        assert "database" in response.json()["detail"]
        assert len(calls) == 1  # not run twice: it may have written before the connection dropped


def test_a_read_whose_retry_fails_too_answers_503(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*_args: Any, **_kwargs: Any) -> Any:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    with serving(registry) as service:
        monkeypatch.setattr(service.state.registry, "versions", down)
        response = service.client.get("/lists", headers=service.auth(registry.keys[Role.VIEWER]))
        assert response.status_code == 503
        assert response.headers["retry-after"]
        assert response.headers["x-frame-options"] == "DENY"  # still one of our answers


@pytest.fixture
def pg_service(pg_server: str, tmp_path: Path) -> Iterator[tuple[str, str, dict[Role, str]]]:
    """The real server on a PostgreSQL registry: (its URL, the database's name, a key per role)."""
    name, url = make_pg_database(pg_server)
    try:
        seed_registry(url, tmp_path)
        engine = connect(url)
        try:
            keys = {role: ApiKeys(engine).create(f"pg-{role.value}", role.value)[1] for role in Role}
        finally:
            engine.dispose()
        running = start_server(make_settings(url, tmp_path))
        try:
            yield running.url, name, keys
        finally:
            running.stop()
    finally:
        drop_pg_database(pg_server, name)


def _terminate_service_backends(admin: psycopg.Connection[Any], database: str) -> int:
    rows = admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        (database,),
    ).fetchall()
    return len(rows)


def _wait_for_a_backend_waiting_on_a_lock(admin: psycopg.Connection[Any], database: str) -> None:
    deadline = time.monotonic() + WAIT
    while not admin.execute(
        "SELECT 1 FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'", (database,)
    ).fetchone():
        assert time.monotonic() < deadline, "the request never reached the database"
        time.sleep(0.05)


def test_postgresql_connections_killed_between_and_during_requests_never_give_500(
    pg_server: str, pg_service: tuple[str, str, dict[Role, str]]
) -> None:
    url, database, keys = pg_service
    viewer = {"Authorization": f"ApiKey {keys[Role.VIEWER]}"}
    admin_key = {"Authorization": f"ApiKey {keys[Role.ADMIN]}"}
    with (
        psycopg.connect(pg_server.rsplit("/", 1)[0] + f"/{database}", autocommit=True) as admin,
        httpx.Client(base_url=url, timeout=WAIT) as client,
    ):
        assert client.get("/lists", headers=viewer).status_code == 200
        # Between requests: the pooled connections are dead; the next read is served.
        assert _terminate_service_backends(admin, database) > 0
        assert client.get("/lists", headers=viewer).status_code == 200
        assert client.get("/lists/ofac-sdn/changes", headers=viewer).status_code == 200

        # During a read: it waits on a lock when its connection is killed; tried again, it is served.
        with psycopg.connect(pg_server.rsplit("/", 1)[0] + f"/{database}") as locker:
            locker.execute("LOCK TABLE list_versions IN ACCESS EXCLUSIVE MODE")
            answers: list[httpx.Response] = []
            reader = threading.Thread(target=lambda: answers.append(client.get("/lists", headers=viewer)))
            reader.start()
            _wait_for_a_backend_waiting_on_a_lock(admin, database)
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND wait_event_type = 'Lock'",
                (database,),
            )
            locker.rollback()
            reader.join(WAIT)
        assert answers[0].status_code == 200, answers[0].text

        # During a write: not run twice; 503 with Retry-After, and nothing written.
        with psycopg.connect(pg_server.rsplit("/", 1)[0] + f"/{database}") as locker:
            locker.execute("LOCK TABLE audit_head IN ACCESS EXCLUSIVE MODE")
            answers.clear()
            writer = threading.Thread(
                target=lambda: answers.append(
                    client.post(
                        "/admin/keys", json={"name": "during outage", "role": "viewer"}, headers=admin_key
                    )
                )
            )
            writer.start()
            _wait_for_a_backend_waiting_on_a_lock(admin, database)
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND wait_event_type = 'Lock'",
                (database,),
            )
            locker.rollback()
            writer.join(WAIT)
        assert answers[0].status_code == 503, answers[0].text
        assert int(answers[0].headers["retry-after"]) >= 1
        names = [k["name"] for k in client.get("/admin/keys", headers=admin_key).json()["keys"]]
        assert "during outage" not in names
