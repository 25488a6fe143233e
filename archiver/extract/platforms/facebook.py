"""Facebook: `fb-post`/`fb-video` placeholders, plugin iframes, post/video/photo links.

The SDK's placeholder carries the post URL in `data-href` and, when the site
pasted the whole embed code, a fallback blockquote: the post text in `<p>`s,
then "Posted by <Name> on <date>" (two links, in the embed's language).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from ..dates import parse_date
from ..posts import Post, PostRef, collapse, post_text
from ._html import lang_of, text_lines, url_of

NAME = "facebook"
HINTS = ("facebook.com/", "fb.watch/", "fb.com/")
EMBEDS = {marker: f".//div[contains(concat(' ', normalize-space(@class), ' '), ' {marker} ')]"
          for marker in ("fb-post", "fb-video")}

_HOST = r"^(?:https?:)?(?://)?(?:(?:www|m|web|mbasic)\.)?(?:facebook|fb)\.com/"
_PATH_POST = re.compile(
    _HOST + r"(?:(?P<page>[A-Za-z0-9.\-]{1,80})/(?:posts|videos|photos(?:/[A-Za-z0-9.]+)?)"
    r"|groups/(?P<group>[A-Za-z0-9.\-]+)/(?:posts|permalink)|reel|share/[pvr])"
    r"/(?:[^/?#\s]*/)?(?P<id>pfbid[A-Za-z0-9]+|[0-9]{5,25})(?![A-Za-z0-9])",
    re.I,
)
_SHARE = re.compile(_HOST + r"share/[pvr]/(?P<id>[A-Za-z0-9]{6,40})", re.I)
_QUERY_POST = re.compile(_HOST + r"(?:permalink\.php|story\.php|photo\.php|video\.php|photo/?|watch/?|watch/live/?)(?:\?|$)", re.I)
_PLUGIN = re.compile(_HOST + r"plugins/(?:post|video)\.php\?", re.I)
_FB_WATCH = re.compile(r"^(?:https?://)?fb\.watch/(?P<id>[A-Za-z0-9_-]{4,20})", re.I)


def _ref(post_id: str, owner: str | None, url: str) -> PostRef:
    return PostRef(NAME, post_id, url, owner)


def match_url(url: str) -> PostRef | None:
    if _PLUGIN.match(url):
        target = parse_qs(urlsplit(url).query).get("href", [""])[0]
        return match_url(target) if target and not _PLUGIN.match(target) else None
    match = _PATH_POST.match(url) or _SHARE.match(url)
    if match:
        groups = match.groupdict()
        owner = groups.get("page") or groups.get("group")
        clean = urlsplit(url if "//" in url else "https://" + url.lstrip("/"))
        return _ref(match.group("id"), owner, f"https://www.facebook.com{clean.path}".rstrip("/"))
    if _QUERY_POST.match(url):
        query = parse_qs(urlsplit(url if "//" in url else "https://" + url).query)
        post_id = (query.get("story_fbid") or query.get("fbid") or query.get("v") or [None])[0]
        if post_id and re.fullmatch(r"pfbid[A-Za-z0-9]+|[0-9]{5,25}", post_id):
            owner = (query.get("id") or [None])[0]
            return _ref(post_id, owner, url.split("#")[0])
    match = _FB_WATCH.match(url)
    if match:
        return _ref(match.group("id"), None, f"https://fb.watch/{match.group('id')}/")
    return None


def parse_embed(element) -> Post | None:
    ref = match_url(url_of(element, "data-href"))
    if not ref:
        return None
    post = Post.from_ref(ref)
    quote = element.find(".//blockquote")
    if quote is None:
        return post
    paragraphs = quote.findall(".//p")
    byline = _byline(quote, paragraphs)
    if byline:
        post.author_name, post.date_text, where = byline
        post.date = parse_date(post.date_text, lang_of(element)) if post.date_text else None
        if where is not quote:
            paragraphs.remove(where)
    post.text = post_text(" ".join(text_lines(p) for p in paragraphs))  # a <br> is a space
    return post


def _byline(quote, paragraphs) -> tuple[str | None, str | None, object] | None:
    """(name, date, where) of the fallback's "Posted by <Name> on <date>", written
    in the blockquote itself (the SDK's embed code) or in its last paragraph. The
    name links to the page; the date is a link to the post or, on videos, the text
    after the name."""
    scopes = [(quote, [a for a in quote if a.tag == "a"])]
    if paragraphs and len(paragraphs[-1].findall(".//a")) >= 2:
        scopes.append((paragraphs[-1], paragraphs[-1].findall(".//a")))
    for where, links in scopes:
        pages = [i for i, link in enumerate(links) if not match_url(url_of(link))]
        if pages:
            name, after = links[pages[0]], links[pages[0] + 1:]
            date = after[0].text_content() if after else _after_word(name.tail)
            return collapse(name.text_content()), collapse(date), where
    return None


def _after_word(text: str | None) -> str | None:
    """A date written after a word ("on Friday, December 5, 2014"): what follows the word."""
    words = (text or "").split(None, 1)
    return words[1] if len(words) == 2 else None
