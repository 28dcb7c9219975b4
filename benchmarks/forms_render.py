"""How long an official form takes to render (target: < 200 ms each).

    uv run --frozen python benchmarks/forms_render.py [--runs 15]

Prints the median and best wall-clock and CPU milliseconds per form (receipt, supplement, refusal,
apology; A5 and A4; the receipt as printed, Liên 1 + Liên 2 in one document) next to baselines
rendered in the same run: a one-line fpdf2 PDF with the forms' three Liberation Serif files (the
floor: font loading + embedding), and the same one-liner with DejaVu Sans, subset and full (the
ticket printer's fonts). The first render of the process, imports included,
is shown separately.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(fn: Callable[[], bytes], runs: int) -> tuple[float, float, float, int]:
    walls, cpus = [], []
    size = 0
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        size = len(fn())
        walls.append((time.perf_counter() - w0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    return statistics.median(walls), min(walls), statistics.median(cpus), size


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()

    w0 = time.perf_counter()
    from counter_app.documents import fonts, forms
    from tests.forms.samples import CENTER, need_supplement, received, refused

    first = forms.render_receipt(received(), CENTER)
    cold_ms = (time.perf_counter() - w0) * 1000
    assert first.startswith(b"%PDF")

    from fpdf import FPDF

    def one_line(fontset: fonts.FontSet, subset: bool) -> Callable[[], bytes]:
        def run() -> bytes:
            pdf = FPDF(format=(148.0, 210.0))
            for style, path in fonts.font_files(fontset, subset=subset).items():
                pdf.add_font(fontset.family, style, str(path))
            pdf.add_page()
            pdf.set_font(fontset.family, "", 9)
            pdf.cell(0, 5, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
            return bytes(pdf.output())

        return run

    apology = received(status="processing", reason="Cần xác minh thông tin tại nơi cư trú")
    new_due = dt.datetime(2026, 12, 2, 9, 5)
    cases: list[tuple[str, Callable[[], bytes]]] = [
        ("baseline: 1 line, same fonts (Liberation Serif)", one_line(fonts.SERIF, False)),
        ("baseline: 1 line, DejaVu Sans vi subsets", one_line(fonts.SANS, True)),
        ("baseline: 1 line, full DejaVu Sans files", one_line(fonts.SANS, False)),
    ]
    for paper in ("A5", "A4"):
        cases += [
            (
                f"01 receipt     {paper}",
                lambda p=paper: forms.render_receipt(received(), CENTER, p),
            ),
            (
                f"02 supplement  {paper}",
                lambda p=paper: forms.render_supplement(need_supplement(), CENTER, p),
            ),
            (f"03 refusal     {paper}", lambda p=paper: forms.render_refusal(refused(), CENTER, p)),
            (
                f"04 apology     {paper}",
                lambda p=paper: forms.render_apology(apology, CENTER, p, new_due=new_due),
            ),
        ]

    from counter_app.services.forms import RECEIPT_COPIES

    cases.append(
        (
            "01 receipt, Liên 1 + Liên 2 A5",
            lambda: forms.render_receipt(received(), CENTER, "A5", copies=RECEIPT_COPIES),
        )
    )
    print(f"first render in a fresh process (imports included): {cold_ms:.0f} ms")
    print(f"{'case':<50} {'median':>8} {'best':>8} {'cpu':>8} {'bytes':>8}")
    base = None
    for name, fn in cases:
        med, best, cpu, size = measure(fn, args.runs)
        if base is None:
            base = med
        extra = f"  (+{med - base:.0f} ms over baseline)" if not name.startswith("baseline") else ""
        print(f"{name:<50} {med:>6.0f}ms {best:>6.0f}ms {cpu:>6.0f}ms {size:>8}{extra}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
