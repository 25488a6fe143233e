"""Small HTML helpers the platform modules share."""

from __future__ import annotations

from lxml import etree

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


def permalink_ref(element, attribute: str, match_url):
    """The post an embed names in its permalink `attribute`, else in its first
    link `match_url` reads as a post (older embed codes carry no permalink)."""
    ref = match_url(element.get(attribute) or "")
    if not ref:
        for link in element.iterfind(".//a[@href]"):
            ref = match_url(link.get("href"))
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
    """An element's text with line breaks where a reader sees them (br, blocks)."""
    parts: list[str] = []
    _render(element, parts)
    return "".join(parts).strip()


def _render(element, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _SKIP:
        return
    if tag == "img" and element.get("alt"):
        parts.append(element.get("alt"))
    if element.text:
        parts.append(element.text)
    follows_link = False
    for child in element:
        child_tag = child.tag if isinstance(child.tag, str) else ""
        if child_tag == "a" and follows_link:
            parts.append(" ")  # two directly adjacent links read as two words
        follows_link = child_tag == "a" and not child.tail
        if child_tag == "br":
            parts.append("\n")
        elif child_tag in BLOCK_TAGS:
            parts.append("\n")
            _render(child, parts)
            parts.append("\n")
        else:
            _render(child, parts)
        if child.tail:
            parts.append(child.tail)
