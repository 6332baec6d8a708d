"""ASGI middleware: request size limits, security headers, database outages answered as such, and
keeping secrets out of the logs."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Literal

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
    (b"strict-transport-security", b"max-age=31536000"),
)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend((n, v) for n, v in SECURITY_HEADERS if n not in present)
                if b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


MAX_URL_LENGTH = 60_000  # yente's default (YENTE_MAX_URL_LENGTH): path and query string, in bytes


class UrlLimit:
    """414 for a URL (path and query string) longer than MAX_URL_LENGTH, as yente answers it.

    yente caps URLs below the length at which httptools' URL parser wraps around and silently cuts the
    query string; uvicorn uses httptools here too, so the same cap keeps a long `q` from being read
    as a shorter one. The body is yente's own ("Request URI too long"), which its clients may check.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_URL_LENGTH) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope.get("raw_path") or scope["path"].encode()
            query = scope.get("query_string", b"")
            length = len(path) + len(query) + (1 if query else 0)
            if length > self.limit:
                log.warning("URL of %d bytes refused (limit %d): %s", length, self.limit, scope["path"][:200])
                await send_error(send, 414, "Request URI too long")
                return
        await self.app(scope, receive, send)


class BodyLimit:
    """413 for a body over the limit, whether it says its length or streams it (chunked).

    (Starlette's own limiter answers in plain text; API clients get our JSON errors, with the limit.)
    """

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(send, limit)
            return
        received = 0
        refused = False
        started = False

        async def noting_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        async def counting() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    # An HTTP error, so that the framework answers it like its own (FastAPI would turn
                    # any other exception raised while it reads the body into a 400).
                    raise HTTPException(413, _too_large_detail(limit))
            return message

        try:
            await self.app(scope, counting, noting_start)
        except HTTPException:
            if not refused or started:
                raise
            await _too_large(send, limit)


class DatabaseOutage:
    """A database connection lost under a request (a server restart, a failover, a killed backend)
    answers 503 with Retry-After, not 500: the client is told to come back, not that we are broken.

    A read (GET, HEAD) is first run once more: the pool has thrown the dead connection away (and
    `pool_pre_ping` tests the others before use), so a second try usually gets a fresh one and the
    client never notices. Anything else is not run twice (it may have changed something before the
    connection dropped; its transaction was rolled back with the connection, so the client can
    retry). Counted as outages: an invalidated connection, OperationalError (server gone, database
    locked or full) and InterfaceError; other database errors stay errors. Once an answer has begun,
    nothing can be taken back: the error goes on as before.
    """

    def __init__(self, app: ASGIApp, retry_after: int = 5) -> None:
        self.app = app
        self.retry_after = retry_after

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tries = 2 if scope["method"] in ("GET", "HEAD") else 1
        received: list[Message] = []  # what the first try read, played back to the second
        started = False

        async def noting_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        for attempt in range(1, tries + 1):
            try:
                await self.app(scope, _replaying(receive, received), noting_start)
                return
            except DBAPIError as exc:
                if started or not _is_outage(exc):
                    raise
                log.warning(
                    "database unavailable during %s %s (try %d of %d): %s",
                    scope["method"], scope["path"], attempt, tries, _first_line(exc),
                )  # fmt: skip
        await _unavailable(send, self.retry_after)


def _replaying(receive: Receive, received: list[Message]) -> Receive:
    """A `receive` that first plays back what an earlier try read, then reads on, recording it."""
    replay = list(received)

    async def receiving() -> Message:
        if replay:
            return replay.pop(0)
        message = await receive()
        received.append(message)
        return message

    return receiving


def _is_outage(exc: DBAPIError) -> bool:
    return exc.connection_invalidated or isinstance(exc, (OperationalError, InterfaceError))


def _first_line(exc: DBAPIError) -> str:
    text = str(exc.orig if exc.orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


async def _unavailable(send: Send, retry_after: int) -> None:
    body = json.dumps({"detail": "the database is unavailable: retry in a few seconds"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(retry_after).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _too_large_detail(limit: int) -> str:
    return f"request body larger than {limit} bytes"


async def _too_large(send: Send, limit: int) -> None:
    await send_error(send, 413, _too_large_detail(limit))


async def send_error(send: Send, status: int, detail: str) -> None:
    """An error answered by a middleware, in the JSON shape of the framework's own: {"detail": ...}."""
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


_SECRET_IN_URL = re.compile(r"(api_key=)[^&\s\"']+", re.IGNORECASE)
_KEY_ANYWHERE = re.compile(r"sw_[A-Za-z0-9_-]{20,}")  # our keys' shape, however the URL spelt its name
_SECRET_IN_HEADER = re.compile(r"((?:apikey|bearer)\s+)\S+", re.IGNORECASE)


class RedactSecrets(logging.Filter):
    """Masks API keys in log records (a key in a URL's query string ends up in the access log)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = _redact(record.msg)
        return True


def _redact(text: str) -> str:
    lowered = text.lower()
    if "sw_" not in text and "api" not in lowered and "bearer" not in lowered:
        return text  # the common case, on every access-log line: no regular expression run
    masked = _SECRET_IN_HEADER.sub(r"\1***", _SECRET_IN_URL.sub(r"\1***", text))
    return _KEY_ANYWHERE.sub("sw_***", masked)


def redact_logs() -> None:
    """Install the filter on the loggers that print requests."""
    for name in ("uvicorn.access", "uvicorn.error", "sanctionwatch"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())


class SessionsWhereUsed:
    """Browser sessions for the pages and for requests that bring a cookie; not for API calls
    without one (integrations send keys, not cookies), which skip decoding and re-signing the
    session on every request: the service's commonest call, /match, is one of those."""

    def __init__(
        self,
        app: ASGIApp,
        secret_key: str,
        session_cookie: str,
        max_age: int,
        same_site: Literal["lax", "strict", "none"],
        https_only: bool,
    ) -> None:
        self.app = app
        self.with_sessions = SessionMiddleware(
            app,
            secret_key=secret_key,
            session_cookie=session_cookie,
            max_age=max_age,
            same_site=same_site,
            https_only=https_only,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (
            scope["path"].startswith("/ui") or any(name == b"cookie" for name, _ in scope["headers"])
        ):
            await self.with_sessions(scope, receive, send)
        else:
            await self.app(scope, receive, send)
