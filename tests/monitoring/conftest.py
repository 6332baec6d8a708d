"""Shared fixtures for the customer, store and re-screening tests.

The sample registry (the shipped OFAC and UN sample lists) is built once per module and copied per test
that writes to it; its Screener is read-only and shared. PostgreSQL databases are made on demand.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sanctionwatch.db.engine import connect
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.update import sample_files, update_from_files
from sanctionwatch.screening.screener import Screener
from tests.postgres import drop_pg_database, make_pg_database


@dataclass(frozen=True)
class SampleRegistry:
    """The sample lists ingested into one SQLite file, and the live Screener over them."""

    path: Path
    screener: Screener
    list_versions: dict[str, int]

    def copy(self, target: Path) -> str:
        """A private copy of the registry database (for a test that writes); its URL."""
        shutil.copyfile(self.path, target)
        return f"sqlite:///{target}"


@pytest.fixture(scope="module")
def sample_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SampleRegistry]:
    path = tmp_path_factory.mktemp("sample") / "registry.db"
    registry = Registry.open(f"sqlite:///{path}")
    try:
        for paths in sample_files().values():
            outcomes = update_from_files(registry, paths)
            assert all(o.ok for o in outcomes), outcomes
        screener = Screener.from_registry(registry)
        versions = {v.source: v.number for v in registry.active_versions()}
    finally:
        registry.close()
    yield SampleRegistry(path, screener, versions)


@pytest.fixture
def sample_engine(sample_registry: SampleRegistry, tmp_path: Path) -> Iterator[Engine]:
    """A writable copy of the sample registry, for one test."""
    engine = connect(sample_registry.copy(tmp_path / "registry.db"))
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def empty_engine(tmp_path: Path) -> Iterator[Engine]:
    """A fresh, migrated SQLite database without any list."""
    engine = connect(f"sqlite:///{tmp_path / 'customers.db'}")
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def pg_engine(pg_server: str) -> Iterator[Engine]:
    """A fresh, migrated PostgreSQL database, dropped afterwards."""
    name, url = make_pg_database(pg_server)
    engine = connect(url)
    try:
        yield engine
    finally:
        engine.dispose()
        drop_pg_database(pg_server, name)
