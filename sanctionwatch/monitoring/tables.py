"""Tables of monitoring (SQLAlchemy Core), on the shared metadata of `sanctionwatch.db`: customers and
their indexes, how far they were screened, alerts and webhooks.

An alert is a case: raising one writes its first `case_events` row, and the `good_guys` list (pairs
cleared as false positives) suppresses alerts here. Both tables are therefore declared with the
alerts, in the lowest package that uses them; `sanctionwatch.cases` reads and writes them from above.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from sanctionwatch.db.tables import metadata

__all__ = ["alerts", "case_events", "customers", "good_guys"]

customers = Table(
    "customers",
    metadata,
    Column("id", String(200), primary_key=True),  # the customer's id in the bank's own system
    Column("schema", String(32), nullable=False),
    Column("name", Text, nullable=False),  # the first name, for lists and pages
    Column("data", JSON, nullable=False),  # names, birth dates, countries, identifiers, attributes
    Column("hash", String(64), nullable=False),  # sha256 of the canonical data: a change re-alerts
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("screened_at", DateTime(timezone=True), nullable=True),  # last screened in this state
)

# The customers indexed for the other direction (listed party -> customers): delta screening asks
# which customers could match a newly listed party without screening all of them.
customer_tokens = Table(
    "customer_tokens",
    metadata,
    Column("token", String(100), primary_key=True),  # a token of one of the customer's name forms
    Column("customer_id", String(200), ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_customer_tokens_customer_id", "customer_id"),
)

customer_identifiers = Table(
    "customer_identifiers",
    metadata,
    Column("key", String(200), primary_key=True),  # normalized as matching.normalize.identifier_key
    Column("customer_id", String(200), ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_customer_identifiers_customer_id", "customer_id"),
)

# Every token of the customers' vocabulary under each of its lookup keys (the matcher's: deletions,
# consonant skeleton, phonetic code), as signed 64-bit hashes: a new party's tokens find the customers'
# lookalike spellings with one indexed query.
token_keys = Table(
    "customer_token_keys",
    metadata,
    Column("key", BigInteger, primary_key=True),
    Column("token", String(100), primary_key=True),
    Index("ix_customer_token_keys_token", "token"),  # which tokens the vocabulary has already
)

# Per source, the list version the customer base has been screened through: a delta screen covers the
# changes from it to the active version and only then moves it, so that an activation whose delta did
# not run (a crash, an `activate` from elsewhere) is caught up by the next one instead of being skipped.
screened_through = Table(
    "screened_through",
    metadata,
    Column("source", String(32), primary_key=True),
    Column("version", Integer, nullable=False),  # list_versions.number
    Column("at", DateTime(timezone=True), nullable=False),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("customer_id", String(200), nullable=False),  # no foreign key: a case outlives the customer
    Column("entity_id", String(200), nullable=False),
    Column("source_ids", JSON, nullable=False),
    Column("score", Float, nullable=False),
    Column("explanation", JSON, nullable=False),
    Column("customer_hash", String(64), nullable=False),  # both sides as they were when it alerted
    Column("record_hash", String(64), nullable=False),
    Column("list_version", String(64), nullable=False),  # "ofac-sdn/3": the version it alerted on
    Column("engine_version", String(32), nullable=False),
    Column("trigger", String(16), nullable=False),  # customers (new or changed) | delta | full
    # The case: open -> in_review -> proposed -> confirmed -> closed (proposed -> in_review: sent back).
    Column("status", String(16), nullable=False),
    Column("revision", Integer, nullable=False),  # +1 per transition: concurrent deciders compare-and-set
    Column("assignee", String(200), nullable=True),
    Column("decision", String(16), nullable=True),  # true_match | false_positive
    Column("reason", Text, nullable=True),
    Column("proposed_by", String(200), nullable=True),
    Column("confirmed_by", String(200), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_alerts_pair", "customer_id", "entity_id"),
    Index("ix_alerts_status", "status"),
)

case_events = Table(
    "case_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("alerts.id"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(16), nullable=False),  # opened, assign, review, propose, confirm, ...
    Column("from_status", String(16), nullable=True),
    Column("to_status", String(16), nullable=True),
    Column("text", Text, nullable=True),
    Index("ix_case_events_alert_id", "alert_id"),
)

good_guys = Table(
    "good_guys",
    metadata,
    Column("customer_id", String(200), primary_key=True),
    Column("entity_id", String(200), primary_key=True),
    Column("customer_hash", String(64), nullable=False),  # suppressed while both sides are unchanged
    Column("record_hash", String(64), nullable=False),
    Column("alert_id", Integer, ForeignKey("alerts.id"), nullable=False),  # the case that decided it
    Column("reason", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=True),
)

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", Text, nullable=False),
    Column("secret", Text, nullable=False),  # the HMAC key (the receiver holds it too)
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True), nullable=True),
)
