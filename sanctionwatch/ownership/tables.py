"""The holdings users import (SQLAlchemy Core), on the shared metadata of `sanctionwatch.db`.

The lists' and FtM datasets' holdings are read from the registry with each snapshot and never copied
here; this table holds only what users state. Each holding keeps the file and row it came from, and
the key it was resolved to together with how (by key, identifier or name, with the score), so that
an examiner can see why a file's "KPC Trading" became a listed party's holding.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Float, Index, Integer, String, Table, Text

from sanctionwatch.db.tables import metadata

__all__ = ["ownership_holdings"]

ownership_holdings = Table(
    "ownership_holdings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dataset", String(200), nullable=False),  # what a re-import replaces: the file's name or --dataset
    Column("row", Integer, nullable=False),
    Column("owner_key", String(400), nullable=False),
    Column("owner_label", Text, nullable=False),
    Column("owner_resolved", String(200), nullable=False),  # "key", "identifier", "name 0.97", "unlisted"
    Column("owned_key", String(400), nullable=False),
    Column("owned_label", Text, nullable=False),
    Column("owned_resolved", String(200), nullable=False),
    Column("share", Integer, nullable=True),  # millionths; NULL: not stated
    Column("kind", String(16), nullable=False),
    Column("start_date", Date, nullable=True),
    Column("end_date", Date, nullable=True),
    Column("source", Text, nullable=True),  # the row's own source column
    Column("match_score", Float, nullable=True),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("imported_by", String(200), nullable=False),
    Index("ix_ownership_holdings_dataset", "dataset"),
    Index("ix_ownership_holdings_owned", "owned_key"),
)
