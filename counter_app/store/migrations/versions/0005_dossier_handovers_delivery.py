"""dossier: hand-over chain to the deciding bodies (form 06), how the result is delivered

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossier") as batch:
        batch.add_column(
            sa.Column("handovers", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch.add_column(sa.Column("result_delivery", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dossier") as batch:
        batch.drop_column("result_delivery")
        batch.drop_column("handovers")
