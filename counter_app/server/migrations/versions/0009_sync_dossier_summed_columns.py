"""sync_dossier: the columns a dossier's report figures are summed from (issue 18 §2: a
province's month across its centers as one GROUP BY, < 1 s at 1 M dossiers on PostgreSQL).

counter_code, procedure_name, channel, appointment_utc, timeliness, supplement_count, components,
components_scanned are filled on every write (sync.models.index_fields); received_day becomes the
day of entry in the center's own time zone (it was the first ten characters of the counter's
time). The rows already held are filled here, in pages, by the same rule
(domain.reports.summed_fields); a province-wide index on received_day serves `center=all`.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

def _columns() -> tuple[sa.Column, ...]:
    return (
        sa.Column("counter_code", sa.String(32), nullable=True),
        sa.Column("procedure_name", sa.String(500), nullable=True),
        sa.Column("channel", sa.String(16), nullable=True),
        sa.Column("appointment_utc", sa.String(26), nullable=True),
        sa.Column("timeliness", sa.String(8), nullable=True),
        sa.Column("supplement_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("components", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("components_scanned", sa.Integer(), nullable=False, server_default="0"),
    )


PAGE = 2000


def upgrade() -> None:
    with op.batch_alter_table("sync_dossier", schema=None) as b:
        for column in _columns():
            b.add_column(column)
    _fill(op.get_bind())
    with op.batch_alter_table("sync_dossier", schema=None) as b:
        b.create_index("ix_sync_dossier_received_day", ["received_day"])


def _fill(bind: Any) -> None:
    import json

    from counter_app.domain.reports import summed_fields
    from counter_app.server.crud.common import zone

    zones = {code: zone(tz) for code, tz in bind.execute(sa.text(
        "SELECT code, timezone FROM center"))}
    update = sa.text(
        "UPDATE sync_dossier SET received_day = :received_day, counter_code = :counter_code, "
        "procedure_name = :procedure_name, channel = :channel, appointment_utc = :appointment_utc, "
        "timeliness = :timeliness, supplement_count = :supplement_count, "
        "components = :components, components_scanned = :components_scanned WHERE id = :id"
    )
    last = ""
    while True:
        rows = bind.execute(sa.text(
            "SELECT id, center_code, status, data FROM sync_dossier WHERE id > :last "
            "ORDER BY id LIMIT :page"), {"last": last, "page": PAGE}).all()
        if not rows:
            return
        last = rows[-1][0]
        scanned: dict[str, set[int]] = {}
        for dossier_id, index in bind.execute(
            sa.text("SELECT dossier_id, component_index FROM sync_attachment "
                    "WHERE dossier_id IN :ids").bindparams(sa.bindparam("ids", expanding=True)),
            {"ids": [r[0] for r in rows]},
        ):
            scanned.setdefault(dossier_id, set()).add(int(index))
        params = []
        for dossier_id, center, status, data in rows:
            record = json.loads(data) if isinstance(data, str) else (data or {})
            summed = summed_fields(
                {**(record if isinstance(record, dict) else {}), "status": status},
                tz=zones.get(center) or zone(None), scanned=scanned.get(dossier_id, set()),
            )
            summed["counter_code"] = (summed["counter_code"] or "")[:32] or None
            summed["procedure_name"] = (summed["procedure_name"] or "")[:500] or None
            summed["channel"] = (summed["channel"] or "")[:16] or None
            params.append({**summed, "id": dossier_id})
        bind.execute(update, params)


def downgrade() -> None:
    with op.batch_alter_table("sync_dossier", schema=None) as b:
        b.drop_index("ix_sync_dossier_received_day")
        for column in _columns():
            b.drop_column(column.name)
