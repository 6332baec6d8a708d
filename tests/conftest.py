"""Shared fixtures: the real official list files beside the project, and scratch space."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.postgres import PG_ADMIN_URL, drop_pg_database, make_pg_database, pg_available

# Property tests: no per-example deadline (CI machines are shared and timing is not what they test);
# in CI the examples are derived deterministically so that a run is reproducible.
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "ci", deadline=None, derandomize=True, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else "default")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _shared_data_dir() -> Path:
    override = os.environ.get("SANCTIONWATCH_SHARED_DATA")
    return Path(override) if override else PROJECT_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real list files (../shared/data). Missing data fails loudly in CI and skips elsewhere."""
    path = _shared_data_dir()
    if not path.is_dir():
        message = f"real list data not found at {path} (set SANCTIONWATCH_SHARED_DATA)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The PostgreSQL server's admin URL. Unreachable fails loudly in CI and skips elsewhere."""
    if not pg_available():
        message = f"PostgreSQL not reachable at {PG_ADMIN_URL}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return PG_ADMIN_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database of either backend: a SQLite file, or a PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.db'}"
        return
    admin = request.getfixturevalue("pg_server")
    name, url = make_pg_database(admin)
    try:
        yield url
    finally:
        drop_pg_database(admin, name)
