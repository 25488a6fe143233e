"""Find the posts an HTML article cites.

Three passes over the article body, each an XPath the C library evaluates,
so the Python work grows with the number of candidates, not with page size:

1. embeds each platform recognises (blockquotes, iframes, placeholders);
2. copy-pasted embeds (`— Name (@handle) date`) in the remaining text;
3. post URLs in links, iframe sources, data attributes and running text.

What an embed or a copy-pasted post contains is part of that post and is not
looked at again. Sidebars, footers, share bars and timelines are skipped.
"""

from __future__ import annotations

import html
import re
from collections import Counter

import ahocorasick_rs
from lxml import etree

from . import platforms
from .plaintext import attributions, make_post, trim_context
from .platforms._channels import is_channel_entry
from .platforms._html import BLOCK_TAGS, text_lines
from .posts import Post

# Class/id words that mark page furniture rather than the article.
_FURNITURE_CLASS = frozenset({
    "sidebar", "widget", "widgets", "footer", "nav", "navbar", "navigation", "menu",
    "share", "sharing", "sharebar", "shares", "sharedaddy", "social", "related", "recommended",
    "recirc", "comments", "comment", "newsletter", "subscribe", "follow", "promo",
    "advert", "advertisement", "ads", "ad", "breadcrumb", "breadcrumbs", "masthead",
    "timeline", "trending", "popular", "outbrain", "taboola", "cookie", "toolbar",
    "byline", "author", "bio", "signup",
})
_FURNITURE_ID = frozenset({"sidebar", "footer", "comments", "nav", "navigation", "menu",
                           "related", "secondary", "colophon", "masthead"})
# Words that mark an embed even inside a wrapper whose other words look like furniture.
_EMBED_WORDS = frozenset({"tweet", "embed", "embedded", "oembed", "instagram", "tiktok",
                          "telegram", "bluesky", "mastodon", "youtube", "quote"})
_FURNITURE_TAGS = frozenset({"nav", "aside", "footer", "template"})
_FURNITURE_ROLES = frozenset({"navigation", "complementary", "contentinfo", "banner"})
_WORD = re.compile(r"[a-z]+")
_NOT_CODE = "not(ancestor::script or ancestor::style or ancestor::template or ancestor::textarea)"


_EMBED_QUERIES = tuple((p, marker, etree.XPath(query))
                       for p in platforms.PLATFORMS for marker, query in p.EMBEDS.items())
_HINTS = frozenset(platforms.HINTS) | {hint.capitalize() for hint in platforms.HINTS}
_MARKERS = {marker for _, marker, _ in _EMBED_QUERIES}
_PATTERNS = _HINTS | _MARKERS | {m.upper() for m in _MARKERS} | {"(@"}
# A pass of a multi-pattern automaton over the raw bytes tells which of the
# node-by-node searches a page needs: most of a page's cost is its parse, so a
# search per hint (str.find) would double it. Patterns of three bytes or more
# with leftmost-first matching let the automaton skip ahead with its SIMD
# prefilter (7x faster than a plain automaton walk on bench/extract.py pages);
# the two-byte patterns get an automaton of their own.
_AUTOMATA = tuple(
    (ahocorasick_rs.BytesAhoCorasick([p.encode() for p in patterns], matchkind=kind), patterns)
    for patterns, kind in (
        (sorted(p for p in _PATTERNS if len(p) > 2), ahocorasick_rs.MatchKind.LeftmostFirst),
        (sorted(p for p in _PATTERNS if len(p) <= 2), ahocorasick_rs.MatchKind.Standard)))
_TOKEN_END = re.compile(rb"[^\s\"'<>()\[\]{}]*")
# Every byte that ends a URL token, mapped to a space: one rfind finds where the token starts.
_BOUNDARIES_TO_SPACE = bytes.maketrans(b"\t\r\n\"'<>()[]{}", b" " * 13)
_ATTRIBUTION_XPATH = etree.XPath(f".//text()[contains(., '(@')][{_NOT_CODE}]")
_LINK_ATTRIBUTES = ("href", "src", "cite")
_URL_TEXT = re.compile(r"\S+\.\S+/\S*")


class _Scan:
    """State of one article's scan: what is taken, what is furniture."""

    def __init__(self, root):
        self.root = root
        self.taken: set = set()        # elements whose contents belong to a post
        self.post_blocks: set = set()  # blocks that are post text, not prose
        self.furniture: dict = {}
        self.found: list[tuple[Post, object, str]] = []  # (post, anchor element, kind)

    def is_taken(self, element) -> bool:
        while element is not None:
            if element in self.taken:
                return True
            if element is self.root:
                return False
            element = element.getparent()
        return False

    def is_furniture(self, element) -> bool:
        chain = []
        verdict = False
        while element is not None and element is not self.root:
            if element in self.furniture:
                verdict = self.furniture[element]
                break
            chain.append(element)
            if _looks_like_furniture(element):
                verdict = True
                break
            element = element.getparent()
        for node in chain:
            self.furniture[node] = verdict
        return verdict

    def skip(self, element) -> bool:
        return self.is_taken(element) or self.is_furniture(element)

    def add(self, post: Post, anchor, kind: str) -> None:
        self.found.append((post, anchor, kind))


def _looks_like_furniture(element) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _FURNITURE_TAGS or element.get("role") in _FURNITURE_ROLES:
        return True
    words = set(_WORD.findall((element.get("class") or "").lower()))
    if words & _EMBED_WORDS:
        return False
    if words & _FURNITURE_CLASS:
        return True
    id_words = set(_WORD.findall((element.get("id") or "").lower()))
    return bool(id_words & _FURNITURE_ID) and not id_words & _EMBED_WORDS


def article_root(doc):
    """The element that holds the article: the largest <article>, else <main>,
    else an articleBody, else <body>. Live blogs (sibling <article>s) give their parent."""
    articles = _OUTER_ARTICLES(doc)
    sized = sorted(((_prose_size(a), a) for a in articles), key=lambda pair: -pair[0])
    sized = [(size, a) for size, a in sized if size >= 2]
    if len(sized) > 1 and sized[1][1].getparent() is sized[0][1].getparent():
        return sized[0][1].getparent()
    if sized:
        return sized[0][1]
    for query in ("//main", "//*[@role='main']", "//*[@itemprop='articleBody']"):
        found = doc.xpath(query)
        if found:
            return found[0]
    body = doc.find(".//body")
    return body if body is not None else doc


_OUTER_ARTICLES = etree.XPath("//article[not(ancestor::article)]")
_PROSE_SIZE = etree.XPath("count(.//p)")


def _prose_size(element) -> int:
    return int(_PROSE_SIZE(element))


def html_posts(doc, markup: bytes, encoding: str = "utf-8") -> list[Post]:
    """The posts cited in a parsed HTML document, in article order, once each.

    `markup` is the page's HTML in an ASCII-compatible `encoding`: one scan of
    it decides which node-by-node searches are worth running.
    """
    root = article_root(doc)
    scan = _Scan(root)
    seen, needles = _sightings(markup, encoding)
    _find_embeds(scan, seen)
    needles = _outside_embeds(needles + Counter({"(@": seen["(@"]}), scan)
    if "(@" in needles:
        needles.discard("(@")
        _find_attributions(scan)
    if needles:
        _find_links(scan, needles)
    return _finish(scan)


_BODY_TAG = re.compile(rb"<body", re.I)


def _sightings(markup: bytes, encoding: str) -> tuple[Counter, Counter]:
    """How often each pattern is in the markup, and every post URL written in
    it as it reads once parsed (entities decoded), with how often it is written."""
    seen: Counter = Counter()
    needles: Counter = Counter()
    last_end = -1
    opening = _BODY_TAG.search(markup)
    body = opening.start() if opening else 0
    view = memoryview(markup)[body:]
    matches = sorted((start + body, patterns[index]) for automaton, patterns in _AUTOMATA
                     for index, start, _ in automaton.find_matches_as_indexes(view))
    for start, pattern in matches:
        seen[pattern] += 1
        if pattern not in _HINTS or start < last_end:
            continue
        window = max(0, start - 300)
        token_start = window + markup[window:start].translate(_BOUNDARIES_TO_SPACE).rfind(b" ") + 1
        last_end = _TOKEN_END.match(markup, start).end()
        token = html.unescape(markup[token_start:last_end].decode(encoding, "replace"))
        token = token.rstrip(platforms.TRAILING)
        if platforms.match_url(token):
            needles[token[-120:]] += 1
    return seen, needles


def _outside_embeds(needles: Counter, scan: _Scan) -> set[str]:
    """The strings written somewhere other than inside the embeds found:
    only those need a search of the whole tree."""
    inside: Counter = Counter()
    for embed in scan.taken:
        # NUL is in no parsed text or attribute, so no needle is counted across two strings.
        strings = "\0".join([value for element in embed.iter() for value in element.attrib.values()]
                             + [embed.text_content()])
        for needle in needles:
            inside[needle] += strings.count(needle)
    return {needle for needle, count in needles.items() if count > inside[needle]}


def _find_embeds(scan: _Scan, seen: Counter) -> None:
    for platform, marker, query in _EMBED_QUERIES:
        if marker not in seen and marker.upper() not in seen:
            continue
        for element in query(scan.root):
            if scan.skip(element):
                continue
            post = platform.parse_embed(element)
            if post:
                scan.taken.add(element)
                scan.add(post, element, "embed")


def _find_attributions(scan: _Scan) -> None:
    seen_blocks = set()
    for text in _ATTRIBUTION_XPATH(scan.root):
        block = _block_of(text.getparent())
        if block in seen_blocks or scan.skip(block):
            continue
        seen_blocks.add(block)
        lines = text_lines(block)
        for attribution in attributions(lines):
            body = attribution.text_before
            if not body.strip():
                previous = _previous_block(block, scan)
                if previous is not None:
                    body = text_lines(previous)
                    scan.post_blocks.add(previous)
                    scan.taken.add(previous)
            post = make_post(attribution, body)
            _link_status(post, block, scan)
            scan.add(post, block, "attribution")
        scan.post_blocks.add(block)
        scan.taken.add(block)


def _link_status(post: Post, block, scan: _Scan) -> None:
    """A copy-pasted embed whose date is still a link to the status: take its id."""
    for link in block.iterfind(".//a[@href]"):
        ref = platforms.match_url(link.get("href"))
        if ref and ref.platform == post.platform:
            post.post_id, post.url = ref.post_id, ref.url
            return


def _links_query(needles: set[str]) -> str:
    test = " or ".join(f"contains(., '{needle}')" for needle in sorted(needles))
    return f".//@*[{test}] | .//text()[{test}][{_NOT_CODE}]"


def _find_links(scan: _Scan, needles: set[str]) -> None:
    for node in scan.root.xpath(_links_query(needles)):
        if node.is_attribute:
            element = node.getparent()
            if scan.skip(element):
                continue
            values = [element.get(name) for name in _LINK_ATTRIBUTES]
            values += [v for k, v in element.attrib.items() if k.startswith("data-")]
            refs = [ref for ref in map(platforms.match_url, values) if ref]
            # A link is read in its sentence; an iframe or placeholder stands alone.
            kind = "link" if element.get("href") else "embed"
            if kind == "link" and is_channel_entry(element):
                continue
        else:
            element = node.getparent()
            if node.is_tail:
                element = element.getparent()
            if element is None or scan.skip(element):
                continue
            refs = platforms.refs_in_text(node)
            kind = "link"
        for ref in refs:
            scan.add(Post.from_ref(ref), element, kind)


def _finish(scan: _Scan) -> list[Post]:
    order = sorted(scan.found, key=lambda item: _document_position(item[1]))
    posts: dict[tuple, Post] = {}
    for post, anchor, kind in order:
        post.context = _context(anchor, kind, scan)
        if post.key in posts:
            posts[post.key].absorb(post)
        else:
            posts[post.key] = post
    result = list(posts.values())
    for position, post in enumerate(result, start=1):
        post.position = position
    return result


def _document_position(element) -> float:
    return element.xpath("count(preceding::*) + count(ancestor::*)")


def _block_of(element):
    while element is not None:
        if element.tag in BLOCK_TAGS:
            return element
        element = element.getparent()
    return element


def _previous_block(element, scan: _Scan):
    """The nearest block with text before `element`, skipping posts and embeds."""
    node = element
    steps = 0
    while node is not None and node is not scan.root and steps < 50:
        for sibling in node.itersiblings(preceding=True):
            steps += 1
            if not isinstance(sibling.tag, str) or scan.is_taken(sibling):
                continue
            if sibling.tag in ("script", "style", "template", "br", "hr"):
                continue
            if _contains_taken(sibling, scan):
                continue
            inner = sibling.xpath(".//p[normalize-space()]")
            candidate = inner[-1] if inner else sibling
            if candidate.text_content().strip():
                return candidate
        node = node.getparent()
    return None


def _next_block(element, scan: _Scan):
    node = element
    while node is not None and node is not scan.root:
        for sibling in node.itersiblings():
            if not isinstance(sibling.tag, str) or scan.is_taken(sibling) or _contains_taken(sibling, scan):
                continue
            inner = sibling.xpath(".//p[normalize-space()]")
            candidate = inner[0] if inner else sibling
            if candidate.tag not in ("script", "style") and candidate.text_content().strip():
                return candidate
        node = node.getparent()
    return None


def _contains_taken(element, scan: _Scan) -> bool:
    return any(node in scan.taken for node in element.iter())


def _context(anchor, kind: str, scan: _Scan) -> str | None:
    """The article paragraph around a post: for a link, the block it sits in;
    for an embed, the nearest paragraph before it (else after it)."""
    if kind == "link":
        block = _block_of(anchor)
        if block is not None and block is not scan.root and block not in scan.post_blocks:
            text = text_lines(block)
            if len(_URL_TEXT.sub("", text).split()) >= 3:
                return trim_context(text)
    block = _previous_block(anchor, scan)
    if block is None:
        block = _next_block(anchor, scan)
    return trim_context(text_lines(block)) if block is not None else None
