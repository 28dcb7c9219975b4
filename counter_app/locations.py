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


def demo_catalog_path() -> Path:
    """The catalog shipped with the product (seeded into an empty counter or server)."""
    return assets_dir() / "catalog" / "demo_catalog.json"


def ensure_private_dir(path: Path) -> Path:
    """Create a directory readable by its owner only (personal data lives there). A path that
    is a file, or a folder that cannot be created, is a clear one-line error (exit 2 / 3)."""
    from counter_app.errors import BadInput, NotAvailable

    if path.exists() and not path.is_dir():
        raise BadInput(
            f"'{path}' là một tệp, không phải thư mục dữ liệu / is a file, not a data folder "
            "(check COUNTER_APP_DATA_DIR / --data-dir)"
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise BadInput(
            f"'{path}': một phần đường dẫn là tệp / part of the path is a file "
            "(check COUNTER_APP_DATA_DIR / --data-dir)"
        ) from None
    except OSError as exc:
        raise NotAvailable(
            f"không tạo được thư mục dữ liệu / cannot create the data folder '{path}': "
            f"{exc.strerror or exc}"
        ) from None
    try:
        os.chmod(path, 0o700)
    except OSError:  # pragma: no cover - e.g. some Windows file systems
        pass
    return path
