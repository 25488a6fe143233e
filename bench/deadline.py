"""How long `archiver archive --timeout T` takes against hostile servers on 127.0.0.1.

    .venv/bin/python bench/deadline.py [--timeout 2]

Runs the CLI, as an operator would, against: a page served at once (the
baseline of this run: process start-up and one fetch), a server trickling its
body one byte every 0.5 s (a minute in all), one trickling its headers so, and
a 503 with `Retry-After: 20`.
Target: each finishes within the deadline + 1 s of the baseline.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ARCHIVER = Path(sys.executable).with_name("archiver")


class Hostile(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/busy":
            self.send_response(503)
            self.send_header("Retry-After", "20")
            self.send_header("Content-Length", "4")
            self.end_headers()
            self.wfile.write(b"busy")
            return
        body = b"<html><body><article><p>A fictional page.</p></article></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body) if self.path == "/page" else 120))
        if self.path == "/trickle-headers":  # the last header never ends
            self.wfile.write(b"".join(self._headers_buffer) + b"X-Padding: ")
            self._headers_buffer = []
        else:
            self.end_headers()
        try:
            if self.path == "/page":
                self.wfile.write(body)
                return
            for _ in range(120):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.5)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


def timed(url: str, timeout: float, db: str) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run([str(ARCHIVER), "archive", "--db", db, "--timeout", str(timeout),
                             "--allow-network", "127.0.0.1/32", "--per-host-delay", "0", url],
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    reason = result.stderr.splitlines()[0].split(": ", 2)[-1] if result.returncode else "ok"
    return elapsed, reason


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=2.0)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory() as tmp:
        baseline, _ = timed(f"{base}/page", args.timeout, f"{tmp}/a.db")
        print(f"baseline (one page served at once): {baseline:.2f} s")
        for name, path in (("trickling body", "/trickle"), ("trickling headers", "/trickle-headers"),
                           ("503 with Retry-After: 20", "/busy")):
            elapsed, reason = timed(base + path, args.timeout, f"{tmp}/a.db")
            print(f"{name}: {elapsed:.2f} s with --timeout {args.timeout:g} "
                  f"({elapsed - baseline:+.2f} s over the baseline): {reason[:110]}")
    server.shutdown()


if __name__ == "__main__":
    main()
