"""dossier: number of sets received, original due date kept across an extension

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 22:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossier") as batch:
        batch.add_column(sa.Column("sets", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("original_appointment_at", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dossier") as batch:
        batch.drop_column("original_appointment_at")
        batch.drop_column("sets")
