"""Queue latency of the central server, as a real process on loopback (docs/DESIGN.md §4.9).

For SQLite and PostgreSQL 15 (a throwaway durable cluster: fsync on):
- baseline: GET /health round trip (the floor of one HTTP request on this machine);
- ticket issue throughput (20 client threads) with its p50/p99;
- closed-loop call-next at 10, 50 and 200 concurrent counters (saturation: every counter calls
  again as soon as it has an answer) — the capacity in calls/s, with its p50/p99;
- open-loop call-next at 10, 50 and 200 counters: Poisson arrivals, each counter calling once
  every 6 s on average (30× a busy ward's peak of one call per counter every 3 minutes), latency
  measured from the scheduled arrival (no coordinated omission); target p99 < 50 ms. Counter PCs
  keep their connection open, so the clients connect before the clock starts.

The load generator runs on the same 2-core machine as the server, so saturation figures include
the client's own CPU use.

    uv run --frozen python benchmarks/queue_latency.py [--backend sqlite|postgres|both] [--quick]
"""

from __future__ import annotations

import argparse
import queue
import random
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from counter_app.server.crud import admin  # noqa: E402
from tests.server.conftest import PgCluster, free_port, login, open_server_db, start_server  # noqa: E402

CENTER = "BENCH"
SERVICES = ["A", "B", "C", "D"]
MAX_COUNTERS = 200


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100 * (len(s) - 1)))))
    return s[k]


def fmt(lat: list[float]) -> str:
    return f"p50 {pct(lat, 50) * 1000:7.2f} ms   p99 {pct(lat, 99) * 1000:7.2f} ms"


def seed(data_dir: Path, url: str | None) -> None:
    db = open_server_db(data_dir, url)
    try:
        admin.create_center(db, CENTER, "Benchmark")
        for s in SERVICES:
            admin.set_service(db, CENTER, s, s)
        for i in range(1, MAX_COUNTERS + 1):
            admin.set_counter(db, CENTER, f"C{i:03d}", SERVICES)
        admin.create_officer(db, "bench", "bench-pw", center=CENTER)
    finally:
        db.dispose()


def baseline(api: str, headers: dict, n: int = 200) -> list[float]:
    lat = []
    with httpx.Client(base_url=api, headers=headers, timeout=30) as c:
        for _ in range(n):
            t = time.perf_counter()
            c.get("/health")
            lat.append(time.perf_counter() - t)
    return lat


def issue_phase(api: str, headers: dict, n: int, threads: int = 20) -> tuple[list[float], float]:
    lat: list[float] = []
    lock = threading.Lock()
    rng = random.Random(7)
    plan = [(rng.choice(SERVICES), "elderly" if rng.random() < 0.2 else None) for _ in range(n)]
    it = iter(plan)

    def worker() -> None:
        with httpx.Client(base_url=api, headers=headers, timeout=60) as c:
            while True:
                with lock:
                    item = next(it, None)
                if item is None:
                    return
                t = time.perf_counter()
                r = c.post("/queue/tickets", json={"service": item[0], "priority": item[1]})
                dt = time.perf_counter() - t
                assert r.status_code == 201, r.text
                with lock:
                    lat.append(dt)

    t0 = time.perf_counter()
    ths = [threading.Thread(target=worker) for _ in range(threads)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    return lat, n / (time.perf_counter() - t0)


def closed_loop(
    api: str, headers: dict, counters: int, calls: int
) -> tuple[list[float], float, int]:
    lat: list[float] = []
    lock = threading.Lock()
    remaining = [calls]
    conflicts = [0]
    barrier = threading.Barrier(counters)

    def worker(code: str) -> None:
        with httpx.Client(base_url=api, headers=headers, timeout=120) as c:
            barrier.wait()
            while True:
                with lock:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
                t = time.perf_counter()
                r = c.post(f"/queue/counters/{code}/call-next")
                dt = time.perf_counter() - t
                with lock:
                    lat.append(dt)
                    if r.status_code == 409:
                        conflicts[0] += 1
                assert r.status_code in (200, 409), r.text

    t0 = time.perf_counter()
    ths = [threading.Thread(target=worker, args=(f"C{i:03d}",)) for i in range(1, counters + 1)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    return lat, len(lat) / (time.perf_counter() - t0), conflicts[0]


def open_loop(
    api: str, headers: dict, rate: float, duration: float, counters: int = 200
) -> list[float]:
    rng = random.Random(11)
    schedule = []
    t = 0.0
    while t < duration:
        t += rng.expovariate(rate)
        schedule.append((t, f"C{rng.randint(1, counters):03d}"))
    lat: list[float] = []
    lock = threading.Lock()
    # A counter PC keeps one connection open (QueueClient holds an httpx.Client): the clients are
    # created and connected before the clock starts, as they would be at a real center.
    idle: queue.SimpleQueue[httpx.Client] = queue.SimpleQueue()
    clients = [httpx.Client(base_url=api, headers=headers, timeout=60) for _ in range(64)]
    for c in clients:
        c.get("/health")
        idle.put(c)

    start = time.perf_counter() + 0.5

    def fire(at: float, code: str) -> None:
        delay = start + at - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        c = idle.get()
        try:
            r = c.post(f"/queue/counters/{code}/call-next")
        finally:
            idle.put(c)
        done = time.perf_counter()
        assert r.status_code in (200, 204, 409), r.text
        with lock:
            lat.append(done - (start + at))  # from the scheduled arrival

    with ThreadPoolExecutor(max_workers=64) as pool:
        for at, code in schedule:
            pool.submit(fire, at, code)
    for c in clients:
        c.close()
    return lat


# Open loop: each counter calls on average once every OPEN_LOOP_INTERVAL seconds (Poisson). A
# busy ward's counter calls about once every 3 minutes; 6 s is 30× that (an officer pressing F5
# through a chain of no-shows), so 200 counters make ~33 calls/s.
OPEN_LOOP_INTERVAL = 6.0


def open_loop_duration(counters: int, quick: bool) -> float:
    """Long enough for ~300 calls (p99 needs samples), 10–90 s."""
    rate = counters / OPEN_LOOP_INTERVAL
    return min(30.0 if quick else 90.0, max(10.0, 300 / rate))


def run_backend(
    name: str, url: str | None, base: Path, quick: bool, open_only: bool = False
) -> None:
    data_dir = base / f"srv-{name}"
    seed(data_dir, url)
    srv = start_server(base, url, demo=False, data_dir=data_dir)
    try:
        headers = login(srv, "bench", "bench-pw")
        levels = [10, 50, 200]
        closed_levels = [] if open_only else levels
        calls = {10: 300, 50: 600, 200: 800} if quick else {10: 600, 50: 1200, 200: 1600}
        open_calls = sum(
            int(c / OPEN_LOOP_INTERVAL * open_loop_duration(c, quick) * 1.5) for c in levels
        )
        need = sum(calls[c] for c in closed_levels) + open_calls + 200
        print(f"\n== {name} ==")
        base_lat = baseline(srv.api, headers)
        print(f"baseline GET /health            {fmt(base_lat)}")
        lat, tput = issue_phase(srv.api, headers, need)
        print(f"issue ({need} tickets, 20 thr)   {fmt(lat)}   {tput:7.1f} tickets/s")
        for c in levels:
            rate = c / OPEN_LOOP_INTERVAL
            lat = open_loop(srv.api, headers, rate, open_loop_duration(c, quick), counters=c)
            verdict = "OK" if pct(lat, 99) < 0.050 else "ABOVE TARGET"
            print(
                f"call-next open loop   {c:>3} ctrs  {fmt(lat)}   {rate:5.1f} calls/s offered"
                f" ({len(lat)} calls)   target p99 < 50 ms: {verdict}"
            )
        for c in closed_levels:
            lat, cps, conflicts = closed_loop(srv.api, headers, c, calls[c])
            ratio = pct(lat, 50) / pct(base_lat, 50)
            print(
                f"call-next closed loop {c:>3} ctrs  {fmt(lat)}   {cps:7.1f} calls/s"
                f"   p50 = {ratio:4.1f}× baseline   409s {conflicts}   (saturation)"
            )
    finally:
        srv.stop()


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--quick", action="store_true", help="fewer calls, 10 s open loop")
    ap.add_argument(
        "--open-loop-only", action="store_true", help="skip the closed-loop saturation runs"
    )
    args = ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="queue-bench-"))
    try:
        if args.backend in ("sqlite", "both"):
            run_backend("SQLite", None, base, args.quick, args.open_loop_only)
        if args.backend in ("postgres", "both"):
            pg_base = Path(tempfile.mkdtemp(prefix="queue-bench-pg-"))
            pg_base.chmod(0o755)
            cluster = PgCluster(pg_base, free_port())
            try:
                cluster.start(durable=True)
                run_backend(
                    "PostgreSQL 15",
                    cluster.database_url("bench"),
                    base,
                    args.quick,
                    args.open_loop_only,
                )
            finally:
                cluster.stop()
                shutil.rmtree(pg_base, ignore_errors=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
