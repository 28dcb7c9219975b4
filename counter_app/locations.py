"""Where counter_app keeps its files (platformdirs, overridable by environment)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "counter-app"


def default_config_file() -> Path:
    env = os.environ.get("COUNTER_APP_CONFIG")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_data_dir() -> Path:
    env = os.environ.get("COUNTER_APP_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME))


def assets_dir() -> Path:
    """Assets shipped with the product (demo catalog, calendar rows, fonts)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "assets", here.parent / "assets"):
        if candidate.is_dir():
            return candidate
    return here.parent / "assets"


def ensure_private_dir(path: Path) -> Path:
    """Create a directory readable by its owner only (personal data lives there)."""
    path.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(path, 0o700)
    except OSError:  # pragma: no cover - e.g. some Windows file systems
        pass
    return path
