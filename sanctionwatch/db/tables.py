"""The shared metadata, and the tables the database keeps about itself (SQLAlchemy Core).

Every package declares its own tables on `metadata` in its `tables.py`; `sanctionwatch.tables` imports
them all, and the Alembic migrations in `migrations/` create exactly that whole set.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, Text

__all__ = ["meta", "metadata"]

metadata = MetaData()

# Settings the database keeps about itself: which key scheme the customers' vocabulary was filed under.
meta = Table(
    "meta",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# Named locks: a transaction that must not run beside another of its kind (raising alerts, writing
# customers) first updates its row, which holds the row lock (PostgreSQL) or the write lock (SQLite).
locks = Table(
    "locks",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("taken", Integer, nullable=False),  # how many times: the update that takes the lock
)
