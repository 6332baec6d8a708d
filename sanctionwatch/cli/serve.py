"""`sanctionwatch serve`: the REST service and the analyst pages, with uvicorn."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from sanctionwatch.config import database_url


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option("--workers", help="Processes; each holds its own index (about 0.5 GB for all lists)."),
    ] = 1,
    insecure_cookies: Annotated[
        bool,
        typer.Option(
            "--insecure-cookies", help="Send session cookies over plain HTTP (local use behind no TLS only)."
        ),
    ] = False,
    db: Annotated[
        str | None, typer.Option("--db", help="SQLAlchemy URL or SQLite file path [env: SANCTIONWATCH_DB]")
    ] = None,
) -> None:
    """Serve the API (/docs lists it) and the web pages (/ui). Ready when /readyz says so."""
    import uvicorn

    # Worker processes build their own app from the environment: settings travel there.
    os.environ["SANCTIONWATCH_DB"] = database_url(db)
    if insecure_cookies:
        os.environ["SANCTIONWATCH_INSECURE_COOKIES"] = "1"
    uvicorn.run(
        "sanctionwatch.service:create_service",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=False,
        server_header=False,
        log_level="info",
    )
