"""Ownership holdings users import (issue 20).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ownership_holdings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dataset", sa.String(200), nullable=False),
        sa.Column("row", sa.Integer, nullable=False),
        sa.Column("owner_key", sa.String(400), nullable=False),
        sa.Column("owner_label", sa.Text, nullable=False),
        sa.Column("owner_resolved", sa.String(200), nullable=False),
        sa.Column("owned_key", sa.String(400), nullable=False),
        sa.Column("owned_label", sa.Text, nullable=False),
        sa.Column("owned_resolved", sa.String(200), nullable=False),
        sa.Column("share", sa.Integer, nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("start_date", sa.Date, nullable=True),
        sa.Column("end_date", sa.Date, nullable=True),
        sa.Column("source", sa.Text, nullable=True),
        sa.Column("match_score", sa.Float, nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(200), nullable=False),
    )
    op.create_index("ix_ownership_holdings_dataset", "ownership_holdings", ["dataset"])
    op.create_index("ix_ownership_holdings_owned", "ownership_holdings", ["owned_key"])


def downgrade() -> None:
    op.drop_table("ownership_holdings")
