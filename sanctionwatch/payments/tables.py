"""The payment screenings kept (SQLAlchemy Core), on the shared metadata of `sanctionwatch.db`.

Every message screened is a row, passed or held, with what it was screened against: the record an
examiner asks for ("show me how this wire was screened"). A held message's case is an alert (monitoring's
`alerts` table, `trigger` = "payment"), so its four-eyes review is the alerts' own workflow; the row points
at it, and the message's state (held, released, rejected) is read from the case, never kept twice.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text

from sanctionwatch.db.tables import metadata

__all__ = ["payment_screenings"]

payment_screenings = Table(
    "payment_screenings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),  # where it was read: file#position, or "api"
    Column("message_type", String(40), nullable=True),  # None: not even the type could be read
    Column("reference", String(200), nullable=True),
    Column("uetr", String(64), nullable=True),
    Column("digest", String(64), nullable=False),  # what the message says (screening.message_digest)
    Column("decision", String(8), nullable=False),  # pass | hold
    Column("reasons", JSON, nullable=False),
    Column("hits", JSON, nullable=False),
    Column("hits_digest", String(64), nullable=False),  # the hits as a set: a release covers these
    Column("list_versions", JSON, nullable=False),
    Column("engine_version", String(32), nullable=False),
    Column("screened_at", DateTime(timezone=True), nullable=False),
    Column("screened_by", String(200), nullable=False),
    Column("alert_id", Integer, ForeignKey("alerts.id"), nullable=True),  # the case of a hold
    Column("released_by", Integer, ForeignKey("alerts.id"), nullable=True),  # passed on an earlier release
    Column("message", Text, nullable=True),  # the message as received, for the reviewer
    Index("ix_payment_screenings_digest", "digest"),
    Index("ix_payment_screenings_alert_id", "alert_id"),
)
