"""Every registry test runs on both backends: the embedded SQLite file and a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sanctionwatch.registry.store import Registry
from tests.postgres import drop_pg_database, make_pg_database


@pytest.fixture(params=["sqlite", "postgresql"])
def registry_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.db'}"
        return
    admin = request.getfixturevalue("pg_server")
    name, url = make_pg_database(admin)
    try:
        yield url
    finally:
        drop_pg_database(admin, name)


@pytest.fixture
def registry(registry_url: str) -> Iterator[Registry]:
    reg = Registry.open(registry_url)
    try:
        yield reg
    finally:
        reg.close()
