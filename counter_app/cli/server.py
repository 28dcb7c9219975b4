"""`counter-app server`: the central server (FastAPI + uvicorn, one worker)."""

from __future__ import annotations

import argparse
import os

from counter_app.cli._common import add_data_dir, bounded, log


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "server",
        help="máy chủ trung tâm / run the central server",
        description="Run the central server. SQLite in the data dir by default; PostgreSQL with "
        "--database postgresql+psycopg://user:pw@host:port/db. Migrations run on start.",
    )
    p.add_argument("--host", default="127.0.0.1", help="listen address (default 127.0.0.1)")
    p.add_argument(
        "--port", type=bounded(0, 65_535), default=8765, help="listen port (default 8765)"
    )
    p.add_argument(
        "--database",
        default=os.environ.get("COUNTER_APP_DATABASE_URL"),
        metavar="URL",
        help="database URL (env COUNTER_APP_DATABASE_URL; default: SQLite file in the data dir)",
    )
    p.add_argument(
        "--demo-data", action="store_true", help="seed center DEMO (docs/DESIGN.md §6) if absent"
    )
    p.add_argument(
        "--seed-catalog",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="load the shipped catalog into an empty one (default yes; a province imports its "
        "own list with `admin catalog import`)",
    )
    p.add_argument(
        "--token-ttl-minutes",
        type=bounded(1, 7 * 24 * 60),
        default=480,
        help="access token lifetime",
    )
    p.add_argument(
        "--heartbeat",
        type=bounded(0.1, 300, float),
        default=5.0,
        help="event stream heartbeat, seconds",
    )
    p.add_argument("--log-level", default="warning", choices=["debug", "info", "warning", "error"])
    p.add_argument(
        "--forwarded-allow-ips",
        default=os.environ.get("COUNTER_APP_FORWARDED_ALLOW_IPS", ""),
        metavar="IPS",
        help="reverse proxies whose X-Forwarded-For is trusted (comma-separated; default none: "
        "the client address is the connection's)",
    )
    add_data_dir(p)
    p.set_defaults(func=_run)


def server_settings(args: argparse.Namespace, **extra):  # -> ServerSettings
    from pydantic import ValidationError

    from counter_app.errors import BadInput
    from counter_app.server.settings import ServerSettings, default_server_data_dir

    values = {
        "data_dir": getattr(args, "data_dir", None) or default_server_data_dir(),
        "database_url": getattr(args, "database", None),
        **extra,
    }
    try:
        return ServerSettings(**values)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        raise BadInput(
            f"tham số không hợp lệ / invalid option {loc}: {err['msg'].removeprefix('Value error, ')}"
        ) from None


def open_db(settings):  # -> Database
    from sqlalchemy.exc import OperationalError

    from counter_app.errors import NotAvailable
    from counter_app.server.db import open_database

    try:
        return open_database(settings)
    except OperationalError as exc:
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise NotAvailable(
            f"không mở được cơ sở dữ liệu / cannot open the database: {first}"
        ) from None


def _run(args: argparse.Namespace) -> int:
    import uvicorn

    from counter_app.server.app import create_app

    settings = server_settings(
        args,
        host=args.host,
        port=args.port,
        demo_data=args.demo_data,
        seed_catalog=args.seed_catalog,
        token_ttl_minutes=args.token_ttl_minutes,
        heartbeat_seconds=args.heartbeat,
        log_level=args.log_level,
        forwarded_allow_ips=args.forwarded_allow_ips,
    )
    db = open_db(settings)
    app = create_app(settings, db)
    where = "SQLite " + str(settings.sqlite_path) if settings.is_sqlite else "PostgreSQL"
    log(f"counter-app server: http://{settings.host}:{settings.port}/api/v1 ({where})")
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        workers=1,
        log_level=settings.log_level,
        access_log=settings.log_level == "debug",
        timeout_graceful_shutdown=5,
        # uvicorn trusts X-Forwarded-For from 127.0.0.1 by default: a client on the same
        # machine (or any, behind a local proxy) could then pick the address the sign-in rate
        # limit keys on. Only the proxies named in --forwarded-allow-ips are believed.
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=settings.forwarded_allow_ips or None,
        server_header=False,
    )
    from counter_app import logsafe

    logsafe.install(root_handler=True)  # uvicorn configured its loggers in Config(): filter them
    broker = app.state.ctx.broker

    class _Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: object) -> None:
            broker.close()  # event streams end now, so the shutdown does not wait for them
            super().handle_exit(sig, frame)  # type: ignore[arg-type]

    _Server(config).run()
    return 0
