"""Stand-ins for the platforms' public endpoints, reached as the archive would
reach them: through `HTTPS_PROXY`. A proxy on 127.0.0.1 accepts CONNECT for
any host, speaks TLS with a certificate from a test CA (trustme, trusted
through `REQUESTS_CA_BUNDLE`) and answers from routes keyed by host and path."""

from __future__ import annotations

import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

import pytest
import trustme
from conftest import Route, answer

from archiver.fetch import FetchPolicy

# The fetch guard resolves every host itself: stand-in hosts look public.
PUBLIC = FetchPolicy(resolve=lambda host, port: ["93.184.216.34"], retries=2, backoff=0.01, max_retry_wait=2.0,
                     read_timeout=5.0, per_host_delay=0.0)


class StandIn:
    """Routes (host, path with query) -> Route; `fallback(host, path)` answers the rest."""

    def __init__(self, latency: float = 0.0):
        self.routes: dict[tuple[str, str], Route] = {}
        self.fallback: Callable[[str, str], Route | None] = lambda host, path: None
        self.requests: list[tuple[str, str]] = []
        self.latency = latency
        self.ca = trustme.CA()
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.Lock()
        standin = self

        class Site(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            host = ""

            def do_GET(self):
                standin.requests.append((self.host, self.path))
                with standin._lock:
                    route = standin.routes.get((self.host, self.path))
                    if route is not None and route.then is not None:
                        standin.routes[(self.host, self.path)] = route.then
                route = route or standin.fallback(self.host, self.path) or Route(b"not found", 404)
                if route.delay or standin.latency:
                    time.sleep(route.delay or standin.latency)
                answer(self, route, gone=(ssl.SSLError,))

            def log_message(self, *args):
                pass

        class Proxy(BaseHTTPRequestHandler):
            def do_CONNECT(self):
                host = self.path.rsplit(":", 1)[0]
                self.send_response(200, "Connection established")
                self.end_headers()
                try:
                    tls = standin._context(host).wrap_socket(self.connection, server_side=True)
                except (ssl.SSLError, OSError):
                    return
                site = type("HostSite", (Site,), {"host": host})
                try:
                    site(tls, self.client_address, self.server)
                except (ssl.SSLError, OSError):
                    pass
                self.close_connection = True

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 256
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def _context(self, host: str) -> ssl.SSLContext:
        with self._lock:
            if host not in self._contexts:
                context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
                self.ca.issue_cert(host).configure_cert(context)
                self._contexts[host] = context
            return self._contexts[host]

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def serve(self, url: str, body: bytes | str = b"", status: int = 200, content_type: str = "application/json",
              **options) -> None:
        host, path = url.split("://", 1)[1].split("/", 1)
        body = body.encode() if isinstance(body, str) else body
        headers = {"Content-Type": content_type, **options.pop("headers", {})}
        self.routes[(host, "/" + path)] = Route(body, status, headers, **options)

    def asked(self, host: str) -> list[str]:
        return [path for h, path in self.requests if h == host]

    def start(self, monkeypatch, ca_file) -> "StandIn":
        self.ca.cert_pem.write_to_path(str(ca_file))
        monkeypatch.setenv("HTTPS_PROXY", self.proxy_url)
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca_file))
        monkeypatch.setenv("NO_PROXY", "")
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def standin(monkeypatch, tmp_path):
    server = StandIn().start(monkeypatch, tmp_path / "standin-ca.pem")
    yield server
    server.stop()


def photo(seed: int, size: tuple[int, int] = (640, 480)) -> "Image.Image":
    """A fictional photograph: a seeded scene of gradients, shapes and noise."""
    import random

    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize(size).rotate(rng.randrange(360)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(14):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        w, h = rng.randrange(30, size[0] // 2), rng.randrange(30, size[1] // 2)
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)([x, y, x + w, y + h], fill=colour)
    return image.filter(ImageFilter.GaussianBlur(2))


def jpeg(image, quality: int = 90) -> bytes:
    import io

    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _crop(image, fraction: float):
    dx, dy = int(image.width * fraction), int(image.height * fraction)
    return image.crop((dx, dy, image.width - dx, image.height - dy))


def _decoded(data: bytes):
    import io

    from PIL import Image

    return Image.open(io.BytesIO(data))


# How a photo gets copied on its way to another account.
COPIES = {
    "re-encoded (JPEG q40)": lambda image: _decoded(jpeg(image, 40)),
    "resized to half": lambda image: image.resize((image.width // 2, image.height // 2)),
    "resized to a quarter, JPEG q60": lambda image: _decoded(jpeg(image.resize((image.width // 4,
                                                                                 image.height // 4)), 60)),
    "brightened 20%": lambda image: image.point(lambda value: min(255, int(value * 1.2))),
    "cropped 5% each side": lambda image: _crop(image, 0.05),
    "cropped 5%, resized, JPEG q50": lambda image: _decoded(jpeg(_crop(image, 0.05).resize((400, 300)), 50)),
}


def reuse_pairs(seeds=range(100, 108)):
    """The media_reuse test set: (label, image a, image b, same photo?). For
    each seeded photo, every kind of copy (same) and two other photos (different)."""
    pairs = []
    for seed in seeds:
        original = photo(seed)
        pairs += [(label, original, copy(original), True) for label, copy in COPIES.items()]
        pairs += [(f"photo {seed} vs {other}", original, photo(other), False) for other in (seed + 1, seed + 50)]
    return pairs


def warcio_check(directory) -> list[str]:
    """What `warcio check` says is wrong with the WARC files in `directory` (nothing: all pass)."""
    import subprocess
    import sys
    from pathlib import Path

    problems = []
    for path in sorted(Path(directory).glob("*.warc.gz")):
        check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(path)], capture_output=True,
                               text=True)
        if check.returncode != 0:
            problems.append(f"{path.name}: {check.stdout}{check.stderr}")
    return problems


@pytest.fixture
def warcs_checked(tmp_path):
    """After the test, every WARC file it wrote passes `warcio check`."""
    yield
    assert warcio_check(tmp_path / "warc") == []
