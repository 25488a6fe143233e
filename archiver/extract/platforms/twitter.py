"""Twitter/X: blockquote embeds, rendered iframes, AMP, CMS placeholders, status links."""

from __future__ import annotations

import json
import re

import lxml.html
from lxml import etree

from ..dates import parse_date
from ..plaintext import HANDLE, attributions
from ..posts import Post, PostRef, collapse, media_links, post_text, without_surrogates
from ._html import has_class, lang_of, text_lines, url_of

NAME = "twitter"
HINTS = ("twitter.com/", "x.com/", "fxtwitter.com/", "vxtwitter.com/", "fixupx.com/",
         "platform.twitter.com/embed", "nitter.net/")
EMBEDS = {"<blockquote": ".//blockquote", "data-tweet-id": ".//@data-tweet-id/..",
          "data-tweetid": ".//@data-tweetid/..", "data-attrs": ".//div[@data-attrs]",
          # Consent placeholders that load the tweet once the reader agrees: tarteaucitron's
          # div.twitterembed-canvas[tweetid] (French sites), Heise's <embetty-tweet status>.
          "tweetid": ".//@tweetid/..", "embetty-tweet": ".//embetty-tweet[@status]"}
# Where placeholders write the tweet's id (or its whole status URL).
_ID_ATTRIBUTES = ("data-tweet-id", "data-tweetid", "tweetid")
_EMBED_CLASSES = ("twitter-tweet", "twitter-video")
# A site's own name for its embed's blockquote or figure ("nojs-tweet", "element-tweet"): a tweet,
# not a quotation that may end in a copied post.
_TWEET_CLASS = re.compile(r"(?:^|[\s_-])tweet(?:$|[\s_-])", re.I)
# A blockquote is a post by its class, or by a status link and an attribution (a post URL).
EMBED_NEEDS = {"<blockquote": _EMBED_CLASSES}
# Twitter's embed code with its class stripped (by a sanitiser, a feed): the post's text is one
# <p lang="..." dir="..."> first in the blockquote (a quotation of several is a CMS's, writing every <p> so).
_EMBED_CODE_TEXT = etree.XPath("boolean(*[1][self::p][@lang and @dir]) and count(p) = 1")
_PRINTED_DATES = etree.XPath(".//*[contains(@class, 'date')]")  # a site-rendered card's date

_STATUS = re.compile(
    r"^(?:https?:)?(?://)?(?:www\.|mobile\.|m\.|[a-z]{2}\.)?"
    r"(?:twitter\.com|x\.com|fxtwitter\.com|vxtwitter\.com|fixupx\.com|fixvx\.com|nitter\.net)"
    r"/(?:#!/)?(?:i/web/|i/|(?P<handle>[A-Za-z0-9_]{1,20})/)?status(?:es)?/(?P<id>[0-9]{1,20})(?![0-9])",
    re.I,
)
_EMBED_IFRAME = re.compile(r"platform\.twitter\.com/embed/[^?#]*\?(?:[^#]*&)?id=([0-9]{1,20})(?![0-9])")
# "— Name (@handle)" closing an embed whose date is missing or not a date.
_UNDATED_ATTRIBUTION = re.compile(r"(?:^|\s)(?:\u2014|\u2013|--)(?=[^\n\u2014\u2013]{0,80}\(@[A-Za-z0-9_]{1,15}\))")


def canonical_url(post_id: str, handle: str | None) -> str:
    if handle:
        return f"https://twitter.com/{handle}/status/{post_id}"
    return f"https://twitter.com/i/web/status/{post_id}"


def _ref(post_id: str, handle: str | None = None) -> PostRef:
    post_id = post_id.lstrip("0") or "0"  # status/0042 is status/42: ids are numbers
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
    if element.get("data-attrs") is not None:
        return _parse_card(element)
    if element.tag in ("a", "button", "input"):
        return None  # a Retweet or Like button carrying the id; a link to the post is read by its href
    names = ("status",) if element.tag == "embetty-tweet" else _ID_ATTRIBUTES
    tweet_id = next((element.get(name) for name in names if element.get(name)), "").strip()
    # amp-twitter and some CMSs put the whole status URL where the id belongs; Twitter's own
    # markup, saved with a page, names the account beside the id.
    ref = _ref(tweet_id, _screen_name(element)) if tweet_id.isdigit() else match_url(tweet_id)
    if not ref:
        return None
    tweet_id = ref.post_id
    post = Post.from_ref(ref)
    if ref.handle and element.get("data-name"):
        post.author_name = _string(element.get("data-name"))
    placeholder = element.find(".//blockquote")
    shown = _parse_blockquote(placeholder) if placeholder is not None else None
    if shown and shown.post_id in (None, tweet_id):
        shown.post_id, shown.url = post.post_id, shown.url or post.url
        return shown
    return post


def _screen_name(element) -> str | None:
    """The handle Twitter's markup writes beside a tweet's id (`data-screen-name`)."""
    name = (element.get("data-screen-name") or "").strip()
    return name if re.fullmatch(HANDLE, name) else None


def _parse_card(element) -> Post | None:
    """A tweet card the site renders itself from the tweet's data (Substack's
    `div.tweet[data-attrs]`): its JSON names the post, the card prints the date."""
    try:
        data = json.loads(element.get("data-attrs"))
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python reads
        return None
    ref = match_url(str(data.get("url") or "")) if isinstance(data, dict) else None
    if not ref:
        return None
    post = Post.from_ref(ref)
    post.handle = _string(data.get("username")) or ref.handle
    post.author_name = _string(data.get("name"))
    post.text = post_text(_markup_text(_string(data.get("full_text"))))
    post.media = media_links(post.text)
    printed = _PRINTED_DATES(element)
    post.date_text = collapse(printed[0].text_content()) if printed else _string(data.get("date"))
    post.date = parse_date(post.date_text, lang_of(element)) or parse_date(_string(data.get("date")))
    return post


def _markup_text(value: str | None) -> str | None:
    """The text of a card's `full_text`, which may carry the card's own markup."""
    if not value or "<" not in value:
        return value
    # Parsed as a document's body, which takes any text (fragment_fromstring refuses a
    # control character and asserts on a value holding "<html>").
    return lxml.html.document_fromstring(f"<div>{value}</div>").text_content()


def _string(value) -> str | None:
    return collapse(without_surrogates(value)) if isinstance(value, str) else None


def _status_refs(element) -> list[PostRef]:
    refs = []
    for link in element.iterfind(".//a[@href]"):
        match = _STATUS.match(url_of(link))
        if match:
            refs.append(_ref(match.group("id"), match.group("handle")))
    return refs


def _parse_blockquote(element) -> Post | None:
    """A `blockquote.twitter-tweet` (or one a site names a tweet, holding a status
    link), or an unclassed blockquote that has the same shape (post text,
    `— Name (@handle)`, a status link on the date)."""
    refs = _status_refs(element)
    tweet_id = (element.get("data-tweet-id") or "").strip()
    if tweet_id.isdigit():
        refs.append(_ref(tweet_id))
    embed_class = has_class(element, *_EMBED_CLASSES) or bool(refs) and (any(
        _TWEET_CLASS.search(node.get("class") or "") for node in (element, element.getparent()) if node is not None)
        or _EMBED_CODE_TEXT(element))
    if not (embed_class or refs):
        return None  # a quotation: its text is not read
    if not embed_class and element.find(".//blockquote") is not None:
        return None  # a quotation around an embed, which is read on its own
    lines = text_lines(element)
    found = attributions(lines)
    if not embed_class and not found:
        return None
    attribution = found[-1] if found else None
    # An embed's text is everything before the final attribution, however it wraps it
    # (one <p>, several <p> split by WordPress, or none); an unclassed blockquote may
    # be a quotation that ends in a copied post: only the lines of that post are its text.
    if attribution:
        text = post_text(lines[:attribution.start] if embed_class else attribution.text_before)
    else:
        text = post_text(_without_undated_attribution(lines))
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


def _without_undated_attribution(lines: str) -> str:
    """The text without the `— Name (@handle)` its last line opens with, the rest of that line
    with it; the dashes are tried on that line only, each looking 80 characters ahead."""
    text = lines.rstrip()
    last_line = max(text.rfind("\n"), 0)
    found = _UNDATED_ATTRIBUTION.search(text, last_line)
    return text[:found.start()] if found else lines


def _date_link_text(element) -> str | None:
    links = [a for a in element.iterfind(".//a[@href]") if _STATUS.match(url_of(a))]
    return collapse(links[-1].text_content()) if links else None
