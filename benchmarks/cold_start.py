"""Cold start of `counter-app --help` against `python -c pass`, measured in the same run.

Target (issue 3): at most 0.4 s over the bare interpreter. Run: uv run --frozen python benchmarks/cold_start.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

RUNS = 15


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t0


def measure(cmd: list[str]) -> tuple[float, float]:
    timed(cmd)  # warm the OS file cache
    samples = sorted(timed(cmd) for _ in range(RUNS))
    return statistics.median(samples), samples[int(len(samples) * 0.9)]


def main() -> None:
    base_med, base_p90 = measure([sys.executable, "-c", "pass"])
    app_med, app_p90 = measure([sys.executable, "-m", "counter_app", "--help"])
    print(f"python -c pass          median {base_med * 1000:7.1f} ms   p90 {base_p90 * 1000:7.1f} ms")
    print(f"counter-app --help      median {app_med * 1000:7.1f} ms   p90 {app_p90 * 1000:7.1f} ms")
    print(f"overhead over baseline  median {(app_med - base_med) * 1000:7.1f} ms   ratio {app_med / base_med:.2f}x")
    print(f"target: overhead <= 400 ms -> {'OK' if app_med - base_med <= 0.4 else 'MISSED'}")


if __name__ == "__main__":
    main()
