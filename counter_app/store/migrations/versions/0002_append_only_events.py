"""append-only event log, pending-outbox index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 21:10:00

The event log is a legal audit trail: SQLite triggers refuse UPDATE and DELETE on it.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE TRIGGER IF NOT EXISTS event_no_update BEFORE UPDATE ON event "
        "BEGIN SELECT RAISE(ABORT, 'event log is append-only'); END"
    )
    op.execute(
        "CREATE TRIGGER IF NOT EXISTS event_no_delete BEFORE DELETE ON event "
        "BEGIN SELECT RAISE(ABORT, 'event log is append-only'); END"
    )
    op.create_index("ix_outbox_pending", "outbox", ["acked_at", "device_seq"])
    op.create_index("ix_event_entity", "event", ["entity", "entity_id"])


def downgrade() -> None:
    op.drop_index("ix_event_entity", table_name="event")
    op.drop_index("ix_outbox_pending", table_name="outbox")
    op.execute("DROP TRIGGER IF EXISTS event_no_delete")
    op.execute("DROP TRIGGER IF EXISTS event_no_update")
