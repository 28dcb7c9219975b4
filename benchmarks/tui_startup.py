"""Time from launch to an interactive counter home screen, against a bare Textual app, same run.

Each sample is a fresh `python` process (interpreter start, imports, first paint — what an
officer waits for), run headless:
- bare:    a Textual App with one Static; done at its first `on_mount` + refresh.
- signin:  `counter-app`'s app on a seeded data dir; done when the sign-in screen is painted and
           focused (the first thing an officer can type into).
- home:    the same, with the officer already signed in (as after the sign-in); done when the
           counter home is painted and takes keys (its data loads in a worker meanwhile).
- home_data: as home, done when the first queue + dossier data is on screen.
Samples alternate between the kinds so machine noise hits each alike; medians are printed with the
ratios against bare (target: home ≤ 1.3× bare).

    uv run --frozen python benchmarks/tui_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = r"""
import sys, time
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("hello")
    def on_mount(self):
        self.call_after_refresh(self.done)

    def done(self):
        with open(sys.argv[1], "w") as fh:
            fh.write(repr(time.time()))
        self.exit()

Bare().run(headless=True, size=(120, 35))
"""

COUNTER = r"""
import sys, time
from counter_app.ui.app import make_app

mark, mode, data_dir = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "signin":
    # As `counter-app` starts: the typed settings load in a worker after the first paint.
    from counter_app.cli._common import settings_from_args
    import argparse
    args = argparse.Namespace(data_dir=data_dir)
    app = make_app(settings_loader=lambda: settings_from_args(args))
else:
    # As after the sign-in: the settings are loaded, the store opens in the background.
    from counter_app.config import load_settings
    from counter_app.services.context import Officer
    settings = load_settings(data_dir=data_dir)
    officer = Officer("canbo1", "Nguyễn Thị Lan", "officer", "Q1", "DEMO")
    app = make_app(settings, officer=officer)

def done():
    with open(mark, "w") as fh:
        fh.write(repr(time.time()))
    app.exit()

def ready(message=None):
    app.call_after_refresh(done)

if mode == "home_data":
    from counter_app.ui.screens.home import HomeScreen
    original = HomeScreen.on_home_data
    def on_home_data(self, message):
        original(self, message)
        ready()
    HomeScreen.on_home_data = on_home_data
elif mode == "home":
    from counter_app.ui.screens.home import HomeScreen
    original_mount = HomeScreen.on_mount
    def on_mount(self):
        original_mount(self)
        ready()
    HomeScreen.on_mount = on_mount
else:
    from counter_app.ui.screens.signin import SignInScreen
    original_mount = SignInScreen.on_mount
    def on_mount(self):
        original_mount(self)
        ready()
    SignInScreen.on_mount = on_mount
app.run(headless=True, size=(120, 35))
"""


def seed(data_dir: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "counter_app", "demo", "--seed-only", "--no-server",
         "--data-dir", str(data_dir)],
        check=True, cwd=ROOT, capture_output=True,
    )


def sample(kind: str, data_dir: Path) -> float:
    """Seconds from spawning the process to the moment it painted its ready screen."""
    with tempfile.NamedTemporaryFile(suffix=".t", delete=False) as fh:
        mark = Path(fh.name)
    if kind == "bare":
        cmd = [sys.executable, "-c", BARE, str(mark)]
    else:
        cmd = [sys.executable, "-c", COUNTER, str(mark), kind, str(data_dir)]
    env = dict(os.environ, TEXTUAL="")  # no devtools
    t0 = time.time()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, timeout=120)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{proc.stderr.decode()[-2000:]}")
    try:
        return float(mark.read_text()) - t0
    finally:
        mark.unlink(missing_ok=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="tui-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        seed(data_dir)
        kinds = ("bare", "signin", "home", "home_data")
        for kind in kinds:  # warm the page cache and bytecode once
            sample(kind, data_dir)
        times: dict[str, list[float]] = {k: [] for k in kinds}
        for _ in range(args.runs):
            for kind in kinds:
                times[kind].append(sample(kind, data_dir))
    med = {k: statistics.median(v) for k, v in times.items()}
    result = {
        "runs": args.runs,
        "median_s": {k: round(v, 3) for k, v in med.items()},
        "min_s": {k: round(min(v), 3) for k, v in times.items()},
        "ratio_signin_vs_bare": round(med["signin"] / med["bare"], 2),
        "ratio_home_vs_bare": round(med["home"] / med["bare"], 2),
        "ratio_home_data_vs_bare": round(med["home_data"] / med["bare"], 2),
        "target_home_ratio": 1.3,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"launch → first screen, median of {args.runs} fresh processes (min in brackets)")
    for k in kinds:
        print(f"  {k:9s} {med[k] * 1000:8.0f} ms  [{min(times[k]) * 1000:.0f} ms]")
    print(f"  sign-in screen / bare:       {result['ratio_signin_vs_bare']:.2f}×")
    print(f"  interactive home / bare:     {result['ratio_home_vs_bare']:.2f}×  (target ≤ 1.3×)")
    print(f"  home with its data / bare:   {result['ratio_home_data_vs_bare']:.2f}×")


if __name__ == "__main__":
    main()
