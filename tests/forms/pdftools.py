"""Poppler and zbar wrappers: read back what a rendered PDF really contains."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (scripts/_setup.sh installs it)")
    return path


def write(tmp: Path, data: bytes, name: str = "form.pdf") -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def text(pdf: Path, *, page: int | None = None) -> str:
    args = [need("pdftotext"), "-enc", "UTF-8"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    out = subprocess.run([*args, str(pdf), "-"], capture_output=True, check=True, timeout=60)
    return out.stdout.decode("utf-8")


def flat(s: str) -> str:
    """Whitespace (including line breaks from wrapping) collapsed to single spaces."""
    return re.sub(r"\s+", " ", s).strip()


def info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(
        [need("pdfinfo"), str(pdf)], capture_output=True, check=True, text=True, timeout=60
    )
    rows = {}
    for line in out.stdout.splitlines():
        key, _, value = line.partition(":")
        rows[key.strip()] = value.strip()
    return rows


def pages(pdf: Path) -> int:
    return int(info(pdf)["Pages"])


def page_size_pt(pdf: Path) -> tuple[float, float]:
    m = re.match(r"([\d.]+) x ([\d.]+) pts", info(pdf)["Page size"])
    assert m, info(pdf)
    return float(m.group(1)), float(m.group(2))


@dataclass
class Word:
    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def words(pdf: Path) -> tuple[list[Word], tuple[float, float]]:
    """Every word with its box (points), and the page size."""
    out = subprocess.run(
        [need("pdftotext"), "-bbox", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    html = out.stdout.decode("utf-8")
    result = []
    size = (0.0, 0.0)
    page_re = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
    word_re = re.compile(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
        re.S,
    )
    for n, pm in enumerate(page_re.finditer(html), start=1):
        size = (float(pm.group(1)), float(pm.group(2)))
        for wm in word_re.finditer(pm.group(3)):
            x0, y0, x1, y1 = (float(wm.group(i)) for i in range(1, 5))
            result.append(Word(n, unescape(wm.group(5)), x0, y0, x1, y1))
    return result, size


def qr_codes(pdf: Path, tmp: Path, *, page: int = 1, dpi: int = 200) -> list[str]:
    """Rasterise one page with pdftoppm and decode every QR code on it with zbarimg."""
    prefix = tmp / f"page{page}"
    subprocess.run(
        [
            need("pdftoppm"),
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            str(pdf),
            str(prefix),
        ],
        check=True,
        timeout=60,
    )
    png = sorted(tmp.glob(f"page{page}*.png"))[-1]
    out = subprocess.run(
        [need("zbarimg"), "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return [line for line in out.stdout.splitlines() if line.strip()]
