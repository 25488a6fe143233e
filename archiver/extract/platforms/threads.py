"""Threads: `blockquote.text-post-media` embeds and `threads.net/@user/post/CODE` links."""

from __future__ import annotations

import re

from ..posts import Post, PostRef
from ._html import permalink_ref

NAME = "threads"
HINTS = ("threads.net/", "threads.com/")
EMBEDS = {"text-post-media": ".//blockquote[contains(@class, 'text-post-media')]"}

_POST = re.compile(
    r"^(?:https?:)?(?://)?(?:www\.)?threads\.(?:net|com)/(?:@(?P<handle>[A-Za-z0-9_.]{1,30})/post|t)"
    r"/(?P<id>[A-Za-z0-9_-]{5,64})",  # /t/CODE: the share link, which names no account
    re.I,
)


def match_url(url: str) -> PostRef | None:
    match = _POST.match(url)
    if not match:
        return None
    handle, code = match.group("handle"), match.group("id")
    url = f"https://www.threads.net/@{handle}/post/{code}" if handle else f"https://www.threads.net/t/{code}"
    return PostRef(NAME, code, url, handle)


def parse_embed(element) -> Post | None:
    ref = permalink_ref(element, "data-text-post-permalink", match_url)
    return Post.from_ref(ref) if ref else None
