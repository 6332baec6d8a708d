"""The report world (tests/evidence/world.py), built once per module on each backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.evidence.world import World, build_world
from tests.postgres import drop_pg_database, make_pg_database


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    scratch = tmp_path_factory.mktemp("report-world")
    if request.param == "sqlite":
        yield build_world(f"sqlite:///{scratch / 'registry.db'}", scratch)
        return
    admin = request.getfixturevalue("pg_server")
    name, url = make_pg_database(admin)
    try:
        yield build_world(url, scratch)
    finally:
        drop_pg_database(admin, name)
