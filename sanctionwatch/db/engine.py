"""Connecting to the database (SQLite file or PostgreSQL), bringing its schema up to date, named locks."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, Table, create_engine, event, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from sanctionwatch.db.tables import locks

__all__ = ["as_utc", "connect", "dialect_insert", "take_lock"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Alembic's command API keeps its context in module globals: one migration at a time per process.
_MIGRATION_LOCK = threading.Lock()


def connect(url: str) -> Engine:
    """An engine with the settings each backend needs for safe concurrent use, schema migrated to head."""
    parsed = make_url(url)
    # Database errors never carry a statement's values: a traceback in a log must not show an API key's
    # hash, a password hash or a customer's data.
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    migrate(engine)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers (screening, the API) go on while an ingest writes; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Apply pending Alembic migrations (idempotent; a no-op once at head)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with _MIGRATION_LOCK, engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def dialect_insert(conn: Connection, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into `table` in the connection's dialect, for its ON CONFLICT clauses (insert if absent,
    upsert), which generic SQL lacks. Both backends spell them alike; any other dialect is refused."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise ValueError(f"database dialect {dialect!r} not supported: only SQLite and PostgreSQL are")


def as_utc(value: datetime) -> datetime:
    """A timestamp read back from the database, with its time zone: SQLite returns naive datetimes for
    what was written in UTC, PostgreSQL aware ones."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def take_lock(conn: Connection, name: str) -> None:
    """Hold the named lock until the transaction ends (see tables.locks); call it first in the transaction.

    On SQLite the update takes the database's write lock before anything is read, so the reads that
    follow see every transaction that committed before; on PostgreSQL it waits on the row.
    """
    taken = conn.execute(update(locks).where(locks.c.name == name).values(taken=locks.c.taken + 1)).rowcount
    if taken != 1:
        raise RuntimeError(f"lock {name!r} missing: is the database migrated?")
