"""`counter-app sync run --json | status --json`."""

from __future__ import annotations

import argparse

from counter_app.cli._common import (
    add_data_dir,
    add_json_flag,
    add_officer_options,
    bounded,
    emit_json,
    log,
    officer_client,
    settings_from_args,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sync", help="đồng bộ với máy chủ / sync with the central server")
    ss = p.add_subparsers(dest="sync_command", metavar="ACTION", required=True)
    r = ss.add_parser("run", help="push pending ops and scans, then pull (once)")
    r.add_argument("--batch", type=bounded(1, 500), default=500, help="ops per push request (1–500)")
    add_json_flag(r)
    add_data_dir(r)
    r.set_defaults(func=_run)
    st = ss.add_parser(
        "status", help="pending ops and bytes, last success, last error, rejected ops"
    )
    add_json_flag(st)
    add_data_dir(st)
    st.set_defaults(func=_status)
    c = ss.add_parser(
        "conflicts",
        help="xung đột đồng bộ của trung tâm (giám sát) / the center's sync conflicts (supervisors)",
    )
    c.add_argument("--state", choices=["open", "resolved", "all"], default="open")
    c.add_argument("--limit", type=bounded(1, 1000), default=200)
    add_officer_options(c)
    add_json_flag(c)
    add_data_dir(c)
    c.set_defaults(func=_conflicts)
    rs = ss.add_parser(
        "resolve", help="đánh dấu đã xử lý một xung đột / mark a sync conflict resolved"
    )
    rs.add_argument("conflict_id", type=bounded(1, 2**62), metavar="ID")
    rs.add_argument("--note", required=True, help="what was done (required)")
    add_officer_options(rs)
    add_json_flag(rs)
    add_data_dir(rs)
    rs.set_defaults(func=_resolve)


def _run(args: argparse.Namespace) -> int:
    from counter_app.services.sync_runner import engine as sync_engine
    from counter_app.store.db import Store
    from counter_app.sync.engine import status
    from counter_app.sync.http import ServerError, SyncConflict

    settings = settings_from_args(args)
    store = Store.open(settings.db_path)
    engine = sync_engine(store, settings, batch=args.batch)

    def progress(stage: str, done: int, total: int) -> None:
        log(f"{stage}: {done}/{total}")

    try:
        stats = engine.run_once(progress)
    except (ServerError, SyncConflict) as exc:
        from counter_app.errors import Interrupted

        raise Interrupted(f"đồng bộ chưa xong / sync incomplete: {exc}") from None
    finally:
        engine.close()
    out = {**status(store, settings), "stats": stats}
    if args.json:
        emit_json(out)
    else:
        log(
            f"pushed {stats['pushed']} (dup {stats['duplicates']}, conflicts {stats['conflicts']}, "
            f"rejected {stats['rejected']}), blobs {stats['blobs']}, pulled {stats['pulled']}"
        )
    return 0


def _status(args: argparse.Namespace) -> int:
    from counter_app.store.db import Store
    from counter_app.sync.status import sync_status

    settings = settings_from_args(args)
    out = sync_status(Store.open(settings.db_path), settings)
    if args.json:
        emit_json(out)
    else:
        state = "trực tuyến / online" if out["online"] else "ngoại tuyến / offline"
        print(
            f"{state}; chờ gửi / pending: {out['pending_ops']} ops, {out['pending_bytes']} bytes; "
            f"lần cuối / last success: {out['last_success'] or '—'}"
        )
        if out["last_error"]:
            print(f"lỗi / last error: {out['last_error']}")
        for r in out["rejected"]:
            print(
                f"bị từ chối / rejected: #{r['device_seq']} {r['entity']} {r['op']}: {r['reason']}"
            )
    return 0


def _conflict_line(c: dict) -> str:
    sm = c.get("summary") or {}
    what = " ".join(
        str(x)
        for x in (sm.get("code") or sm.get("number"), sm.get("applicant"), sm.get("procedure"))
        if x
    )
    done = (
        f" — đã xử lý / resolved by {c['resolved_by']} {c['resolved_at']}"
        if c.get("resolved_at")
        else ""
    )
    slot = f" (máy / device {c['device_slot']})" if c.get("device_slot") else ""
    return f"#{c['id']} {c['created_at'][:16]} {c['entity']} {what}{slot}: {c['reason']}{done}"


def _conflicts(args: argparse.Namespace) -> int:
    client, _settings = officer_client(args)
    with client:
        out = client.conflicts(args.state, args.limit)
    if args.json:
        emit_json(out)
        return 0
    print(f"Xung đột chưa xử lý / open conflicts: {out['open']}")
    for c in out["conflicts"]:
        print(_conflict_line(c))
    return 0


def _resolve(args: argparse.Namespace) -> int:
    from counter_app.errors import BadInput

    if not args.note.strip():
        raise BadInput("cần ghi chú cách xử lý / --note must say what was done")
    client, _settings = officer_client(args)
    with client:
        out = client.resolve_conflict(args.conflict_id, args.note)
    if args.json:
        emit_json(out)
    else:
        print(_conflict_line(out))
    return 0
