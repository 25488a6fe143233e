"""Extraction: article bytes or text in, the cited posts and article record out.

Pure functions: no network, no database, no clock.
"""

from __future__ import annotations

import threading

import lxml.html
from lxml import etree

from .article import html_article, text_article
from .document import Document, decode, looks_like_html, names_utf8
from .html_posts import html_posts
from .markdown import looks_like_markdown, markdown_text
from .plaintext import split_paragraphs, text_posts
from .posts import Post, text_links

_PARSERS = threading.local()
# lxml.html's elements, looked up in C: lxml.html's own lookup is a Python call
# per element touched (a tenth of a small page's extraction), and only picks
# form-specific subclasses this extractor never uses.
_HTML_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity)


# libxml2's depth limit with XML_PARSE_HUGE (huge_tree); 256 without it, which real
# pages built of nested wrappers exceed.
MAX_DEPTH = 2048


def parse_html(document: Document) -> tuple:
    """An lxml tree of an HTML document, however broken the markup, and what the
    parser had to leave out (elements nested deeper than MAX_DEPTH).

    UTF-8 bytes are parsed as they are: libxml2 reads them directly, while a
    str is handed over in Python's internal form and converted first (a fifth
    of the parse). The parser reports invalid UTF-8 too, which settles a
    document that assumed it (see Document); one that turns out not to be
    UTF-8 is parsed again from its text."""
    raw = document.raw
    utf8 = raw is not None and names_utf8(document.encoding) and b"\x00" not in raw
    parser = _parser("utf-8" if utf8 else None)
    try:
        if utf8:
            root = lxml.html.document_fromstring(raw, parser=parser)
        else:
            text = document.text
            if "\x00" in text:
                text = text.replace("\x00", "")
            root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        root = lxml.html.document_fromstring("<html><body></body></html>")
    errors = {entry.type_name for entry in parser.error_log}
    if utf8 and document.utf8_unchecked:
        document.settle_utf8("ERR_INVALID_ENCODING" not in errors)
        if not (document.raw is raw and names_utf8(document.encoding)):
            return parse_html(document)
    warnings = []
    if "ERR_RESOURCE_LIMIT" in errors:
        warnings.append(f"markup nested deeper than {MAX_DEPTH} levels: what lies deeper was not read "
                        "(posts there are missing); check the page in a browser")
    return root, warnings


def _parser(encoding: str | None):
    """This thread's parser for input in `encoding` (None: str input)."""
    parsers = getattr(_PARSERS, "parsers", None)
    if parsers is None:
        parsers = _PARSERS.parsers = {}
    parser = parsers.get(encoding)
    if parser is None:
        parser = parsers[encoding] = etree.HTMLParser(recover=True, remove_comments=True, collect_ids=False,
                                                      huge_tree=True, encoding=encoding)
        parser.set_element_class_lookup(_HTML_CLASSES)
    return parser


def extract_document(document: Document, base_url: str | None = None, *, metadata: bool = True,
                     posts_only: bool = False) -> dict:
    """The article record of a decoded document, with its posts under `posts` and
    what could not be read under `warnings` (sentences for people).

    `metadata=False` leaves the record's metadata (title, site, dates) out of a
    page that cites no post: a backfill keeps only the pages that do, and on
    the others the metadata, htmldate most of all, is a third of the time.
    `posts_only=True` leaves it out of every page, for callers that print the
    posts alone (`archiver extract` without --article)."""
    warnings: list[str] = []
    if document.is_html:
        doc, warnings = parse_html(document)
        markup, encoding = document.ascii_markup()
        posts = html_posts(doc, markup, encoding)
        wanted = (posts or metadata) and not posts_only
        article = html_article(doc, base_url, markup) if wanted else {"url": base_url}
    else:
        text = markdown_text(document.text) if looks_like_markdown(document.text) else document.text
        article = {"url": base_url} if posts_only else text_article(text, base_url)
        posts = text_posts(split_paragraphs(text))
        for position, post in enumerate(posts, start=1):
            post.position = position
    for post in posts:
        post.links = text_links(post.text)
    article["posts"] = posts
    article["warnings"] = warnings
    return article


def extract(data: bytes | str, base_url: str | None = None,
            charset: str | None = None, content_type: str | None = None) -> dict:
    """Article record and posts from bytes (decoded as a browser would) or text."""
    if isinstance(data, str):
        document = Document(data, "utf-8", looks_like_html(data, content_type))
    else:
        document = decode(data, charset, content_type)
    return extract_document(document, base_url)


def extract_posts(data: bytes | str, base_url: str | None = None, **options) -> list[Post]:
    """The posts an article cites, in article order, each once."""
    return extract(data, base_url, **options)["posts"]
