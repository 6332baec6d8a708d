"""API keys that act for a person; named locks; the customers' vocabulary looked up by token.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

LOCKS = ("monitoring",)


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("owner", sa.String(100), nullable=True))
    op.create_index("ix_customer_token_keys_token", "customer_token_keys", ["token"])
    locks = op.create_table(
        "locks",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("taken", sa.Integer, nullable=False),
    )
    op.bulk_insert(locks, [{"name": name, "taken": 0} for name in LOCKS])


def downgrade() -> None:
    op.drop_table("locks")
    op.drop_index("ix_customer_token_keys_token", "customer_token_keys")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("owner")
