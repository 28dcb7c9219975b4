"""Time from launch to an interactive counter home screen, against a bare Textual app, same run.

Each sample is a fresh `python` process (interpreter start, imports, first paint — what an
officer waits for), run headless:
- bare:    a Textual App with one Static; done at its first frame.
- signin:  `counter-app`'s app on a seeded data dir; done at the sign-in screen's first frame (it
           is focused by then: the first thing an officer can type into).
- signin_now / signin_typed: the real path: launch, sign-in painted, credentials submitted at
           once (the background warm-up still running) or after 3 s of typing, home painted and
           taking keys (its data loads in a worker meanwhile). The app's own time is launch →
           sign-in plus submit → home; the officer's typing is not counted.
- home / home_data: a process launched with the officer already signed in (not a path an
           officer takes; kept for comparison), done at the home's first paint / first data.
Samples alternate between the kinds so machine noise hits each alike; medians are printed with the
ratios against bare (target: interactive home ≤ 1.3× bare).

    uv run --frozen python benchmarks/tui_startup.py [--runs 7] [--no-bytecode] [--json]
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

# Every kind is timed the same way: the moment a frame of the awaited screen has been rendered and
# handed to the terminal (Textual's `post_display_hook`, called after each display), which is what
# the officer sees. (Earlier versions timed a `call_after_refresh` queued in `on_mount`; that runs
# after every callback queued before it, up to 140 ms after the screen is already on the terminal.)
BARE = r"""
import json, sys, time
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("hello")

    def post_display_hook(self):
        if not getattr(self, "_marked", False):
            self._marked = True
            with open(sys.argv[1], "w") as fh:
                fh.write(json.dumps({"ready": time.time()}))
            self.call_later(self.exit)

Bare().run(headless=True, size=(120, 35))
"""

COUNTER = r"""
import json, sys, time
from counter_app.ui import startup_gc
startup_gc.pause()  # as `counter-app` does (cli/tui.py)
from counter_app.ui.app import make_app

mark, mode, data_dir = sys.argv[1], sys.argv[2], sys.argv[3]
marks = {}
if mode.startswith("signin"):
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

from counter_app.ui.screens.home import HomeScreen
from counter_app.ui.screens.signin import SignInScreen

awaited = {"signin": SignInScreen}.get(mode, HomeScreen)
state = {"data": False}

def done():
    with open(mark, "w") as fh:
        fh.write(json.dumps(marks))
    app.exit()

def displayed():
    screen = app.screen
    if mode in ("signin_now", "signin_typed") and "signin" not in marks and isinstance(screen, SignInScreen):
        marks["signin"] = time.time()
        def submit():
            screen.query_one("#username").value = "canbo1"
            screen.query_one("#password").value = "demo"
            marks["submit"] = time.time()
            screen._submit()
        app.set_timer(3.0 if mode == "signin_typed" else 0.01, submit)
        return
    if "ready" in marks or not isinstance(screen, awaited):
        return
    if mode == "home_data" and not state["data"]:
        return
    marks["ready"] = time.time()
    app.call_later(done)

app.post_display_hook = displayed

if mode == "home_data":
    original = HomeScreen.on_home_data
    def on_home_data(self, message):
        original(self, message)
        state["data"] = True
    HomeScreen.on_home_data = on_home_data
app.run(headless=True, size=(120, 35))
"""


def seed(data_dir: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "counter_app",
            "demo",
            "--seed-only",
            "--no-server",
            "--data-dir",
            str(data_dir),
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )


def child_env(pycache: Path, *, bytecode: bool) -> dict[str, str]:
    """The samples' environment. With `bytecode`, caches live in `pycache`: written by the warm-up
    samples, then read, as on an officer's PC from the second launch on (`pip install` and
    Python itself write them). Without, nothing is written: the standard library's caches are
    read, every other module is compiled from source in every sample (as on this build machine,
    which exports PYTHONDONTWRITEBYTECODE=1 and whose virtualenv has no caches)."""
    env = dict(os.environ, TEXTUAL="")  # no devtools
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    return env


ENV: dict[str, str] = {}


def sample(kind: str, data_dir: Path) -> dict[str, float]:
    """Seconds from spawning the process to each mark: `ready` (its last screen painted), and for
    the sign-in paths `signin` (sign-in painted) and `submit` (credentials submitted)."""
    with tempfile.NamedTemporaryFile(suffix=".t", delete=False) as fh:
        mark = Path(fh.name)
    if kind == "bare":
        cmd = [sys.executable, "-c", BARE, str(mark)]
    else:
        cmd = [sys.executable, "-c", COUNTER, str(mark), kind, str(data_dir)]
    t0 = time.time()
    proc = subprocess.run(cmd, cwd=ROOT, env=ENV or None, capture_output=True, timeout=float(os.environ.get("BENCH_TIMEOUT", "120")))
    if proc.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{proc.stderr.decode()[-2000:]}")
    try:
        text = mark.read_text()
        if not text:
            raise SystemExit(f"{kind}: no mark written\n{proc.stderr.decode()[-2000:]}")
        return {k: v - t0 for k, v in json.loads(text).items()}
    finally:
        mark.unlink(missing_ok=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--no-bytecode",
        action="store_true",
        help="compile every module from source in every sample (no .pyc caches)",
    )
    args = ap.parse_args()
    kinds = ("bare", "signin", "signin_now", "signin_typed", "home", "home_data")
    with tempfile.TemporaryDirectory(prefix="tui-bench-") as tmp:
        ENV.update(child_env(Path(tmp) / "pycache", bytecode=not args.no_bytecode))
        data_dir = Path(tmp) / "data"
        seed(data_dir)
        for kind in kinds:  # warm the page cache and bytecode once
            sample(kind, data_dir)
        raw: dict[str, list[dict[str, float]]] = {k: [] for k in kinds}
        for _ in range(args.runs):
            for kind in kinds:
                raw[kind].append(sample(kind, data_dir))

    def med(kind: str, fn) -> float:  # type: ignore[no-untyped-def]
        return statistics.median(fn(m) for m in raw[kind])

    bare = med("bare", lambda m: m["ready"])
    figures = {
        "bare": bare,
        "sign-in screen": med("signin", lambda m: m["ready"]),
        # the app's own time to an interactive home: launch → sign-in painted, plus submit →
        # home painted (the officer's typing in between is not the app's)
        "home, submitted at once": med(
            "signin_now", lambda m: m["ready"] - m["submit"] + m["signin"]
        ),
        "home, after 3 s of typing": med(
            "signin_typed", lambda m: m["ready"] - m["submit"] + m["signin"]
        ),
        "submit → home (at once)": med("signin_now", lambda m: m["ready"] - m["submit"]),
        "submit → home (typed)": med("signin_typed", lambda m: m["ready"] - m["submit"]),
        "pre-signed launch → home": med("home", lambda m: m["ready"]),
        "pre-signed launch → data": med("home_data", lambda m: m["ready"]),
    }
    ratios = {
        k: round(v / bare, 2)
        for k, v in figures.items()
        if k in ("sign-in screen", "home, submitted at once", "home, after 3 s of typing")
    }
    bytecode = "no .pyc outside the standard library" if args.no_bytecode else ".pyc cached"
    if args.json:
        print(
            json.dumps(
                {
                    "runs": args.runs,
                    "bytecode": not args.no_bytecode,
                    "median_ms": {k: round(v * 1000) for k, v in figures.items()},
                    "ratio_vs_bare": ratios,
                },
                indent=2,
            )
        )
        return
    print(f"median of {args.runs} fresh processes, headless 120×35, {bytecode}")
    for k, v in figures.items():
        ratio = f"   {ratios[k]:.2f}× bare" if k in ratios else ""
        print(f"  {k:28s} {v * 1000:7.0f} ms{ratio}")
    print("target: interactive home ≤ 1.3× bare (the app's own time, typing excluded)")


if __name__ == "__main__":
    main()
