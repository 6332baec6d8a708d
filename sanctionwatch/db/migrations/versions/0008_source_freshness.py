"""Per-source freshness: what each check of an official download found (registry/freshness.py).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_freshness",
        sa.Column("source", sa.String(32), primary_key=True),
        sa.Column("last_check_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_outcome", sa.String(16), nullable=False),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_reason", sa.Text, nullable=True),
        sa.Column("newest_digest", sa.String(64), nullable=True),
        sa.Column("newest_published", sa.Date, nullable=True),
        sa.Column("newest_first_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checks", sa.Integer, nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("alarm_state", sa.String(16), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("source_freshness")
