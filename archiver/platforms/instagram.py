"""Instagram: `blockquote.instagram-media` embeds and post/reel links."""

from __future__ import annotations

import re

from ..dates import parse_date
from ..posts import Post, PostRef, collapse, post_text
from ._html import lang_of

NAME = "instagram"
HINTS = ("instagram.com/", "instagr.am/")
EMBEDS = {"instagram-media": ".//blockquote[contains(@class, 'instagram-media')]"}

_POST = re.compile(
    r"^(?:https?:)?(?://)?(?:www\.)?(?:instagram\.com|instagr\.am)/"
    r"(?:[A-Za-z0-9_.]{1,30}/)?(?:p|reel|reels|tv)/(?P<id>[A-Za-z0-9_-]{5,64})",
    re.I,
)
_SHARED_BY = re.compile(r"shared by\s+(?P<name>.*?)\s*\(@(?P<handle>[A-Za-z0-9_.]{1,30})\)", re.I)
_BOILER = re.compile(r"^(?:view this (?:post|profile) on instagram|a post shared by.*)$", re.I)


def _ref(code: str) -> PostRef:
    return PostRef(NAME, code, f"https://www.instagram.com/p/{code}/")


def match_url(url: str) -> PostRef | None:
    match = _POST.match(url)
    return _ref(match.group("id")) if match else None


def parse_embed(element) -> Post | None:
    ref = match_url(element.get("data-instgrm-permalink") or "")
    if not ref:
        for link in element.iterfind(".//a[@href]"):
            ref = match_url(link.get("href"))
            if ref:
                break
    if not ref:
        return None
    post = Post.from_ref(ref)
    whole = collapse(element.text_content()) or ""
    shared = _SHARED_BY.search(whole)
    if shared:
        post.handle = shared.group("handle")
        post.author_name = collapse(shared.group("name")) or None
    time = element.find(".//time")
    if time is not None:
        post.date_text = collapse(time.text_content())
        post.date = parse_date(time.get("datetime") or post.date_text, lang_of(element))
    captions = [collapse(p.text_content()) for p in element.iterfind(".//p")]
    captions = [c for c in captions if c and not _BOILER.match(c) and "shared by" not in c.lower()]
    post.text = post_text(" ".join(captions)) if captions else None
    return post
