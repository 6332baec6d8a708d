"""Tables of the registry (SQLAlchemy Core). Alembic migrations in `migrations/` create exactly these.

Records are content-addressed: a party's normalized record is stored once per distinct content
(`entity_records.hash`), and a version is the set of (entity id -> record hash) pairs in
`version_entities`. An unchanged party costs one small row per version, diffs are set operations
on hashes, and an old version can be re-activated (rolled back to) at any time.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from sanctionwatch.db.tables import metadata

sources = Table(
    "sources",
    metadata,
    Column("name", String(32), primary_key=True),
    # The single pointer that says which version screening uses; switching it is the activation.
    Column("active_version_id", Integer, ForeignKey("list_versions.id", use_alter=True), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=True),
)

list_versions = Table(
    "list_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(32), ForeignKey("sources.name"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("published", Date, nullable=True),
    Column("fetched", DateTime(timezone=True), nullable=False),
    Column("format", String(32), nullable=False),
    Column("files", JSON, nullable=False),  # [{"name", "sha256", "size"}]
    Column("digest", String(64), nullable=False),  # hash of the sorted (entity id, record hash) pairs
    Column("entity_count", Integer, nullable=False),
    Column("stats", JSON, nullable=False),  # {"schemas": {...}, "programs": {...}}
    Column("status", String(16), nullable=False),  # active | superseded | held
    Column("status_reason", Text, nullable=True),
    Column("activated_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("source", "number", name="uq_list_versions_source_number"),
)

entity_records = Table(
    "entity_records",
    metadata,
    Column("hash", String(64), primary_key=True),
    Column("entity_id", String(200), nullable=False),
    Column("schema", String(32), nullable=False),
    Column("caption", Text, nullable=False),
    Column("data", Text, nullable=False),  # canonical JSON of model.Entity; `hash` is its sha256
)

version_entities = Table(
    "version_entities",
    metadata,
    Column("version_id", Integer, ForeignKey("list_versions.id", ondelete="CASCADE"), primary_key=True),
    Column("entity_id", String(200), primary_key=True),
    Column("record_hash", String(64), ForeignKey("entity_records.hash"), nullable=False),
    Index("ix_version_entities_entity_id", "entity_id"),
)

record_terms = Table(
    "record_terms",
    metadata,
    Column("record_hash", String(64), ForeignKey("entity_records.hash"), primary_key=True),
    Column("kind", String(16), primary_key=True),  # program | authority | list
    Column("value", String(200), primary_key=True),
    Index("ix_record_terms_kind_value", "kind", "value"),
)

# ---- the service's own records (access and background jobs) -------------------------------------------
# Kept in the same database as the lists so that one backup, one migration stream and one transaction
# model cover everything an examiner may ask about.

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),  # viewer | analyst | approver | admin
    Column("prefix", String(16), nullable=False),  # the key's first characters, to tell keys apart
    Column("key_hash", String(64), nullable=False, unique=True),  # sha256 of the whole key
    # The person a key acts for (a user's name), if any: case decisions need a person, for four eyes.
    Column("owner", String(100), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False),  # argon2id, with its parameters and salt
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True), nullable=True),
)

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

# ---- compliance work: customers, alerts and their cases, the good-guy list, the audit log ------------

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

# Append-only, hash-chained: each record's hash covers its content and the previous record's hash.
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),  # 1, 2, 3 ... without gaps
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("details", Text, nullable=False),  # canonical JSON
    Column("list_versions", Text, nullable=False),  # canonical JSON: {"ofac-sdn": 3, ...}
    Column("engine_version", String(32), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

# One row: the last record's number and hash. Appending updates it first, which serializes appenders on
# both backends (row lock on PostgreSQL, the write lock on SQLite), and a truncated tail shows against it.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)
