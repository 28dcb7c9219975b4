"""Build the center's WorkCalendar from settings, shipped rows and imported notices.

- shipped rows: ``assets/calendar/*.json`` (format in assets/calendar/FORMAT.md), read in name order;
- imported notices: ``<data_dir>/calendar/*.json``, read in name order after the shipped ones;
- provincial overrides: ``settings.calendar_overrides``;
- working time and zone: ``settings.working_hours`` (legal periods and weekdays; the Saturday
  reception periods are reception hours, not legal working time), ``settings.timezone``;
- default cut-off: ``settings.cut_off``.

The built calendar is cached per process; the key includes the settings that matter and a
fingerprint (name, size, mtime) of the notice directory, so a notice imported by another process
is picked up on the next call.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counter_app.domain.calendar import (
    DayRow,
    Notice,
    WorkCalendar,
    WorkingTime,
    check_notice_complete,
    parse_day_row,
    parse_notice,
)
from counter_app.errors import BadInput, NotAvailable

if TYPE_CHECKING:
    from counter_app.config import Settings

NOTICE_DIR = "calendar"
_MAX_NOTICE_BYTES = 2_000_000

_lock = threading.Lock()
_cache: dict[tuple[Any, ...], WorkCalendar] = {}


def asset_dir() -> Path:
    from counter_app.locations import assets_dir

    return assets_dir() / "calendar"


def notice_dir(settings: Settings) -> Path:
    return Path(settings.data_dir) / NOTICE_DIR


def _listing(directory: Path) -> list[Path]:
    try:
        return sorted(p for p in directory.glob("*.json") if p.is_file())
    except OSError:
        return []


def _fingerprint(paths: list[Path]) -> tuple[tuple[str, int, int], ...]:
    out = []
    for p in paths:
        try:
            st = p.stat()
        except OSError:
            continue
        out.append((str(p), st.st_size, st.st_mtime_ns))
    return tuple(out)


def _read_notice(path: Path) -> Notice:
    return _read_notice_bytes(path)[0]


def _read_notice_bytes(path: Path) -> tuple[Notice, bytes]:
    try:
        size = path.stat().st_size
        if size > _MAX_NOTICE_BYTES:
            raise BadInput(f"{path}: tệp quá lớn / file too large ({size} bytes)", field="file")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NotAvailable(f"không có tệp / file not found: {path}", field="file") from None
    except IsADirectoryError:
        raise BadInput(f"{path} là thư mục / is a directory", field="file") from None
    except OSError as exc:
        raise NotAvailable(
            f"không đọc được tệp / cannot read {path}: {exc.strerror}", field="file"
        ) from None
    return _parse_bytes(raw, str(path)), raw


def _parse_bytes(raw: bytes, origin: str) -> Notice:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{origin}: không phải UTF-8 / not UTF-8 (byte {exc.start})", field="file"
        ) from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(
            f"{origin}: JSON lỗi dòng {exc.lineno} cột {exc.colno} / invalid JSON: {exc.msg}",
            field="file",
        ) from None
    return parse_notice(obj, origin=origin)


def shipped_notices() -> list[Notice]:
    return [_read_notice(p) for p in _listing(asset_dir())]


def imported_notices(settings: Settings) -> list[Notice]:
    return [_read_notice(p) for p in _listing(notice_dir(settings))]


def working_time_from(settings: Settings) -> WorkingTime:
    wh = settings.working_hours
    return WorkingTime(tuple(wh.period_minutes()), frozenset(wh.weekdays))


def overrides_from(settings: Settings) -> list[DayRow]:
    rows = []
    for i, o in enumerate(settings.calendar_overrides):
        rows.append(
            parse_day_row(
                {
                    "date": o.date.isoformat(),
                    "kind": o.kind,
                    "name": o.name or "Điều chỉnh của tỉnh",
                    "source": o.source or "Cấu hình calendar_overrides",
                },
                field=f"calendar_overrides[{i}]",
            )
        )
    return rows


def _computed_id() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"holidays-{version('holidays')}"
    except PackageNotFoundError:  # pragma: no cover - holidays is a dependency
        from counter_app.domain.calendar import holidays_library_id

        return holidays_library_id()


def get_calendar(settings: Settings) -> WorkCalendar:
    """The center's calendar (cached per process while its inputs are unchanged)."""
    shipped = _listing(asset_dir())
    imported = _listing(notice_dir(settings))
    key = (
        tuple(tuple(x) for x in settings.working_hours.period_minutes()),
        tuple(settings.working_hours.weekdays),
        settings.timezone,
        settings.cut_off,
        json.dumps(
            [o.model_dump(mode="json") for o in settings.calendar_overrides], sort_keys=True
        ),
        _fingerprint(shipped),
        _fingerprint(imported),
    )
    with _lock:
        cal = _cache.get(key)
        if cal is not None:
            return cal
    cal = WorkCalendar(
        notices=[_read_notice(p) for p in shipped] + [_read_notice(p) for p in imported],
        overrides=overrides_from(settings),
        working_time=working_time_from(settings),
        tz=settings.tz,
        cut_off=settings.cut_off,
        computed_id=_computed_id(),
    )
    with _lock:
        if len(_cache) > 16:
            _cache.clear()
        _cache[key] = cal
    return cal


def clear_cache() -> None:
    with _lock:
        _cache.clear()


@dataclasses.dataclass(frozen=True)
class ImportResult:
    path: Path
    years: list[int]
    rows: int
    already_imported: bool
    calendar_version: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "years": self.years,
            "rows": self.rows,
            "already_imported": self.already_imported,
            "calendar_version": self.calendar_version,
        }


def import_notice(settings: Settings, file: str | os.PathLike[str]) -> ImportResult:
    """Validate an official notice file and copy it atomically into ``<data_dir>/calendar/``.

    Refuses (BadInput naming the field) a malformed file, or one that would leave a covered year
    without all its statutory days off. Importing the same bytes twice is a no-op.
    """
    src = Path(file)
    notice, raw = _read_notice_bytes(src)
    digest = hashlib.sha256(raw).hexdigest()
    target_dir = notice_dir(settings)
    for existing in _listing(target_dir):
        if existing.stem.endswith(digest[:16]):
            return ImportResult(
                existing,
                sorted(notice.years),
                len(notice.rows),
                True,
                get_calendar(settings).version,
            )
    # completeness is checked on the union of every official row of each covered year
    union: dict[int, dict[dt.date, DayRow]] = {y: {} for y in notice.years}
    for earlier in shipped_notices() + imported_notices(settings) + [notice]:
        for y in notice.years & earlier.years:
            for r in earlier.rows_in_year(y):
                union[y][r.date] = r
    check_notice_complete({y: rows.values() for y, rows in union.items()}, origin=str(src))

    from counter_app.locations import ensure_private_dir

    ensure_private_dir(target_dir)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    target = target_dir / f"notice_{stamp}_{digest[:16]}.json"
    fd, tmp = tempfile.mkstemp(prefix=".notice-", suffix=".tmp", dir=target_dir)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:
        dfd = os.open(target_dir, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:  # pragma: no cover - not all file systems allow fsync on a directory
        pass
    clear_cache()
    return ImportResult(
        target, sorted(notice.years), len(notice.rows), False, get_calendar(settings).version
    )


def prewarm(settings: Settings, today: dt.date | None = None) -> WorkCalendar:
    """Build the calendar and compute this year's and next year's rows now.

    The first computed (provisional) year imports and initialises `holidays` (~0.5–0.8 s once per
    process); the TUI can call this from a background worker at start so the first receipt whose
    appointment reaches a provisional year does not pay for it.
    """
    cal = get_calendar(settings)
    year = (today or dt.datetime.now(settings.tz).date()).year
    for y in (year, year + 1):
        cal.holidays_in_year(y)
    return cal
