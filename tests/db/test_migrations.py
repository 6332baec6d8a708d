"""The Alembic migrations create exactly the tables the code declares, every package's."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import sanctionwatch
from sanctionwatch import tables
from sanctionwatch.db.engine import connect


def test_every_tables_module_is_assembled() -> None:
    """A package's new `tables.py` must be imported by `sanctionwatch.tables`, or the migration test
    below would not see its tables."""
    root = Path(sanctionwatch.__file__).parent
    on_disk = {f"sanctionwatch.{p.parent.name}.tables" for p in root.glob("*/tables.py")}
    assert on_disk == {module.__name__ for module in tables.DECLARING_MODULES}


def test_migrated_schema_matches_declared_tables(database_url: str) -> None:
    engine = connect(database_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), tables.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_opening_twice_is_idempotent(database_url: str) -> None:
    connect(database_url).dispose()
    connect(database_url).dispose()
