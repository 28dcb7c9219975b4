"""Fixtures for scanning tests: the real SANE `test` backend in a private SANE_CONFIG_DIR, a real
SQLite store with a dossier, and a blob store in the data dir."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from counter_app.config import Settings, load_settings
from counter_app.store.blobs import BlobStore
from counter_app.store.db import Store
from counter_app.store.models import Dossier

SYSTEM_TEST_CONF = Path("/etc/sane.d/test.conf")
DOSSIER_CODE = "H15.50.05.13-261123-000001"

COMPONENTS = [
    {"index": 1, "name": "Tờ khai đăng ký khai sinh", "original": 1, "copy": 0, "required": True},
    {"index": 2, "name": "Giấy chứng sinh", "original": 1, "copy": 0, "required": True},
    {"index": 3, "name": "02 ảnh 4x6 cm", "original": 2, "copy": 0, "required": True},
]


def make_sane_dir(base: Path) -> Path:
    if shutil.which("scanimage") is None or not SYSTEM_TEST_CONF.exists():
        pytest.skip("sane-utils (scanimage and /etc/sane.d/test.conf) is not installed")
    d = base / "sane"
    d.mkdir(exist_ok=True)
    (d / "dll.conf").write_text("test\n")
    shutil.copy(SYSTEM_TEST_CONF, d / "test.conf")
    return d


@pytest.fixture
def sane_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """SANE_CONFIG_DIR with only the `test` backend: devices test:0 and test:1."""
    d = make_sane_dir(tmp_path)
    monkeypatch.setenv("SANE_CONFIG_DIR", str(d))
    return {"SANE_CONFIG_DIR": str(d)}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path / "data", agency_id="H15.50.05.13")


def add_dossier(store: Store, code: str = DOSSIER_CODE, dossier_id: str = "d-0001") -> None:
    with store.write() as s:
        s.add(
            Dossier(
                id=dossier_id,
                code=code,
                lookup_code=code + "-X7",
                center_code="DEMO",
                procedure_code="1.001193",
                procedure_version=1,
                procedure_name="Đăng ký khai sinh",
                applicant={"id_number": "001085012345", "full_name": "Nguyễn Văn Ánh"},
                applicant_id_number="001085012345",
                applicant_name_key="nguyen van anh",
                officer="canbo1",
                received_at="2026-11-23T09:00:00+07:00",
                components=COMPONENTS,
                created_at="2026-11-23T09:00:00+07:00",
                updated_at="2026-11-23T09:00:00+07:00",
            )
        )


@pytest.fixture
def store(settings: Settings) -> Store:
    store = Store.open(settings.db_path)
    add_dossier(store)
    yield store
    store.close()


@pytest.fixture
def blobs(settings: Settings) -> BlobStore:
    return BlobStore(settings.data_dir / "blobs").ensure()


def pdfinfo(path: Path) -> dict[str, str]:
    import subprocess

    if shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils (pdfinfo) is not installed")
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert "Error" not in out.stderr, out.stderr  # poppler repairs broken xrefs, but says so
    from pypdf import PdfReader

    assert len(PdfReader(str(path), strict=True).pages) >= 1  # a strict parser agrees
    info = {}
    for line in out.stdout.splitlines():
        k, _, v = line.partition(":")
        info[k.strip()] = v.strip()
    return info


def page_sizes(path: Path) -> list[tuple[float, float]]:
    """(width, height) in points of every page, via pdfinfo -f 1 -l N."""
    import re
    import subprocess

    n = int(pdfinfo(path)["Pages"])
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", str(n), str(path)], capture_output=True,
                         text=True, timeout=30).stdout
    sizes = []
    for m in re.finditer(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out):
        sizes.append((float(m.group(1)), float(m.group(2))))
    return sizes


def page_means(path: Path, tmp: Path) -> list[float]:
    """Mean grey level (0 black … 255 white) of each rendered page (pdftoppm at 10 dpi)."""
    import subprocess

    from PIL import Image, ImageStat

    out = tmp / "render"
    out.mkdir(exist_ok=True)
    for f in out.iterdir():
        f.unlink()
    subprocess.run(["pdftoppm", "-r", "10", "-gray", str(path), str(out / "p")], check=True,
                   timeout=60)
    means = []
    for f in sorted(out.iterdir()):
        with Image.open(f) as im:
            means.append(ImageStat.Stat(im).mean[0])
    return means


def page_rotations(path: Path) -> list[int]:
    import re
    import subprocess

    n = int(pdfinfo(path)["Pages"])
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", str(n), str(path)], capture_output=True,
                         text=True, timeout=30).stdout
    return [int(m.group(1)) for m in re.finditer(r"Page\s+\d+ rot:\s+(\d+)", out)]
