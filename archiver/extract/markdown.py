"""Markdown input (html2text, reader services, scrapers' page dumps) read as the text it shows.

Markdown writes links as `[text](url)` and quotes as `> ` lines: read as they
are, a copied embed's text keeps that markup and its attribution hides behind
the quote marks. markdown-it-py (the field's CommonMark parser) reads it; the
text is printed as a browser shows the rendered page (a link by its text,
blocks apart by a blank line) and goes to the plain-text extractor, which finds
posts only in the copied-embed forms: a page's whole Markdown holds its
navigation and sidebars too, flattened, and none of their links is a citation.
A date whose link is a post (an embed's permalink) keeps the URL after it,
where the plain-text extractor takes the post's id from.
"""

from __future__ import annotations

import functools
import re

from . import platforms
from .dates import parse_date
from .plaintext import ATTRIBUTION

_INLINE_LINK = re.compile(r"\]\(\s*<?https?://")
_MIN_LINKS = 3  # inline links a Markdown text writes; copied text has none
# Longer texts (in characters) are read as plain text: markdown-it-py reads pathological
# Markdown (runs of "[" or "![") at 13-20 s a MiB, and holds every token of the text at
# once. The dev pages printed by html2text are 27 KiB on average, 103 KiB at most.
_MAX_MARKDOWN = 256 * 2**10


def looks_like_markdown(text: str) -> bool:
    """Whether a plain text is Markdown: it writes links the Markdown way."""
    if len(text) > _MAX_MARKDOWN:
        return False
    count = 0
    for _ in _INLINE_LINK.finditer(text):
        count += 1
        if count >= _MIN_LINKS:
            return True
    return False


@functools.cache
def _parser():
    from markdown_it import MarkdownIt  # imported on first use: most inputs are HTML

    return MarkdownIt("commonmark", {"html": False})


def read_markdown(text: str) -> tuple[str, str | None]:
    """The text of a Markdown document and its title (its first top-level
    heading), a blank line between blocks (see `_inline_text` for what a block
    reads as). A quotation
    is one block whose lines each end at an attribution: a quoted embed's text
    is then its attribution's line, which the plain-text extractor reads as
    the whole post, apart from the prose around it (html2text and reader
    services quote embeds)."""
    blocks: list[str] = []
    quoted: list[str] = []
    depth = 0
    marker = ""  # a list item's marker, written back before its first line (see _item_marker)
    lists: list[int] = []  # how many items each list open around the token holds
    title, in_title = None, False
    tokens = _parser().parse(text)
    items = _item_counts(tokens)
    for token in tokens:
        if token.type in ("inline", "fence", "code_block"):
            shown = _inline_text(token.children or []) if token.type == "inline" else token.content.rstrip("\n")
            (quoted if depth else blocks).append(marker + shown)
            marker = ""
            if in_title:
                title, in_title = " ".join(shown.split()) or None, False
        elif token.type == "heading_open":
            in_title = title is None and token.tag == "h1" and not depth
        elif token.type == "list_item_open":
            marker = _item_marker(token, lists[-1] if lists else 0)
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append(items[id(token)])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_close":
            marker = ""
        elif token.type == "blockquote_open":
            depth += 1
        elif token.type == "blockquote_close":
            depth -= 1
            if not depth:
                blocks.append(_quotation(quoted))
                quoted = []
    return "\n\n".join(block for block in blocks if block.strip()) + "\n", title


def _item_counts(tokens: list) -> dict[int, int]:
    """How many items each list holds, by the id of its opening token."""
    counts: dict[int, int] = {}
    open_lists: list = []
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open"):
            open_lists.append(token)
            counts[id(token)] = 0
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            open_lists.pop()
        elif token.type == "list_item_open" and open_lists:
            counts[id(open_lists[-1])] += 1
    return counts


def _item_marker(item, items: int) -> str:
    """The marker to write back before a list item's text: an ordered item's
    number always (a date line "1. Juli 2021" reads as a list item), a bullet's
    dash only when its list holds that one item (a copied "- Name (@handle)
    date" line reads as one); a list of bullets (navigation, comments) keeps
    none, so that no bullet reads as an attribution's dash."""
    if item.info:
        return f"{item.info}{item.markup} "
    return f"{item.markup} " if items == 1 else ""


def _quotation(parts: list[str]) -> str:
    """A quotation's paragraphs run together, a line ending after each attribution."""
    lines, current = [], []
    for part in parts:
        current.append(" ".join(part.split()))
        if ATTRIBUTION.search(current[-1]):
            lines.append(" ".join(current))
            current = []
    return "\n".join(lines + ([" ".join(current)] if current else []))


def _inline_text(children: list) -> str:
    """An inline run as shown: links by their text, images not at all, a
    handle's underscores kept ("(@_fx_desk_)" parses as emphasis), soft breaks
    as `_soft_lines` says; a date linking to a post (an embed's permalink) is
    followed by the post's URL."""
    parts: list[str] = []
    href, shown = None, 0
    handles: list[bool] = []  # for each open emphasis, whether it was a handle's underscores
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "softbreak":
            parts.append(_SOFT_BREAK)
        elif child.type in ("em_open", "strong_open"):
            handles.append("_" in child.markup and bool(parts) and parts[-1].endswith("@"))
            if handles[-1]:
                parts.append(child.markup)
        elif child.type in ("em_close", "strong_close"):
            if handles and handles.pop():
                parts.append(child.markup)
        elif child.type == "link_open":
            href, shown = child.attrs.get("href"), len(parts)
        elif child.type == "link_close":
            label = "".join(parts[shown:]).strip()
            if href and label and "://" not in label and platforms.match_url(href) and parse_date(label):
                parts.append(f" {href}")
            href = None
    return _soft_lines("".join(parts))


_SOFT_BREAK = "\x00"  # a soft line break, decided once the run's lines are known


def _soft_lines(text: str) -> str:
    """The run with its soft line breaks as spaces, as a browser shows them,
    except around a line naming a handle: a copied card or a dash-less
    attribution is told by its lines. (html2text wraps every paragraph at 78
    characters: kept, the breaks would cut a paragraph into lines of prose.)"""
    if _SOFT_BREAK not in text:
        return text
    lines = text.split(_SOFT_BREAK)
    out = [lines[0]]
    for previous, line in zip(lines, lines[1:]):
        out.append(("\n" if "@" in previous or "@" in line else " ") + line)
    return "".join(out)
