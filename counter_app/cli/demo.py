"""`counter-app demo`: a fresh temp data dir with demo data, the embedded server when this build
has one, and the TUI (sign in as canbo1 / demo)."""

from __future__ import annotations

import argparse

from counter_app.cli._common import add_data_dir, add_json_flag


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "demo",
        help="dữ liệu mẫu + máy chủ nhúng + màn hình quầy / demo data, embedded server and the TUI",
        description="Opens the counter TUI on a fresh temporary data dir seeded with demo data "
        "(center DEMO, counters Q1–Q4, officers canbo1…canbo4, giamsat, admin; password demo).",
    )
    add_data_dir(p)
    add_json_flag(p)
    p.add_argument("--no-server", action="store_true", help="do not start the embedded server")
    p.add_argument(
        "--seed-only",
        action="store_true",
        help="seed the data dir (and print where) without opening the TUI",
    )
    p.add_argument("--clean", action="store_true", help="delete the temporary data dir on exit")
    p.set_defaults(func=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    import os
    import shutil
    import tempfile
    from pathlib import Path

    from counter_app.cli._common import emit_json, log
    from counter_app.config import load_settings
    from counter_app.services import demo_seed
    from counter_app.services.context import AppContext

    # --data-dir, else COUNTER_APP_DATA_DIR (as every command), else a fresh temporary dir
    given = getattr(args, "data_dir", None) or os.environ.get("COUNTER_APP_DATA_DIR") or None
    data_dir = Path(given) if given else Path(tempfile.mkdtemp(prefix="counter-app-demo-"))
    settings = load_settings(data_dir=data_dir, lang=getattr(args, "lang", None))
    ctx = AppContext.open(settings)
    server = None
    try:
        if not args.no_server and not args.seed_only:
            from counter_app.services.embedded_server import spawn_server

            server = spawn_server(Path(data_dir) / "server", log=log)  # starts while we seed
        report = demo_seed.seed(ctx.store, settings)
        if not args.seed_only:
            _simulated_devices(ctx, data_dir, log)
        info = {
            "data_dir": str(data_dir),
            "officers": [o[0] for o in demo_seed.OFFICERS],
            "password": demo_seed.DEMO_PASSWORD,
            "tickets": report.tickets,
            "dossiers": report.dossiers,
            "catalog": report.catalog,
            "server_url": None,
        }
        if server is not None:
            from counter_app.services.embedded_server import START_TIMEOUT_S

            if server.wait_ready(START_TIMEOUT_S, log=log):
                settings.server_url = server.url
                info["server_url"] = server.url
                info["enrolled"] = _enroll_demo(ctx, settings, server.url, log)
            else:
                server = None
        if args.seed_only:
            if args.json:
                emit_json(info)
            else:
                log(f"demo data in {data_dir}")
            return 0
        log(f"counter-app demo: dữ liệu mẫu / demo data in {data_dir}")
        log("  đăng nhập / sign in: canbo1 / demo")
        from counter_app.ui.app import make_app

        app = make_app(settings, ctx=ctx)
        try:
            app.run()
        finally:
            app.stop_background()
        log(f"counter-app demo: data kept in {data_dir}" if not args.clean else "")
        return int(app.return_code or 0)
    finally:
        if server is not None:
            server.stop()
        ctx.close()
        if args.clean and not given:
            shutil.rmtree(data_dir, ignore_errors=True)


def _simulated_devices(ctx, data_dir, log) -> None:  # type: ignore[no-untyped-def]
    """No card reader or scanner on this PC: the demo's simulated ones, said plainly."""
    from counter_app.services import simulated_devices

    holder = simulated_devices.plug_simulated_card(ctx.extras)
    if holder:
        log(f"counter-app demo: không có đầu đọc thẻ: dùng THẺ MÔ PHỎNG của {holder} (F5 trong "
            "màn hình tiếp nhận) / no card reader: a SIMULATED card is used")
    if simulated_devices.enable_simulated_scanner(data_dir):
        log("counter-app demo: không có máy quét: dùng MÁY QUÉT MÔ PHỎNG test:0 (SANE) / no "
            "scanner: SANE's SIMULATED test:0 is used")


def _enroll_demo(ctx, settings, url: str, log) -> bool:  # type: ignore[no-untyped-def]
    """Enrol the demo install with the embedded server (token waived for DEMO) and push the
    seeded data, so the TUI's background sync has a server to talk to."""
    from counter_app.services.enrolment import enroll

    try:
        out = enroll(ctx.store, settings, server=url, center=settings.center_code, username="canbo1",
                     password="demo")
    except Exception as exc:  # noqa: BLE001 - the demo still runs, local-only, and says why
        log(f"counter-app demo: chưa đăng ký được với máy chủ / not enrolled: {exc}")
        return False
    log(f"counter-app demo: đã đăng ký thiết bị / enrolled as slot {out['slot']}")
    return True
