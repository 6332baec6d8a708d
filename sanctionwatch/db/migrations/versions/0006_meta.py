"""Settings the database keeps about itself (the key scheme of the customers' vocabulary).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    meta = op.create_table(
        "meta",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    # Every lookup key filed so far was made under scheme 1 (matching.index.KEY_SCHEME when this ran).
    op.bulk_insert(meta, [{"name": "customer_token_keys.scheme", "value": "1"}])


def downgrade() -> None:
    op.drop_table("meta")
