"""The fault-injection harness: a server, a fault proxy, N client processes (tests/sync/driver.py)
killed -9 at random points and restarted, a restored backup, clock skew; then drain and check."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import select

from tests.sync import clientlib
from tests.sync.proxy import FaultProxy

ROOT = Path(__file__).resolve().parents[2]
KILLPOINTS = ("after_commit", "mid_push", "mid_blob", "mid_pull")


@dataclass
class Client:
    index: int
    data: Path
    control: Path
    server_url: str = ""
    skew_s: float = 0.0
    proc: subprocess.Popen | None = None
    starts: int = 0
    log: Any = None

    def start(self, seed: int) -> None:
        env = dict(os.environ)
        env.pop("COUNTER_APP_DATA_DIR", None)
        if self.skew_s:
            env["COUNTER_SYNC_SKEW_S"] = str(self.skew_s)
        for name in ("started", "killed_at"):
            (self.control / name).unlink(missing_ok=True)
        self.log = open(self.control / "driver.log", "ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.sync.driver",
                "--data-dir",
                str(self.data),
                "--control",
                str(self.control),
                "--seed",
                str(seed),
                "--enroll",
                self.server_url,
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.starts += 1

    def wait_started(self, timeout: float = 60) -> None:
        """Python start-up is slow on a loaded machine: wait until the driver runs its loop."""
        deadline = time.monotonic() + timeout
        while not (self.control / "started").exists():
            if not self.alive() or time.monotonic() > deadline:
                return
            time.sleep(0.05)

    def wait_journal(self, more: int, timeout: float = 60) -> None:
        target = len(self.journal()) + more
        deadline = time.monotonic() + timeout
        while len(self.journal()) < target and time.monotonic() < deadline and self.alive():
            time.sleep(0.1)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(10)
        self.proc = None
        if self.log:
            self.log.close()
            self.log = None
        (self.control / "killpoint").unlink(missing_ok=True)

    def journal(self) -> list[dict[str, Any]]:
        p = self.control / "journal.jsonl"
        if not p.exists():
            return []
        out = []
        for line in p.read_text().splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                pass  # a line cut by kill -9
        return out


@dataclass
class Harness:
    base: Path
    server: Any
    clients: int = 3
    seed: int = 1
    skew_s: float = 2 * 3600
    fault_rate: float = 0.15
    proxy: FaultProxy | None = None
    cl: list[Client] = field(default_factory=list)
    kills: dict[str, int] = field(default_factory=dict)
    lost_future: Path | None = None
    restored_device: str = ""
    started_at: float = 0.0

    def setup(self) -> None:
        self.started_at = time.time()
        self.rng = random.Random(self.seed)
        self.proxy = FaultProxy(self.server.port, seed=self.seed, rate=self.fault_rate).start()
        for i in range(self.clients):
            data = self.base / f"client{i}"
            control = self.base / f"control{i}"
            control.mkdir(parents=True)
            store, _settings = clientlib.open_client(data)
            clientlib.seed_catalog(store)
            store.close()
            skew = self.skew_s if i == self.clients - 1 else 0.0
            self.cl.append(Client(i, data, control, server_url=self.proxy.url, skew_s=skew))
        for c in self.cl:  # each driver enrols itself (with its own clock), faults still off
            c.start(self.seed)
        for c in self.cl:
            c.wait_started()
        self.proxy.enabled = True

    def _note(self, how: str) -> None:
        self.kills[how] = self.kills.get(how, 0) + 1

    def kill_one(self) -> None:
        c = self.rng.choice(self.cl)
        if not c.alive():
            c.start(self.seed)
        c.wait_started()
        how = self.rng.choice(("random", "random", *KILLPOINTS))
        if how == "random":
            time.sleep(self.rng.uniform(0.2, 1.5))
            c.kill()
        else:
            (c.control / "killpoint").write_text(how)
            deadline = time.monotonic() + 8
            while c.alive() and time.monotonic() < deadline:
                time.sleep(0.05)
            if c.alive():  # the point was not reached in time: an ordinary kill instead
                how = f"random({how} not reached)"
            c.kill()
        self._note(how)
        c.start(self.seed)
        time.sleep(self.rng.uniform(0.1, 0.5))

    def pause(self, c: Client, timeout: float = 60) -> None:
        """Let a client push everything it holds (ops and scans), then stop it."""
        (c.control / "paused").unlink(missing_ok=True)
        (c.control / "pause").write_text("1")
        if not c.alive():
            c.start(self.seed)
        deadline = time.monotonic() + timeout
        while not (c.control / "paused").exists():
            if time.monotonic() > deadline:
                raise AssertionError(f"client {c.index} did not drain while paused")
            if not c.alive():
                c.start(self.seed)
            time.sleep(0.1)
        c.kill()
        (c.control / "pause").unlink(missing_ok=True)

    def restore_scenario(self, work_s: float = 4.0) -> None:
        """Copy client 0's dir while stopped, let it work (and push) more, restore the old copy."""
        from counter_app.sync.device import load

        c = self.cl[0]
        self.restored_device = load(c.data).device_id  # type: ignore[union-attr]
        c.kill()
        backup = self.base / "client0.backup"
        shutil.copytree(c.data, backup)
        c.start(self.seed)
        c.wait_started()
        c.wait_journal(8)  # a future that the restore will lose locally (pushed first)
        self.pause(c)
        self.lost_future = self.base / "client0.lost_future"
        shutil.copytree(c.data, self.lost_future)
        shutil.rmtree(c.data)
        shutil.copytree(backup, c.data)
        c.start(self.seed)
        c.wait_started()
        c.wait_journal(5)  # new work on the old copy: its device_seq went backwards

    def stop_all(self) -> None:
        for c in self.cl:
            c.kill()

    def drain(self, rounds: int = 2) -> None:
        """Faults off; each client process syncs until nothing is pending (with its own clock),
        twice over, so every client has also pulled everything the others pushed."""
        assert self.proxy is not None
        self.proxy.enabled = False
        for _ in range(rounds):
            for c in self.cl:
                self.pause(c)

    def close(self) -> None:
        self.stop_all()
        if self.proxy:
            self.proxy.stop()


# --- the checks ----------------------------------------------------------------------------------


def client_rows(data: Path) -> dict[str, Any]:
    from counter_app.store.models import Attachment, Dossier, Outbox, Ticket
    from counter_app.sync.device import load

    store, settings = clientlib.open_client(data)
    try:
        with store.read() as s:
            return {
                "device": load(data).device_id,  # type: ignore[union-attr]
                "outbox": [o.model_dump() for o in s.exec(select(Outbox)).all()],
                "dossiers": [d.model_dump() for d in s.exec(select(Dossier)).all()],
                "tickets": [t.model_dump() for t in s.exec(select(Ticket)).all()],
                "attachments": [a.model_dump() for a in s.exec(select(Attachment)).all()],
                "status": __import__("counter_app.sync.status", fromlist=["x"]).sync_status(
                    store, settings
                ),
            }
    finally:
        store.close()


def check(h: Harness) -> dict[str, Any]:
    """Every invariant of issue 6's "Done when"; returns figures for the report."""
    from counter_app.server.models import AuditEvent, Ticket
    from counter_app.server.sync import blobs as server_blobs
    from counter_app.server.sync.models import (
        AppliedOp,
        Blob,
        BlobRef,
        ServerDossier,
        SyncConflict,
    )

    clients = [client_rows(c.data) for c in h.cl]
    lost = client_rows(h.lost_future) if h.lost_future else None
    devices = {c["device"] for c in clients}
    db = open_server_db(h.server.data_dir, h.server.database_url)
    with db.read() as s:
        applied = [a for a in s.exec(select(AppliedOp)).all() if a.device_id in devices]
        audits = [
            e
            for e in s.exec(select(AuditEvent)).all()
            if e.action.startswith("sync.") and e.device_id in devices and "op_id" in e.data
        ]
        sdoss = {d.id: d for d in s.exec(select(ServerDossier)).all()}
        stickets = [t for t in s.exec(select(Ticket)).all() if t.center_code == "DEMO"]
        conflicts = s.exec(select(SyncConflict)).all()
        sblobs = {b.sha256: b for b in s.exec(select(Blob)).all()}
        refs = s.exec(select(BlobRef)).all()

    # 1. every client op acknowledged, none rejected
    for c in clients:
        unacked = [o for o in c["outbox"] if o["acked_at"] is None]
        assert not unacked, f"unacked ops left after the drain: {unacked[:3]}"
        assert not c["status"]["rejected"], c["status"]["rejected"]
    # 2. every op applied exactly once: one AppliedOp, one audit event per op_id
    held = {o["op_id"] for c in clients for o in c["outbox"]}
    if lost:
        held |= {o["op_id"] for o in lost["outbox"]}
    on_server = [a.op_id for a in applied]
    assert len(on_server) == len(set(on_server)), "an op recorded twice"
    assert set(on_server) == held, (
        f"missing on server: {list(held - set(on_server))[:5]}, "
        f"unknown to clients: {list(set(on_server) - held)[:5]}"
    )
    per_op: dict[str, int] = {}
    for e in audits:
        per_op[e.data["op_id"]] = per_op.get(e.data["op_id"], 0) + 1
    twice = {k: v for k, v in per_op.items() if v != 1}
    assert not twice, f"ops applied more than once: {list(twice.items())[:5]}"
    assert set(per_op) == held
    # 3. dossiers: server = union of what the clients committed (receive ops; journals)
    received = set()
    for c in [*clients, *([lost] if lost else [])]:
        received |= {
            o["entity_id"]
            for o in c["outbox"]
            if o["entity"] == "dossier" and o["op"] in ("receive", "supplement", "refuse")
        }
    journal_dossiers = {j["id"] for c in h.cl for j in c.journal() if j["kind"] == "dossier"}
    assert journal_dossiers <= received
    assert set(sdoss) == received, (len(sdoss), len(received))
    for c in clients:
        own = {d["id"]: d for d in c["dossiers"] if d["device_id"] == c["device"]}
        assert set(own) <= set(sdoss)
        for did, d in own.items():
            assert sdoss[did].status == d["status"], (did, sdoss[did].status, d["status"])
    # 4. tickets: no two of a center/day share a number; every client ticket reached the server
    seen: dict[tuple[str, str], str] = {}
    for t in stickets:
        key = (t.service_day, t.number)
        assert key not in seen, f"ticket number {key} used twice"
        seen[key] = t.id
    server_ticket_ids = {t.id for t in stickets}
    flagged = {x.entity_id for x in conflicts if x.entity == "ticket"}
    journal_tickets = {j["id"] for c in h.cl for j in c.journal() if j["kind"] == "ticket"}
    client_tickets = {t["id"] for c in clients for t in c["tickets"] if t["origin"] == "local"}
    missing = (journal_tickets | client_tickets) - server_ticket_ids - flagged
    assert not missing, f"tickets lost: {list(missing)[:5]}"
    # 5. blobs: every referenced blob complete on the server and its bytes hash right
    for ref in refs:
        b = sblobs.get(ref.sha256)
        assert b is not None and b.complete, f"blob {ref.sha256[:12]} not complete"
    for sha, b in sblobs.items():
        if b.complete:
            path = h.server.data_dir / "blobs" / sha[:2] / sha
            assert hashlib.sha256(path.read_bytes()).hexdigest() == sha
    for c in clients:
        for a in c["attachments"]:
            if a["upload_state"] != "remote":
                assert a["upload_state"] == "done", a
    del server_blobs
    # 6. clock skew: flagged in the skewed client's status; its legal times corrected
    figures: dict[str, Any] = {
        "ops": len(held),
        "dossiers": len(sdoss),
        "tickets": len(stickets),
        "blobs": len(sblobs),
        "conflicts": len(conflicts),
        "conflict_reasons": sorted({x.reason.split(":")[0][:40] for x in conflicts}),
        "epochs": {c["device"][-4:]: c["status"]["epoch"] for c in clients},
    }
    if h.skew_s:
        skewed = clients[-1]
        assert any("clock" in w for w in skewed["status"]["warnings"]), skewed["status"]
        import datetime as dt

        lo, hi = h.started_at - 600, time.time() + 600
        for d in skewed["dossiers"]:
            if d["device_id"] != skewed["device"]:
                continue
            t = dt.datetime.fromisoformat(d["received_at"]).timestamp()
            assert lo <= t <= hi, f"legal time not corrected: {d['received_at']}"
        figures["skew_offset_ms"] = skewed["status"]["clock_offset_ms"]
    return figures


def open_server_db(data_dir: Path, database_url: str | None):  # type: ignore[no-untyped-def]
    from tests.server.conftest import open_server_db as _open

    return _open(data_dir, database_url)
