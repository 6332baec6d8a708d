"""Registry: sources, list versions, content-addressed entity records, version membership, search terms.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("active_version_id", sa.Integer, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "list_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(32), sa.ForeignKey("sources.name"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("published", sa.Date, nullable=True),
        sa.Column("fetched", sa.DateTime(timezone=True), nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("files", sa.JSON, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("entity_count", sa.Integer, nullable=False),
        sa.Column("stats", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_reason", sa.Text, nullable=True),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("source", "number", name="uq_list_versions_source_number"),
    )
    with op.batch_alter_table("sources") as batch:
        batch.create_foreign_key(
            "fk_sources_active_version_id_list_versions", "list_versions", ["active_version_id"], ["id"]
        )
    op.create_table(
        "entity_records",
        sa.Column("hash", sa.String(64), primary_key=True),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("schema", sa.String(32), nullable=False),
        sa.Column("caption", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "version_entities",
        sa.Column(
            "version_id",
            sa.Integer,
            sa.ForeignKey("list_versions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("entity_id", sa.String(200), primary_key=True),
        sa.Column("record_hash", sa.String(64), sa.ForeignKey("entity_records.hash"), nullable=False),
    )
    op.create_index("ix_version_entities_entity_id", "version_entities", ["entity_id"])
    op.create_table(
        "record_terms",
        sa.Column("record_hash", sa.String(64), sa.ForeignKey("entity_records.hash"), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("value", sa.String(200), primary_key=True),
    )
    op.create_index("ix_record_terms_kind_value", "record_terms", ["kind", "value"])


def downgrade() -> None:
    op.drop_table("record_terms")
    op.drop_table("version_entities")
    op.drop_table("entity_records")
    with op.batch_alter_table("sources") as batch:
        batch.drop_constraint("fk_sources_active_version_id_list_versions", type_="foreignkey")
    op.drop_table("list_versions")
    op.drop_table("sources")
