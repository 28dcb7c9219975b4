"""Sync throughput against a real `counter-app server` process on loopback (docs/DESIGN.md §4.9).

Figures (targets in brackets), each beside a baseline measured in the same run:
- push: ops/s into a SQLite server [≥ 1,000], gzipped bytes/op on the wire [< 150], round trips
  per 1,000 ops [≤ 10]; baseline: the same ops POSTed uncompressed one per request (a sample),
  and raw SQLite insert speed of the same rows (no server, no HTTP);
- drain time of a one-week backlog of a busy ward (~400 dossiers/day ≈ 66,000 ops, no blobs;
  the outbox rows are generated directly in a client store: ticket issue/call/serve/done,
  receive, processing, done);
- pull: rows/s into a second client [≥ 2,000];
- blob upload: MB/s (baseline: local file copy) and re-sent bytes after a resume [< 5 %].

    uv run --frozen python benchmarks/sync_throughput.py [--ops 66000] [--quick]
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


_NAMES = (
    ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"),
    ("Văn", "Thị", "Minh", "Thu", "Quốc", "Ngọc", "Đức", "Thanh"),
    ("An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Mai", "Phúc", "Sơn", "Yến"),
)
_VILLAGES = ("Đông", "Tây", "Nam", "Bắc", "Thượng", "Hạ", "Trung", "Cao")


def build_backlog(store, settings, n_ops: int) -> int:  # type: ignore[no-untyped-def]
    """n_ops outbox rows of a busy ward's week, written directly (one transaction)."""
    from sqlmodel import select

    from counter_app.domain.hlc import HLC
    from counter_app.domain.ids import uuid7_str
    from counter_app.store.db import device_info
    from counter_app.store.models import Dossier, Outbox
    from tests.sync import clientlib

    rng = random.Random(1)
    d0 = clientlib.receive(store, settings, rng)  # one real dossier: the payload template
    with store.read() as s:
        template = s.exec(select(Dossier).where(Dossier.id == d0["id"])).one().model_dump(
            mode="json"
        )
        ticket_template = {
            "center_code": "DEMO", "service": "A", "priority": None, "counter_code": "Q1",
            "officer": "canbo1", "origin": "local", "recalls": 0, "dossier_code": None,
        }
    with store.write() as s:
        info = device_info(s)
        seq = int(s.exec(select(Outbox.device_seq).order_by(Outbox.device_seq.desc())).first() or 0)
        node = info["id"][-12:]
        t = int(time.time() * 1000) - 7 * 86400 * 1000
        rows: list[dict[str, Any]] = []
        visit = 0
        while len(rows) < n_ops:
            visit += 1
            # ~1,350 visits a day over the week (a ward's 400 dossiers is the floor): numbers
            # restart each day, so no two tickets of a day share one
            day = (dt.date.today() - dt.timedelta(days=7 - visit // 1400)).isoformat()
            tid, did = uuid7_str(), uuid7_str()
            k = visit % 1400 + 1
            number = f"A-{info['slot']}-{k:04d}"
            ticket = {**ticket_template, "id": tid, "number": number, "seq": k,
                      "service_day": day, "issued_at": f"{day}T08:00:00+07:00"}
            dossier = copy.deepcopy(template)
            # every citizen differs (name, ID, phone, address): no free ride for gzip
            name = " ".join(rng.choice(part) for part in _NAMES)
            dossier["applicant"] = {
                **dossier["applicant"],
                "full_name": name,
                "id_number": f"0010{rng.randrange(10**8):08d}",
                "phone": f"09{rng.randrange(10**8):08d}",
                "address": f"Số {rng.randint(1, 300)}, thôn {rng.choice(_VILLAGES)}, xã Demo",
            }
            dossier["applicant_id_number"] = dossier["applicant"]["id_number"]
            dossier["applicant_phone"] = dossier["applicant"]["phone"]
            dossier["applicant_name_key"] = name.lower()
            dossier.update(id=did, code=f"{template['code'][:-6]}{visit:06d}",
                           lookup_code=f"{did[-12:]}", version=1, status="received")
            steps: list[tuple[str, str, str, dict[str, Any], int | None]] = []
            for state in ("waiting", "called", "serving", "done"):
                steps.append(("ticket", tid, f"ticket.{state}", {"ticket": {**ticket, "state": state}}, None))
            steps.append(("dossier", did, "receive", {"dossier": dict(dossier)}, None))
            for i, (frm, to) in enumerate((("received", "processing"), ("processing", "done"))):
                dossier = {**dossier, "status": to, "version": i + 2}
                steps.append(("dossier", did, "transition",
                              {"dossier": dict(dossier), "from": frm, "to": to, "reason": ""}, i + 1))
            for entity, eid, op, payload, base in steps:
                seq += 1
                t += 9
                rows.append(dict(
                    device_seq=seq, op_id=uuid7_str(), epoch=int(info["epoch"]),
                    hlc=HLC(t, 0, node).encode(), schema_version=1, entity=entity, entity_id=eid,
                    op=op, payload={"actor": "canbo1", **payload}, base_version=base,
                    created_at=dt.datetime.fromtimestamp(t / 1000, dt.UTC).isoformat(timespec="seconds"),
                ))
        rows = rows[:n_ops]
        s.bulk_insert_mappings(Outbox, rows)  # type: ignore[arg-type]
    return len(rows)


def raw_sqlite_baseline(rows: int) -> float:
    """Insert the same number of applied-op-sized rows into a bare SQLite file (rows/s)."""
    with tempfile.TemporaryDirectory() as d:
        con = sqlite3.connect(Path(d) / "b.db")
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("CREATE TABLE t (device_id TEXT, op_id TEXT, payload TEXT, PRIMARY KEY (device_id, op_id))")
        payload = "x" * 600
        t0 = time.perf_counter()
        for start in range(0, rows, 500):
            with con:
                con.executemany("INSERT INTO t VALUES (?, ?, ?)",
                                [("dev", f"op{i}", payload) for i in range(start, min(rows, start + 500))])
        el = time.perf_counter() - t0
        con.close()
    return rows / el


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ops", type=int, default=66_000)
    ap.add_argument("--quick", action="store_true", help="5,000 ops, smaller blob")
    args = ap.parse_args()
    n_ops = 5_000 if args.quick else args.ops

    import httpx
    from sqlmodel import select

    from counter_app.services.sync_runner import engine as sync_engine
    from counter_app.store.models import Outbox
    from counter_app.sync.device import load
    from tests.server.conftest import start_server
    from tests.sync import clientlib

    base = Path(tempfile.mkdtemp(prefix="sync-bench-"))
    srv = start_server(base)
    try:
        # --- clients ------------------------------------------------------------------------
        clientlib.setup_client(base / "a", srv.url)
        clientlib.setup_client(base / "b", srv.url)
        clientlib.setup_client(base / "c", srv.url)
        store, settings = clientlib.open_client(base / "a")
        t0 = time.perf_counter()
        n = build_backlog(store, settings, n_ops)
        print(f"backlog: {n} outbox rows generated in {time.perf_counter() - t0:.1f} s")

        # --- baseline: the same ops POSTed uncompressed, one per request (a sample) ----------
        sample = 300
        with store.read() as s:
            ops = s.exec(select(Outbox).order_by(Outbox.device_seq).limit(sample + 1)).all()
        creds_c = load(base / "c")
        assert creds_c is not None
        hdr = {"X-Device-Id": creds_c.device_id, "X-Device-Secret": creds_c.secret,
               "Content-Type": "application/json"}
        raw_bytes = 0
        with httpx.Client(timeout=30) as http:
            t0 = time.perf_counter()
            for i, o in enumerate(ops[1:], start=1):  # the first op is the template's own receive
                body = json.dumps({"protocol": 2, "device_id": creds_c.device_id, "epoch": 1, "ops": [{
                    "op_id": o.op_id + "c", "device_seq": i, "epoch": 1, "hlc": o.hlc,
                    "schema_version": 1, "entity": o.entity, "entity_id": o.entity_id + "c"
                    if o.entity == "ticket" else o.entity_id, "op": o.op,
                    "payload": o.payload, "base_version": o.base_version,
                    "created_at": o.created_at}]}, separators=(",", ":")).encode()
                raw_bytes += len(body)
                r = http.post(srv.api + "/sync/push", content=body, headers=hdr)
                assert r.status_code == 200, r.text
            base_el = time.perf_counter() - t0
        base_rate = sample / base_el
        print(f"baseline  one op per request, uncompressed: {base_rate:8.0f} ops/s, "
              f"{raw_bytes / sample:6.0f} bytes/op, 1000 round trips per 1,000 ops")
        print(f"baseline  raw SQLite insert (no server):    {raw_sqlite_baseline(n):8.0f} rows/s")

        # --- push: drain the week's backlog -------------------------------------------------
        eng = sync_engine(store, settings)
        t0 = time.perf_counter()
        pushed = eng.push()
        push_el = time.perf_counter() - t0
        sent, reqs = eng.http.bytes_sent, eng.http.requests
        t1 = time.perf_counter()
        eng.pull()
        drain_el = time.perf_counter() - t0
        eng.close()
        print(f"push      {pushed} ops in {push_el:.1f} s: {pushed / push_el:8.0f} ops/s  [≥ 1,000]"
              f"  ({pushed / push_el / base_rate:.1f}× the baseline)")
        print(f"wire      {sent / pushed:6.1f} bytes/op gzipped [< 150]  "
              f"({raw_bytes / sample / (sent / pushed):.1f}× smaller than uncompressed single ops)")
        print(f"trips     {reqs * 1000 / pushed:6.1f} round trips per 1,000 ops [≤ 10]")
        print(f"drain     one week of a busy ward ({pushed} ops): {drain_el:.1f} s "
              f"(push {push_el:.1f} s + pull back {time.perf_counter() - t1:.1f} s)")

        # --- pull into a second client -----------------------------------------------------
        store_b, settings_b = clientlib.open_client(base / "b")
        eng = sync_engine(store_b, settings_b)
        t0 = time.perf_counter()
        rows = eng.pull()
        pull_el = time.perf_counter() - t0
        eng.close()
        print(f"pull      {rows} rows in {pull_el:.1f} s: {rows / pull_el:8.0f} rows/s  [≥ 2,000]")

        # --- blobs --------------------------------------------------------------------------
        size = 4_000_000 if args.quick else 20_000_000
        rng = random.Random(2)
        d = clientlib.receive(store_b, settings_b, rng)
        data = clientlib.random_blob(rng, size)
        sha = clientlib.attach_blob(store_b, settings_b, d["id"], data)
        src = base / "blob.bin"
        src.write_bytes(data)
        t0 = time.perf_counter()
        shutil.copyfile(src, base / "copy.bin")
        copy_rate = size / (time.perf_counter() - t0)
        eng = sync_engine(store_b, settings_b)
        eng.push()
        creds_b = load(base / "b")
        assert creds_b is not None
        hb = {"X-Device-Id": creds_b.device_id, "X-Device-Secret": creds_b.secret}
        cut, sent_first = size * 6 // 10, 0

        def body():  # type: ignore[no-untyped-def]
            nonlocal sent_first
            for i in range(0, size, 256 * 1024):
                if i >= cut:
                    raise ConnectionResetError("link cut")
                sent_first += len(data[i : i + 256 * 1024])
                yield data[i : i + 256 * 1024]

        t0 = time.perf_counter()
        try:
            httpx.patch(f"{srv.api}/blobs/{sha}", content=body(),
                        headers={**hb, "Upload-Offset": "0"}, timeout=60)
        except (httpx.HTTPError, ConnectionResetError):
            pass
        time.sleep(0.3)
        eng.upload_blobs()
        el = time.perf_counter() - t0
        resent = sent_first + eng.stats["blob_bytes"] - size
        eng.close()
        print(f"blob      {size / 1e6:.0f} MB uploaded (cut at 60 %, resumed) in {el:.1f} s: "
              f"{size / el / 1e6:6.1f} MB/s (baseline local copy {copy_rate / 1e6:.0f} MB/s); "
              f"re-sent {resent} bytes = {100 * resent / size:.2f} % [< 5 %]")
        store.close()
        store_b.close()
    finally:
        srv.stop()
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
