"""HTTP for the archiver: one session, a guard against internal addresses,
redirects checked hop by hop, timeouts and a size cap.

Proxy and CA-bundle settings come from the environment (`HTTPS_PROXY`,
`NO_PROXY`, `REQUESTS_CA_BUNDLE`) because requests honours them by default.
"""

from __future__ import annotations

import email.utils
import ipaddress
import socket
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urljoin, urlsplit

import requests

from . import __version__

USER_AGENT = f"post-archiver/{__version__} (+https://github.com/post-archiver; evidence archiving)"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 10
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchError(Exception):
    """A URL that could not be fetched; the message is for the person running the job."""


class Refused(FetchError):
    """The fetch guard would not request this URL (scheme, internal address)."""


class Unreachable(FetchError):
    """The network or the host could not be reached at all (no DNS, no route, refused connection)."""


def resolve_host(host: str, port: int) -> list[str]:
    """The addresses a host name resolves to (the system resolver)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise Unreachable(f"cannot resolve host {host!r} ({error.strerror}); check the URL and the network")
    return [info[4][0].split("%")[0] for info in infos]


@dataclass
class FetchPolicy:
    """What the fetcher may do. Private addresses are refused unless allowed here."""

    max_bytes: int = DEFAULT_MAX_BYTES
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 120.0
    allowed_networks: list[str] = field(default_factory=list)
    retries: int = 3
    backoff: float = 1.0
    max_retry_wait: float = 60.0
    per_host_delay: float = 0.0
    per_host_concurrency: int = 2
    resolve: Callable[[str, int], list[str]] = resolve_host

    @classmethod
    def with_timeout(cls, timeout: float, **options) -> "FetchPolicy":
        """A policy from the one timeout a person sets: connecting gives up sooner,
        a whole page may take a few reads' worth."""
        return cls(connect_timeout=min(timeout, 10.0), read_timeout=timeout,
                   total_timeout=max(timeout * 4, 60.0), **options)

    def allows(self, address: ipaddress._BaseAddress) -> bool:
        return any(address in ipaddress.ip_network(net, strict=False) for net in self.allowed_networks)


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
    session = requests.Session()
    session.headers["User-Agent"] = user_agent
    return session


def check_url(url: str, policy: FetchPolicy) -> None:
    """Refuse non-http(s) URLs and hosts that resolve to internal addresses."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise Refused(f"refused: only http and https URLs are fetched, not {parts.scheme or 'a bare path'!r}")
    host = parts.hostname
    if not host:
        raise Refused("refused: the URL has no host name")
    for text in policy.resolve(host, parts.port or (443 if parts.scheme == "https" else 80)):
        address = ipaddress.ip_address(text)
        if _internal(address) and not policy.allows(address):
            raise Refused(
                f"refused: {host} resolves to the internal address {address}; "
                "allow it with --allow-network or allowed_networks in the config if this is intended")


def _internal(address) -> bool:
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    return (address.is_private or address.is_loopback or address.is_link_local or address.is_reserved
            or address.is_multicast or address.is_unspecified or not address.is_global)


def fetch(url: str, session: requests.Session, policy: FetchPolicy | None = None,
          headers: dict[str, str] | None = None, pacer: HostPacer | None = None,
          stop_at: Callable[[str], bool] | None = None) -> Response:
    """GET a URL within the policy, retrying 429 and 5xx with backoff (honouring
    Retry-After). Raises FetchError with a readable reason. With `stop_at`, a
    redirect to a URL it accepts is not followed: the redirect itself is returned."""
    policy = policy or FetchPolicy()
    pacer = pacer or HostPacer(policy.per_host_delay, policy.per_host_concurrency)
    for attempt in range(policy.retries + 1):
        response = _fetch_once(url, session, policy, headers, pacer, stop_at)
        if response.status not in RETRY_STATUSES or attempt == policy.retries:
            return response
        wait = retry_wait(response.headers.get("Retry-After"), policy.backoff * 2 ** attempt)
        if wait > policy.max_retry_wait:
            return response
        time.sleep(wait)
    return response


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


def _fetch_once(url: str, session: requests.Session, policy: FetchPolicy,
                headers: dict[str, str] | None, pacer: HostPacer,
                stop_at: Callable[[str], bool] | None = None) -> Response:
    redirects: list[str] = []
    current = url
    deadline = time.monotonic() + policy.total_timeout
    while True:
        check_url(current, policy)
        try:
            with pacer.turn(urlsplit(current).hostname or ""):
                reply = session.get(current, headers=headers, stream=True, allow_redirects=False,
                                    timeout=(policy.connect_timeout, policy.read_timeout))
                body = None if reply.is_redirect else _read_capped(reply, policy, deadline)
        except requests.exceptions.Timeout:
            raise FetchError(f"timed out after {policy.read_timeout:g} s; the site is slow or down, try again later")
        except requests.exceptions.SSLError as error:
            raise FetchError(f"TLS error ({error.__class__.__name__}); set REQUESTS_CA_BUNDLE if a proxy re-signs traffic")
        except requests.exceptions.ConnectionError as error:
            raise Unreachable(f"cannot connect ({_reason(error)}); check the URL and the network")
        except requests.exceptions.RequestException as error:
            raise FetchError(f"request failed: {_reason(error)}")
        if body is None:
            reply.close()
            current = urljoin(current, reply.headers.get("Location", ""))
            redirects.append(current)
            if stop_at and stop_at(current):
                return Response(url=url, final_url=current, status=reply.status_code,
                                headers=dict(reply.headers), body=b"", redirects=redirects)
            if len(redirects) > MAX_REDIRECTS or redirects.count(current) > 1:
                raise FetchError(f"redirect loop or too many redirects ({len(redirects)}), last to {current}")
            continue
        return Response(url=url, final_url=current, status=reply.status_code,
                        headers=dict(reply.headers), body=body, redirects=redirects)


def _read_capped(reply: requests.Response, policy: FetchPolicy, deadline: float) -> bytes:
    declared = reply.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        reply.close()
        raise FetchError(f"too large: {int(declared):,} bytes, over the cap of {policy.max_bytes:,}")
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in reply.iter_content(65536):
            size += len(chunk)
            if size > policy.max_bytes:
                raise FetchError(f"too large: over the cap of {policy.max_bytes:,} bytes")
            if time.monotonic() > deadline:
                raise FetchError(f"too slow: not finished within {policy.total_timeout:g} s")
            chunks.append(chunk)
    except requests.exceptions.RequestException as error:
        raise FetchError(f"connection broke while reading ({_reason(error)}); try again later")
    finally:
        reply.close()
    return b"".join(chunks)


def _reason(error: Exception) -> str:
    text = str(error.args[0] if error.args else error)
    return text.split("(Caused by")[-1].strip(" ()")[:200] or error.__class__.__name__
