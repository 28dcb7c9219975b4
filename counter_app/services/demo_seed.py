"""Demo data for `counter-app demo` and the UI tests (docs/DESIGN.md §6 "Demo data").

Center DEMO; counters Q1–Q4 serving groups A hộ tịch, B chứng thực, C đất đai, D khác; officers
canbo1–canbo4 (at Q1–Q4), giamsat (supervisor), admin — all with password `demo` and a cached
offline verifier (demo only: a real install has none); the demo catalog; today's tickets (some
served, some waiting) and a few dossiers received at the counters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from counter_app.contracts import demo
from counter_app.store.models import Center, Counter
from counter_app.store.models import Officer as OfficerRow

if TYPE_CHECKING:
    from collections.abc import Callable

    from counter_app.config import Settings
    from counter_app.store.db import Store

# The same center as the embedded server's demo (one source: contracts/demo.py).
DEMO_PASSWORD = demo.DEMO_PASSWORD
SERVICES = demo.DEMO_SERVICES
COUNTERS = demo.DEMO_COUNTERS
OFFICERS = demo.DEMO_OFFICERS

# (minutes before "now", service, priority)
TICKETS: tuple[tuple[int, str, str | None], ...] = (
    (95, "A", None),
    (90, "B", None),
    (84, "A", "elderly"),
    (80, "C", None),
    (72, "A", None),
    (65, "B", None),
    (58, "D", None),
    (50, "A", None),
    (41, "B", "pregnant"),
    (35, "C", None),
    (27, "A", None),
    (19, "B", None),
    (12, "A", None),
    (6, "D", None),
)

# (procedure code, applicant, counter, officer, minutes before "now", outcome)
APPLICANTS: tuple[dict[str, Any], ...] = (
    {"id_number": "001190012345", "full_name": "Nguyễn Văn Hùng", "date_of_birth": "1990-03-14",
     "sex": "Nam", "phone": "0912345678", "address": "Thôn Đông, xã Demo"},
    {"id_number": "001185004321", "full_name": "Trần Thị Mai", "date_of_birth": "1985-11-02",
     "sex": "Nữ", "phone": "0987654321", "address": "Thôn Tây, xã Demo"},
    {"id_number": "001078009876", "full_name": "Lê Văn Bảy", "date_of_birth": "1978-07-30",
     "sex": "Nam", "phone": "0905111222", "address": "Xóm Chợ, xã Demo"},
    {"id_number": "001300001122", "full_name": "Phạm Thị Ngọc Ánh", "date_of_birth": "2000-01-20",
     "sex": "Nữ", "phone": "0934555666", "address": "Thôn Bắc, xã Demo"},
)
DOSSIERS: tuple[tuple[int, str, str, int, str], ...] = (
    # applicant index, counter, officer, minutes before now, outcome
    (0, "Q1", "canbo1", 88, "receive"),
    (1, "Q1", "canbo1", 70, "receive"),
    (2, "Q2", "canbo2", 60, "receive"),
    (3, "Q1", "canbo1", 40, "supplement"),
)


@dataclass
class SeedReport:
    officers: list[str] = field(default_factory=list)
    tickets: int = 0
    dossiers: list[str] = field(default_factory=list)
    catalog: int = 0


def seed_reference(store: Store, settings: Settings, *, now: dt.datetime | None = None) -> list[str]:
    """Center, counters, officers with cached verifiers (idempotent)."""
    from counter_app.services.auth_local import hash_password

    stamp = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    created = []
    with store.write() as session:
        if session.get(Center, settings.center_code) is None:
            session.add(
                Center(
                    code=settings.center_code,
                    name=settings.center_name,
                    agency_id=settings.agency_id,
                    parent_body=settings.parent_body,
                    place_name=settings.place_name,
                )
            )
            session.flush()
        for i, code in enumerate(COUNTERS, start=1):
            if session.get(Counter, code) is None:
                session.add(
                    Counter(
                        code=code,
                        center_code=settings.center_code,
                        name=f"Quầy số {i}",
                        services=list(SERVICES),
                    )
                )
        for username, full_name, role, counter in OFFICERS:
            row = session.get(OfficerRow, username)
            if row is None:
                row = OfficerRow(
                    username=username,
                    full_name=full_name,
                    role=role,
                    center_code=settings.center_code,
                    counter_code=counter,
                )
                created.append(username)
            if not row.password_verifier:
                row.password_verifier = hash_password(DEMO_PASSWORD)
                row.verifier_updated_at = stamp
            session.add(row)
    return created


def _components(store: Store, code: str, complete: bool) -> list[dict[str, Any]]:
    from counter_app.services import catalog

    proc = catalog.get(store, code)
    out = []
    for comp in proc.get("components", []):
        if not comp.get("required"):
            continue
        if not complete and out:
            continue  # leave later required components missing
        out.append(
            {
                "index": comp["index"],
                "original": comp.get("original", 0),
                "copy": comp.get("copy", 0),
                "presented": True,
            }
        )
    return out


# Made-up persons a demo dossier is about (the child of a birth, both parties of a marriage…).
_DEMO_PEOPLE = (
    ("Nguyễn Văn Minh", "Nam", "001095011111"),
    ("Trần Thị Lan", "Nữ", "001196022222"),
    ("Lê Văn Tâm", "Nam", "001093033333"),
    ("Phạm Thị Hoa", "Nữ", "001197044444"),
)


def _subjects(store: Store, code: str, today: dt.date) -> list[dict[str, Any]]:
    """A plausible person for every subject the procedure asks for (domain/subjects.py)."""
    from counter_app.services import catalog

    out = []
    for i, spec in enumerate(catalog.get(store, code).get("subjects", [])):
        name, sex, id_number = _DEMO_PEOPLE[i % len(_DEMO_PEOPLE)]
        if spec.get("role") == "bride":
            name, sex, id_number = _DEMO_PEOPLE[1]
        elif spec.get("role") == "groom":
            name, sex, id_number = _DEMO_PEOPLE[0]
        born = today - dt.timedelta(days=12) if spec.get("role") == "child" else dt.date(1995, 6, 1)
        values = {"full_name": name, "date_of_birth": born.isoformat(), "sex": sex,
                  "id_number": id_number}
        fields = spec.get("fields") or ["full_name", "date_of_birth"]
        out.append({"role": spec["role"], **{f: values[f] for f in fields}})
    return out


def _fee_quantities(store: Store, code: str) -> dict[str, dict[str, Any]]:
    """A certification of a 2-page paper, 2 copies of a per-copy extract."""
    from counter_app.services import catalog

    out: dict[str, dict[str, Any]] = {}
    for fee in catalog.get(store, code).get("fees", []):
        if fee.get("per") == "page":
            out[fee["name"]] = {"copies": 1, "pages": [2]}
        elif fee.get("per") == "copy":
            out[fee["name"]] = {"copies": 2}
    return out


def _minutes_ago(now: dt.datetime) -> Callable[[float], dt.timedelta]:
    """The seeded morning spans the last 95 minutes; seeded soon after midnight, it is squeezed
    into the minutes since midnight, so every ticket and dossier belongs to today's service day
    (a ticket issued yesterday cannot be served today, and the seed would fail)."""
    span = max(m for m, _svc, _prio in TICKETS) + 1
    since_midnight = (now - now.replace(hour=0, minute=0, second=0, microsecond=0)).total_seconds()
    scale = min(1.0, since_midnight / (span * 60.0))

    def ago(minutes: float) -> dt.timedelta:
        return dt.timedelta(seconds=int(minutes * 60 * scale))

    return ago


# how the demo's citizens rated the tickets served today, in turn (level, reasons)
DEMO_RATINGS = (
    ("very_satisfied", ()), ("satisfied", ()), ("very_satisfied", ()), ("unsatisfied", ("wait",)),
    ("very_satisfied", ()), ("satisfied", ()), ("very_satisfied", ()),
)


def _rate(store: Store, settings: Settings, done: dict[str, Any], counter: str,
          at: dt.datetime, seq: int) -> None:
    """The citizen of the `seq`-th ticket served rates it (every eighth walks away unrated)."""
    from counter_app.contracts.tickets import QueueTicket
    from counter_app.services import satisfaction

    if seq % 8 == 7:
        return
    ticket = QueueTicket.model_validate({"origin": "local", **done})
    satisfaction.offer(store, settings, ticket, counter, now=at)
    level, reasons = DEMO_RATINGS[seq % len(DEMO_RATINGS)]
    satisfaction.rate(store, settings, counter, ticket_id=ticket.id, level=level,
                      reasons=reasons, now=at)


def seed_today(
    store: Store, settings: Settings, *, now: dt.datetime | None = None
) -> tuple[int, list[str]]:
    """Today's tickets (the first ones served at Q1–Q4, the rest waiting) and a few dossiers."""
    from counter_app.services import catalog, dossiers, local_queue

    now = (now or dt.datetime.now(settings.tz)).astimezone(settings.tz).replace(microsecond=0)
    ago = _minutes_ago(now)
    # Issue the tickets and let the counters serve the oldest ones, in time order.
    events: list[tuple[int, int, str, Any]] = [(m, 1, "issue", (svc, prio)) for m, svc, prio in TICKETS]
    for step in range(2):
        for i, counter in enumerate(COUNTERS):
            events.append((86 - step * 30 - i * 3, 0, "call", (counter, f"canbo{i + 1}")))
    issued = served = 0
    for minutes, _order, kind, data in sorted(events, key=lambda e: (-e[0], e[1])):
        at = now - ago(minutes)
        if kind == "issue":
            local_queue.issue(store, settings, data[0], priority=data[1], actor="kiosk", now=at)
            issued += 1
            continue
        counter, officer = data
        if local_queue.call_next(store, settings, counter, actor=officer, now=at) is None:
            continue
        local_queue.serve(store, settings, counter, actor=officer, now=at + ago(1))
        done = local_queue.finish(store, settings, counter, actor=officer, now=at + ago(9))
        _rate(store, settings, done, counter, at + ago(10), served)
        served += 1
    codes: list[str] = []
    procs = catalog.search(store, "khai sinh", limit=1) + catalog.search(store, "chứng thực bản sao", limit=1)
    procs += catalog.search(store, "kết hôn", limit=1) + catalog.search(store, "xác nhận tình trạng hôn nhân", limit=1)
    if not procs:
        return issued, codes
    for n, (who, counter, officer, minutes, outcome) in enumerate(DOSSIERS):
        proc = procs[n % len(procs)]["code"]
        complete = outcome == "receive"
        req = {
            "procedure": proc,
            "applicant": APPLICANTS[who],
            "subjects": _subjects(store, proc, (now - ago(minutes)).date()),
            "components": _components(store, proc, complete),
            "received_at": (now - ago(minutes)).isoformat(),
            "outcome": outcome,
            # the third came online on the portal (the reports' channels)
            "channel": "online" if n == 2 else "counter",
            "reason": "" if complete else "Bổ sung giấy tờ còn thiếu theo danh sách",
            "fee_quantities": _fee_quantities(store, proc),
        }
        try:
            d = dossiers.receive(
                store, settings, req, actor=officer, counter_code=counter,
                now=now - ago(minutes),
            )
        except Exception:  # noqa: BLE001 - a demo procedure whose rules changed: skip it, the demo still runs
            continue
        codes.append(d["code"])
    return issued, codes


def seed(store: Store, settings: Settings, *, now: dt.datetime | None = None) -> SeedReport:
    """Everything the demo needs, on a fresh store."""
    from counter_app.services import catalog

    report = SeedReport()
    report.officers = seed_reference(store, settings, now=now)
    result = catalog.ensure_demo_catalog(store, actor="admin")
    report.catalog = catalog.count(store) if result is not None else catalog.count(store)
    report.tickets, report.dossiers = seed_today(store, settings, now=now)
    return report
