"""The copy-pasted form of an embed: `text pic.twitter.com/CODE` then
`— Name (@handle) Month D, YYYY`, on one line or several.

Pure functions over paragraphs of text; the HTML extractor feeds the same
rules with the text of block elements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import parse_date
from .posts import Post, collapse, media_links, post_text

_DASH = r"(?:\u2014|\u2013|\u2015|--|&mdash;|&#8212;)"
# A printed date: CJK/Korean year-month-day, or a short phrase that ends in a year.
_DATE = (
    r"(?:\d{4}\s*[年년]\s*\d{1,2}\s*[月월]\s*\d{1,2}\s*[日일]?"
    r"|\d{4}[./-]\d{1,2}[./-]\d{1,2}"
    r"|[^\n()\u2014\u2013/:;|@#\"]{0,32}?(?<!\d)\d{4}(?!\d)(?:\s*(?:г\.|р\.|год[а]?))?)"
)
ATTRIBUTION = re.compile(
    rf"(?:(?<=\s)|^){_DASH}[ \t]*(?P<name>[^\n\u2014\u2013]{{0,80}}?)[ \t]*"
    rf"\(@(?P<handle>[A-Za-z0-9_]{{1,15}})\)[ \t]*\n?[ \t]*(?P<date>{_DATE})",
    re.M,
)
# A tweet is at most 280 characters; collect at most about that much text above
# an attribution so the article's own prose is not taken for the post.
_MAX_POST_CHARS = 300


@dataclass
class Attribution:
    """One `— Name (@handle) date` line and the post text found above it."""

    start: int
    end: int
    name: str | None
    handle: str
    date_text: str
    text_before: str


def attributions(paragraph: str) -> list[Attribution]:
    """Every attribution line in a paragraph, with the text that precedes it."""
    found = []
    previous_end = 0
    for match in ATTRIBUTION.finditer(paragraph):
        date_text = collapse(match.group("date"))
        if not parse_date(date_text):
            continue
        found.append(Attribution(
            start=match.start(),
            end=match.end(),
            name=collapse(match.group("name")),
            handle=match.group("handle"),
            date_text=date_text,
            text_before=_tail_lines(paragraph[previous_end:match.start()]),
        ))
        previous_end = match.end()
    return found


def _tail_lines(text: str) -> str:
    """The last lines of `text` that fit in one post: the nearest line always."""
    lines = [line for line in text.splitlines() if line.strip()]
    kept: list[str] = []
    size = 0
    for line in reversed(lines):
        if kept and size + len(line) > _MAX_POST_CHARS:
            break
        kept.insert(0, line)
        size += len(line)
    return "\n".join(kept)


def make_post(attribution: Attribution, text: str | None) -> Post:
    """The post an attribution line describes; the platform is Twitter/X."""
    body = post_text(text)
    return Post(
        platform="twitter",
        handle=attribution.handle,
        author_name=attribution.name,
        date_text=attribution.date_text,
        date=parse_date(attribution.date_text),
        text=body,
        media=media_links(body),
    )


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a plain-text article.

    Texts that separate paragraphs with blank lines keep single line breaks
    inside a paragraph (a post may span lines); texts written one paragraph
    per line are split on every line.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [b for b in re.split(r"\n[ \t]*\n", text) if b.strip()]
    lines = [line for line in text.split("\n") if line.strip()]
    if len(blocks) >= 2 and len(lines) <= 4 * len(blocks):
        return [b.strip("\n") for b in blocks]
    return lines


def text_posts(paragraphs: list[str]) -> list[Post]:
    """Posts cited in copy-pasted form, with their context paragraph."""
    posts: list[Post] = []
    used: set[int] = set()
    anchors: list[int] = []
    for index, paragraph in enumerate(paragraphs):
        for attribution in attributions(paragraph):
            text = attribution.text_before
            if not text.strip() and index > 0 and index - 1 not in used:
                text = _tail_lines(paragraphs[index - 1])
                used.add(index - 1)
            used.add(index)
            posts.append(make_post(attribution, text))
            anchors.append(index)
    for post, index in zip(posts, anchors):
        post.context = _nearest_prose(paragraphs, index, used)
    return posts


def _nearest_prose(paragraphs: list[str], index: int, used: set[int]) -> str | None:
    """The closest paragraph before (else after) a post that is not itself a post."""
    for i in list(range(index - 1, -1, -1)) + list(range(index + 1, len(paragraphs))):
        if i not in used and paragraphs[i].strip():
            return trim_context(paragraphs[i])
    return None


def trim_context(text: str | None, limit: int = 1000) -> str | None:
    """Collapse a context paragraph and bound its length at a word boundary."""
    text = collapse(text)
    if text and len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "\u2026"
    return text
