"""Scan pipeline figures on the real SANE `test` backend (no hardware).

Prints:
- pages/s from the scanner to a stored, recorded PDF (scan → clean → encode → PDF → blob → row),
  beside a baseline measured in the same run: bare `scanimage` writing the same pages to files;
- bytes per page at the defaults, scaled to A4 (the test backend's bed is at most 200 × 200 mm,
  and its pictures are not documents, so a rendered A4 text page is measured too);
- peak memory (RSS) of a process that scans and stores 10 pages vs 100 pages (should be flat).

Usage: uv run --frozen python benchmarks/scan_pipeline.py [--pages 100]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

A4_MM2 = 210 * 297
BED_MM2 = 200 * 200


def sane_dir(base: Path) -> Path:
    d = base / "sane"
    d.mkdir(exist_ok=True)
    (d / "dll.conf").write_text("test\n")
    shutil.copy("/etc/sane.d/test.conf", d / "test.conf")
    return d


def open_store(data_dir: Path):  # -> (Store, BlobStore)
    from counter_app.store.blobs import BlobStore
    from counter_app.store.db import Store
    from counter_app.store.models import Dossier

    store = Store.open(data_dir / "counter.sqlite3")
    with store.write() as s:
        if s.get(Dossier, "bench") is None:
            s.add(Dossier(
                id="bench", code="BENCH-1", lookup_code="BENCH-1-X", center_code="DEMO",
                procedure_code="1.001193", procedure_version=1, procedure_name="Bench",
                applicant={}, applicant_id_number="001085012345", applicant_name_key="bench",
                officer="bench", received_at="2026-11-23T09:00:00+07:00",
                components=[{"index": 1, "name": "Tờ khai"}],
                created_at="2026-11-23T09:00:00+07:00", updated_at="2026-11-23T09:00:00+07:00",
            ))
    return store, BlobStore(data_dir / "blobs").ensure()


def pipeline(data_dir: Path, pages: int, picture: str = "Grid") -> dict:
    """Scan `pages` pages (feeder loads of 10) and store them as one component PDF."""
    from counter_app.devices.scanner.imaging import PROFILES
    from counter_app.devices.scanner.sane import ScanRequest
    from counter_app.services import digitization as dg

    store, blobs = open_store(data_dir)
    profile = PROFILES["text"]
    t0 = time.perf_counter()
    with dg.ScanBatch(blobs) as batch:
        while len(batch.pages) < pages:
            batch.scan(ScanRequest(device="test:0", source="adf", resolution=profile.resolution,
                                   mode=profile.mode, max_pages=min(10, pages - len(batch.pages)),
                                   backend_args=[f"--test-picture={picture}"]), profile)
        page_bytes = [p.bytes for p in batch.pages]
        kinds = sorted({p.kind for p in batch.pages})
        result = dg.commit_batch(store, blobs, batch, "BENCH-1", 1, actor="bench")
    elapsed = time.perf_counter() - t0
    store.close()
    att = result["attachments"][0]
    return {"seconds": elapsed, "pages": att["pages"], "pdf_bytes": att["size"],
            "page_bytes": page_bytes, "kinds": kinds}


def baseline(work: Path, pages: int) -> float:
    """Bare scanimage: the same pages (200 dpi grey, 200 × 200 mm) written to PNM files."""
    exe = shutil.which("scanimage")
    t0 = time.perf_counter()
    done = 0
    while done < pages:
        n = min(10, pages - done)
        out = work / f"raw{done}"
        out.mkdir()
        subprocess.run([exe, "-d", "test:0", "--source=Automatic Document Feeder",
                        "--mode=Gray", "--resolution=200", "-x", "200", "-y", "200",
                        "--test-picture=Grid", "--format=pnm", f"--batch={out}/p%04d.pnm",
                        f"--batch-count={n}"], check=True, capture_output=True)
        shutil.rmtree(out)
        done += n
    return time.perf_counter() - t0


def rss_child(pages: int) -> dict:
    """Run the pipeline in a fresh process; report its own peak RSS."""
    code = (
        "import json, resource, sys, tempfile; from pathlib import Path;"
        f"sys.path.insert(0, {str(ROOT)!r});"
        "from benchmarks.scan_pipeline import pipeline;"
        "d = Path(tempfile.mkdtemp(prefix='scanbench'));"
        f"r = pipeline(d, {pages});"
        "r.pop('page_bytes'); r.pop('kinds');"
        "r['maxrss_kb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss;"
        "import shutil; shutil.rmtree(d);"
        "print(json.dumps(r))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=os.environ.copy(), cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def rendered_a4_text(path: Path) -> None:
    """A dense typed A4 page at 200 dpi: 12 pt DejaVu Serif, ~40 lines, grey paper with grain."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    rnd = random.Random(1)
    font_path = next((p for p in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
        str(ROOT / "assets/fonts/DejaVuSans.ttf")) if Path(p).exists()), None)
    font = ImageFont.truetype(font_path, 33) if font_path else ImageFont.load_default()
    w, h = 1654, 2339
    img = Image.effect_noise((w, h), 6).point(lambda v: 228 + (v - 128) // 4)
    d = ImageDraw.Draw(img)
    words = ("Cộng hòa xã hội chủ nghĩa Việt Nam Độc lập Tự do Hạnh phúc tờ khai đăng ký khai "
             "sinh họ và tên ngày tháng năm sinh nơi cư trú số định danh cá nhân").split()
    y = 150
    while y < h - 150:
        x, line = 150, []
        while True:
            word = rnd.choice(words)
            adv = d.textlength(word + " ", font=font)
            if x + adv > w - 150:
                break
            line.append(word)
            x += adv
        d.text((150, y), " ".join(line), font=font, fill=35)
        y += 52
    img.filter(ImageFilter.GaussianBlur(0.7)).save(path)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=100)
    args = ap.parse_args()
    if shutil.which("scanimage") is None:
        print("scanimage not installed (sane-utils)")
        return 3
    base = Path(tempfile.mkdtemp(prefix="scan-bench-"))
    os.environ["SANE_CONFIG_DIR"] = str(sane_dir(base))
    try:
        from counter_app.devices.scanner.imaging import PROFILES, process_scan

        n = args.pages
        raw_s = baseline(base, n)
        run = pipeline(base / "data", n)
        print(f"pages: {n} (200 dpi grey, 200 x 200 mm test-backend pages, 'Grid' picture)")
        print(f"baseline bare scanimage to PNM files: {n / raw_s:8.1f} pages/s ({raw_s:.2f} s)")
        print(f"pipeline scan -> stored PDF + row:    {n / run['seconds']:8.1f} pages/s "
              f"({run['seconds']:.2f} s, {raw_s / run['seconds']:.2f}x of baseline speed)")
        per_page = run["pdf_bytes"] / run["pages"]
        print(f"test-backend page in the PDF ({'/'.join(run['kinds'])}): {per_page / 1000:.1f} KB "
              f"per 200x200 mm page, {per_page * A4_MM2 / BED_MM2 / 1000:.1f} KB scaled to A4 area")

        # A rendered, dense A4 text page through the same cleaning and encoding
        sample = base / "a4.pnm"
        rendered_a4_text(sample)
        for name in ("text", "bilevel"):
            page = process_scan(sample, PROFILES[name], base / f"a4-{name}", dpi=200)
            print(f"rendered dense A4 text page (12 pt, ~40 lines), profile '{name}' -> "
                  f"{page.kind}: {page.bytes / 1000:.1f} KB")
        grey_only = replace(PROFILES["text"], bilevel_fallback=None)
        page = process_scan(sample, grey_only, base / "a4-grey", dpi=200)
        print(f"same page kept grey (JPEG quality floor {grey_only.min_quality}): "
              f"{page.bytes / 1000:.1f} KB")
        color = pipeline(base / "data-color", 10, picture="Color pattern")
        cp = color["pdf_bytes"] / color["pages"]
        print(f"worst case: test-backend 'Color pattern' in grey (gradients, not a document) -> "
              f"{'/'.join(color['kinds'])}: {cp * A4_MM2 / BED_MM2 / 1000:.1f} KB per A4 area")

        small = rss_child(10)
        big = rss_child(n)
        print(f"peak RSS, whole process: {small['maxrss_kb'] / 1024:.1f} MB for 10 pages, "
              f"{big['maxrss_kb'] / 1024:.1f} MB for {n} pages "
              f"(difference {(big['maxrss_kb'] - small['maxrss_kb']) / 1024:+.1f} MB)")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
