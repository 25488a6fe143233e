"""The article record: canonical URL, title, site, language, published date."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin, urlsplit

from lxml import etree

from .dates import parse_date
from .posts import collapse
from .regions import in_article

_META_DATES = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "date", "dc.date.issued", "dc.date", "dcterms.created", "dcterms.issued",
    "parsely-pub-date", "sailthru.date", "citation_publication_date", "article.published",
    "original-publish-date",
)
_DATELINE = re.compile(
    r"^\s*(?:date[d]?|published(?:\s+on)?|posted(?:\s+on)?|updated(?:\s+on)?)\s*:?\s*"
    r"(\d{4}-\d{2}-\d{2}|[A-Z][a-z]+\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]+ \d{4})",
    re.I | re.M,
)


# By the attribute axis: a test of each element's attributes walks the tree twice as slowly.
_DATE_PUBLISHED = etree.XPath("//@itemprop[. = 'datePublished']/..")


def _head(doc):
    head = doc.find("head")
    return head if head is not None else doc


def _meta(head) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in head.iterfind(".//meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        value = (node.get("content") or "").strip()
        if key and value and key not in found:
            found[key] = value
    return found


# XHTML-minded CMSs wrap the JSON in a CDATA section, as a comment or not
# (`<![CDATA[ {...} ]]>`, `//<![CDATA[ ... //]]>`): in HTML the markers are the
# script's text, which JSON consumers skip (16 of 210 real pages' scripts).
_CDATA_OPENING = re.compile(r"\s*(?://|/\*)?\s*<!\[CDATA\[(?:\s*\*/)?")
_CDATA_CLOSING = re.compile(r"(?://|/\*)?\s*\]\]>(?:\s*\*/)?\Z")


def _script_json(text: str) -> str:
    """A JSON script's text without the CDATA markers around it."""
    opening = _CDATA_OPENING.match(text)
    if not opening:
        return text
    text = text[opening.end():].rstrip()
    closing = _CDATA_CLOSING.search(text, max(0, len(text) - 16))
    return text[:closing.start()] if closing else text


def _json_ld(doc, markup: bytes) -> list[dict]:
    items: list[dict] = []
    if b"application/ld+json" not in markup:
        return items  # one byte search instead of a walk of the whole tree
    for script in doc.iterfind(".//script[@type='application/ld+json']"):
        try:
            # Control characters in strings too: a CMS writes a description's tabs and line breaks raw.
            data = json.loads(_script_json(script.text or ""), strict=False)
        except (ValueError, RecursionError):  # not JSON, or nested deeper than Python reads
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                items.append(item)
                stack.extend(v for k, v in item.items() if k == "@graph")
    return items


def html_article(doc, base_url: str | None, markup: bytes, search_date: bool = True) -> dict:
    """Metadata of a parsed HTML article; None where the page does not say.

    `markup`, the page's bytes in an ASCII-compatible encoding, tells which
    searches of the whole tree can find anything (a byte search costs a
    hundredth of a walk of the tree). `search_date=False` leaves out the
    search of a page dated nowhere the fast path reads (htmldate)."""
    head = _head(doc)
    meta = _meta(head)
    canonical = None
    for link in head.iterfind(".//link[@rel]"):
        if "canonical" in link.get("rel", "").lower().split() and link.get("href"):
            canonical = urljoin(base_url or "", link.get("href").strip())
            break
    canonical = canonical or meta.get("og:url") or base_url
    title_node = head.find(".//title")
    title = meta.get("og:title") or (title_node.text_content() if title_node is not None else None)
    if not title:
        h1 = doc.find(".//h1")
        title = h1.text_content() if h1 is not None else None
    site = meta.get("og:site_name") or meta.get("application-name")
    if not site and canonical and _host(canonical):
        site = _host(canonical).removeprefix("www.")
    html = doc.getroottree().getroot()
    language = (html.get("lang") or html.get("xml:lang") or meta.get("og:locale")
                or meta.get("content-language") or meta.get("language"))
    return {
        "url": canonical,
        "title": collapse(title),
        "site": collapse(site),
        "language": language.replace("_", "-") if language else None,
        "published": _published(doc, meta, base_url, markup, search_date),
    }


def _published(doc, meta: dict[str, str], url: str | None, markup: bytes, search: bool) -> str | None:
    for key in _META_DATES:
        if key in meta and parse_date(meta[key]):
            return parse_date(meta[key])
    for item in _json_ld(doc, markup):
        value = item.get("datePublished") or item.get("dateCreated")
        if isinstance(value, str) and parse_date(value):
            return parse_date(value)
    for node in _dated_elements(doc, markup):
        value = node.get("datetime") or node.get("content") or node.text_content()
        if parse_date(value):
            return parse_date(value)
    return _htmldate(doc, url) if search else None


def _dated_elements(doc, markup: bytes):
    """Elements that mark the publication date up: `itemprop="datePublished"`,
    then `<time pubdate>` or a `<time datetime>` in an article. Each search
    runs only when the markup holds its name: a search of every element's
    attributes costs a third of a parse."""
    if _names_itemprop(markup, b"datePublished"):
        yield from _DATE_PUBLISHED(doc)
    if b"<time" in markup:
        for time in doc.iter("time"):
            if time.get("pubdate") is not None or (time.get("datetime") and in_article(time)):
                yield time


def _names_itemprop(markup: bytes, name: bytes) -> bool:
    """Whether `name` is written as an itemprop value (`itemprop="datePublished"`),
    not just as a word of a script's JSON, which most pages holding it are."""
    at = markup.find(name)
    while at >= 0:
        if b"itemprop" in markup[max(0, at - 16):at].lower():
            return True
        at = markup.find(name, at + len(name))
    return False


def _htmldate(doc, url: str | None) -> str | None:
    """The field's library for pages that date themselves elsewhere (other meta
    names, bylines, the URL); imported only for them, since it loads slowly."""
    import htmldate

    try:
        return htmldate.find_date(doc, url=url, original_date=True, extensive_search=False)
    except (ValueError, TypeError):
        return None


def _host(url: str) -> str | None:
    """The host a URL names, None for one that names none or cannot be read
    (a page's canonical link written `https://[broken/`)."""
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def text_article(text: str, base_url: str | None, title: str | None = None) -> dict:
    """Metadata of a plain-text article: a dateline near the top gives the date;
    the title is a Markdown text's heading, when it has one."""
    dateline = _DATELINE.search(text[:2000])
    return {
        "url": base_url,
        "title": title,
        "site": _host(base_url) if base_url and "://" in base_url else None,
        "language": None,
        "published": parse_date(dateline.group(1)) if dateline else None,
    }
