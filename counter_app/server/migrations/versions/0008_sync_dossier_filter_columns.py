"""sync_dossier: the read API's filter fields as indexed columns (issue 18 §1: a filtered page
in < 60 ms at 1 M dossiers on PostgreSQL). received_day, procedure_code, officer, applicant_id,
applicant_key are copied from the row on every write and filled here for the rows already held;
on PostgreSQL the code gets a pattern index (prefix search) and, where pg_trgm can be created,
the folded applicant name a trigram index (search inside names).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = (
    ("received_day", 10, "received_at"),
    ("procedure_code", 64, "procedure_code"),
    ("officer", 64, "officer"),
    ("applicant_id", 32, "applicant_id_number"),
    ("applicant_key", 200, "applicant_name_key"),
)


def upgrade() -> None:
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    with op.batch_alter_table("sync_dossier", schema=None) as b:
        for name, length, _key in COLUMNS:
            b.add_column(sa.Column(name, sa.String(length=length), nullable=True))
    for name, length, key in COLUMNS:
        value = f"data->>'{key}'" if pg else f"json_extract(data, '$.{key}')"
        op.execute(f"UPDATE sync_dossier SET {name} = substr({value}, 1, {length})")
    with op.batch_alter_table("sync_dossier", schema=None) as b:
        b.create_index("ix_sync_dossier_day", ["center_code", "received_day", "id"])
        b.create_index("ix_sync_dossier_procedure", ["center_code", "procedure_code", "id"])
        b.create_index("ix_sync_dossier_officer", ["center_code", "officer", "id"])
        b.create_index("ix_sync_dossier_applicant_id", ["center_code", "applicant_id"])
    if pg:
        op.execute(
            "CREATE INDEX ix_sync_dossier_code_prefix ON sync_dossier "
            "(center_code, code text_pattern_ops)"
        )
        # the trigram index needs the pg_trgm extension: created when the role may, else the
        # name search stays correct, only slower
        trgm = bind.begin_nested()
        try:
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            trgm.commit()
        except sa.exc.DBAPIError:
            trgm.rollback()
        else:
            op.execute(
                "CREATE INDEX ix_sync_dossier_applicant_trgm ON sync_dossier "
                "USING gin (applicant_key gin_trgm_ops)"
            )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_sync_dossier_applicant_trgm")
        op.execute("DROP INDEX IF EXISTS ix_sync_dossier_code_prefix")
    with op.batch_alter_table("sync_dossier", schema=None) as b:
        for index in ("ix_sync_dossier_applicant_id", "ix_sync_dossier_officer",
                      "ix_sync_dossier_procedure", "ix_sync_dossier_day"):
            b.drop_index(index)
        for name, _length, _key in COLUMNS:
            b.drop_column(name)
