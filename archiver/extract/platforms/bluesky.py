"""Bluesky: `blockquote.bluesky-embed`, the `embed.bsky.app` iframes its script renders
it into, and `bsky.app/profile/ACTOR/post/KEY` links."""

from __future__ import annotations

import re

from ..dates import parse_date
from ..posts import Post, PostRef, collapse, media_links, post_text
from ._html import lang_of, text_lines, url_of

NAME = "bluesky"
HINTS = ("bsky.app/", "at://")
EMBEDS = {"bluesky-embed": ".//blockquote[contains(@class, 'bluesky-embed')]"}

_WEB = re.compile(
    r"^(?:https?://)?(?:www\.)?bsky\.app/profile/(?P<actor>[A-Za-z0-9.:_-]{3,253})/post/(?P<key>[a-z0-9]{6,20})",
    re.I,
)
_AT = re.compile(r"^at://(?P<actor>[A-Za-z0-9.:_-]{3,253})/app\.bsky\.feed\.post/(?P<key>[a-z0-9]{6,20})", re.I)
_FRAME = re.compile(
    r"^(?:https?:)?//embed\.bsky\.app/embed/(?P<actor>[A-Za-z0-9.:_-]{3,253})/app\.bsky\.feed\.post/(?P<key>[a-z0-9]{6,20})",
    re.I,
)
# What the embed code prints where the post shows its images or a linked card.
_MEDIA_PLACEHOLDER = "[image or embed]"
# A display name is at most 64 characters: bounded, a line of dashes is not searched to its end from each.
_AUTHOR = re.compile(r"(?:^|\s)(?:\u2014|\u2013|--)\s*(?P<name>[^\n]{0,80}?)\s*\(@(?P<handle>[A-Za-z0-9.:_-]+)\)")


def _ref(actor: str, key: str) -> PostRef:
    handle = None if actor.startswith("did:") else actor
    return PostRef(NAME, f"{actor}/{key}", f"https://bsky.app/profile/{actor}/post/{key}", handle)


def citation_key(post_id: str) -> str:
    """The record key: an article cites one post by its author's DID (embeds) and handle (links)."""
    return post_id.rsplit("/", 1)[-1]


def match_url(url: str) -> PostRef | None:
    match = _WEB.match(url) or _AT.match(url) or _FRAME.match(url)
    return _ref(match.group("actor"), match.group("key")) if match else None


def parse_embed(element) -> Post | None:
    ref = None
    links = [a for a in element.iterfind(".//a[@href]") if _WEB.match(url_of(a))]
    if links:
        ref = match_url(url_of(links[-1]))
    ref = ref or match_url(url_of(element, "data-bluesky-uri"))
    if not ref:
        return None
    post = Post.from_ref(ref)
    paragraphs = element.findall(".//p")
    text = " ".join(text_lines(p) for p in paragraphs)
    post.text = post_text(_without_media_placeholder(text)) if paragraphs else None
    post.media = media_links(post.text)
    author = _AUTHOR.search(text_lines(element))
    if author:
        post.author_name = collapse(author.group("name"))
        post.handle = post.handle or author.group("handle")
    if links:
        post.date_text = collapse(links[-1].text_content())
        post.date = parse_date(post.date_text, lang_of(element))
    return post


def _without_media_placeholder(text: str) -> str:
    """The text without the "[image or embed]" Bluesky's embed ends it with for an attachment."""
    text = text.rstrip()
    return text[:-len(_MEDIA_PLACEHOLDER)] if text.endswith(_MEDIA_PLACEHOLDER) else text
