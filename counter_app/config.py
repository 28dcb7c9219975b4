"""Typed settings: a TOML file (COUNTER_APP_CONFIG or platformdirs) plus COUNTER_APP_* env vars.

Every bad value gives a one-line error naming the key (exit code 2 from the CLI).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from counter_app.errors import BadInput
from counter_app.locations import default_config_file, default_data_dir

_PERIOD_RE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


class CalendarOverride(BaseModel):
    """A province-level day row: a day off, a substitute day off, or a Saturday worked."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date
    kind: Literal["holiday", "substitute", "off", "worked"]
    name: str = ""
    source: str = ""


class WorkingHours(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # "HH:MM-HH:MM" periods, in order; defaults per docs/DOMAIN.md §0.2.
    periods: list[str] = Field(default_factory=lambda: ["07:00-11:30", "13:30-17:00"])
    # ISO weekday numbers (1 = Monday) on which the legal calendar counts working days.
    weekdays: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5])
    # Extra reception periods (e.g. Saturday morning) that do not count as legal working time.
    saturday_reception: list[str] = Field(default_factory=list)

    @field_validator("periods", "saturday_reception")
    @classmethod
    def _check_periods(cls, value: list[str]) -> list[str]:
        last_end = -1
        for text in value:
            m = _PERIOD_RE.match(text.strip())
            if not m:
                raise ValueError(f"'{text}' is not a period like 07:00-11:30")
            h1, m1, h2, m2 = (int(g) for g in m.groups())
            if not (0 <= h1 < 24 and 0 <= h2 <= 24 and m1 < 60 and m2 < 60):
                raise ValueError(f"'{text}' has an impossible time")
            start, end = h1 * 60 + m1, h2 * 60 + m2
            if end <= start:
                raise ValueError(f"'{text}' ends before it starts")
            if start < last_end:
                raise ValueError(f"'{text}' overlaps the previous period")
            last_end = end
        return [t.strip() for t in value]

    @field_validator("weekdays")
    @classmethod
    def _check_weekdays(cls, value: list[int]) -> list[int]:
        if not value or any(d < 1 or d > 7 for d in value):
            raise ValueError("weekdays are ISO numbers 1 (Monday) … 7 (Sunday), at least one")
        return sorted(set(value))

    def period_minutes(self) -> list[tuple[int, int]]:
        out = []
        for text in self.periods:
            h1, m1, h2, m2 = (int(g) for g in _PERIOD_RE.match(text).groups())  # type: ignore[union-attr]
            out.append((h1 * 60 + m1, h2 * 60 + m2))
        return out


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    # Identity of this center / counter
    center_code: str = "DEMO"
    center_name: str = "Trung tâm Phục vụ hành chính công xã Demo"
    parent_body: str = "ỦY BAN NHÂN DÂN XÃ DEMO"
    place_name: str = "Demo"
    # the center's contact number, printed on form 02 for the citizen's questions
    center_phone: str | None = Field(
        default=None, max_length=20, pattern=r"^\+?[0-9][0-9 .()-]{5,18}$"
    )
    agency_id: str = Field(
        default="H99.99.99.99",
        description="Agency electronic ID (QCVN 102) used as the first part of dossier codes",
    )
    counter_code: str = "Q1"
    # Central server
    server_url: str | None = None
    # Time and calendar
    timezone: str = "Asia/Ho_Chi_Minh"
    working_hours: WorkingHours = Field(default_factory=WorkingHours)
    cut_off: str = "15:00"
    calendar_overrides: list[CalendarOverride] = Field(default_factory=list)
    # UI
    lang: Literal["vi", "en"] = "vi"
    idle_lock_minutes: int = Field(default=10, ge=1, le=240)
    offline_signin_days: int = Field(default=14, ge=1, le=365)
    # Printing: a CUPS queue name for `lp`; None = save the PDF and show its path
    printer: str | None = None
    paper: Literal["A5", "A4"] = "A5"
    # Form 01 in two copies ("Liên 1" kept with the dossier, "Liên 2" for the citizen), or one
    receipt_copies: int = Field(default=2, ge=1, le=2)
    # Queue tickets issued at this PC: an ESC/POS printer ("/dev/usb/lp0", "host:9100"), "pdf"
    # (a small PDF, sent to `printer` with lp when one is set), or None = not printed
    ticket_printer: str | None = None
    # F5 on a ticket only called (the citizen has not come): ask (None, the default), or mark it
    # absent by itself once it was recalled this many times
    auto_absent_after_recalls: int | None = Field(default=None, ge=0, le=10)
    # Scanning
    scan_inbox: Path | None = None
    scan_max_pages: int = Field(default=200, ge=1)
    scan_max_bytes: int = Field(default=50_000_000, ge=1024)
    # Retention of personal data on the counter PC after the server acknowledged it
    retention_days: int = Field(default=30, ge=1)
    # Files
    data_dir: Path = Field(default_factory=default_data_dir)
    config_file: Path | None = None

    @field_validator("timezone")
    @classmethod
    def _check_tz(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone '{value}'") from exc
        return value

    @field_validator("cut_off")
    @classmethod
    def _check_cut_off(cls, value: str) -> str:
        if not re.match(r"^\d{1,2}:\d{2}$", value) or int(value.split(":")[0]) > 23 or int(value.split(":")[1]) > 59:
            raise ValueError(f"'{value}' is not a time like 15:00")
        return value

    @field_validator("server_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"'{value}' is not an http(s) URL")
        return value.rstrip("/")

    @field_validator("agency_id")
    @classmethod
    def _check_agency(cls, value: str) -> str:
        if not re.match(r"^[A-Z0-9][A-Z0-9.]{2,30}$", value):
            raise ValueError(f"'{value}' is not an agency electronic ID like H15.50.05.13")
        return value

    @model_validator(mode="after")
    def _paths(self) -> Settings:
        return self

    @property
    def tz(self):  # -> ZoneInfo
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.timezone)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "counter.sqlite3"

    def cut_off_time(self) -> dt.time:
        h, m = (int(x) for x in self.cut_off.split(":"))
        return dt.time(h, m)


_ENV_PREFIX = "COUNTER_APP_"
_ENV_KEYS = {
    "center_code", "center_name", "agency_id", "counter_code", "server_url", "timezone",
    "cut_off", "lang", "printer", "paper", "ticket_printer", "parent_body", "place_name",
    "center_phone",
}


def _format_error(exc: ValidationError, source: str) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"]) or "config"
    msg = err["msg"].removeprefix("Value error, ")
    return f"cấu hình không hợp lệ / invalid configuration ({source}): {loc}: {msg}"


def load_settings(
    *,
    config_file: Path | str | None = None,
    data_dir: Path | str | None = None,
    lang: str | None = None,
    **overrides: Any,
) -> Settings:
    """Read the TOML file, apply COUNTER_APP_* env vars, then explicit overrides."""
    path = Path(config_file) if config_file else default_config_file()
    values: dict[str, Any] = {}
    source = str(path)
    if path.exists():
        try:
            with path.open("rb") as fh:
                values = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise BadInput(f"cấu hình không đọc được / unreadable config {path}: {exc}") from exc
        except OSError as exc:
            raise BadInput(f"cannot read config {path}: {exc}") from exc
    elif config_file or os.environ.get("COUNTER_APP_CONFIG"):
        raise BadInput(f"không có tệp cấu hình / config file not found: {path}")
    for key in _ENV_KEYS:
        env = os.environ.get(_ENV_PREFIX + key.upper())
        if env is not None:
            values[key] = env
    if data_dir:
        values["data_dir"] = data_dir
    elif "data_dir" not in values:
        values["data_dir"] = default_data_dir()
    if lang:
        values["lang"] = lang
    values.update({k: v for k, v in overrides.items() if v is not None})
    values["config_file"] = path if path.exists() else None
    try:
        settings = Settings.model_validate(values)
    except ValidationError as exc:
        raise BadInput(_format_error(exc, source)) from None
    _enrolled_center(settings)
    return settings


def _enrolled_center(settings: Settings) -> None:
    """An enrolled install belongs to the center it was enrolled in: the server accepts only that
    center's records from it, so its dossiers and forms say that center whatever the file says."""
    from counter_app.sync.device import load

    try:
        creds = load(settings.data_dir)
    except BadInput:  # unreadable credentials: sync says so; the settings still load
        return
    if creds is not None and creds.center:
        settings.center_code = creds.center
