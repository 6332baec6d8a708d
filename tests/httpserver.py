"""A real HTTP server on loopback for download tests: serves a directory, with hooks for failure modes."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar


class ListServerHandler(SimpleHTTPRequestHandler):
    """Serves files with a strong ETag and honours If-None-Match; `behaviour` injects failures per path."""

    behaviour: ClassVar[dict[str, list[str]]] = {}
    hits: ClassVar[dict[str, int]] = {}

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        return None

    def do_GET(self) -> None:
        self.hits[self.path] = self.hits.get(self.path, 0) + 1
        plan = self.behaviour.get(self.path)
        action = plan.pop(0) if plan else "serve"
        if action == "500":
            self.send_error(500, "temporary failure")
            return
        if action == "html":
            body = b"<html><body>Please log in</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        path = Path(self.translate_path(self.path))
        if path.is_file():
            etag = f'"{path.stat().st_size}-{int(path.stat().st_mtime)}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            data = path.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(data)
            return
        self.send_error(404, "not found")


@contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 (random free port) for the duration of the block; yields the base URL."""
    ListServerHandler.behaviour = {}
    ListServerHandler.hits = {}
    handler = functools.partial(ListServerHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
