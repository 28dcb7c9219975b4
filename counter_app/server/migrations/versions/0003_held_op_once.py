"""A revoked device's held ops are kept once per (device, op_id): the device retries its push
and each retry used to store the batch again. Existing repeats are removed (the first kept).

Revision ID: 0003
Revises: 0002 (queue head index)
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "DELETE FROM sync_held_op WHERE id NOT IN "
        "(SELECT keep FROM (SELECT MIN(id) AS keep FROM sync_held_op "
        "GROUP BY device_id, op_id) AS firsts)"
    )
    with op.batch_alter_table("sync_held_op", schema=None) as batch_op:
        batch_op.create_index("ux_sync_held_op_device_op", ["device_id", "op_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("sync_held_op", schema=None) as batch_op:
        batch_op.drop_index("ux_sync_held_op_device_op")
