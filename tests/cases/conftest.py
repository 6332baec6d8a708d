"""The case and audit tests run on both backends: the embedded SQLite file and a real PostgreSQL server.

One database per backend per module (creating and migrating one costs more than most tests), emptied of
audit records before each test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, delete, update

from sanctionwatch.db.engine import connect
from sanctionwatch.registry.audit import GENESIS, AuditLog, AuditRecord
from sanctionwatch.registry.tables import audit_head, audit_log
from tests.postgres import drop_pg_database, make_pg_database


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def cases_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database of either backend, shared by the tests of one module."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('cases') / 'registry.db'}"
        connect(url).dispose()
        yield url
        return
    admin = request.getfixturevalue("pg_server")
    name, url = make_pg_database(admin)
    try:
        connect(url).dispose()
        yield url
    finally:
        drop_pg_database(admin, name)


@pytest.fixture
def db_url(cases_url: str) -> str:
    """The module's database with an empty audit log (head back at GENESIS)."""
    engine = connect(cases_url)
    try:
        with engine.begin() as conn:
            conn.execute(delete(audit_log))
            conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=0, hash=GENESIS))
    finally:
        engine.dispose()
    return cases_url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = connect(db_url)
    try:
        yield eng
    finally:
        eng.dispose()


def fill(log: AuditLog, count: int) -> list[AuditRecord]:
    return [
        log.record(
            actor=f"analyst-{i % 3}",
            action="case.decide" if i % 2 else "case.assign",
            subject=f"alert:{100 + i}",
            details={"reason": f"décision n°{i}", "score": i / 10, "tags": ["a", i]},
            list_versions={"ofac-sdn": 3, "un": 7},
        )
        for i in range(1, count + 1)
    ]


@pytest.fixture
def log(engine: Engine) -> AuditLog:
    return AuditLog(engine)


@pytest.fixture
def log20(log: AuditLog) -> list[AuditRecord]:
    return fill(log, 20)
