"""procedure.subjects (whom a procedure is about besides the requester: the child of a birth
registration, both parties of a marriage) and dossier.subjects (the persons given at the counter)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("procedure", "dossier"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("subjects", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    for table in ("dossier", "procedure"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("subjects")
