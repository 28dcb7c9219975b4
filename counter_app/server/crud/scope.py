"""Which centers a read covers (issue 18 §1–2): a supervisor reads their own center; the
province role (and admins) read any one center (`center=X01`) or every center (`center=all`).
Writes never take a scope: they stay on the caller's own center."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import true
from sqlmodel import col, select

from counter_app.server.crud.common import ApiError, Principal
from counter_app.server.db import Database

WIDE_ROLES = ("province", "admin")  # may read other centers
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


@dataclass(frozen=True)
class Scope:
    centers: tuple[str, ...] | None  # None: every center

    def where(self, column: Any) -> Any:
        if self.centers is None:
            return true()
        if len(self.centers) == 1:
            return column == self.centers[0]
        return col(column).in_(self.centers)

    @property
    def label(self) -> str:
        return "all" if self.centers is None else ",".join(self.centers)

    @property
    def one(self) -> str | None:
        """The center when the scope is exactly one (its time zone, its catalog)."""
        return self.centers[0] if self.centers is not None and len(self.centers) == 1 else None


def scope_for(db: Database, p: Principal, center: str | None) -> Scope:
    """The caller's own center, or — for the province role and admins — the center asked for
    (`all`: every center). Anyone else asking for another center gets 403."""
    wanted = (center or "").strip()
    if not wanted or wanted == p.center:
        return Scope((p.center,))
    if p.role not in WIDE_ROLES:
        raise ApiError(403, "forbidden", "chỉ đọc được trung tâm của mình / your own center only")
    if wanted.lower() == "all":
        return Scope(None)
    if not _CODE.match(wanted):
        raise ApiError(400, "bad_center", "center: mã trung tâm hoặc all / a center code or all")
    from counter_app.server.models import Center

    with db.read() as s:
        if s.exec(select(Center.code).where(Center.code == wanted)).first() is None:
            raise ApiError(404, "not_found", f"không có trung tâm {wanted} / no such center")
    return Scope((wanted,))
