"""Security and integrity (issue 14):
- `sync_conflict.kind`: "conflict" (a fact to settle) or "rejected" (an op refused, quarantined on
  the counter) — both listed for the center's supervisors;
- `sync_blob_ref.received` / `verified`: each center proves it holds a blob by uploading it, before
  it may download it (a hash is not a capability); existing complete blobs stay readable to the
  centers that referenced them;
- `officer.token_version`: raised by a password reset, a role change or a counter re-assignment,
  so earlier tokens stop working;
- `center.officers_float`: whether an officer may act on another counter's tickets (default no).

Revision ID: 0004
Revises: 0003 (held ops once)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_conflict", schema=None) as b:
        b.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="conflict")
        )
    with op.batch_alter_table("sync_blob_ref", schema=None) as b:
        b.add_column(sa.Column("received", sa.BigInteger(), nullable=False, server_default="0"))
        b.add_column(sa.Column("verified", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(
        "UPDATE sync_blob_ref SET verified = TRUE, received = size WHERE sha256 IN "
        "(SELECT sha256 FROM sync_blob WHERE complete = TRUE)"
    )
    with op.batch_alter_table("officer", schema=None) as b:
        b.add_column(sa.Column("token_version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("center", schema=None) as b:
        b.add_column(
            sa.Column("officers_float", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("center", schema=None) as b:
        b.drop_column("officers_float")
    with op.batch_alter_table("officer", schema=None) as b:
        b.drop_column("token_version")
    with op.batch_alter_table("sync_blob_ref", schema=None) as b:
        b.drop_column("verified")
        b.drop_column("received")
    with op.batch_alter_table("sync_conflict", schema=None) as b:
        b.drop_column("kind")
