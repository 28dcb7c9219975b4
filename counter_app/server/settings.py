"""Settings of the central server (command-line flags and COUNTER_APP_SERVER_* variables)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

SQLITE_NAME = "server.sqlite3"
SECRET_NAME = "server_secret"


def default_server_data_dir() -> Path:
    env = os.environ.get("COUNTER_APP_SERVER_DATA_DIR")
    if env:
        return Path(env).expanduser()
    from counter_app.locations import default_data_dir

    return default_data_dir() / "server"


class ServerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    data_dir: Path = Field(default_factory=default_server_data_dir)
    # None = the SQLite file in the data dir; or postgresql+psycopg://user:pw@host:port/db
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=0, le=65535)
    demo_data: bool = False
    # an empty catalog is filled from the one shipped in assets/ (a province imports its own list
    # over it: same codes get new versions)
    seed_catalog: bool = True
    token_ttl_minutes: int = Field(default=480, ge=1, le=7 * 24 * 60)
    enrol_token_ttl_hours: int = Field(default=72, ge=1)
    login_max_failures: int = Field(default=5, ge=1)  # per username and IP
    login_window_seconds: int = Field(default=60, ge=1)
    login_account_max_failures: int = Field(default=20, ge=1)  # per username, 15 minutes
    login_ip_max_failures: int = Field(default=100, ge=1)  # per IP, 15 minutes
    login_global_max_failures: int = Field(default=1000, ge=1)  # whole server, 5 minutes
    # proxies whose X-Forwarded-For is believed (comma-separated IPs/networks); empty = none, so
    # the client address is always the socket's peer
    forwarded_allow_ips: str = Field(default="", max_length=1000)
    heartbeat_seconds: float = Field(default=5.0, gt=0)
    log_level: str = "warning"

    @field_validator("database_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("sqlite:///", "postgresql+psycopg://", "postgresql://")):
            raise ValueError(
                "database URL must start with sqlite:/// or postgresql+psycopg:// "
                f"(got '{value.split(':', 1)[0]}:…')"
            )
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @property
    def url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / SQLITE_NAME}"

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        return Path(self.url.removeprefix("sqlite:///"))
