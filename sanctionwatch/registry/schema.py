"""Tables of the registry (SQLAlchemy Core). Alembic migrations in `migrations/` create exactly these.

Records are content-addressed: a party's normalized record is stored once per distinct content
(`entity_records.hash`), and a version is the set of (entity id -> record hash) pairs in
`version_entities`. An unchanged party costs one small row per version, diffs are set operations
on hashes, and an old version can be re-activated (rolled back to) at any time.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

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
