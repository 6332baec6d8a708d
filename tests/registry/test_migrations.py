"""The Alembic migrations create exactly the tables the code declares."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sanctionwatch.registry.schema import metadata
from sanctionwatch.registry.store import Registry


def test_migrated_schema_matches_declared_tables(registry_url: str) -> None:
    registry = Registry.open(registry_url)
    try:
        with registry.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        registry.close()
    assert diff == []


def test_opening_twice_is_idempotent(registry_url: str) -> None:
    Registry.open(registry_url).close()
    Registry.open(registry_url).close()
