"""The FastAPI application: `create_app(settings)`."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from counter_app import __version__
from counter_app.server.core import security
from counter_app.server.crud.common import ApiError
from counter_app.server.db import Database, open_database
from counter_app.server.deps import AppContext
from counter_app.server.events import Broker
from counter_app.server.settings import SECRET_NAME, ServerSettings

log = logging.getLogger("counter_app.server")


def create_app(settings: ServerSettings, db: Database | None = None) -> FastAPI:
    """Open (and migrate) the database, load the secret, seed demo data if asked, build the app."""
    from counter_app.locations import ensure_private_dir

    ensure_private_dir(settings.data_dir)
    db = db or open_database(settings)
    secret = security.load_or_create_secret(settings.data_dir / SECRET_NAME)
    if settings.demo_data:
        from counter_app.server.crud.admin import seed_demo

        seed_demo(db)
    if settings.seed_catalog:
        from counter_app.server.crud.admin import seed_shipped_catalog

        seeded = seed_shipped_catalog(db)
        if seeded:
            log.warning("empty catalog: %d procedures loaded from the shipped catalog", seeded)
    app = FastAPI(
        title="counter_app server",
        version=__version__,
        description="Central server of the one-stop counter software: auth, devices, the shared queue.",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        # an API answers the path it was given: "/queue/tickets//" (an id that decodes to "/")
        # is 404, not a redirect to another resource
        redirect_slashes=False,
    )
    app.state.ctx = AppContext(
        settings=settings,
        db=db,
        secret=secret,
        limiter=security.LoginLimiter(
            max_failures=settings.login_max_failures,
            window=settings.login_window_seconds,
            account_max_failures=settings.login_account_max_failures,
            ip_max_failures=settings.login_ip_max_failures,
            global_max_failures=settings.login_global_max_failures,
        ),
        broker=Broker(),
    )

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(
            {"detail": exc.message, "code": exc.code}, status_code=exc.status, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "loc": list(e.get("loc", ())),
                "msg": str(e.get("msg", "")),
                "type": str(e.get("type", "")),
            }
            for e in exc.errors()
        ]
        return JSONResponse({"detail": errors, "code": "invalid_request"}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # A body that cannot even be parsed is malformed input: 422 like any other invalid body.
        status = 422 if exc.status_code == 400 else exc.status_code
        return JSONResponse(
            {"detail": exc.detail, "code": "invalid_request" if status == 422 else "http_error"},
            status_code=status,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(OperationalError)
    async def _db_busy(_request: Request, exc: OperationalError) -> JSONResponse:
        # the driver's message may quote a row's values: name the error, not its text
        log.warning("database busy or unavailable: %s", type(exc.orig or exc).__name__)
        return JSONResponse(
            {"detail": "cơ sở dữ liệu bận / database busy, retry", "code": "db_busy"},
            status_code=503,
            headers={"Retry-After": "1"},
        )

    from counter_app.server.body_limit import BodyLimitMiddleware

    app.add_middleware(BodyLimitMiddleware)

    from counter_app.server.api import auth, devices, dossiers, health, queue
    from counter_app.server.sync import api as sync_api

    for module in (health, auth, devices, queue, dossiers, sync_api):
        app.include_router(module.router, prefix="/api/v1")
    app.include_router(dossiers.reports_router, prefix="/api/v1")

    @app.on_event("shutdown")
    def _close() -> None:
        db.dispose()

    return app
