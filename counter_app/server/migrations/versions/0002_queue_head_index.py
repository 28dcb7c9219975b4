"""Covering index for the queue heads (state equality, then issue order, then the class columns),
so finding the next ticket reads a few index entries instead of sorting every waiting ticket.

Revision ID: 0002
Revises: s001 (sync tables)
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "s001"
branch_labels = None
depends_on = None

COLUMNS = ["center_code", "service_day", "state", "pos", "priority", "service", "target_counter"]


def upgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_waiting")
        batch_op.create_index("ix_ticket_queue_head", COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_queue_head")
        batch_op.create_index(
            "ix_ticket_waiting", ["center_code", "service_day", "state", "pos"], unique=False
        )
