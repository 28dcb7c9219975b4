"""dossier.result_at: when the result was ready (status "done"), the measure of "on time" in the
reports; filled for dossiers already done from the local event log

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossier") as batch:
        batch.add_column(sa.Column("result_at", sa.String(), nullable=True))
    op.execute(
        """
        UPDATE dossier SET result_at = (
            SELECT max(e.at) FROM event AS e
            WHERE e.entity = 'dossier' AND e.entity_id = dossier.id
              AND json_extract(e.data, '$.to') = 'done'
        )
        WHERE status IN ('done', 'returned')
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("dossier") as batch:
        batch.drop_column("result_at")
