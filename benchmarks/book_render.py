"""How long form 07 (the book of dossiers, A4 landscape) takes for a period's worth of rows.

    uv run --frozen python benchmarks/book_render.py [--rows 100,1000,9000]

A busy ward receives ~9,000 dossiers a month. Prints seconds, rows per second and pages per
book size, next to the baseline measured in the same run: one receipt (form 01, A5).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", default="100,1000,9000")
    args = ap.parse_args()
    sizes = [int(x) for x in args.rows.split(",") if x.strip()]

    import io

    from pypdf import PdfReader

    from counter_app.documents import forms
    from counter_app.documents.book import render_book
    from tests.forms.samples import CENTER, received

    forms.render_receipt(received(), CENTER)  # imports and font parsing out of the way
    t0 = time.perf_counter()
    forms.render_receipt(received(), CENTER)
    base_s = time.perf_counter() - t0
    print(f"baseline: one receipt (form 01, A5)   {base_s * 1000:7.0f} ms")
    template = received()
    for n in sizes:
        rows = []
        for i in range(n):
            d = dict(template)
            d["book_entry"], d["book_volume"] = f"00.{i + 1:04d}", "2026"
            d["code"] = f"H15.50.05.13-2611{1 + i % 28:02d}-{i + 1:06d}"
            rows.append(d)
        t0 = time.perf_counter()
        pdf = render_book(
            rows, CENTER, dt.date(2026, 11, 1), dt.date(2026, 11, 30), issued_on=dt.date(2026, 12, 1)
        )
        s = time.perf_counter() - t0
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(
            f"form 07, {n:>5} dossiers: {s:7.2f} s  {n / s:6.0f} rows/s  {pages:5} pages  "
            f"{len(pdf) // 1024:6} KiB  ({s / base_s:.0f}x one receipt)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
