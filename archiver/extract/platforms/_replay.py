"""Copies of a page rewrite its links, and the rewritten link still names the post.

Web archives replay a page with every link pointing into the archive:
Wayback-style archives (the Internet Archive, Archive-It, pywb, arquivo.pt)
as `https://web.archive.org/web/20210707120000/https://twitter.com/...`, written
root-relative (`/web/...`) on their own pages and with a modifier after the
timestamp (`if_`, `im_`, `id_`); archive.today as `https://archive.ph/o/CODE/https://...`.
A wget mirror writes a relative path into a folder named after the host
(`../../twitter.com/...`). Old captures and hand-written pages write hosts
with a default port, in capitals or with the root's dot (`http://twitter.com:80/`,
`TWITTER.COM`, `twitter.com.`), all the same host.

The archive's own links are none of these: its lists of captures
(`/web/*/...`, `/web/2021*/...`) and `/save/...` carry no timestamp of a copy.
"""

from __future__ import annotations

import re

# The timestamp segment of a replay URL (4 to 14 digits, a modifier), followed by the original URL.
_WAYBACK = re.compile(r"/\d{4,14}(?:[a-z]{2}_)?/(?=(?:https?:)?/{0,2}[a-z0-9-]+(?:\.[a-z0-9-]+)+[:/])", re.I)
_ARCHIVE_TODAY = re.compile(r"^(?:https?:)?//archive\.(?:ph|today|is|li|vn|md|fo)/o/[A-Za-z0-9]+/", re.I)
_MIRROR = re.compile(r"^(?:\.\./)+(?=[a-z0-9-]+(?:\.[a-z0-9-]+)+/)", re.I)
_HOST = re.compile(r"^((?:https?:)?//)?([^/?#]+)")
_HOST_CHARS = 64  # a scheme and a host fit in this many characters
_DEFAULT_PORT = re.compile(r":(?:80|443)$")


def original_url(url: str) -> str | None:
    """The URL a rewritten link stands for, or None when `url` is not one. Asked of
    every link an embed holds and every URL no platform reads: each form is
    searched only when the URL holds what it starts with."""
    if url.startswith("../"):
        found = _MIRROR.match(url)
        if found:
            return url[found.end():]
    if "archive." in url:
        found = _ARCHIVE_TODAY.match(url)
        if found:
            return url[found.end():]
    if "/web/" in url or url.count("//") > 1:  # a Wayback-style replay holds a second URL
        found = _WAYBACK.search(url)
        if found:
            return url[found.end():]
    return _normal_host(url)


def unwrapped(url: str) -> str:
    """`url` with every rewriting undone (an archive's copy of a mirror's link too)."""
    original = original_url(url)
    while original is not None:
        url, original = original, original_url(original)
    return url


def _normal_host(url: str) -> str | None:
    """`url` with its host lowercased, without a default port or a trailing dot; None if it has none of them."""
    start = url[:_HOST_CHARS]
    if start == start.lower() and ":" not in url[8:_HOST_CHARS] and "./" not in start:
        return None  # nothing to normalize, told without a regex (asked of every link an embed holds)
    found = _HOST.match(url)
    if found is None:
        return None
    scheme, host = found.groups()
    if not host.endswith((".", ":80", ":443")) and host == host.lower():
        return None
    normal = _DEFAULT_PORT.sub("", host).lower().rstrip(".")
    if normal == host:
        return None
    return (scheme or "") + normal + url[found.end():]
