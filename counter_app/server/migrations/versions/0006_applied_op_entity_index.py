"""Indexes for the dossier read API (issue 18): sync_applied_op.entity_id (a dossier's history)
and sync_dossier (center_code, id) and (center_code, status, id) (a center's dossiers newest
first, page after page, all or of one status)

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_applied_entity", "sync_applied_op", ["entity_id"])
    op.create_index("ix_sync_dossier_center_id", "sync_dossier", ["center_code", "id"])
    op.create_index(
        "ix_sync_dossier_center_status_id", "sync_dossier", ["center_code", "status", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_sync_dossier_center_status_id", table_name="sync_dossier")
    op.drop_index("ix_sync_dossier_center_id", table_name="sync_dossier")
    op.drop_index("ix_applied_entity", table_name="sync_applied_op")
