"""sync_dossier.routed_to: the center a dossier is routed to for its competent body (reception
regardless of administrative boundary, issue 19 §2). While set, that center's devices pull the
dossier and may push the hand-back of the step addressed to it (and nothing else).

Revision ID: 0005
Revises: 0004 (security)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_dossier", schema=None) as b:
        b.add_column(sa.Column("routed_to", sa.String(length=32), nullable=True))
        b.create_index("ix_sync_dossier_routed_to", ["routed_to"])


def downgrade() -> None:
    with op.batch_alter_table("sync_dossier", schema=None) as b:
        b.drop_index("ix_sync_dossier_routed_to")
        b.drop_column("routed_to")
