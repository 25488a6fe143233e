"""Connections to the address the guard checked, not to whatever a second
DNS lookup returns. The URL, the Host header, TLS SNI and the certificate
check keep the host name; only the TCP connection goes to the pinned address.
Through a proxy the proxy connects (by name), after the guard checked the name.

A server trickling its status line and headers (each byte within the read
timeout) is cut at the fetch's deadline too: while a connection waits for
them, a timer shuts its socket down when the deadline passes.
"""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager
from typing import Callable

import requests
from requests.adapters import HTTPAdapter
from requests.utils import select_proxy
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import ProxyManager

from .errors import Refused
from .guard import Target

_this_thread = threading.local()  # .seconds_left: the running fetch's deadline, if any


@contextmanager
def headers_within(seconds_left: Callable[[], float]):
    """Requests this thread sends inside get their headers before the deadline or are cut."""
    _this_thread.seconds_left = seconds_left
    try:
        yield
    finally:
        _this_thread.seconds_left = None


class _HeadersDeadline:
    """getresponse (status line and headers) under the thread's fetch deadline."""

    def getresponse(self):
        seconds_left = getattr(_this_thread, "seconds_left", None)
        if seconds_left is None or self.sock is None:
            return super().getresponse()
        timer = threading.Timer(seconds_left(), _cut, [self.sock])
        timer.daemon = True
        timer.start()
        try:
            return super().getresponse()
        finally:
            timer.cancel()


def _cut(sock: socket.socket) -> None:
    try:  # the plain socket's shutdown, also for TLS: the reading thread then sees the end
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


class _HTTPConnection(_HeadersDeadline, HTTPConnection):
    pass


class _HTTPSConnection(_HeadersDeadline, HTTPSConnection):
    pass


class _HTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_DEADLINE_POOLS = {"http": _HTTPConnectionPool, "https": _HTTPSConnectionPool}


class PinnedAdapter(HTTPAdapter):
    """An HTTPAdapter that connects each request to `request.pinned_address`."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _DEADLINE_POOLS

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if isinstance(manager, ProxyManager):  # not SOCKS, whose pools are its own
            manager.pool_classes_by_scheme = _DEADLINE_POOLS
        return manager

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
        if select_proxy(request.url, proxies):
            return super().get_connection_with_tls_context(request, verify, proxies=proxies, cert=cert)
        address = getattr(request, "pinned_address", None)
        if address is None:
            raise Refused(f"refused: {request.url} was not checked by the fetch guard; fetch it with fetch()")
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(request, verify, cert)
        name = host_params["host"]
        host_params["host"] = address
        if host_params["scheme"] == "https":
            pool_kwargs["server_hostname"] = name
            pool_kwargs["assert_hostname"] = name
        return self.poolmanager.connection_from_host(**host_params, pool_kwargs=pool_kwargs)


def pinned_request(session: requests.Session, target: Target, address: str, headers: dict[str, str] | None,
                   method: str = "GET", data: bytes | None = None) -> requests.PreparedRequest:
    """A request (a GET, unless told) of `target` built from its parsed parts, to be connected to `address`."""
    prepared = session.prepare_request(requests.Request(method, target.url, headers=headers, data=data))
    prepared.headers["Host"] = target.authority
    prepared.pinned_address = address
    return prepared
