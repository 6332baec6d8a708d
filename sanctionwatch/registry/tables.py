"""Tables of the registry (SQLAlchemy Core), on the shared metadata of `sanctionwatch.db`.

Records are content-addressed: a party's normalized record is stored once per distinct content
(`entity_records.hash`), and a version is the set of (entity id -> record hash) pairs in
`version_entities`. An unchanged party costs one small row per version, diffs are set operations
on hashes, and an old version can be re-activated (rolled back to) at any time.

The audit log's two tables are here too, beside `audit.py` (which says why the log is the registry's).
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from sanctionwatch.db.tables import metadata

__all__ = ["VersionStatus", "list_versions", "record_terms", "version_entities"]

sources = Table(
    "sources",
    metadata,
    Column("name", String(32), primary_key=True),
    # The single pointer that says which version screening uses; switching it is the activation.
    Column("active_version_id", Integer, ForeignKey("list_versions.id", use_alter=True), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=True),
)


class VersionStatus(StrEnum):
    """Where a list version stands (the `list_versions.status` column below holds these strings)."""

    HELD = "held"  # stored, not (yet) active: the sanity guard held it, or it awaits activation
    ACTIVE = "active"  # the version screening uses; one per source
    SUPERSEDED = "superseded"  # was active until a newer version was activated


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
    Column(
        "data", Text, nullable=False
    ),  # canonical JSON of model.Entity; `hash` is Entity.content_hash (order-free)
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

# Per source, what the checks of its official download found (registry/freshness.py says why). One row a
# source, written by every check (`update_official`, `watch`); the activation time is not repeated here:
# it is the active version's `list_versions.activated_at`.
source_freshness = Table(
    "source_freshness",
    metadata,
    Column("source", String(32), primary_key=True),
    Column("last_check_at", DateTime(timezone=True), nullable=False),
    Column("last_outcome", String(16), nullable=False),  # registry.freshness.CheckOutcome
    Column("last_success_at", DateTime(timezone=True), nullable=True),
    Column("last_failure_at", DateTime(timezone=True), nullable=True),
    Column("last_failure_reason", Text, nullable=True),
    Column("newest_digest", String(64), nullable=True),  # SHA-256 over the newest files' bytes
    Column("newest_published", Date, nullable=True),  # the publication date the newest file states
    Column("newest_first_seen_at", DateTime(timezone=True), nullable=True),
    Column("checks", Integer, nullable=False),
    Column("failures", Integer, nullable=False),
    Column("alarm_state", String(16), nullable=True),  # the state last announced by webhook (watch)
)

# FollowTheMoney sources (`ftm:NAME`) keep every entity of a version as FtM has it, beside the parties
# above: the non-parties (Sanction, Address, Ownership, Payment ...) have no `Entity` form, and FtM
# clients want back the ids, referents, `target` flags and graph they gave (registry/ftm.py).
# Content-addressed like `entity_records`: an unchanged entity costs one `version_ftm` row a version.
ftm_records = Table(
    "ftm_records",
    metadata,
    Column("hash", String(64), primary_key=True),  # SHA-256 of the record, property values order-free
    Column("ftm_id", String(200), nullable=False),
    Column("schema", String(64), nullable=False),
    Column("data", Text, nullable=False),  # canonical JSON: id, schema, caption, properties, datasets ...
)

version_ftm = Table(
    "version_ftm",
    metadata,
    Column("version_id", Integer, ForeignKey("list_versions.id", ondelete="CASCADE"), primary_key=True),
    Column("ftm_id", String(200), primary_key=True),
    Column("record_hash", String(64), ForeignKey("ftm_records.hash"), nullable=False),
    Column("role", String(16), nullable=False),  # sources.ftm.Role: party | non-target | non-party
    # The entity's place in the file (0, 1, ...): adjacent entities are listed, and paged, in the
    # dataset's own order, as yente lists them (its index keeps the file's order).
    Column("position", Integer, nullable=False),
    Index("ix_version_ftm_ftm_id", "ftm_id"),
)

# Per version, each entity-typed property value (Sanction.entity -> the party, Ownership.owner -> the
# owner ...): what /entities/{id}/adjacent and nested responses follow, in both directions.
ftm_references = Table(
    "ftm_references",
    metadata,
    Column("version_id", Integer, ForeignKey("list_versions.id", ondelete="CASCADE"), primary_key=True),
    Column("ftm_id", String(200), primary_key=True),  # the entity holding the property
    Column("prop", String(64), primary_key=True),
    Column("other_id", String(200), primary_key=True),  # the entity it points at
    Index("ix_ftm_references_other_id", "other_id"),
)

# Per version, the ids merged into an entity (FtM `referents`): a client holding one is sent to it.
ftm_referents = Table(
    "ftm_referents",
    metadata,
    Column("version_id", Integer, ForeignKey("list_versions.id", ondelete="CASCADE"), primary_key=True),
    Column("referent", String(200), primary_key=True),
    Column("ftm_id", String(200), primary_key=True),
    Index("ix_ftm_referents_referent", "referent"),
)
