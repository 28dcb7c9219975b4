"""`counter-app scan …`: list scanners, scan a component of a dossier, tidy the scan store."""

from __future__ import annotations

import argparse
import os

from counter_app.cli._common import (
    add_data_dir,
    add_json_flag,
    bounded,
    emit_json,
    log,
    settings_from_args,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scan", help="máy quét, số hóa thành phần hồ sơ / scanners, digitisation")
    sc = p.add_subparsers(dest="scan_command", metavar="ACTION", required=True)

    dv = sc.add_parser("devices", help="scanners SANE can see: name, vendor, model, type")
    add_json_flag(dv)
    add_data_dir(dv)
    dv.set_defaults(func=_devices)

    pg = sc.add_parser("page", help="scan one page (flatbed) or a feeder batch into a component")
    pg.add_argument("--dossier", required=True, metavar="CODE")
    pg.add_argument("--component", type=bounded(1, 1000), required=True, metavar="N")
    pg.add_argument("--device", metavar="NAME", help="SANE name, e.g. test:0 (default: first)")
    pg.add_argument("--source", choices=["flatbed", "adf", "adf-duplex"], default="flatbed")
    pg.add_argument("--resolution", type=bounded(50, 1200), metavar="DPI")
    pg.add_argument("--mode", choices=["gray", "color", "lineart"])
    pg.add_argument(
        "--profile",
        choices=["text", "photo", "bilevel"],
        help="default: from the component (photos in colour, papers in grey)",
    )
    pg.add_argument("--deskew", action="store_true", help="straighten pages fed at an angle")
    pg.add_argument(
        "--no-crop",
        action="store_true",
        help="keep the whole scanner bed (no auto-crop of a dark lid)",
    )
    pg.add_argument(
        "--backend-option",
        action="append",
        default=[],
        metavar="OPT",
        help="extra scanimage option for the driver, e.g. --backend-option="
        "--test-picture=Grid (repeatable)",
    )
    pg.add_argument(
        "--officer",
        default=os.environ.get("COUNTER_APP_OFFICER", "cli"),
        help="username recorded as the acting officer (env COUNTER_APP_OFFICER)",
    )
    add_json_flag(pg)
    add_data_dir(pg)
    pg.set_defaults(func=_page)

    wt = sc.add_parser("watch", help="attach files that arrive in the scan inbox folder")
    wt.add_argument("--dossier", required=True, metavar="CODE")
    wt.add_argument("--component", type=bounded(1, 1000), required=True, metavar="N")
    wt.add_argument("--folder", help="folder to watch (default: the scan_inbox setting)")
    wt.add_argument(
        "--stable",
        type=bounded(0, 600, float),
        default=2.0,
        metavar="SECONDS",
        help="a file must stay unchanged this long to be taken (default 2)",
    )
    wt.add_argument(
        "--once", action="store_true", help="take the files that are complete now, then stop"
    )
    wt.add_argument(
        "--timeout", type=bounded(0, 86_400, float), metavar="SECONDS", help="stop after this long"
    )
    wt.add_argument(
        "--officer",
        default=os.environ.get("COUNTER_APP_OFFICER", "cli"),
        help="username recorded as the acting officer (env COUNTER_APP_OFFICER)",
    )
    add_json_flag(wt)
    add_data_dir(wt)
    wt.set_defaults(func=_watch)

    gc = sc.add_parser("gc", help="remove temp files of dead processes and unreferenced scans")
    gc.add_argument(
        "--grace",
        type=bounded(0, 30 * 86_400, float),
        default=3600.0,
        metavar="SECONDS",
        help="keep unreferenced scans younger than this (default 3600)",
    )
    add_json_flag(gc)
    add_data_dir(gc)
    gc.set_defaults(func=_gc)


def _devices(args: argparse.Namespace) -> int:
    from counter_app.services import digitization

    devices = digitization.list_devices()
    if args.json:
        emit_json(devices)
    else:
        if not devices:
            log("không tìm thấy máy quét / no scanner found")
        for d in devices:
            print(f"{d['name']}\t{d['vendor']} {d['model']} ({d['type']})")
    return 0


def _open(args: argparse.Namespace):  # -> (Settings, Store, BlobStore)
    from counter_app.store.blobs import BlobStore
    from counter_app.store.db import Store

    settings = settings_from_args(args)
    return settings, Store.open(settings.db_path), BlobStore(settings.data_dir / "blobs")


def _page(args: argparse.Namespace) -> int:
    from counter_app.devices.scanner.imaging import get_profile
    from counter_app.devices.scanner.sane import ScanProgress, ScanRequest
    from counter_app.services import digitization

    settings, store, blobs = _open(args)
    try:
        info = digitization.component_info(store, args.dossier, args.component)
        profile = get_profile(args.profile or info["profile"])
        if args.deskew or args.no_crop:
            profile = profile.with_overrides(
                deskew=args.deskew or None, auto_crop=False if args.no_crop else None
            )
        request = ScanRequest(
            device=args.device,
            source=args.source,
            resolution=args.resolution or profile.resolution,
            mode=args.mode or profile.mode,
            max_pages=settings.scan_max_pages,
            backend_args=list(args.backend_option),
        )
        last = [-1, -1]

        def progress(p: ScanProgress) -> None:
            step = int(p.percent // 25)
            if [p.page, step] != last:
                last[:] = [p.page, step]
                log(f"trang {p.page} / page {p.page}: {p.percent:.0f}%")

        result = digitization.scan_component(
            store,
            blobs,
            args.dossier,
            args.component,
            actor=args.officer,
            request=request,
            profile=profile,
            settings=settings,
            on_progress=progress,
        )
    finally:
        store.close()
    att = result["attachments"][0] if result["attachments"] else {}
    if args.json:
        emit_json(result)
    else:
        log(
            f"đã lưu {att.get('pages')} trang, {att.get('size')} byte / stored "
            f"{att.get('pages')} pages: {att.get('sha256')}"
        )
    return 0


def _gc(args: argparse.Namespace) -> int:
    from counter_app.services import digitization

    _settings, store, blobs = _open(args)
    try:
        blobs.ensure()
        result = digitization.gc_orphan_blobs(store, blobs, grace_s=args.grace)
    finally:
        store.close()
    if args.json:
        emit_json(result)
    else:
        log(f"removed {result['orphans_removed']} orphan scans, {result['temp_removed']} temp")
    return 0


def _watch(args: argparse.Namespace) -> int:
    import json
    import sys
    import threading
    import time
    from pathlib import Path

    from counter_app.devices.scanner.inbox import InboxScanner, watch_inbox
    from counter_app.errors import BadInput, CounterAppError
    from counter_app.services import digitization

    settings, store, blobs = _open(args)
    folder = Path(args.folder) if args.folder else digitization.inbox_folder(settings)
    if folder is None:
        store.close()
        raise BadInput(
            "chưa cấu hình thư mục nhận tệp quét (scan_inbox) / no scan inbox "
            "configured: pass --folder",
            field="folder",
        )
    digitization.component_info(store, args.dossier, args.component)  # fail early
    stop = threading.Event()
    if args.timeout:
        threading.Timer(args.timeout, stop.set).start()
    failures = 0

    def take(path: Path) -> None:
        nonlocal failures
        try:
            result = digitization.import_inbox_file(
                store,
                blobs,
                path,
                args.dossier,
                args.component,
                actor=args.officer,
                settings=settings,
            )
        except CounterAppError as exc:
            failures += 1
            log(f"{path.name}: {exc}")
            return
        att = result["attachments"][0]
        if args.json:
            sys.stdout.write(json.dumps({"file": path.name, **result}, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        else:
            log(f"{path.name}: {att['pages']} trang / pages → {att['sha256'][:12]}…")

    try:
        if args.once:
            scanner = InboxScanner(folder, stable_s=args.stable)
            scanner.poll()
            time.sleep(args.stable + 0.1)
            for f in scanner.poll():
                take(f.path)
        else:
            log(f"đang theo dõi / watching {folder} (Ctrl-C để dừng / to stop)")
            for f in watch_inbox(folder, stop_event=stop, stable_s=args.stable):
                take(f.path)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        store.close()
    return 2 if failures else 0
