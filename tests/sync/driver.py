"""One counter client of the fault-injection suite: a separate process with its own data dir.

    python -m tests.sync.driver --data-dir D --control C --seed N

Loops over real counter actions (receive dossiers, issue/call/serve tickets, attach a small scan)
and `SyncEngine.run_once()`, catching every exception (the proxy breaks connections on purpose).
Every committed action is appended to `<control>/journal.jsonl` (outside the data dir, so it
survives a restored backup of the data dir).

Control files in `<control>/`:
- `killpoint`: a name (after_commit | mid_push | mid_blob | mid_pull); at that point the driver
  removes the file and kills itself with SIGKILL (so the kill lands exactly there).
- `pause`: stop doing actions, sync until nothing is pending, then write `paused` and idle.
Env `COUNTER_SYNC_SKEW_S`: shift this process's clock (time.time) by that many seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import time
from pathlib import Path

SKEW_S = float(os.environ.get("COUNTER_SYNC_SKEW_S", "0") or 0)
if SKEW_S:
    _real_time = time.time
    time.time = lambda: _real_time() + SKEW_S  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.sync import clientlib  # noqa: E402

CONTROL: Path


def killpoint(name: str) -> None:
    kp = CONTROL / "killpoint"
    try:
        want = kp.read_text().strip()
    except OSError:
        return
    if want != name:
        return
    kp.unlink(missing_ok=True)
    (CONTROL / "killed_at").write_text(name)
    os.kill(os.getpid(), signal.SIGKILL)


def journal(kind: str, ident: str, **extra: object) -> None:
    with open(CONTROL / "journal.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"kind": kind, "id": ident, "pid": os.getpid(), **extra}) + "\n")


def install_hooks() -> None:
    from counter_app.sync import engine, http

    engine.CHUNK = 16 * 1024  # several PATCHes per small scan, so kills land mid-upload
    orig_push = http.SyncHttp.push
    orig_request = http.SyncHttp.request
    orig_pull = http.SyncHttp.pull

    def push(self, body):  # type: ignore[no-untyped-def]
        out = orig_push(self, body)
        killpoint("mid_push")  # the server applied the batch; the client never sees the acks
        return out

    def request(self, method, url, **kw):  # type: ignore[no-untyped-def]
        resp = orig_request(self, method, url, **kw)
        if method == "PATCH":
            killpoint("mid_blob")
        return resp

    def pull(self, *a, **kw):  # type: ignore[no-untyped-def]
        out = orig_pull(self, *a, **kw)
        killpoint("mid_pull")
        return out

    http.SyncHttp.push = push  # type: ignore[method-assign]
    http.SyncHttp.request = request  # type: ignore[method-assign]
    http.SyncHttp.pull = pull  # type: ignore[method-assign]


def pending(store) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    from sqlmodel import col, func, select

    from counter_app.store.models import Attachment, Outbox

    with store.read() as s:
        ops = s.exec(
            select(func.count()).select_from(Outbox).where(col(Outbox.acked_at).is_(None))
        ).one()
        blobs = s.exec(
            select(func.count())
            .select_from(Attachment)
            .where(col(Attachment.upload_state).in_(["pending", "uploading"]))
        ).one()
    return int(ops), int(blobs)


def main() -> int:
    import faulthandler
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    global CONTROL
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--control", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--sleep", type=float, default=0.02)
    ap.add_argument("--enroll", help="server URL: enrol first if this data dir is not enrolled")
    args = ap.parse_args()
    CONTROL = Path(args.control)
    rng = random.Random(args.seed * 1000 + os.getpid())
    install_hooks()

    from sqlmodel import select

    from counter_app.errors import CounterAppError
    from counter_app.services import local_queue
    from counter_app.services.sync_runner import engine as sync_engine
    from counter_app.store.models import Dossier

    store, settings = clientlib.open_client(Path(args.data_dir))
    from counter_app.sync.device import load

    while args.enroll and load(settings.data_dir) is None:
        try:
            from counter_app.services.enrolment import enroll

            enroll(store, settings, server=args.enroll, center="DEMO", username="canbo1",
                   password="demo")
        except Exception as exc:  # noqa: BLE001
            (CONTROL / "last_error").write_text(f"enrol: {type(exc).__name__}: {exc}")
            time.sleep(0.5)
    engine = sync_engine(store, settings)
    counter = f"Q{engine.creds.slot}"
    (CONTROL / "started").write_text(str(os.getpid()))

    def sync() -> bool:
        try:
            engine.run_once()
            return True
        except Exception as exc:  # noqa: BLE001 - faults are the point of this process
            (CONTROL / "last_error").write_text(f"{type(exc).__name__}: {exc}")
            return False

    while True:
        if (CONTROL / "pause").exists():
            if (CONTROL / "paused").exists():
                time.sleep(0.2)
            elif sync() and pending(store) == (0, 0):
                (CONTROL / "paused").write_text(str(os.getpid()))
            else:
                time.sleep(0.1)
            continue
        r = rng.random()
        try:
            if r < 0.25:
                d = clientlib.receive(store, settings, rng)
                journal("dossier", d["id"], code=d["code"], received_at=d["received_at"])
                killpoint("after_commit")
            elif r < 0.40:
                t = local_queue.issue(store, settings, rng.choice("AB"), actor="canbo1")
                journal("ticket", t["id"], number=t["number"], day=t["service_day"])
                killpoint("after_commit")
            elif r < 0.52:
                t = local_queue.call_next(store, settings, counter, actor="canbo1")
                if t:
                    journal("call", t["id"])
            elif r < 0.58:
                local_queue.serve(store, settings, counter, actor="canbo1")
            elif r < 0.66:
                with store.read() as s:
                    ids = s.exec(
                        select(Dossier.id).where(Dossier.device_id == engine.creds.device_id)
                    ).all()
                if ids:
                    sha = clientlib.attach_blob(
                        store,
                        settings,
                        rng.choice(ids),
                        clientlib.random_blob(rng, rng.randint(20_000, 90_000)),
                    )
                    journal("blob", sha)
                    killpoint("after_commit")
            else:
                sync()
        except CounterAppError:
            pass  # e.g. nobody waiting, no current ticket
        time.sleep(args.sleep)


if __name__ == "__main__":
    sys.exit(main())
