"""HTTP for the archiver: one session, the guard on every redirect hop,
connections pinned to the checked address, one deadline per fetch (retries
included) and a size cap.

Proxy and CA-bundle settings come from the environment (`HTTPS_PROXY`,
`NO_PROXY`, `REQUESTS_CA_BUNDLE`) because requests honours them by default.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urljoin

import requests
import urllib3
from requests.utils import select_proxy

from .. import __version__
from .errors import FetchError, Unreachable
from .guard import Target, check_url
from .pinned import PinnedAdapter, headers_within, pinned_request
from .policy import FetchPolicy

USER_AGENT = f"post-archiver/{__version__} (+https://github.com/post-archiver; evidence archiving)"
MAX_REDIRECTS = 10
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass
class Response:
    """A fetched page: the bytes exactly as received, and how they came."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    redirects: list[str]

    @property
    def content_type(self) -> str | None:
        return self.headers.get("Content-Type")

    @property
    def charset(self) -> str | None:
        return requests.utils.get_encoding_from_headers({"content-type": self.content_type or ""}) \
            if self.content_type and "charset=" in self.content_type.lower() else None


class HostPacer:
    """Politeness per host: at most `concurrency` requests at once, and
    `delay` seconds between the starts of two requests. Shared by threads."""

    def __init__(self, delay: float = 0.0, concurrency: int = 2):
        self.delay = delay
        self.concurrency = max(1, concurrency)
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(self.concurrency))
        self._next_start: dict[str, float] = defaultdict(float)

    @contextmanager
    def turn(self, host: str):
        with self._lock:
            slot = self._slots[host]
        with slot:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start[host])
                self._next_start[host] = start + self.delay
            if start > now:
                time.sleep(start - now)
            yield


def make_session(user_agent: str = USER_AGENT) -> requests.Session:
    """A session whose requests connect only to addresses the guard checked."""
    session = requests.Session()
    session.headers["User-Agent"] = user_agent
    _pin_adapters(session)
    return session


def fetch(url: str, session: requests.Session, policy: FetchPolicy | None = None,
          headers: dict[str, str] | None = None, pacer: HostPacer | None = None,
          stop_at: Callable[[str], bool] | None = None) -> Response:
    """GET a URL within the policy, retrying 429 and 5xx with backoff (honouring
    Retry-After), all within one deadline of `policy.total_timeout` seconds.
    Raises FetchError with a readable reason. With `stop_at`, a redirect to a
    URL it accepts is not followed: the redirect itself is returned."""
    policy = policy or FetchPolicy()
    pacer = pacer or HostPacer(policy.per_host_delay, policy.per_host_concurrency)
    _pin_adapters(session)
    deadline = Deadline(policy.total_timeout)
    attempt = 0
    while True:
        response = _fetch_once(url, session, policy, headers, pacer, deadline, stop_at)
        if response.status not in RETRY_STATUSES or attempt >= policy.retries:
            return response
        retry_after = response.headers.get("Retry-After")
        wait = retry_wait(retry_after, policy.backoff * 2 ** attempt)
        if wait > min(deadline.left(), policy.max_retry_wait):
            if retry_after is None:
                return response
            limit = (f"what is left of the {policy.total_timeout:g} s deadline" if wait > deadline.left()
                     else f"the {policy.max_retry_wait:g} s the fetcher waits at most")
            raise FetchError(f"HTTP {response.status}, and the server asks to retry after {wait:g} s, "
                             f"longer than {limit}; try again later")
        time.sleep(wait)
        attempt += 1


def open_stream(url: str, policy: FetchPolicy, session: requests.Session | None = None, *,
                method: str = "GET", data: bytes | None = None,
                headers: dict[str, str] | None = None) -> requests.Response:
    """A request whose answer is read as it arrives, by the caller: a remote
    WARC of a gigabyte, or a POST such as a timestamp query. The guard and the
    pinned connection of `fetch`, socket timeouts per read; no size cap, no
    redirects, no retries."""
    session = session or make_session()
    _pin_adapters(session)
    target = check_url(url, policy)
    return _send(session, target, headers, policy, Deadline(float("inf")), method=method, data=data)


def retry_wait(retry_after: str | None, default: float) -> float:
    """Seconds to wait before a retry: the server's Retry-After (seconds or a date) or `default`."""
    if retry_after:
        value = retry_after.strip()
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, when.timestamp() - time.time())
        except (TypeError, ValueError):
            pass
    return default


class Deadline:
    """The time a whole fetch (redirects and retries included) may take."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def left(self) -> float:
        return max(0.0, self._end - time.monotonic())

    def timeout(self, limit: float) -> float:
        """`limit`, cut to what is left (a socket timeout of 0 would mean non-blocking)."""
        left = self.left()
        if left <= 0:
            raise self.expired()
        return min(limit, left)

    def expired(self) -> FetchError:
        return FetchError(f"timed out: not finished within the {self.seconds:g} s deadline (retries included); "
                          "the site is slow or down, try again later or raise --timeout")


def _pin_adapters(session: requests.Session) -> None:
    """Make sure every request of `session` connects to the address the guard checked."""
    for prefix in ("http://", "https://"):
        if not isinstance(session.get_adapter(prefix), PinnedAdapter):
            session.mount(prefix, PinnedAdapter())


def _fetch_once(url: str, session: requests.Session, policy: FetchPolicy,
                headers: dict[str, str] | None, pacer: HostPacer, deadline: Deadline,
                stop_at: Callable[[str], bool] | None = None) -> Response:
    redirects: list[str] = []
    current = url
    while True:
        target = check_url(current, policy)
        current = target.url
        try:
            with pacer.turn(target.host), headers_within(deadline.left):
                reply = _send(session, target, headers, policy, deadline)
                body = None if reply.is_redirect else _read_capped(reply, policy, deadline)
        except requests.exceptions.Timeout:
            if not deadline.left():
                raise deadline.expired()
            raise FetchError(f"timed out after {policy.read_timeout:g} s; the site is slow or down, try again later")
        except requests.exceptions.SSLError as error:
            raise FetchError(f"TLS error ({error.__class__.__name__}); set REQUESTS_CA_BUNDLE if a proxy re-signs traffic")
        except requests.exceptions.ConnectionError as error:
            if not deadline.left():
                raise deadline.expired()
            raise Unreachable(f"cannot connect ({_reason(error)}); check the URL and the network")
        except requests.exceptions.RequestException as error:
            raise FetchError(f"request failed: {_reason(error)}")
        if body is None:
            reply.close()
            current = urljoin(current, reply.headers.get("Location", "").strip())
            redirects.append(current)
            if stop_at and stop_at(current):
                return Response(url=url, final_url=current, status=reply.status_code,
                                headers=dict(reply.headers), body=b"", redirects=redirects)
            if len(redirects) > MAX_REDIRECTS or redirects.count(current) > 1:
                raise FetchError(f"redirect loop or too many redirects ({len(redirects)}), last to {current}")
            continue
        return Response(url=url, final_url=current, status=reply.status_code,
                        headers=dict(reply.headers), body=body, redirects=redirects)


def _send(session: requests.Session, target: Target, headers: dict[str, str] | None, policy: FetchPolicy,
          deadline: Deadline, method: str = "GET", data: bytes | None = None) -> requests.Response:
    """Send to the checked addresses in turn until one takes the connection, as
    urllib3 does with the addresses it resolves itself; through a proxy, once."""
    settings = session.merge_environment_settings(target.url, {}, True, None, None)
    addresses = target.addresses[:1] if select_proxy(target.url, settings["proxies"]) else target.addresses

    def send_to(address: str) -> requests.Response:
        return session.send(pinned_request(session, target, address, headers, method, data), allow_redirects=False,
                            **settings,
                            timeout=(deadline.timeout(policy.connect_timeout), deadline.timeout(policy.read_timeout)))

    for address in addresses[:-1]:
        try:
            return send_to(address)
        except requests.exceptions.ConnectionError as error:
            if not _no_connection(error):
                raise
    return send_to(addresses[-1])


def _no_connection(error: requests.exceptions.ConnectionError) -> bool:
    """The connection itself failed (refused, no route, timed out): another address may do."""
    cause = getattr(error.args[0] if error.args else None, "reason", None)
    return isinstance(error, requests.exceptions.ConnectTimeout) or isinstance(
        cause, urllib3.exceptions.NewConnectionError)


def _read_capped(reply: requests.Response, policy: FetchPolicy, deadline: Deadline) -> bytes:
    """The decoded body, refused over the size cap. Read a socket read at a
    time with the socket's timeout cut to the deadline, so a server trickling
    bytes cannot hold the fetch past it."""
    declared = reply.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        reply.close()
        raise FetchError(f"too large: {int(declared):,} bytes, over the cap of {policy.max_bytes:,}")
    connection = getattr(reply.raw, "connection", None)
    sock = getattr(connection, "sock", None)
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            if sock is not None:
                sock.settimeout(deadline.timeout(policy.read_timeout))
            elif not deadline.left():
                raise deadline.expired()
            chunk = reply.raw.read1(65536, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > policy.max_bytes:
                raise FetchError(f"too large: over the cap of {policy.max_bytes:,} bytes")
            chunks.append(chunk)
    except (urllib3.exceptions.ReadTimeoutError, TimeoutError):
        if not deadline.left():
            raise deadline.expired()
        raise FetchError(f"timed out after {policy.read_timeout:g} s while reading; try again later")
    except urllib3.exceptions.DecodeError as error:
        raise FetchError(f"the server's compressed body is corrupt ({_reason(error)}); try again later")
    except (urllib3.exceptions.HTTPError, OSError) as error:
        raise FetchError(f"connection broke while reading ({_reason(error)}); try again later")
    finally:
        reply.close()
    return b"".join(chunks)


def _reason(error: Exception) -> str:
    text = str(error.args[0] if error.args else error)
    return text.split("(Caused by")[-1].strip(" ()")[:200] or error.__class__.__name__
