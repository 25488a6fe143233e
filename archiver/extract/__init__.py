"""Extraction: article bytes or text in, the cited posts and article record out.

Pure functions: no network, no database, no clock.
"""

from __future__ import annotations

from .article import html_article, text_article
from .dates import search_budget
from .document import Document, decode, looks_like_html
from .html_posts import html_posts
from .markdown import looks_like_markdown, read_markdown
from .parse import parse_html
from .plaintext import split_paragraphs, text_posts
from .posts import Post, text_links, without_surrogates


def extract_document(document: Document, base_url: str | None = None, *, metadata: bool = True,
                     posts_only: bool = False, date_every_page: bool = False) -> dict:
    """The article record of a decoded document, with its posts under `posts` and
    what could not be read under `warnings` (sentences for people).

    A page dated nowhere the fast path reads (meta tags, JSON-LD, datePublished
    and <time> markup) has its date searched by htmldate only when it cites
    posts, whose citation the date dates, or with `date_every_page`: on 285
    real pages citing nothing that search was half their extraction.
    `metadata=False` leaves the record's metadata (title, site, dates) out of a
    page that cites no post: a backfill keeps only the pages that do.
    `posts_only=True` leaves it out of every page, for callers that print the
    posts alone (`archiver extract` without --article). A document's dates that
    no fast form reads get a bounded search (see `dates.search_budget`)."""
    with search_budget():
        return _read(document, base_url, metadata, posts_only, date_every_page)


def _read(document: Document, base_url: str | None, metadata: bool, posts_only: bool,
          date_every_page: bool) -> dict:
    warnings: list[str] = []
    if document.is_html:
        doc, warnings = parse_html(document)
        markup, encoding = document.ascii_markup()
        posts = html_posts(doc, markup, encoding)
        wanted = (posts or metadata) and not posts_only
        article = (html_article(doc, base_url, markup, search_date=bool(posts) or date_every_page) if wanted
                   else {"url": base_url})
    else:
        text, title = read_markdown(document.text) if looks_like_markdown(document.text) else (document.text, None)
        article = {"url": base_url} if posts_only else text_article(text, base_url, title)
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
        data = without_surrogates(data)
        document = Document(data, "utf-8", looks_like_html(data, content_type))
    else:
        document = decode(data, charset, content_type)
    return extract_document(document, base_url)


def extract_posts(data: bytes | str, base_url: str | None = None, **options) -> list[Post]:
    """The posts an article cites, in article order, each once."""
    return extract(data, base_url, **options)["posts"]
