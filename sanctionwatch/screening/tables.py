"""Tables of screening (SQLAlchemy Core), on the shared metadata of `sanctionwatch.db`: the background
jobs that screen uploaded files."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, String, Table, Text

from sanctionwatch.db.tables import metadata

# Imported whole by `sanctionwatch.tables` for the tables it declares on the shared metadata;
# other packages go through `screening.jobs`.
__all__: list[str] = []

screening_jobs = Table(
    "screening_jobs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("owner", String(200), nullable=False),  # "key:<name>" or "user:<name>"
    Column("status", String(16), nullable=False),  # queued | running | done | failed
    Column("runner", String(200), nullable=False),  # "host:pid" of the process that runs it
    Column("input_name", String(300), nullable=False),
    Column("output_format", String(8), nullable=False),
    Column("rows_done", Integer, nullable=False),
    Column("rows_with_hits", Integer, nullable=False),
    Column("rows_failed", Integer, nullable=False),
    Column("error", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
)
