"""`--timeout` is one deadline per fetch, redirects and retries included
(issue 14, item 7): a trickling server cannot hold a fetch past it, and a
Retry-After longer than what is left is not waited for."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from archiver.fetch import FetchError, FetchPolicy, fetch, make_session
from conftest import Route

TRICKLE_INTERVAL = 0.1  # seconds between two bytes of the trickling body


def local_policy(timeout: float, **options) -> FetchPolicy:
    return FetchPolicy.with_timeout(timeout, allowed_networks=["127.0.0.1/32"], **options)


@pytest.fixture
def trickling_server():
    """On /slow, sends headers at once, then a 600-byte body one byte every
    TRICKLE_INTERVAL (a minute in all); on /slow-headers, trickles a 600-byte
    header the same way. Records how many bytes it trickled before the client hung up."""
    sent = {"bytes": 0, "cut": threading.Event()}

    class Trickle(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "600")
            if self.path == "/slow-headers":
                self.wfile.write(b"".join(self._headers_buffer) + b"X-Padding: ")
                self._headers_buffer = []
            else:
                self.end_headers()
            try:
                for _ in range(600):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    sent["bytes"] += 1
                    time.sleep(TRICKLE_INTERVAL)
            except (BrokenPipeError, ConnectionResetError):
                sent["cut"].set()

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/slow", sent
    httpd.shutdown()
    httpd.server_close()


def test_a_trickling_body_is_cut_at_the_deadline(trickling_server):
    """Regression: each byte came within the read timeout, so `--timeout 2` took 101 s."""
    url, sent = trickling_server
    with pytest.raises(FetchError) as error:
        fetch(url, make_session(), local_policy(1.0, retries=0))
    assert str(error.value) == ("timed out: not finished within the 1 s deadline (retries included); "
                                "the site is slow or down, try again later or raise --timeout")
    assert sent["cut"].wait(5), "the client never hung up"
    deadline_plus_one_second = (1.0 + 1.0) / TRICKLE_INTERVAL
    assert sent["bytes"] < deadline_plus_one_second


def test_trickling_headers_are_cut_at_the_deadline(trickling_server):
    url, sent = trickling_server
    with pytest.raises(FetchError, match="^timed out: not finished within the 1 s deadline"):
        fetch(url + "-headers", make_session(), local_policy(1.0, retries=0))
    assert sent["cut"].wait(5), "the client never hung up"
    assert sent["bytes"] < (1.0 + 1.0) / TRICKLE_INTERVAL


def test_a_retry_after_longer_than_the_deadline_is_not_waited_for(local_server):
    """Regression: `--timeout 2` against a 503 with Retry-After: 20 waited, and took 60.8 s."""
    local_server.routes["/busy"] = Route(b"busy", status=503, headers={"Retry-After": "20"},
                                         then=Route(b"<p>fine now</p>"))
    with pytest.raises(FetchError) as error:
        fetch(local_server.url("/busy"), make_session(), local_policy(2.0))
    assert str(error.value) == ("HTTP 503, and the server asks to retry after 20 s, longer than what is left "
                                "of the 2 s deadline; try again later")
    assert local_server.paths() == ["/busy"]


def test_a_retry_after_within_the_deadline_is_honoured(local_server):
    local_server.routes["/busy"] = Route(b"busy", status=503, headers={"Retry-After": "1"},
                                         then=Route(b"<p>fine now</p>"))
    response = fetch(local_server.url("/busy"), make_session(), local_policy(5.0))
    assert (response.status, response.body, local_server.paths()) == (200, b"<p>fine now</p>", ["/busy"] * 2)


def test_retries_stop_at_the_deadline_and_the_last_answer_is_returned(local_server):
    """Backoff (no Retry-After) that would outlast the deadline ends the retries."""
    local_server.routes["/down"] = Route(b"down", status=502)
    response = fetch(local_server.url("/down"), make_session(), local_policy(1.0, retries=5, backoff=0.4))
    assert (response.status, local_server.paths()) == (502, ["/down"] * 2)  # 0.4 s waited, 0.8 s would not fit


def test_a_retry_after_longer_than_the_fetcher_waits_is_not_waited_for(local_server):
    local_server.routes["/busy"] = Route(b"busy", status=429, headers={"Retry-After": "90"})
    with pytest.raises(FetchError) as error:
        fetch(local_server.url("/busy"), make_session(), local_policy(300.0, max_retry_wait=60.0))
    assert str(error.value) == ("HTTP 429, and the server asks to retry after 90 s, longer than the 60 s the "
                                "fetcher waits at most; try again later")


def test_negative_retries_mean_one_attempt(local_server):
    """Regression: `retries = -1` raised UnboundLocalError."""
    local_server.routes["/down"] = Route(b"down", status=503)
    response = fetch(local_server.url("/down"), make_session(), local_policy(2.0, retries=-1))
    assert (response.status, local_server.paths()) == (503, ["/down"])
