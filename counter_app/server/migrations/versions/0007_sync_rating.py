"""sync_rating: citizens' satisfaction ratings pushed by the counters (one per ticket of a center)

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_rating",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("center_code", sa.String(32), nullable=False),
        sa.Column("ticket_id", sa.String(64), nullable=False),
        sa.Column("service_day", sa.String(10), nullable=False),
        sa.Column("officer", sa.String(64), nullable=False),
        sa.Column("counter_code", sa.String(32), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
    )
    op.create_index("ux_sync_rating_ticket", "sync_rating", ["center_code", "ticket_id"],
                    unique=True)
    op.create_index("ix_sync_rating_day", "sync_rating", ["center_code", "service_day"])


def downgrade() -> None:
    op.drop_index("ix_sync_rating_day", table_name="sync_rating")
    op.drop_index("ux_sync_rating_ticket", table_name="sync_rating")
    op.drop_table("sync_rating")
