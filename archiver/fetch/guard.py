"""The fetch guard: one strict parse of each URL, the addresses its host
resolves to, and the refusal of internal ones.

The request is then built from the parsed parts and connected to an address
checked here (see `pinned.py`), so the host the guard checked is the host the
connection reaches: no second parser (requests', urllib3's, the resolver's)
gets to read the URL differently.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING

import idna

from .errors import Refused, Unreachable

if TYPE_CHECKING:
    from .policy import FetchPolicy

DEFAULT_PORTS = {"http": 80, "https": 443}
_AMBIGUOUS = {"\\": "a backslash", "@": "a user name or password (before '@')",
              "%": "a percent-encoded character"}
_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_PORT = re.compile(r"[0-9]{1,5}")
_LABEL = re.compile(r"[a-z0-9_-]+")
_NUMERIC = re.compile(r"0x[0-9a-f]*|[0-9]+")  # a last label like this makes the host an IPv4 address


@dataclass(frozen=True)
class Target:
    """A URL as the fetcher reads it, and the checked addresses of its host."""

    scheme: str
    host: str  # an ASCII host name or an IP address, without brackets
    port: int
    path: str  # path and query, percent-encoded
    addresses: tuple[str, ...] = ()

    @property
    def authority(self) -> str:
        """Host and port as the URL and the Host header write them."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.authority}{self.path}"


def resolve_host(host: str, port: int) -> list[str]:
    """The addresses a host name resolves to (the system resolver)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise Unreachable(f"cannot resolve host {host!r} ({reason}); check the URL and the network")
    return [info[4][0].split("%")[0] for info in infos]


def check_url(url: str, policy: "FetchPolicy") -> Target:
    """Parse `url` strictly and resolve its host once; refuse it when any
    address is internal (unless the policy allows that network)."""
    target = parse_url(url)
    if _is_ip(target.host):
        addresses = [target.host]
    else:
        addresses = list(dict.fromkeys((policy.resolve or resolve_host)(target.host, target.port)))
        if not addresses:
            raise Unreachable(f"cannot resolve host {target.host!r} (no addresses); check the URL and the network")
    for text in addresses:
        address = ipaddress.ip_address(text.split("%")[0])
        if _internal(address) and not policy.allows(address):
            raise Refused(
                f"refused: {target.host} resolves to the internal address {address}; "
                "allow it with --allow-network or allowed_networks in the config if this is intended")
    return Target(target.scheme, target.host, target.port, target.path, tuple(addresses))


def parse_url(url: str) -> Target:
    """The parts of an http(s) URL, or Refused naming what is wrong or ambiguous in it."""
    text = url.strip(" \t\r\n\f")
    scheme, separator, rest = text.partition("://")
    scheme = scheme.lower()
    if not separator or scheme not in DEFAULT_PORTS:
        shown = scheme if separator and scheme else "a bare path"
        raise Refused(f"refused: only http and https URLs are fetched, not {shown!r}")
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:end], rest[end:]
    for character, what in _AMBIGUOUS.items():
        if character in authority:
            raise Refused(f"refused: {url!r} has {what} in its host part; check the URL")
    if _SPACE_OR_CONTROL.search(authority):
        raise Refused(f"refused: {url!r} has a space or control character in its host part; check the URL")
    host, port = _split_port(url, authority, DEFAULT_PORTS[scheme])
    from requests.utils import requote_uri  # imported here: policies and local files need no HTTP client

    path = tail.split("#", 1)[0]
    path = requote_uri(path if path.startswith("/") else "/" + path)
    return Target(scheme, host, port, path)


def _split_port(url: str, authority: str, default_port: int) -> tuple[str, int]:
    if authority.startswith("["):
        inside, bracket, after = authority[1:].partition("]")
        if not bracket or (after and not after.startswith(":")):
            raise Refused(f"refused: {url!r} has an unclosed or misplaced '[' in its host; check the URL")
        try:
            host = str(ipaddress.IPv6Address(inside))
        except ValueError:
            raise Refused(f"refused: {url!r}: {inside!r} is not an IPv6 address; check the URL")
        port_text = after[1:] if after else ""
    else:
        host, colon, port_text = authority.rpartition(":") if ":" in authority else (authority, "", "")
        if ":" in host or "[" in authority or "]" in authority:
            raise Refused(f"refused: {url!r}: an IPv6 address must be written in brackets; check the URL")
        host = _host_name(url, host)
    if not port_text:
        return host, default_port
    if not _PORT.fullmatch(port_text) or not 0 < int(port_text) < 65536:
        raise Refused(f"refused: {url!r}: the port {port_text!r} is not a number from 1 to 65535; check the URL")
    return host, int(port_text)


def _host_name(url: str, host: str) -> str:
    """A host name in ASCII (IDNA for international names), or an IPv4 address
    for hosts the WHATWG URL standard reads as one (`127.1`, `0x7f.0.0.1`)."""
    if not host:
        raise Refused(f"refused: {url!r} has no host name; check the URL")
    host = host.lower()
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError) as error:
            raise Refused(f"refused: {url!r}: the host is not a valid international name ({error}); check the URL")
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    if _NUMERIC.fullmatch(labels[-1]):
        return _ipv4(url, labels)
    for label in labels:
        if not label:
            raise Refused(f"refused: {url!r}: the host {host!r} has an empty label ('..'); check the URL")
        if len(label) > 63:
            raise Refused(f"refused: {url!r}: the host has a label of {len(label)} characters (at most 63); "
                          "check the URL")
        if not _LABEL.fullmatch(label):
            raise Refused(f"refused: {url!r}: the host {host!r} has a character not allowed in host names; "
                          "check the URL")
    if len(host) > 253:
        raise Refused(f"refused: {url!r}: the host name is longer than 253 characters; check the URL")
    return ".".join(labels)


def _ipv4(url: str, labels: list[str]) -> str:
    """The IPv4 address a numeric host means (decimal, 0x hex or 0-octal parts,
    the last filling the remaining bytes), as browsers read it."""
    numbers = [_number(label) for label in labels]
    if len(labels) > 4 or None in numbers or any(n > 255 for n in numbers[:-1]) \
            or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise Refused(f"refused: {url!r}: the host {'.'.join(labels)!r} is neither a host name nor an "
                      "IPv4 address; check the URL")
    value = numbers[-1] + sum(n << (8 * (3 - i)) for i, n in enumerate(numbers[:-1]))
    return str(ipaddress.IPv4Address(value))


def _number(label: str) -> int | None:
    try:
        if label.startswith("0x"):
            return int(label[2:] or "0", 16)
        if len(label) > 1 and label.startswith("0"):
            return int(label[1:], 8)
        return int(label)
    except ValueError:
        return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def _internal(address) -> bool:
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    return (address.is_private or address.is_loopback or address.is_link_local or address.is_reserved
            or address.is_multicast or address.is_unspecified or not address.is_global)
