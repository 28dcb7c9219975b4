"""rating: the citizen's satisfaction rating of a finished ticket (one per ticket)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 08:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rating",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("center_code", sa.String(), nullable=False),
        sa.Column("ticket_id", sa.String(), nullable=False, unique=True),
        sa.Column("ticket_number", sa.String(), nullable=False),
        sa.Column("service", sa.String(), nullable=False),
        sa.Column("service_day", sa.String(), nullable=False),
        sa.Column("counter_code", sa.String(), nullable=False),
        sa.Column("officer", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("dossier_codes", sa.JSON(), nullable=False),
        sa.Column("procedure_codes", sa.JSON(), nullable=False),
        sa.Column("rated_at", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_rating_day", "rating", ["center_code", "service_day"])


def downgrade() -> None:
    op.drop_index("ix_rating_day", table_name="rating")
    op.drop_table("rating")
