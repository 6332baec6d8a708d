"""Refuse text no route can use before any route runs: control characters in the URL, NUL in bodies.

Why at the boundary: PostgreSQL cannot store NUL (`\\x00`) in text at all, so a NUL in a key's name or
a job id used to end in a database error (HTTP 500, with the statement's parameters in the traceback),
while SQLite stored it silently; the same request must get the same answer on both. And no id, name or
search term of ours ever holds a control character, so one in a URL is an attack or a broken client.

- The path and the query string (percent-decoded) may hold no C0 control character (U+0000-U+001F) nor
  DEL: 400, naming the path parameter or the query parameter.
- The strings of a JSON body (keys included), and the fields of a URL-encoded form, may hold no NUL:
  422, naming the field as validation errors do (`body.name`). Other controls stay allowed there (a
  comment may have line breaks); where a name is shown raw, its own check refuses them.

Uploads (multipart) are files, not text fields, and are not looked into.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sanctionwatch.api.middleware import send_error

_NUL = "\x00"
_FORM = b"application/x-www-form-urlencoded"


class TextGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = _url_problem(scope)
        if problem is not None:
            await send_error(send, 400, problem)
            return
        content_type = dict(scope.get("headers", [])).get(b"content-type", b"").lower()
        if content_type.startswith(b"multipart/"):
            await self.app(scope, receive, send)
            return
        body, closing = await _whole_body(receive)
        problem = _form_problem(body) if content_type.startswith(_FORM) else _json_problem(body)
        if problem is not None:
            await send_error(send, 422, problem)
            return
        await self.app(scope, _replaying(body, closing, receive), send)


def _control(text: str) -> str | None:
    """The first C0 control character or DEL in `text`, if any."""
    return next((ch for ch in text if ch < " " or ch == "\x7f"), None)


def _url_problem(scope: Scope) -> str | None:
    found = _control(scope["path"])
    if found is not None:
        return f"{_path_field(scope)}: {_named(found)} is not allowed in a URL"
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        found = _control(name) or _control(value)
        if found is not None:
            shown = name if _control(name) is None else "(a parameter name)"
            return f"query.{shown}: {_named(found)} is not allowed in a URL"
    return None


def _path_field(scope: Scope) -> str:
    """`path.<parameter>` for the route parameter that holds the character, or `path`."""
    router = getattr(scope.get("app"), "router", None)
    for route in _every_route(getattr(router, "routes", ())):
        regex = getattr(route, "path_regex", None)
        found = regex.match(scope["path"]) if regex is not None else None
        for name, value in found.groupdict().items() if found is not None else ():
            if value and _control(value) is not None:
                return f"path.{name}"
    return "path"


def _every_route(routes: Iterable[Any]) -> Iterator[Any]:
    """The routes, and those of the routers and mounts among them (their paths are the full paths here)."""
    for route in routes:
        yield route
        inner = getattr(getattr(route, "original_router", route), "routes", None)
        if inner:
            yield from _every_route(inner)


def _json_problem(body: bytes) -> str | None:
    if b"\\u0000" not in body:  # JSON can only spell NUL this way: the common case costs one scan
        return None
    try:
        document = json.loads(body)
    except ValueError:
        return None  # not JSON: the route's own validation answers
    where = _nul_in(document, "body")
    return None if where is None else f"{where}: {_named(_NUL)} is not allowed in text"


def _nul_in(value: Any, where: str) -> str | None:
    """Where in a JSON document the first string with a NUL is, as `body.field.0.name`."""
    if isinstance(value, str):
        return where if _NUL in value else None
    items: Iterable[tuple[Any, Any]]
    if isinstance(value, dict):
        if any(_NUL in key for key in value):
            return f"{where} (a field name)"
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    return next((found for key, item in items if (found := _nul_in(item, f"{where}.{key}"))), None)


def _form_problem(body: bytes) -> str | None:
    for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True):
        if _NUL in name or _NUL in value:
            shown = name if _NUL not in name else "(a field name)"
            return f"body.{shown}: {_named(_NUL)} is not allowed in text"
    return None


def _named(ch: str) -> str:
    return f"the control character U+{ord(ch):04X}"


async def _whole_body(receive: Receive) -> tuple[bytes, Message | None]:
    """The request body (the size limit outside us has already capped it), and a disconnect, if one came."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), None


def _replaying(body: bytes, closing: Message | None, receive: Receive) -> Receive:
    """The body again, in one message, for the application; then whatever the client sends next."""
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]
    if closing is not None:
        pending.append(closing)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay
