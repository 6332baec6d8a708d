"""The whole service as one ASGI app: the REST API with the analyst pages mounted on it.

It lives above both interfaces because the pages use the API's security and state (sessions, CSRF,
the shared index), while the API knows nothing of pages: `api` < `web` < `service`. `sanctionwatch
serve` and the test servers start this factory; `api.app.create_app` alone is the API without pages.
"""

from __future__ import annotations

from fastapi import FastAPI

from sanctionwatch.api.app import create_app
from sanctionwatch.api.settings import ServiceSettings
from sanctionwatch.web.routes import mount_web

__all__ = ["create_service"]


def create_service(settings: ServiceSettings | None = None) -> FastAPI:
    """The API and the analyst pages (/ui) in one app (uvicorn's factory)."""
    app = create_app(settings)
    mount_web(app)
    return app
