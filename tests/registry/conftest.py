"""Every registry test runs on both backends: the embedded SQLite file and a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sanctionwatch.registry.store import Registry


@pytest.fixture
def registry_url(database_url: str) -> str:
    return database_url


@pytest.fixture
def registry(registry_url: str) -> Iterator[Registry]:
    reg = Registry.open(registry_url)
    try:
        yield reg
    finally:
        reg.close()
