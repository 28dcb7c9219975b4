"""dossier: its entry in the center's book of dossiers (Sổ theo dõi hồ sơ, form 07): the volume
(the year) and the entry number, printed as "Số" and "Quyển số … Số thứ tự …" on form 01

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 21:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossier") as batch:
        batch.add_column(sa.Column("book_volume", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("book_entry", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("dossier") as batch:
        batch.drop_column("book_entry")
        batch.drop_column("book_volume")
