"""Twitter/X: blockquote embeds, rendered iframes, AMP, CMS placeholders, status links."""

from __future__ import annotations

import re

from ..dates import parse_date
from ..plaintext import attributions
from ..posts import Post, PostRef, collapse, media_links, post_text
from ._html import has_class, lang_of, text_lines

NAME = "twitter"
HINTS = ("twitter.com/", "x.com/", "fxtwitter.com/", "vxtwitter.com/", "fixupx.com/",
         "platform.twitter.com/embed", "nitter.net/")
EMBEDS = {"<blockquote": ".//blockquote", "data-tweet-id": ".//*[@data-tweet-id]",
          "data-tweetid": ".//*[@data-tweetid]"}

_STATUS = re.compile(
    r"^(?:https?:)?(?://)?(?:www\.|mobile\.|m\.|[a-z]{2}\.)?"
    r"(?:twitter\.com|x\.com|fxtwitter\.com|vxtwitter\.com|fixupx\.com|fixvx\.com|nitter\.net)"
    r"/(?:#!/)?(?:i/web/|i/|(?P<handle>[A-Za-z0-9_]{1,20})/)?status(?:es)?/(?P<id>[0-9]{1,20})(?![0-9])",
    re.I,
)
_EMBED_IFRAME = re.compile(r"platform\.twitter\.com/embed/[^?#]*\?(?:[^#]*&)?id=([0-9]{1,20})(?![0-9])")
_EMBED_CLASSES = ("twitter-tweet", "twitter-video")


def canonical_url(post_id: str, handle: str | None) -> str:
    if handle:
        return f"https://twitter.com/{handle}/status/{post_id}"
    return f"https://twitter.com/i/web/status/{post_id}"


def _ref(post_id: str, handle: str | None = None) -> PostRef:
    return PostRef(NAME, post_id, canonical_url(post_id, handle), handle)


def match_url(url: str) -> PostRef | None:
    match = _STATUS.match(url)
    if match:
        return _ref(match.group("id"), match.group("handle"))
    match = _EMBED_IFRAME.search(url)
    if match:
        return _ref(match.group(1))
    return None


def parse_embed(element) -> Post | None:
    if element.tag == "blockquote":
        return _parse_blockquote(element)
    tweet_id = (element.get("data-tweet-id") or element.get("data-tweetid") or "").strip()
    if not tweet_id.isdigit():
        return None
    post = Post.from_ref(_ref(tweet_id))
    placeholder = element.find(".//blockquote")
    shown = _parse_blockquote(placeholder) if placeholder is not None else None
    if shown and shown.post_id in (None, tweet_id):
        shown.post_id, shown.url = post.post_id, shown.url or post.url
        return shown
    return post


def _status_refs(element) -> list[PostRef]:
    refs = []
    for link in element.iterfind(".//a[@href]"):
        match = _STATUS.match(link.get("href", "").strip())
        if match:
            refs.append(_ref(match.group("id"), match.group("handle")))
    return refs


def _parse_blockquote(element) -> Post | None:
    """A `blockquote.twitter-tweet`, or an unclassed blockquote that has the
    same shape (post text, `— Name (@handle)`, a status link on the date)."""
    embed_class = has_class(element, *_EMBED_CLASSES)
    refs = _status_refs(element)
    tweet_id = (element.get("data-tweet-id") or "").strip()
    if tweet_id.isdigit():
        refs.append(_ref(tweet_id))
    lines = text_lines(element)
    found = attributions(lines)
    if not embed_class and not (refs and found):
        return None
    attribution = found[-1] if found else None
    paragraphs = element.findall(".//p")
    if paragraphs:
        raw = " ".join(text_lines(p) for p in paragraphs)
    else:
        raw = attribution.text_before if attribution else lines
    text = post_text(raw)
    ref = refs[-1] if refs else None
    if not (ref or attribution or text):
        return None
    date_text = attribution.date_text if attribution else _date_link_text(element)
    post = Post(
        platform=NAME,
        post_id=ref.post_id if ref else None,
        url=ref.url if ref else None,
        handle=attribution.handle if attribution else (ref.handle if ref else None),
        author_name=attribution.name if attribution else None,
        date_text=date_text,
        date=parse_date(date_text, lang_of(element)),
        text=text,
        media=media_links(text),
    )
    return post


def _date_link_text(element) -> str | None:
    links = [a for a in element.iterfind(".//a[@href]") if _STATUS.match(a.get("href", "").strip())]
    return collapse(links[-1].text_content()) if links else None
