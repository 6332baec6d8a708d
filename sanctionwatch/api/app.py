"""The FastAPI application: routers, middleware, error shapes, and the index's life cycle."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.status import HTTP_500_INTERNAL_SERVER_ERROR

from sanctionwatch import __version__
from sanctionwatch.api.middleware import (
    BodyLimit,
    DatabaseOutage,
    SecurityHeaders,
    SessionsWhereUsed,
    UrlLimit,
    redact_logs,
)
from sanctionwatch.api.routers import (
    admin,
    cases,
    customers,
    health,
    jobs,
    lists,
    match,
    metrics,
    ownership,
    payments,
    reconcile,
    reports,
    screen,
    search,
)
from sanctionwatch.api.security import Viewer
from sanctionwatch.api.settings import ServiceSettings
from sanctionwatch.api.state import ServiceState
from sanctionwatch.api.text_guard import TextGuard
from sanctionwatch.config import cache_dir
from sanctionwatch.errors import SanctionwatchError
from sanctionwatch.monitoring.watch import BackgroundWatch
from sanctionwatch.registry.freshness import official_sources

__all__ = ["create_app"]

log = logging.getLogger(__name__)
SESSION_COOKIE = "sanctionwatch_session"


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The REST API alone; `sanctionwatch.service.create_service` mounts the analyst pages on it."""
    settings = settings or ServiceSettings()
    state = ServiceState(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        redact_logs()
        state.start()
        watcher = (
            BackgroundWatch(
                state.registry, official_sources(), cache=cache_dir(), mirror=settings.watch_mirror
            )
            if settings.watch
            else None
        )
        if watcher is not None:
            watcher.start()
        try:
            yield
        finally:
            if watcher is not None:
                watcher.stop()
            state.stop()

    app = FastAPI(
        title="Sanctionwatch",
        version=__version__,
        description="Sanctions screening: yente-compatible matching, the lists and their changes, batch jobs.",
        lifespan=lifespan,
        # The schema is served below, behind authentication like everything but health and login;
        # no Swagger/ReDoc pages: they load scripts from a CDN that neither our CSP nor offline sites allow.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.service = state
    for router in (health.router, match.router, search.router, lists.router, screen.router, jobs.router):
        app.include_router(router)
    app.include_router(cases.router)
    app.include_router(customers.router)
    app.include_router(reconcile.router)
    app.include_router(payments.router)
    app.include_router(ownership.router)
    app.include_router(reports.router)
    app.include_router(admin.router)
    app.include_router(metrics.router)

    @app.get("/openapi.json", include_in_schema=False, dependencies=[Viewer])
    def openapi_schema() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.exception_handler(SanctionwatchError)
    async def refused(_request: Request, exc: SanctionwatchError) -> JSONResponse:
        # The class says the status (see sanctionwatch.errors); the body is FastAPI's own error shape.
        # A plain 500 is a bug, not an answer: it goes on to the server, which logs its traceback.
        if exc.http_status == HTTP_500_INTERNAL_SERVER_ERROR:
            raise exc
        return JSONResponse({"detail": str(exc)}, status_code=exc.http_status, headers=exc.headers())

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # One readable line per problem, naming where it is ("body.queries.q1.schema: Field required").
        problems = [
            f"{'.'.join(str(p) for p in error.get('loc', ()))}: {error.get('msg', 'invalid')}"
            for error in exc.errors()
        ]
        return JSONResponse({"detail": "; ".join(problems) or "invalid request"}, status_code=422)

    # Outermost last: limits and headers apply to every response, errors included.
    app.add_middleware(DatabaseOutage)  # innermost: a read tried again re-runs the request's handling only
    app.add_middleware(
        SessionsWhereUsed,
        secret_key=settings.secret,
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_hours * 3600,
        same_site="strict",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "X-CSRF-Token"],
    )
    app.add_middleware(TextGuard)  # inside BodyLimit: it reads bodies that the limit has capped
    app.add_middleware(
        BodyLimit,
        limit_for=lambda path: (
            settings.max_upload_bytes
            if path == "/jobs" or path.startswith("/admin/lists/")
            else settings.max_body_bytes
        ),
    )
    app.add_middleware(UrlLimit)  # before anything reads the query string
    app.add_middleware(SecurityHeaders)
    return app
