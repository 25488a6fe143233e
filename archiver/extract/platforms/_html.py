"""Small HTML helpers the platform modules share."""

from __future__ import annotations

from lxml import etree

from ..posts import visible
from ._replay import unwrapped

BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "blockquote", "figure", "figcaption", "h1", "h2", "h3",
    "h4", "h5", "h6", "td", "th", "tr", "table", "dd", "dt", "dl", "pre", "section",
    "article", "aside", "header", "footer", "main", "address", "caption", "hr", "body",
})
_SKIP = frozenset({"script", "style", "noscript", "head", "title"})


def classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def has_class(element, *names: str) -> bool:
    return not classes(element).isdisjoint(names)


def url_of(element, attribute: str = "href") -> str:
    """The URL an element's attribute names, an archive's or a mirror's rewriting undone."""
    return unwrapped((element.get(attribute) or "").strip())


def permalink_ref(element, attribute: str, match_url):
    """The post an embed names in its permalink `attribute`, else in its first
    link `match_url` reads as a post (older embed codes carry no permalink)."""
    ref = match_url(url_of(element, attribute))
    if not ref:
        for link in element.iterfind(".//a[@href]"):
            ref = match_url(url_of(link))
            if ref:
                break
    return ref


def lang_of(element) -> str | None:
    """The language the element's text is in, from the nearest lang attribute."""
    for node in element.iter("p"):
        if node.get("lang"):
            return node.get("lang")
    # One XPath step up a deeply nested page, not a Python step per ancestor.
    nearest = _NEAREST_LANG(element)
    return (nearest[0].get("lang") or nearest[0].get("data-lang")) if nearest else None


_NEAREST_LANG = etree.XPath("ancestor-or-self::*[@lang != '' or @data-lang != ''][1]")


def text_lines(element) -> str:
    """An element's text with line breaks where a reader sees them (br, blocks),
    and only there.

    The tree is walked with a stack of its own, not by recursion: embeds nest as
    deep as the parser reads (MAX_DEPTH), past Python's recursion limit. A frame
    holds the children left to read, whether the last one read was a link with
    no text after it, and what closes the element (its line break and tail)."""
    if _tag(element) in _SKIP:
        return ""
    parts: list[str] = []
    _opening(element, parts)
    frames = [[iter(element), False, ""]]
    while frames:
        frame = frames[-1]
        for child in frame[0]:
            tag = _tag(child)
            if tag == "a" and frame[1]:
                parts.append(" ")  # two directly adjacent links read as two words
            frame[1] = tag == "a" and not child.tail
            tail = _rendered(child.tail)
            if tag == "br" or tag in _SKIP:
                parts.append("\n" + tail if tag == "br" else tail)
                continue
            closing = "\n" + tail if tag in BLOCK_TAGS else tail
            if tag in BLOCK_TAGS:
                parts.append("\n")
            _opening(child, parts)
            if len(child):
                frames.append([iter(child), False, closing])
                break
            parts.append(closing)
        else:
            frames.pop()
            parts.append(frame[2])
    return visible("".join(parts)).strip()


def _tag(element) -> str:
    return element.tag if isinstance(element.tag, str) else ""


def _opening(element, parts: list[str]) -> None:
    """What an element reads as before its children: an image's alt text, its text."""
    if element.tag == "img" and element.get("alt"):
        parts.append(element.get("alt"))
    if element.text:
        parts.append(_rendered(element.text))


def _rendered(text: str | None) -> str:
    """A text node as a browser shows it: a line break in the markup is a space
    (a page wrapped by Tidy or a formatter breaks its lines anywhere)."""
    return text.replace("\n", " ") if text else ""  # the parser has made every line break a \n
