"""The fetch guard: one strict parse of each URL, every resolved address
checked, and the connection made to the address that was checked (issue 14,
item 3), on every redirect hop, through a proxy too."""

from __future__ import annotations

import socket
import socketserver
import ssl
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from archiver.fetch import FetchError, FetchPolicy, Refused, Unreachable, fetch, make_session, parse_url
from conftest import LocalServer, Route

TLS = Path(__file__).parent / "fixtures" / "tls"
PUBLIC_ADDRESS = "93.184.216.34"


def resolver(names: dict[str, list[str]], calls: list[str] | None = None):
    """A resolver stub knowing only `names`; records each lookup in `calls`."""
    def resolve(host: str, port: int) -> list[str]:
        if calls is not None:
            calls.append(host)
        if host not in names:
            raise Unreachable(f"cannot resolve host {host!r}")
        return names[host]
    return resolve


def policy(names: dict[str, list[str]], calls: list[str] | None = None, **options) -> FetchPolicy:
    options.setdefault("retries", 0)
    return FetchPolicy(resolve=resolver(names, calls), connect_timeout=2, read_timeout=2, total_timeout=5,
                       **options)


@contextmanager
def serving(host: str = "127.0.0.1", tls: bool = False):
    server = LocalServer(host)
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(TLS / "news.example.pem", TLS / "news.example.key")
        server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def port(server: LocalServer) -> int:
    return server.httpd.server_address[1]


# --- the bypass the probe found ---------------------------------------------------------------------

def test_a_backslash_before_an_at_sign_is_refused_and_nothing_is_requested(local_server):
    """Regression: urlsplit read `public.example` as the host, requests connected to 127.0.0.1."""
    local_server.routes["/x"] = Route(b"internal secret")
    url = f"http://127.0.0.1:{port(local_server)}\\@public.example/x"
    with pytest.raises(Refused) as refused:
        fetch(url, make_session(), policy({"public.example": [PUBLIC_ADDRESS]}))
    assert str(refused.value) == f"refused: {url!r} has a backslash in its host part; check the URL"
    assert local_server.requests == []


def test_a_redirect_to_a_backslash_url_is_refused_and_the_internal_server_sees_nothing():
    """Regression: the same bypass as a Location header; only 127.0.0.1 is allowed, the secret is on 127.0.0.2."""
    with serving("127.0.0.1") as front, serving("127.0.0.2") as internal:
        internal.routes["/secret"] = Route(b"internal secret")
        location = f"http://127.0.0.2:{port(internal)}\\@public.example/secret"
        front.routes["/go"] = Route(status=302, headers={"Location": location})
        with pytest.raises(Refused, match="has a backslash in its host part"):
            fetch(front.url("/go"), make_session(),
                  policy({"public.example": [PUBLIC_ADDRESS]}, allowed_networks=["127.0.0.1/32"]))
        assert (front.paths(), internal.requests) == (["/go"], [])


@pytest.mark.parametrize("url, reason", [
    ("http://user:pw@public.example/x", " has a user name or password (before '@') in its host part"),
    ("http://public.example%2e/x", " has a percent-encoded character in its host part"),
    ("http://pub lic.example/x", " has a space or control character in its host part"),
    ("http://public.example\t.evil/x", " has a space or control character in its host part"),
    ("http://[::1/x", " has an unclosed or misplaced '[' in its host"),
    ("http://[::1]x/", " has an unclosed or misplaced '[' in its host"),
    ("http://[nonsense]/x", ": 'nonsense' is not an IPv6 address"),
    ("http://::1/x", ": an IPv6 address must be written in brackets"),
    ("http://a..b/x", ": the host 'a..b' has an empty label ('..')"),
    (f"http://{'a' * 70}.example/x", ": the host has a label of 70 characters (at most 63)"),
    ("http://public.example:99999/x", ": the port '99999' is not a number from 1 to 65535"),
    ("http://public.example:0/x", ": the port '0' is not a number from 1 to 65535"),
    ("http://public.example:abc/x", ": the port 'abc' is not a number from 1 to 65535"),
    ("http://public.example:\uff18\uff10/x", ": the port '\uff18\uff10' is not a number from 1 to 65535"),
    ("http://pub!ic.example/x", ": the host 'pub!ic.example' has a character not allowed in host names"),
    ("http://1.2.3.4.5/x", ": the host '1.2.3.4.5' is neither a host name nor an IPv4 address"),
    ("http://a.09/x", ": the host 'a.09' is neither a host name nor an IPv4 address"),
    ("http:///x", " has no host name"),
])
def test_an_ambiguous_or_malformed_url_is_refused_with_its_reason(url, reason):
    """Regression: these raised ValueError (`Port out of range 0-65535`) and stopped the whole run,
    or (userinfo, backslash) let the guard and the connection read different hosts."""
    with pytest.raises(Refused) as refused:
        fetch(url, make_session(), policy({"public.example": [PUBLIC_ADDRESS]}))
    assert str(refused.value) == f"refused: {url!r}{reason}; check the URL"


def test_a_redirect_to_a_malformed_url_is_a_fetch_error_not_a_crash(local_server):
    local_server.routes["/go"] = Route(status=301, headers={"Location": "http://public.example:99999/x"})
    with pytest.raises(FetchError, match="the port '99999' is not a number from 1 to 65535"):
        fetch(local_server.url("/go"), make_session(), policy({}, allowed_networks=["127.0.0.1/32"]))


@pytest.mark.parametrize("host", ["127.1", "0x7f.0.0.1", "2130706433", "017700000001", "0x7f000001",
                                  "[::1]", "[::ffff:127.0.0.1]", "127.0.0.1.", "LOCALHOST"])
def test_every_loopback_spelling_is_refused(host):
    with pytest.raises(Refused, match=r"resolves to the internal address (127\.0\.0\.1|::1|::ffff:7f00:1)"):
        fetch(f"http://{host}/x", make_session(), FetchPolicy(retries=0))


def test_a_name_with_one_internal_address_among_public_ones_is_refused(local_server):
    names = {"news.example": [PUBLIC_ADDRESS, "10.1.2.3"]}
    with pytest.raises(Refused, match="news.example resolves to the internal address 10.1.2.3"):
        fetch("http://news.example/x", make_session(), policy(names))


def test_the_parsed_url_is_what_gets_requested():
    assert parse_url("  HTTP://News.Example:80/a b?q=ü#frag ").url == "http://news.example/a%20b?q=%C3%BC"
    assert parse_url("https://bücher.example").url == "https://xn--bcher-kva.example/"
    assert parse_url("http://[0:0::1]:8080/").url == "http://[::1]:8080/"


# --- the connection goes to the checked address -----------------------------------------------------

def test_the_connection_goes_to_the_checked_address_with_the_name_as_host_header(local_server):
    """The name resolves (once per hop, by the guard's resolver) to 127.0.0.1: the
    server there is reached, and it is asked for the name."""
    local_server.routes["/story"] = Route(b"<p>story</p>")
    calls: list[str] = []
    names = {"news.example": ["127.0.0.1"]}
    response = fetch(f"http://news.example:{port(local_server)}/story", make_session(),
                     policy(names, calls, allowed_networks=["127.0.0.1/32"]))
    assert (response.status, response.body, calls) == (200, b"<p>story</p>", ["news.example"])
    assert local_server.requests[0][1]["Host"] == f"news.example:{port(local_server)}"


def test_every_redirect_hop_is_resolved_checked_and_pinned(local_server):
    local_server.routes["/a"] = Route(status=302, headers={"Location": f"http://two.example:{port(local_server)}/b"})
    local_server.routes["/b"] = Route(b"arrived")
    calls: list[str] = []
    names = {"one.example": ["127.0.0.1"], "two.example": ["127.0.0.1"]}
    response = fetch(f"http://one.example:{port(local_server)}/a", make_session(),
                     policy(names, calls, allowed_networks=["127.0.0.1/32"]))
    assert (response.body, response.final_url, calls) == (
        b"arrived", f"http://two.example:{port(local_server)}/b", ["one.example", "two.example"])
    assert [headers["Host"].split(":")[0] for _, headers in local_server.requests] == ["one.example", "two.example"]


def test_a_redirect_to_a_name_that_resolves_internally_is_refused(local_server):
    local_server.routes["/a"] = Route(status=302, headers={"Location": "http://intranet.example/admin"})
    names = {"intranet.example": ["192.168.0.10"]}
    with pytest.raises(Refused, match="intranet.example resolves to the internal address 192.168.0.10"):
        fetch(local_server.url("/a"), make_session(), policy(names, allowed_networks=["127.0.0.1/32"]))


def test_tls_uses_the_name_for_sni_and_the_certificate_while_connecting_to_the_pinned_address(monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(TLS / "news.example.pem"))
    with serving(tls=True) as server:
        server.routes["/story"] = Route(b"over tls")
        names = {"news.example": ["127.0.0.1"], "other.example": ["127.0.0.1"]}
        local = policy(names, allowed_networks=["127.0.0.1/32"])
        response = fetch(f"https://news.example:{port(server)}/story", make_session(), local)
        assert (response.status, response.body) == (200, b"over tls")
        with pytest.raises(FetchError, match="TLS error"):  # the certificate is for news.example only
            fetch(f"https://other.example:{port(server)}/story", make_session(), local)


def test_when_the_first_checked_address_refuses_the_connection_the_next_one_is_tried(local_server):
    """Nothing listens on 127.0.0.2 at the server's port; 127.0.0.1 answers."""
    local_server.routes["/story"] = Route(b"second address")
    names = {"news.example": ["127.0.0.2", "127.0.0.1"]}
    response = fetch(f"http://news.example:{port(local_server)}/story", make_session(),
                     policy(names, allowed_networks=["127.0.0.0/8"]))
    assert response.body == b"second address"


def test_a_plain_requests_session_is_pinned_too(local_server):
    local_server.routes["/story"] = Route(b"story")
    response = fetch(f"http://news.example:{port(local_server)}/story", requests.Session(),
                     policy({"news.example": ["127.0.0.1"]}, allowed_networks=["127.0.0.1/32"]))
    assert response.body == b"story"


# --- through a proxy --------------------------------------------------------------------------------

def test_through_a_proxy_the_name_is_checked_first_and_the_proxy_connects(local_server, monkeypatch):
    """The LocalServer stands in for a forward proxy: it receives the absolute URL."""
    monkeypatch.setenv("HTTP_PROXY", local_server.url(""))
    monkeypatch.setenv("NO_PROXY", "")
    local_server.routes["http://news.example/story"] = Route(b"via the proxy")
    response = fetch("http://news.example/story", make_session(), policy({"news.example": [PUBLIC_ADDRESS]}))
    assert (response.status, response.body) == (200, b"via the proxy")
    with pytest.raises(Refused, match="intranet.example resolves to the internal address 10.0.0.5"):
        fetch("http://intranet.example/", make_session(), policy({"intranet.example": ["10.0.0.5"]}))
    assert local_server.paths() == ["http://news.example/story"]


def test_no_proxy_hosts_are_connected_directly_to_the_checked_address(local_server, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "news.example")
    local_server.routes["/story"] = Route(b"direct")
    response = fetch(f"http://news.example:{port(local_server)}/story", make_session(),
                     policy({"news.example": ["127.0.0.1"]}, allowed_networks=["127.0.0.1/32"]))
    assert response.body == b"direct"


def test_an_https_proxy_tunnel_reaches_the_name_after_the_guard_checked_it(monkeypatch):
    """A CONNECT proxy on 127.0.0.1 tunnels to the TLS stand-in server; the proxy is asked for the name."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(TLS / "news.example.pem"))
    with serving(tls=True) as server, connect_proxy({"news.example": port(server)}) as (proxy_url, asked):
        server.routes["/story"] = Route(b"tunnelled")
        monkeypatch.setenv("HTTPS_PROXY", proxy_url)
        monkeypatch.setenv("NO_PROXY", "")
        response = fetch(f"https://news.example:{port(server)}/story", make_session(),
                         policy({"news.example": [PUBLIC_ADDRESS]}))
        assert (response.body, asked) == (b"tunnelled", [f"news.example:{port(server)}"])


@contextmanager
def connect_proxy(ports: dict[str, int]):
    """A CONNECT-only proxy that tunnels a name to 127.0.0.1 on the port `ports` gives it."""
    asked: list[str] = []

    class Tunnel(socketserver.BaseRequestHandler):
        def handle(self):
            head = b""
            while b"\r\n\r\n" not in head:
                data = self.request.recv(4096)
                if not data:
                    return
                head += data
            target = head.split(b" ")[1].decode()
            asked.append(target)
            upstream = socket.create_connection(("127.0.0.1", ports[target.rsplit(":", 1)[0]]))
            self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            pipes = [threading.Thread(target=pipe, args=(a, b), daemon=True)
                     for a, b in ((self.request, upstream), (upstream, self.request))]
            for thread in pipes:
                thread.start()
            for thread in pipes:
                thread.join(10)

    def pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    proxy = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Tunnel)
    proxy.daemon_threads = True
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{proxy.server_address[1]}", asked
    finally:
        proxy.shutdown()
        proxy.server_close()
