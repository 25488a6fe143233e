"""Where things live in the archive's Datasette, and links that are safe to
show: everything shown from a post, an article or a note is untrusted."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from ...extract.posts import SHORT_LINK

LINK_REL = "noopener noreferrer nofollow"
# An http(s) URL written out in a post's text, up to whitespace or a closing quote/bracket.
_WRITTEN_URL = re.compile(r"https?://[^\s<>\"'\u201d\u2019]+", re.I)
_TRAILING = ".,;:!?)]}\u2026"


def row_path(database: str, table: str, key) -> str:
    return f"/{tilde_encode(database)}/{table}/{tilde_encode(str(key))}"


def account_id(platform: str | None, handle: str | None) -> str | None:
    """The accounts row of a post's author (store._upsert_account's key)."""
    return f"{platform}:{handle.lower()}" if platform and handle else None


def link(url: str | None, text=None) -> Markup:
    """A safe outbound link for an http(s) URL; anything else stays plain (escaped) text."""
    if not re.match(r"(?i)https?://", url or ""):
        return escape(url or "")
    return Markup('<a href="{}" rel="{}">{}</a>').format(url, LINK_REL, text or url)


def internal(path: str, text) -> Markup:
    """A link to a page of this archive (the path is ours, the text may not be)."""
    return Markup('<a href="{}">{}</a>').format(path, text)


def media_link(short: str) -> Markup:
    """A short link as printed (pic.twitter.com/CODE, t.co/CODE), linked to its https URL."""
    return link(short if short.lower().startswith("http") else f"https://{short}", short)


def linked_text(text: str | None) -> Markup:
    """Post text, escaped, with its http(s) URLs and media short links made
    (media or t.co) into safe links. Nothing else (javascript:, data:, markup) ever becomes one."""
    text = text or ""
    found = sorted([(m.start(), m.end(), "url") for m in _WRITTEN_URL.finditer(text)]
                   + [(m.start(), m.end(), "media") for m in SHORT_LINK.finditer(text)])
    parts, end = [], 0
    for start, stop, kind in found:
        if start < end:  # a media link inside a written URL
            continue
        if kind == "url":
            while stop > start and text[stop - 1] in _TRAILING:
                stop -= 1
        parts += [escape(text[end:start]), link(text[start:stop]) if kind == "url" else media_link(text[start:stop])]
        end = stop
    return Markup("").join([*parts, escape(text[end:])])


def same_origin_path(target: str | None) -> str | None:
    """`target` when it is a path on this server (/archive/posts/...), else None:
    a return URL must never send a reviewer to another site."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ord(c) < 0x21 or c == "\\" for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None
