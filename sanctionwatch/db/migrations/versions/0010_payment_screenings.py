"""Payment screenings: every message screened, passed or held, its case an alert (issue 19).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payment_screenings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("message_type", sa.String(40), nullable=True),
        sa.Column("reference", sa.String(200), nullable=True),
        sa.Column("uetr", sa.String(64), nullable=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("decision", sa.String(8), nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("hits", sa.JSON, nullable=False),
        sa.Column("hits_digest", sa.String(64), nullable=False),
        sa.Column("list_versions", sa.JSON, nullable=False),
        sa.Column("engine_version", sa.String(32), nullable=False),
        sa.Column("screened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("screened_by", sa.String(200), nullable=False),
        sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.id"), nullable=True),
        sa.Column("released_by", sa.Integer, sa.ForeignKey("alerts.id"), nullable=True),
        sa.Column("message", sa.Text, nullable=True),
    )
    op.create_index("ix_payment_screenings_digest", "payment_screenings", ["digest"])
    op.create_index("ix_payment_screenings_alert_id", "payment_screenings", ["alert_id"])


def downgrade() -> None:
    op.drop_table("payment_screenings")
