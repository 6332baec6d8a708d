"""FollowTheMoney entities kept as FtM has them, per version of an `ftm:NAME` source (issue 18).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-12
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _version_id() -> sa.Column[int]:
    return sa.Column(
        "version_id", sa.Integer, sa.ForeignKey("list_versions.id", ondelete="CASCADE"), primary_key=True
    )


def upgrade() -> None:
    op.create_table(
        "ftm_records",
        sa.Column("hash", sa.String(64), primary_key=True),
        sa.Column("ftm_id", sa.String(200), nullable=False),
        sa.Column("schema", sa.String(64), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "version_ftm",
        _version_id(),
        sa.Column("ftm_id", sa.String(200), primary_key=True),
        sa.Column("record_hash", sa.String(64), sa.ForeignKey("ftm_records.hash"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_version_ftm_ftm_id", "version_ftm", ["ftm_id"])
    op.create_table(
        "ftm_references",
        _version_id(),
        sa.Column("ftm_id", sa.String(200), primary_key=True),
        sa.Column("prop", sa.String(64), primary_key=True),
        sa.Column("other_id", sa.String(200), primary_key=True),
    )
    op.create_index("ix_ftm_references_other_id", "ftm_references", ["other_id"])
    op.create_table(
        "ftm_referents",
        _version_id(),
        sa.Column("referent", sa.String(200), primary_key=True),
        sa.Column("ftm_id", sa.String(200), primary_key=True),
    )
    op.create_index("ix_ftm_referents_referent", "ftm_referents", ["referent"])


def downgrade() -> None:
    op.drop_index("ix_ftm_referents_referent", "ftm_referents")
    op.drop_table("ftm_referents")
    op.drop_index("ix_ftm_references_other_id", "ftm_references")
    op.drop_table("ftm_references")
    op.drop_index("ix_version_ftm_ftm_id", "version_ftm")
    op.drop_table("version_ftm")
    op.drop_table("ftm_records")
