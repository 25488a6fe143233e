"""TikTok: `blockquote.tiktok-embed`, `amp-tiktok`, its embed-player iframes and `/@user/video/ID` links."""

from __future__ import annotations

import re

from lxml import etree

from ..posts import Post, PostRef, collapse, post_text
from ._html import url_of

NAME = "tiktok"
HINTS = ("tiktok.com/",)
EMBEDS = {"tiktok-embed": ".//blockquote[contains(@class, 'tiktok-embed')]",
          "amp-tiktok": ".//amp-tiktok[@data-src]"}

_VIDEO = re.compile(
    r"^(?:https?:)?(?://)?(?:(?:www|m)\.)?tiktok\.com/"
    r"(?:@(?P<handle>[A-Za-z0-9_.]{1,30})/(?:video|photo)/|embed/(?:v2/)?|player/v1/|v/|share/video/)(?P<id>[0-9]{8,25})",
    re.I,
)
# The caption: the section's own text, its hashtag and mention links, its paragraphs; not the
# author link that opens the section, nor the sound link that closes it (both written outside <p>).
_CAPTION_TEXTS = etree.XPath(
    "./text() | ./p//text()"
    " | ./a[not(contains(@href, '/music/'))][not(starts-with(@title, '@')) or preceding-sibling::a]//text()")


def _ref(video_id: str, handle: str | None) -> PostRef:
    url = (f"https://www.tiktok.com/@{handle}/video/{video_id}" if handle
           else f"https://www.tiktok.com/embed/v2/{video_id}")
    return PostRef(NAME, video_id, url, handle)


def match_url(url: str) -> PostRef | None:
    match = _VIDEO.match(url)
    return _ref(match.group("id"), match.group("handle")) if match else None


def parse_embed(element) -> Post | None:
    # amp-tiktok names its video in data-src, by id or by the video's URL.
    ref = match_url(url_of(element, "cite") or url_of(element, "data-src"))
    video_id = (element.get("data-video-id") or element.get("data-src") or "").strip()
    if not ref and video_id.isdigit():
        ref = _ref(video_id, None)
    if not ref:
        return None
    post = Post.from_ref(ref)
    section = element.find(".//section")
    if section is not None:
        author = section.find(".//a[@title]")
        if author is not None and (author.get("title") or "").startswith("@"):
            post.handle = post.handle or author.get("title")[1:]
        parts = [collapse(node) for node in _CAPTION_TEXTS(section)]
        post.text = post_text(" ".join(p for p in parts if p))
    return post
