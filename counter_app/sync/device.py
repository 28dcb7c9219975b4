"""This install's device credentials (`<data_dir>/device.json`, mode 0600)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from counter_app.errors import BadInput

FILE_NAME = "device.json"


@dataclass
class DeviceCredentials:
    device_id: str
    secret: str
    slot: str
    epoch: int
    center: str
    server_url: str
    enrolled_by: str = ""


def path_for(data_dir: Path) -> Path:
    return Path(data_dir) / FILE_NAME


def load(data_dir: Path) -> DeviceCredentials | None:
    p = path_for(data_dir)
    if not p.exists():
        return None
    try:
        raw = json.loads(p.read_text(encoding="utf-8"))
        return DeviceCredentials(**raw)
    except (OSError, ValueError, TypeError) as exc:
        raise BadInput(f"tệp thiết bị hỏng / device file unreadable: {p}: {exc}") from None


def save(data_dir: Path, creds: DeviceCredentials) -> Path:
    """Atomic write, readable by the owner only."""
    p = path_for(data_dir)
    tmp = p.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(asdict(creds), fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, p)
    try:
        os.chmod(p, 0o600)
    except OSError:  # pragma: no cover
        pass
    return p
