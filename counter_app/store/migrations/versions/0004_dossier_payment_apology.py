"""dossier: payment record (cash / transfer / VietQR) and the reason an apology was sent late

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 18:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossier") as batch:
        batch.add_column(sa.Column("payment", sa.JSON(), nullable=True))
        batch.add_column(
            sa.Column("apology_late_reason", sa.String(), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("dossier") as batch:
        batch.drop_column("apology_late_reason")
        batch.drop_column("payment")
