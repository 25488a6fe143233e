"""Shared fixtures: a real HTTP server on 127.0.0.1 that tests configure per route."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    delay: float = 0.0
    then: "Route | None" = None  # served on the next request instead, once this one was served


def answer(handler: BaseHTTPRequestHandler, route: Route, gone: tuple = ()) -> None:
    """Send `route` as the handler's response; a client that hung up (or a `gone` error) is no failure."""
    handler.send_response(route.status)
    for name, value in route.headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(route.body)))
    handler.end_headers()
    try:
        handler.wfile.write(route.body)
    except (BrokenPipeError, ConnectionResetError, *gone):
        pass


class LocalServer:
    """Serves configured routes on 127.0.0.1 and records every request."""

    def __init__(self, host: str = "127.0.0.1"):
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path, Route(b"not found", 404))
                if route.then is not None:
                    server.routes[self.path] = route.then
                if route.delay:
                    time.sleep(route.delay)
                etag = route.headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                answer(self, route)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


@pytest.fixture
def local_server():
    server = LocalServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
