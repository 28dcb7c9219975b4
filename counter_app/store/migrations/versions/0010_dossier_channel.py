"""dossier.channel: how the dossier was filed (Decree 118/2025 art. 15: at the counter, by public
postal service, online on the public service portal); every dossier recorded before was received
at a counter

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 11:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossier") as batch:
        batch.add_column(
            sa.Column("channel", sa.String(), nullable=False, server_default="counter")
        )


def downgrade() -> None:
    with op.batch_alter_table("dossier") as batch:
        batch.drop_column("channel")
