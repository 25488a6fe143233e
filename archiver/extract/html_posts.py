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

import functools
import html
import re
import threading
from collections import Counter
from dataclasses import dataclass, field

import ahocorasick_rs
import hyperscan
from lxml import etree

from . import platforms
from .document import Document
from .parse import parse_html
from .plaintext import CONTEXT_CHARS, attributions, is_credit_label, make_post, trim_context
from .platforms._channels import is_channel_entry
from .platforms._html import BLOCK_TAGS, text_lines
from .posts import Post, collapse, word_count
from .regions import Regions, body_of, walk

_NOT_CODE = "not(ancestor::script or ancestor::style or ancestor::textarea)"


def _embed_query(query: str):
    """An embed search, scan -> elements: a filter of the walked blockquotes for the
    queries that name a blockquote and at most a class word (most embeds are one),
    else the XPath, run from the scan's root."""
    found = _BLOCKQUOTE_QUERY.fullmatch(query)
    if not found:
        xpath = etree.XPath(query)
        return lambda scan: xpath(scan.root)
    word = found.group(1)
    return lambda scan: [quote for quote in scan.walked["blockquote"] if word is None or word in (quote.get("class") or "")]


_BLOCKQUOTE_QUERY = re.compile(r"\.//blockquote(?:\[contains\(@class, '([^']+)'\)\])?")
_EMBED_QUERIES = tuple((p, marker, _embed_query(query))
                       for p in platforms.PLATFORMS for marker, query in p.EMBEDS.items())
# The hints as JSON writes them too, slashes escaped (`youtube.com\/watch`): a page builder's
# widget names its video in a data attribute's JSON (`data-settings="{...}"`) for a script.
_WRITTEN_HINTS = set(platforms.HINTS) | {hint.replace("/", "\\/") for hint in platforms.HINTS if "/" in hint}
HINTS = frozenset(_WRITTEN_HINTS) | {hint.capitalize() for hint in _WRITTEN_HINTS}
_JSON_HINTS = frozenset(hint for hint in HINTS if "\\/" in hint)
# Hints that start with a host name ("x.com/", "youtube.com/"): written after a letter, digit or
# hyphen they end another host's name (uproxx.com, netflix.com, cdninstagram.com), whose many
# links a page on that site writes are no post's.
_HOST_HINTS = frozenset(hint for hint in HINTS if "." in hint.split("/")[0] and hint[0].isalpha())
_HOST_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
_MARKERS = {marker for _, marker, _ in _EMBED_QUERIES}
# "(@" opens a copied attribution's handle; pages also write its "@" as a character
# reference, with or without leading zeros and the closing semicolon.
_HANDLE_OPENINGS = ("(@", "(&#64", "(&#064", "(&#0064", "(&#x40", "(&#X40", "(&#x040", "(&#x0040", "(&commat;")
# A URL's slashes written as character references (`https:&#x2F;&#x2F;x.com&#x2F;...`, as some
# CMSs' encoders of attribute values write them) hide its hint: a page writing a platform's host so
# is read again with its slashes, colons and dots decoded.
_ENCODED_PUNCTUATION = frozenset(hint[:-1] + slash for hint in platforms.HINTS if hint.endswith("/")
                                 for slash in ("&#x2f;", "&#x2F;", "&#47;"))
PATTERNS = (HINTS | _MARKERS | {m.upper() for m in _MARKERS} | set(_HANDLE_OPENINGS) | {"srcdoc"}
            | set(_ENCODED_PUNCTUATION))


# One pass of Hyperscan over the raw bytes finds every pattern and tells which of
# the node-by-node searches a page needs: most of a page's cost is its parse, so a
# search per hint (str.find) would double it. Hyperscan reports every occurrence,
# overlapping ones too; the scan keeps them as a leftmost-first automaton would
# (2.8x faster than the two Aho-Corasick automata it replaces, with the same
# matches on 404 real pages). The backfill prefilter runs the same database.
SCAN_PATTERNS = sorted(PATTERNS)
SCAN_DATABASE = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
SCAN_DATABASE.compile(expressions=[re.escape(pattern.encode()) for pattern in SCAN_PATTERNS],
                      ids=list(range(len(SCAN_PATTERNS))), elements=len(SCAN_PATTERNS))
SCAN_LENGTHS = [len(pattern) for pattern in SCAN_PATTERNS]
assert len(SCAN_PATTERNS) <= 512  # a hit's pattern index takes 9 bits
_SCRATCH = threading.local()  # a scan needs scratch space of its own: one per thread


def scan_scratch():
    """This thread's scratch space for a scan of SCAN_DATABASE."""
    scratch = getattr(_SCRATCH, "scratch", None)
    if scratch is None:
        scratch = _SCRATCH.scratch = hyperscan.Scratch(SCAN_DATABASE)
    return scratch


def _pattern_matches(view):
    """(start, pattern) of the patterns in `view`, in order, none overlapping
    another of its kind: the two-byte patterns (`(@`, `/@`) are counted apart
    from the long ones, inside which they are written too ("x.com/@"). Each
    hit is kept as one int, start and pattern index, sorting fast and taking
    a third of the memory of a tuple (a hostile page holds millions)."""
    hits = []
    SCAN_DATABASE.scan(view, match_event_handler=lambda index, _, end, flags, context:
                       hits.append((end - SCAN_LENGTHS[index]) << 9 | index), scratch=scan_scratch())
    hits.sort()  # no pattern is another's prefix: two never start at one byte
    ends = [-1, -1]  # where the last match kept of each kind (short, long) ends
    for hit in hits:
        start, index = hit >> 9, hit & 511
        length = SCAN_LENGTHS[index]
        kind = length > 2
        if start >= ends[kind]:
            ends[kind] = start + length
            yield start, SCAN_PATTERNS[index]


_TOKEN_END = re.compile(rb"[^\s\"'<>()\[\]{}]*")
# Every byte that ends a URL token, mapped to a space: one rfind finds where the token starts
# (`=` too, for unquoted attributes: `href=https://...`).
_BOUNDARIES_TO_SPACE = bytes.maketrans(b"\t\r\n\"'<>()[]{}=", b" " * 14)
_ATTRIBUTION_XPATH = etree.XPath(f".//text()[contains(., '(@')][{_NOT_CODE}]")
# Where an element that is not a link names the post it shows: an iframe's src, a
# quotation's cite, CKEditor's <oembed url>, an <object>'s data.
_LINK_ATTRIBUTES = ("href", "src", "cite", "url", "data")
# Attribute values are read by XPath: lxml's attrib.items() and values() look each attribute up
# by its name, quadratic in an element of thousands. Every value of an embed's elements; an
# element's data attributes, but for what a share button shares as AMP's amp-social-share is
# given it (data-param-url, data-param-text).
_ATTRIBUTE_VALUES = etree.XPath("descendant-or-self::*/@*", smart_strings=False)
_DATA_VALUES = etree.XPath("@*[starts-with(name(), 'data-') and not(starts-with(name(), 'data-param-'))]",
                           smart_strings=False)
_PROSE_PARAGRAPHS = etree.XPath(".//p[normalize-space()]")
_URL_TEXT = re.compile(r"\S+\.\S+/\S*")
_WORD = re.compile(r"\S+")


class _Scan:
    """State of one article's scan: what is taken, what is furniture."""

    def __init__(self, root, doc):
        self.root = root
        self._doc = doc
        self._regions: Regions | None = None
        self.taken: set = set()        # elements whose contents belong to a post (see take)
        self._untaken: set = set()     # elements is_taken found outside every taken one
        self.post_blocks: set = set()  # blocks that are post text, not prose
        self.before: dict = {}         # element -> the prose block before it (see _previous_block)
        # (post, anchor element, kind, the element whose tail text names it or None)
        self.found: list[tuple[Post, object, str, object]] = []
        # Contexts, each read once however many posts share it: a link's block -> the link's
        # context, and a block near a post -> its own text, trimmed (None: it reads as no prose).
        self.link_contexts: dict = {}
        self.block_texts: dict = {}
        # A page names the same URL in many places (markup, links, share buttons, scripts, text):
        # each is matched once per page, a third fewer matches on the dev pages.
        self.match_url = functools.lru_cache(maxsize=None)(platforms.match_url)

    @property
    def regions(self) -> Regions:
        """The page's layout, measured the first time a post needs it."""
        if self._regions is None:
            self._regions = Regions(self._doc, self.walked)
        return self._regions

    @functools.cached_property
    def walked(self) -> dict[str, list]:
        """The page's paragraphs, line breaks and blockquotes, from one walk the layout and the embed search share."""
        return walk(self.root)

    def take(self, element) -> None:
        self.taken.add(element)
        self._untaken.difference_update(element.iter())

    def is_taken(self, element) -> bool:
        """Whether `element` is in a post's markup. Elements found outside are
        remembered (until they are taken), so the candidates of a deeply nested
        page walk their shared ancestors once."""
        chain = []
        while element is not None and element not in self._untaken:
            if element in self.taken:
                return True
            chain.append(element)
            if element is self.root:
                break
            element = element.getparent()
        self._untaken.update(chain)
        return False

    def skip(self, element, embed: bool = False) -> bool:
        return self.is_taken(element) or self.regions.is_furniture(element, embed)

    def add(self, post: Post, anchor, kind: str, after=None) -> None:
        """Record a post found at `anchor` (its block, for a URL in text: `after` is
        then the element whose tail the URL is written in, which it follows)."""
        self.found.append((post, anchor, kind, after))

    def order(self, item) -> tuple:
        """Sort key of a found post in document order: a URL in an element's tail
        comes after that element and everything in it."""
        _, anchor, _, after = item
        if after is None:
            return self.regions.document_order(anchor)
        key = self.regions.document_order(after)
        return key[:-1] + (key[-1] + 0.5,)


def html_posts(doc, markup: bytes, encoding: str = "utf-8", *, framed: bool = False) -> list[Post]:
    """The posts cited in a parsed HTML document, in article order, once each.

    `markup` is the page's HTML in an ASCII-compatible `encoding`: one scan of
    it decides which node-by-node searches are worth running. `framed`: the
    document is an iframe's `srcdoc`, whose own frames are not read (a page
    cannot nest them deeper than that to make the reading quadratic).
    """
    body = body_of(doc)
    scan = _Scan(body if body is not None else doc, doc)
    sightings = _sightings(markup, encoding, scan.match_url)
    _find_embeds(scan, sightings.seen)
    if not framed and sightings.seen["srcdoc"]:
        _find_framed(scan)
    handles = sum(sightings.seen[opening] for opening in _HANDLE_OPENINGS)
    needles = _outside_embeds(sightings.needles + Counter({"(@": handles}), scan)
    if "(@" in needles:
        needles.discard("(@")
        _find_attributions(scan)
    query = _links_query(sightings, needles) if needles else ""
    if query:
        _find_links(scan, query)
    return _finish(scan)


BODY_TAG = re.compile(rb"<body", re.I)
# The attribute a URL token is the value of (`href="`, `data-url='`, `src=`, a value
# starting after white space), matched on the bytes before the token read backwards: a search
# for it ending at the token tried every start in its window (7 µs a post URL, against 0.7).
_ATTRIBUTE_BEFORE_REVERSED = re.compile(rb"\s*[\"']?\s*=\s*([-\w]*[A-Za-z])")
_TAG_NAME = re.compile(rb"[A-Za-z][-\w]*")
_CODE_TAGS = frozenset({b"script", b"style", b"textarea"})
_PLACE_WINDOW = 4096  # how far back the tag around a token is looked for: its own tag is near


def _places_of(markup: bytes, token_start: int) -> tuple[str, ...]:
    """Where the URL token at `token_start` may be written: the name of the
    attribute whose value it opens, "" for text, nothing where no search can
    read it as a post (the middle of an attribute's value, a script, a style).
    Only text needs the search of every text node, the dearest of the page's
    searches. What looks like a value's start (`source=https://...`) outside
    a tag is text too; a tag not found near the token counts as text."""
    found = _attribute_before(markup, token_start)
    tag_start, in_tag = _last_tag(markup, token_start)
    # A token opening with a reference (`&quot;https://...`) is in markup written as text: in a
    # tag, an attribute's value (a lazy embed's); outside one, a code sample, no citation.
    referenced = markup[token_start] == 0x26
    if referenced and not in_tag:
        return ()
    owner = _markup_value_owner(markup, tag_start, token_start) if referenced else None
    if owner or found:
        name = (owner or found).group(1)[::-1].decode("ascii").lower()
        return (name,) if in_tag else (name, "")  # a ">" in an earlier value hides the tag
    if in_tag:
        return ()
    tag = _TAG_NAME.match(markup, tag_start + 1) if tag_start >= 0 else None
    return () if tag and tag.group(0).lower() in _CODE_TAGS else ("",)


def _markup_value_owner(markup: bytes, tag_start: int, token_start: int):
    """The match of the attribute whose quoted value, markup written as text
    (`data-html="&lt;iframe src=&quot;https://..."`, a lazy embed's), holds
    the token at `token_start`; None when the token is in no such value. The
    value is open where the tag so far holds an odd number of its quotes."""
    tag = markup[tag_start:token_start]
    for quote in (b'"', b"'"):
        if tag.count(quote) % 2:
            opener = tag_start + tag.rfind(quote)
            if _MARKUP_VALUE.match(markup, opener + 1, token_start):
                return _attribute_before(markup, opener + 1)
    return None


def _attribute_before(markup: bytes, at: int):
    """The match of the attribute whose value opens at byte `at` (`href="`, `src=`), read backwards, or None."""
    return _ATTRIBUTE_BEFORE_REVERSED.match(markup[max(0, at - 60):at][::-1])


_MARKUP_VALUE = re.compile(rb"\s*(?:(?:<|&lt;|&#0*60;|&#x0*3c;)[A-Za-z]|\{|\[|&#0*123;|&#x0*7b;)", re.I)


@dataclass
class _Sightings:
    """What one pass over the raw markup saw."""

    seen: Counter = field(default_factory=Counter)     # how often each pattern is written
    needles: Counter = field(default_factory=Counter)  # post URLs as they read once parsed
    hints: dict = field(default_factory=dict)          # needle -> the hint it was found by
    places: set = field(default_factory=set)           # attribute names holding them; "" for text


def _sightings(markup: bytes, encoding: str, match_url) -> _Sightings:
    """How often each pattern is in the markup, and every post URL written in
    it as it reads once parsed (entities decoded), with how often it is written
    and where (which attribute, or text)."""
    found = _Sightings()
    last_end = -1
    opening = BODY_TAG.search(markup)
    body = opening.start() if opening else 0
    for start, pattern in _pattern_matches(memoryview(markup)[body:]):
        start += body
        found.seen[pattern] += 1
        if pattern not in HINTS or start < last_end or ends_another_host(markup, start, pattern):
            continue
        # JSON names a post in an attribute's value only: a script's state is no citation (and
        # one searched for as text would cost a search of every text node).
        json = pattern in _JSON_HINTS
        if json and not _last_tag(markup, start)[1]:
            continue
        token_start, last_end, token = url_token(markup, start, encoding)
        if match_url(token):
            places = _places_of(markup, token_start)
            if json:
                places = tuple(place for place in places if place)
                if not places:
                    continue
            needle = token[-120:]
            found.needles[needle] += 1
            found.hints[needle] = pattern
            found.places.update(places)
    if not _ENCODED_PUNCTUATION.isdisjoint(found.seen):  # the few patterns seen, looked up in the many
        return _sightings(_PUNCTUATION_REFERENCE.sub(_punctuation, markup), encoding, match_url)
    return found


# The references of the slash, colon and dot, decoded: none can change the markup's structure.
_PUNCTUATION_REFERENCE = re.compile(rb"&#(?:[xX]0*(2[fFeE]|3[aA])|0*(47|46|58));")


def _punctuation(reference: re.Match) -> bytes:
    code = int(reference.group(1), 16) if reference.group(1) else int(reference.group(2))
    return bytes([code])


def _last_tag(markup: bytes, at: int) -> tuple[int, bool]:
    """Where the last tag opened before byte `at` (-1: none near), and whether `at`
    is inside it (an attribute's value), not in text or a script after it."""
    window = max(0, at - _PLACE_WINDOW)
    tag_start = markup.rfind(b"<", window, at)
    return tag_start, tag_start > markup.rfind(b">", window, at) and markup[tag_start + 1:tag_start + 2].isalpha()


def ends_another_host(markup: bytes, start: int, hint: str) -> bool:
    """Whether the host-name hint at `start` is the end of a longer host name."""
    return start > 0 and hint in _HOST_HINTS and markup[start - 1] in _HOST_BYTES


def url_token(markup: bytes, start: int, encoding: str = "utf-8") -> tuple[int, int, str]:
    """(start, end, text) of the URL token around the hint at `start` in raw
    markup, decoded as it reads once parsed (entities decoded, trailing
    punctuation dropped): the scan and the byte prefilter cut tokens alike."""
    window = max(0, start - 300)
    token_start = window + markup[window:start].translate(_BOUNDARIES_TO_SPACE).rfind(b" ") + 1
    end = _TOKEN_END.match(markup, start).end()
    raw = markup[token_start:end]
    token = html.unescape(raw.decode(encoding, "replace"))
    if b"&" in raw and _TEXT_BOUNDARY.search(token):
        # Markup written as a value's text (`data-html="&lt;iframe src=&quot;https://..."`):
        # its quotes, decoded, end the token as they do in the parsed value.
        hint = len(html.unescape(markup[token_start:start].decode(encoding, "replace")))
        opening = token[:hint].translate(_TEXT_BOUNDARIES_TO_SPACE).rpartition(" ")[2]
        token = opening + _TEXT_TOKEN_END.match(token, hint).group(0)
    return token_start, end, _unescaped_slashes(token).rstrip(platforms.TRAILING)


def _unescaped_slashes(token: str) -> str:
    """A URL token as JSON escapes it (`https:\\/\\/www.youtube.com\\/watch`), read as the URL."""
    return token.replace("\\/", "/") if "\\/" in token else token


def _outside_embeds(needles: Counter, scan: _Scan) -> set[str]:
    """The strings written somewhere other than inside the embeds found:
    only those need a search of the whole tree. One pass over each embed's
    strings, so the cost grows with the embeds' size, not embeds x strings.
    The strings are searched as one, each on a line of its own: a line break
    ends a token, so no token spans two of them."""
    inside: Counter = Counter()
    for embed in scan.taken:
        if scan.is_taken(embed.getparent()):
            continue  # counted with the embed that holds it
        strings = _ATTRIBUTE_VALUES(embed)
        strings.append(embed.text_content())
        joined = "\n".join(strings)
        inside.update(_needles_in(joined))
        inside["(@"] += joined.count("(@")
    return {needle for needle, count in needles.items() if count > inside[needle]}


# Leftmost-longest, as a regex alternation of the hints longest first finds them (a regex tried
# each hint at each character: most of the time of pages with large embeds).
_HINT_SEARCH = ahocorasick_rs.AhoCorasick(sorted(HINTS), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
_TEXT_TOKEN_END = re.compile(r"[^\s\"'<>()\[\]{}]*")
_TEXT_BOUNDARIES_TO_SPACE = str.maketrans("\t\r\n\"'<>()[]{}=", " " * 14)
_TEXT_BOUNDARY = re.compile(r"[\s\"'<>()\[\]{}]")


def _needles_in(string: str):
    """The post-URL tokens of a parsed string, cut as `_sightings` cuts them in the markup."""
    return (token[-120:] for token in tokens_in(string))


def tokens_in(string: str):
    """The URL tokens around the hints in a parsed string (a text, an attribute's value)."""
    last_end = -1
    for _, start, _ in _HINT_SEARCH.find_matches_as_indexes(string):
        if start < last_end:
            continue
        window = max(0, start - 300)
        token_start = window + string[window:start].translate(_TEXT_BOUNDARIES_TO_SPACE).rfind(" ") + 1
        last_end = _TEXT_TOKEN_END.match(string, start).end()
        yield _unescaped_slashes(string[token_start:last_end]).rstrip(platforms.TRAILING)


def _find_embeds(scan: _Scan, seen: Counter) -> None:
    for platform, marker, query in _EMBED_QUERIES:
        if marker not in seen and marker.upper() not in seen:
            continue
        for element in query(scan):
            if scan.skip(element, embed=True):
                continue
            post = platform.parse_embed(element)
            if post:
                scan.take(element)
                scan.add(post, element, "embed")


_FRAMES = etree.XPath(".//iframe[@srcdoc]")


def _find_framed(scan: _Scan) -> None:
    """Posts in an iframe's `srcdoc`: a document of its own, written in an
    attribute, that some sites put their embed code in. Read as one, its posts
    are the article's, at the iframe's place. A frame whose bytes the backfill
    prefilter rules out is not parsed: thousands of frames naming a platform
    cost a scan each, not an extraction."""
    from .prefilter import may_cite_posts  # here, not at the top: the prefilter reads this module's patterns

    for frame in _FRAMES(scan.root):
        text = frame.get("srcdoc") or ""
        markup = text.encode("utf-8")  # an attribute the parser read holds no lone surrogate
        if not may_cite_posts(markup) or scan.skip(frame, embed=True):
            continue
        document, _ = parse_html(Document(text, "utf-8", True))
        posts = html_posts(document, markup, framed=True)
        for post in posts:
            scan.add(post, frame, "embed")
        if posts:
            scan.take(frame)


def _find_attributions(scan: _Scan) -> None:
    seen_blocks = set()
    for text in _ATTRIBUTION_XPATH(scan.root):
        block = _block_of(text.getparent())
        if block in seen_blocks or scan.skip(block):
            continue
        seen_blocks.add(block)
        found = attributions(text_lines(block))
        if not found:
            continue  # prose naming an account, "The mayor (@fx_mayor) wrote": its links are read as links
        for attribution in found:
            body = attribution.text_before
            if not body.strip():
                previous = _previous_block(block, scan)
                if previous is not None:
                    body = text_lines(previous)
                    scan.post_blocks.add(previous)
                    scan.take(previous)
            post = make_post(attribution, body)
            _link_status(post, block, scan)
            scan.add(post, block, "attribution")
        scan.post_blocks.add(block)
        scan.take(block)


def _link_status(post: Post, block, scan: _Scan) -> None:
    """A copy-pasted embed whose date is still a link to the status: take its id."""
    for link in block.iterfind(".//a[@href]"):
        ref = scan.match_url(link.get("href"))
        if ref and ref.platform == post.platform:
            post.post_id, post.url = ref.post_id, ref.url
            return


def _links_query(sightings: _Sightings, needles: set[str]) -> str:
    """The attributes and text nodes that may hold the needles: only the
    attributes the markup wrote post URLs in, and text only if it wrote one
    there; each tested for the needles or, when there are many, the few hints
    they were found by (so the search stays linear in the page)."""
    hints = {sightings.hints[needle] for needle in needles}
    if hints & _JSON_HINTS:
        needles = hints  # a needle read from JSON is unescaped: the value holds it as its hint does
    names = sorted(sightings.places - {""})
    if len(names) > _MAX_NAMED_ATTRIBUTES:
        names = ["*"]  # a union of thousands of paths passes libxml2's XPath recursion limit
    paths = [f".//@{name}[{_any_of(needles, hints)}]" for name in names]
    if "" in sightings.places:
        # Text nodes outnumber attributes tenfold, and each test costs a copy of every one:
        # when fewer, they are tested for the hints' domain endings, read in Python when one matches.
        paths.append(f".//text()[{_any_of(needles, hints, _domain_endings(hints))}][{_NOT_CODE}]")
    return " | ".join(paths)


_MAX_NAMED_ATTRIBUTES = 32  # real pages write post URLs in a handful of attributes


def _any_of(*choices: set[str]) -> str:
    """An XPath test for the strings of the smallest choice, the first (most
    precise) of equals. Hints hold no quote, and a needle holds one only when the
    markup wrote it as a reference (`&#39;`), since quotes end a URL token. A
    needle with a quote or a control character (a damaged page) cannot be
    written in an XPath string: its choice is left for the hints'."""
    usable = [choice for choice in choices if not any(_NOT_IN_XPATH.search(string) for string in choice)]
    return " or ".join(f"contains(., '{string}')" for string in sorted(min(usable, key=len)))


_NOT_IN_XPATH = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff']")


def _domain_endings(hints: set[str]) -> set[str]:
    """The hints cut to their last dot ('twitter.com/' and 'youtube.com/' to
    '.com/'), without those holding another: every needle holds one of them."""
    endings = {hint[hint.rfind("."):] if "." in hint else hint for hint in hints}
    return {ending for ending in endings if not any(other != ending and other in ending for other in endings)}


def _find_links(scan: _Scan, query: str) -> None:
    """Every post named in the attributes and text nodes `query` selects."""
    read = set()
    for node in scan.root.xpath(query):
        after = None  # the element whose tail holds a URL in text
        if node.is_attribute:
            element = node.getparent()
            if element in read:
                continue
            read.add(element)
            # A link goes where its href says (a share button's data-url is the page it shares);
            # an iframe or a placeholder names its post in src, cite or a data attribute.
            href = element.get("href")
            values = [href] if href else _placeholder_values(element)
            refs = [ref for ref in map(scan.match_url, values) if ref]
            # A link is read in its sentence; an iframe or placeholder stands alone.
            kind = "link" if href else "embed"
            # The furniture verdict last: it is the dearest test, and most candidates fail another.
            if not refs or (kind == "link" and _names_no_citation(element, scan)) or scan.skip(element, kind == "embed"):
                continue
        else:
            element = node.getparent()
            if node.is_tail:
                element, after = element.getparent(), element
            refs = platforms.refs_in_text(node, scan.match_url)
            if not refs or element is None or scan.skip(element):
                continue
            kind = "link"
        for ref in refs:
            scan.add(Post.from_ref(ref), element, kind, after)


def _placeholder_values(element) -> list[str]:
    """Where an element that is not a link may name its post: its link attributes,
    its data attributes, and the URLs in a data attribute that holds the embed's
    markup as text (a lazy embed's `data-html="<iframe src=...>"`)."""
    values = [element.get(name) for name in _LINK_ATTRIBUTES] + _DATA_VALUES(element)
    written = [value for value in values if value and _MARKUP_TEXT.match(value)]
    if not written or (element.text_content() or "").strip():
        return values  # an element showing text is no placeholder: its JSON is an app's state (Inertia's data-page)
    return values + [token for value in written for token in tokens_in(value)]


_MARKUP_TEXT = re.compile(r"\s*(?:<[A-Za-z]|\{|\[)")


def _names_no_citation(link, scan: _Scan) -> bool:
    """A follow list's entry or a grid's thumbnail: the link stands for an account
    or a feed, not for a post the article cites."""
    return is_channel_entry(link) or (link.find(".//img") is not None and scan.regions.is_grid_thumbnail(link))


def _finish(scan: _Scan) -> list[Post]:
    order = sorted(scan.found, key=scan.order)
    posts: dict[tuple, Post] = {}
    for post, anchor, kind, _ in order:
        post.context = _context(anchor, kind, scan)
        key = platforms.citation_key(post)
        if key in posts:
            posts[key].absorb(post)
        else:
            posts[key] = post
    result = list(posts.values())
    for position, post in enumerate(result, start=1):
        post.position = position
    return result


def _block_of(element):
    """The nearest block holding `element`, or the root of a page whose text has
    none around it (a <title> of a page without a body)."""
    while element.tag not in BLOCK_TAGS and element.getparent() is not None:
        element = element.getparent()
    return element


_MAX_STEPS = 50  # siblings and parents looked at for a post's context: a post's paragraph is near it


def _previous_block(element, scan: _Scan):
    """The nearest block with text before `element`, skipping posts and embeds.
    The answer is remembered for every element passed on the way, so a run of
    consecutive embeds is walked once, not once per embed."""
    node = element
    passed = []
    steps = 0
    found = None
    while found is None and node is not None and node is not scan.root and steps < _MAX_STEPS:
        passed.append(node)
        for sibling in node.itersiblings(preceding=True):
            steps += 1
            if steps > _MAX_STEPS:
                break
            if sibling in scan.before:
                found = scan.before[sibling]
                break
            found = _prose_block(sibling, scan, last=True)
            if found is not None:
                break
        node = node.getparent()
        steps += 1
    if scan.is_taken(element):
        scan.before.update(dict.fromkeys(passed, found))
    return found


def _next_block(element, scan: _Scan):
    node = element
    steps = 0
    while node is not None and node is not scan.root and steps < _MAX_STEPS:
        for sibling in node.itersiblings():
            steps += 1
            if steps > _MAX_STEPS:
                return None
            found = _prose_block(sibling, scan, last=False)
            if found is not None:
                return found
        node = node.getparent()
        steps += 1
    return None


def _prose_block(sibling, scan: _Scan, last: bool):
    """`sibling` (or its last/first paragraph) when it is article prose, not a post."""
    if not isinstance(sibling.tag, str) or sibling.tag in ("script", "style", "template", "br", "hr"):
        return None
    if scan.is_taken(sibling) or _contains_taken(sibling, scan) or scan.regions.names_furniture(sibling):
        return None  # a post, or an ad slot's or a promo's label between the prose and the post
    inner = _PROSE_PARAGRAPHS(sibling)
    candidate = (inner[-1] if last else inner[0]) if inner else sibling
    return candidate if candidate.text_content().strip() else None


_MAX_SKIPPED = 3  # labels, credits and teasers passed over on the way to a post's paragraph


def _nearest_prose(element, scan: _Scan, nearest) -> str | None:
    """The text of the nearest block (`nearest`: `_previous_block` or
    `_next_block`) that reads as prose."""
    for _ in range(_MAX_SKIPPED + 1):
        block = nearest(element, scan)
        if block is None:
            return None
        text = _prose_text(block, scan)
        if text:
            return text
        element = block
    return None


_MIN_CONTEXT_WORDS = 3
_MIN_CONTEXT_CHARS = 20  # scripts written without spaces have one word a sentence
_MAX_CONTEXT_LINK_SHARE = 0.75


def _reads_as_prose(block, lines: str, text: str | None) -> bool:
    """Whether a block reads as the article's words around a post: not a short
    label of two words ("Article content", read out to screen readers), unless it
    leads in ("Yesterday:"); not a credit ("Image: Fx Agency"); not a teaser that is all
    link ("See also: <a>...</a>"). `lines` is the block's text, `text` that text as
    the context shows it, trimmed: the share of link text is of the whole."""
    if not text or is_credit_label(text):
        return False
    if len(text) < _MIN_CONTEXT_CHARS and word_count(text) < _MIN_CONTEXT_WORDS and not text.endswith((":", "\uff1a")):
        return False
    whole = len(text) if len(lines) <= CONTEXT_CHARS else len(collapse(lines))  # untrimmed when it fits
    linked = sum(len(" ".join(link.text_content().split())) for link in block.iter("a"))
    return linked < _MAX_CONTEXT_LINK_SHARE * whole


def _contains_taken(element, scan: _Scan) -> bool:
    return any(node in scan.taken for node in element.iter())


def _has_words(text: str, count: int) -> bool:
    """Whether `text` has `count` words besides its URLs. A URL runs to the end of
    the word it starts in, so a word is a URL when one starts at its start;
    reading stops at the count (a link's block can be a whole article)."""
    for word in _WORD.finditer(text):
        if not _URL_TEXT.match(text, word.start(), word.end()):
            count -= 1
            if not count:
                return True
    return False


def _context(anchor, kind: str, scan: _Scan) -> str | None:
    """The article paragraph around a post: for a link, the block it sits in
    when that has words of its own; for an embed (or a link alone in its
    block), the nearest paragraph before it (else after it). Each block is
    read once: a paragraph holding thousands of links is not read for each."""
    if kind == "link":
        block = _block_of(anchor)
        if block is not scan.root and block not in scan.post_blocks:
            if block not in scan.link_contexts:
                text = text_lines(block)
                # A link alone in its block ("View this post on X", a consent box's button) has no sentence.
                alone = anchor.tag == "a" and collapse(text) == collapse(anchor.text_content())
                scan.link_contexts[block] = (trim_context(text) if _has_words(text, 3) and not alone
                                             else _nearby_context(block, scan))
            return scan.link_contexts[block]
    return _nearby_context(anchor, scan)


def _nearby_context(element, scan: _Scan) -> str | None:
    """The context of a post standing alone: the nearest paragraph before `element`, else after it."""
    return _nearest_prose(element, scan, _previous_block) or _nearest_prose(element, scan, _next_block)


def _prose_text(block, scan: _Scan) -> str | None:
    """A block's text as a context shows it, None when it does not read as prose;
    read once however many posts it is near."""
    if block not in scan.block_texts:
        lines = text_lines(block)
        text = trim_context(lines)
        scan.block_texts[block] = text if _reads_as_prose(block, lines, text) else None
    return scan.block_texts[block]
