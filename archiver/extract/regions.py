"""Article body or page furniture: decided by what a region is, not by its class words.

The page's main text block is found first (the element whose paragraphs hold
the most prose, as readability-style extractors find it; text written between
<br>s counts as paragraphs of its block when the <p>s hold none). The main block and
every element holding it are body, whatever their class says. Any other region
on the way from a post up to the main block is furniture when it is:

- a `nav`, `aside` or `footer` (or their ARIA roles), or a `header` outside the
  article that holds the main block and outside any `<article>` and `<main>` (an
  article's own header holds its standfirst and lead media);
- a region beside the main text (a sibling of it or of a region holding it)
  that holds a search box: sidebars and page headers do, article text never;
- or it shows two of these weak signs, one of them a class word or its place
  outside the article: a furniture class/id word (sidebar, widget, share, ...;
  not one the article's own wrappers carry, nor an embed's own), a place outside the article, a feed (one of three or more siblings of the same
  tag and class: teaser lists, tweet timelines), a link list (mostly link text).

A region holding half as much prose as the main block is never furniture by
weak signs alone.
"""

from __future__ import annotations

import re

from lxml import etree

from .posts import collapse

# Class/id words of page furniture: one weak sign, never a verdict on their own.
_FURNITURE_WORDS = frozenset({
    "sidebar", "widget", "widgets", "footer", "nav", "navbar", "navigation", "menu",
    "share", "sharing", "sharebar", "shares", "sharedaddy", "social", "related", "recommended",
    "recirc", "comments", "comment", "newsletter", "subscribe", "follow", "promo",
    "advert", "advertisement", "ads", "ad", "breadcrumb", "breadcrumbs", "masthead",
    "trending", "popular", "outbrain", "taboola", "cookie", "toolbar",
    "byline", "author", "bio", "signup", "secondary", "colophon", "feed", "rail",
})
# Furniture words that say how a page builder made a box, not what it holds: on the boxes
# holding nothing but an embed among the main text's paragraphs, they say nothing.
_BUILDER_WORDS = frozenset({"widget", "widgets"})
_NONE: frozenset = frozenset()
# Words that name an embed or a live blog's entries: a wrapper carrying one is not
# furniture by its words ("liveblog-feed").
_EMBED_WORDS = frozenset({"tweet", "twitter", "embed", "embedded", "oembed", "instagram", "tiktok",
                          "telegram", "bluesky", "mastodon", "youtube", "quote", "liveblog"})
# Class words by which an item says it shows a post the article cites, whatever platform.
_CITING_WORDS = frozenset({"embed", "embedded", "oembed", "tweet", "quote"})
_SEMANTIC_TAGS = frozenset({"nav", "aside", "footer"})
_SEMANTIC_ROLES = frozenset({"navigation", "complementary", "contentinfo"})
_ARTICLE = etree.XPath("self::article or self::main or @role='main' or @itemprop='articleBody'")
# The words of a lowercased class or id: the letters that open a part of a name (parts
# split by "-", "_" or a space), with only digits after them ("sidebar2", "ad300"). A part
# with letters after its digits is a generated hash ("css-7f48ad", "sc-1q2w3e": "ad" and
# "feed" are hex digits too) or a size ("ad300x250"), and gives no word; a hash that opens
# with letters and ends in digits ("css-ad1234") still reads as one, a weak sign among others.
_WORD = re.compile(r"(?<![a-z0-9])([a-z]+)[0-9]*(?![a-z0-9])")
_MIN_PARAGRAPH = 25   # characters: shorter paragraphs are labels, not prose
_MIN_MAIN = 200       # characters of prose below which the page has no main text block
# A page whose <p>s hold under _FEW_PARAGRAPHS characters of prose and which writes
# _MANY_BREAKS <br>s or more may hold its article as text between <br>s: that text is
# counted too (a search of every text node, so only then), and must hold _LOOSE_MARGIN
# times the prose of the <p>s' block to be the main text.
_FEW_PARAGRAPHS = 1000
_MANY_BREAKS = 20
_LOOSE_MARGIN = 3
# The tags one walk of the page collects: the paragraphs and line breaks the main block is
# measured by, and the blockquotes most embeds are (a walk of a page's tree costs a tenth of
# its parse, the same for one tag or three).
WALKED_TAGS = ("p", "br", "blockquote")
_SEARCHABLE_TAG = re.compile(r"[^\x00-\x20\x7f{}]+")
_FEED_SIZE = 3
_CAPTION_CHARS = 40  # the text a thumbnail of a grid shows at most ("Harbour view 3")
_LINK_SHARE = 0.6
_TEXT_LENGTH = etree.XPath("string-length(normalize-space(.))")
_LINK_TEXTS = etree.XPath(".//a[@href]//text()", smart_strings=False)  # only their lengths are read
_LINK_COUNT = etree.XPath("count(.//a[@href])")
# A search box: the ARIA landmark, the <search> element, a search input (`s` is WordPress's, `q` the usual name).
_SEARCH_LANDMARK = etree.XPath("boolean(.//@role[. = 'search'])")  # the attribute axis: twice as fast


class Regions:
    """The furniture verdicts of one parsed page, each region judged once."""

    def __init__(self, doc, walked: dict[str, list]):
        """`walked`: the page's elements of WALKED_TAGS (see `walk`), which the caller shares."""
        self.paragraphs: dict = {}
        self.main = _main_block(doc, self.paragraphs, walked)
        # The tags that hold prose, searched by name: a name lxml cannot search by (a control
        # character in a hostile page's tag) holds none.
        tags = {p.tag for p in self.paragraphs}
        self._prose_tags = tuple(tag for tag in tags if _SEARCHABLE_TAG.fullmatch(tag)) or ("p",)
        self._chain = [self.main, *self.main.iterancestors()]
        self._chain_index = {element: index for index, element in enumerate(self._chain)}
        self._article_index = next((i for i, e in enumerate(self._chain) if _ARTICLE(e)), None)
        if self._article_index is None:
            self._article_index = _article_guess(self._chain)
        # Words the article's own wrappers carry are how the page names its content blocks
        # (page builders call every block a "widget"): no sign of furniture there.
        # Not the article element's own: WordPress writes its tags and categories there (tag-social-media).
        # A layout's modifiers say what lies beside the article, not what it is ("layout--has-sidebar").
        wrappers = self._chain[:self._article_index]
        self._article_words = set().union(*map(_words, wrappers)) - set().union(*map(_modified_words, wrappers))
        self._last_prose: int | None = None
        self._main_prose = max(self._prose(self.main), _MIN_MAIN)
        self._verdicts: dict = {}   # element -> (furniture, outside the article)
        self._signatures: dict = {}  # parent -> Counter of its children's (tag, class)
        self._child_indexes: dict = {}
        self._orders: dict = {}  # element -> its document_order

    def is_furniture(self, element, embed: bool = False) -> bool:
        """Whether `element` is in page furniture. An `embed`'s own class words
        are left out, and, among the main text's paragraphs, those of the boxes
        that hold nothing but it: embed scripts write their own
        ("fb_iframe_widget", an iframe's "widget2"), and page builders wrap each
        embed in theirs ("widget widget--type-tweet"), whatever the page around
        them is."""
        chain = []
        node = element
        while node is not None and node not in self._chain_index and node not in self._verdicts:
            chain.append(node)
            node = node.getparent()
        # Set among the main text's paragraphs, an embed's boxes are its own.
        wrappers = _sole_wrappers(chain) if embed and node is self.main else 0
        if node in self._verdicts:
            verdict, place = self._verdicts[node]
            beside = None
        else:
            beside = chain[-1] if chain else None  # the region hanging from the main text's chain
            verdict, place = False, self._place(node, beside)
        for depth in range(len(chain) - 1, -1, -1):
            region = chain[depth]
            if place[0] and (self._is_prose_article(region) or self._is_entry_like_the_article(region)):
                place = (False, place[1])
            ignored = _FURNITURE_WORDS if embed and depth == 0 else _BUILDER_WORDS if depth < wrappers else _NONE
            verdict = (verdict or (region is beside and self._sidebar(region))
                       or self._judge(region, *place, ignored=ignored))
            self._verdicts[region] = (verdict, place)
        return verdict

    def _is_prose_article(self, region) -> bool:
        """An outermost <article> holding prose: on live blogs and endless-scroll pages
        each entry is an article of its own, and none of them is furniture by place.
        Asked only of regions outside the article, each judged once."""
        return (region.tag == "article" and next(region.iterancestors("article"), None) is None
                and self._prose(region) >= _MIN_MAIN)

    def _is_entry_like_the_article(self, region) -> bool:
        """An <article> beside the one holding the main text, of its class: a live
        blog's entries, most of them a line and an embed, whose longest one holds
        the main text."""
        article = self._chain[self._article_index]
        return (region.tag == "article" == article.tag and region.getparent() is article.getparent()
                and region.get("class") == article.get("class"))

    def _place(self, anchor, top) -> tuple[bool, bool]:
        """Where a region hanging from `anchor` (an element holding the main block,
        through its child `top`) is: outside the article, after the main text."""
        if anchor is None or top is None:
            return True, True
        index = self._chain_index[anchor]
        return index > self._article_index, self._children(anchor)[top] > self._last_prose_child(anchor, index)

    def _last_prose_child(self, anchor, index: int) -> int:
        children = self._children(anchor)
        if index:
            return children[self._chain[index - 1]]
        if self._last_prose is None:
            # The main block's own paragraphs when it has some, else those of its children.
            own = [children[p] for p in self.paragraphs if p in children]
            if self.main in self.paragraphs:  # its own text, written between <br>s
                own.append(_last_loose_child(self.main))
            self._last_prose = max(own or [children.get(p.getparent(), -1) for p in self.paragraphs],
                                   default=-1)
        return self._last_prose

    def _children(self, parent) -> dict:
        """Each child's index in `parent`, computed once per parent (index() is a scan)."""
        index = self._child_indexes.get(parent)
        if index is None:
            index = self._child_indexes[parent] = {child: i for i, child in enumerate(parent)}
        return index

    def document_order(self, element) -> tuple[int, ...]:
        """Sort key of elements in document order: the child indexes on the path
        from the root. Each key extends its parent's, so the posts of a deeply
        nested page walk their shared ancestors once, not once per post."""
        return _from_nearest_known(element, self._orders, (), self._extend_order)

    def _extend_order(self, node, parent_key: tuple[int, ...]) -> tuple[int, ...]:
        parent = node.getparent()
        return parent_key if parent is None else parent_key + (self._children(parent)[node],)

    def _judge(self, region, outside: bool, trailing: bool, ignored: frozenset = _NONE) -> bool:
        tag = region.tag if isinstance(region.tag, str) else ""
        role = region.get("role")
        if tag in _SEMANTIC_TAGS or role in _SEMANTIC_ROLES:
            return True
        if outside and (tag == "header" or role == "banner") and not in_article(region) and not _in_main(region):
            return True
        words = self.names_furniture(region, ignored)
        if not (words or outside):
            return False
        # Two signs, the link list measured last and only when it decides (it reads
        # the region's whole text).
        signs = words + outside + trailing + self._in_feed(region)
        # Prose may be the article's, but not readers' comments after it (the main text is outside).
        if not signs or (self._prose(region) * 2 >= self._main_prose
                         and not (trailing and words and _names_comments(region))):
            return False
        return signs >= 2 or _link_list(region)

    def names_furniture(self, element, ignored: frozenset = _NONE) -> bool:
        """Whether the element's class or id names furniture (an ad slot, a promo
        box), by a word neither the article's wrappers nor an embed word cancel."""
        words = _words(element)
        return bool((words & _FURNITURE_WORDS) - self._article_words - ignored) and not words & _EMBED_WORDS

    def _sidebar(self, region) -> bool:
        """A region beside the main text holding a search box and little prose."""
        return self._prose(region) * 2 < self._main_prose and _holds_search(region)

    def _in_feed(self, region) -> bool:
        """Whether the region is one of a run of siblings of one kind (tag and class):
        teasers, cards, feed items. Plain <div>s and <section>s without a class say
        nothing of a kind: they are how pages without classes lay everything out.
        Nor is a region of the kind of its sibling holding the main text: an
        article written in parts (page builders' blocks of one class) is not a
        feed of itself."""
        parent = region.getparent()
        if parent is None or region.tag in ("p", "br", "span", "a"):
            return False
        if region.tag in ("div", "section") and not (region.get("class") or "").strip():
            return False
        kind = (region.tag, region.get("class"))
        index = self._chain_index.get(parent)
        if index is not None and index > 0:  # the parent holds the main text through a child
            part = self._chain[index - 1]
            if (part.tag, part.get("class")) == kind:
                return False
        return self._kinds(parent).get(kind, 0) >= _FEED_SIZE

    def is_grid_thumbnail(self, link) -> bool:
        """Whether a link around a picture is one of a run of linked pictures of one
        kind, side by side, to one account's posts, with no caption naming an
        account: a grid of the site's latest posts (Instagram feeds written into
        the text by a plugin), which cites none of them. Screenshots of several
        accounts' posts, pictures captioned "@fx_sailor" or set between
        paragraphs are cited. The item is the link or a box holding it, two
        levels up at most."""
        item = link
        for _ in range(3):
            if self._is_thumbnail_in_a_grid(item):
                return True
            item = item.getparent()
            if item is None:
                return False
        return False

    def _is_thumbnail_in_a_grid(self, region) -> bool:
        parent = region.getparent()
        kind = region.get("class")
        if parent is None or not (kind or "").strip() or self._kinds(parent).get((region.tag, kind), 0) < _FEED_SIZE:
            return False
        account = _thumbnail_account(region)
        if account is None:
            return False
        run = 1
        for preceding in (False, True):  # the run goes on after it and before it, side by side
            for sibling in region.itersiblings(preceding=preceding):
                if (sibling.tag, sibling.get("class")) != (region.tag, kind) or _thumbnail_account(sibling) != account:
                    break
                run += 1
                if run >= _FEED_SIZE:
                    return True
        return False

    def _kinds(self, parent) -> dict:
        """How many children of each kind (tag, class) `parent` has, counted once."""
        counts = self._signatures.get(parent)
        if counts is None:
            counts = self._signatures[parent] = {}
            for child in parent:
                key = (child.tag, child.get("class"))
                counts[key] = counts.get(key, 0) + 1
        return counts

    def _prose(self, region) -> int:
        return sum(self.paragraphs.get(p, 0) for p in region.iter(*self._prose_tags))


def _sole_wrappers(chain: list) -> int:
    """How many of `chain` (an element, then its ancestors) are the element and
    boxes holding nothing but it: no other element, no text of their own."""
    count = 1
    while count < len(chain):
        box, held = chain[count], chain[count - 1]
        if len(box) != 1 or (box.text or "").strip() or (held.tail or "").strip():
            break
        count += 1
    return count


def _last_loose_child(block) -> int:
    """The index of the last child of `block` after which, or inside which when
    inline, it writes prose of its own; -1 when that prose comes before them all."""
    last = len(block) - 1
    for back, child in enumerate(reversed(block)):  # block[index] walks the children from the first
        inline = child.tag in _INLINE_TAGS and child.tag != "br"
        if (len(collapse(child.tail) or "") >= _MIN_PARAGRAPH
                or (inline and len(collapse(child.text_content()) or "") >= _MIN_PARAGRAPH)):
            return last - back
    return -1


def _thumbnail_account(item) -> str | None:
    """Whose posts a thumbnail links to, as far as its URL tells (host and first path
    segment: `x.com/fx_port`, `instagram.com/p`): `item` holding one link around a
    picture and a caption at most, naming no account nor calling itself an embed;
    None for anything else."""
    links = [item] if item.tag == "a" else item.findall(".//a[@href]")
    if len(links) != 1 or links[0].find(".//img") is None or _words(item) & _CITING_WORDS:
        return None
    caption = etree.tostring(item, method="text", encoding=str)
    if len(caption.strip()) > _CAPTION_CHARS or "@" in caption:
        return None
    found = _LINK_ACCOUNT.match(links[0].get("href", "").strip())
    return found.group(1).lower().removeprefix("www.") + "/" + found.group(2) if found else None


_LINK_ACCOUNT = re.compile(r"(?:[a-z][a-z0-9+.-]*:)?//([^/?#:\s]+)/?([^/?#\s]*)", re.I)


def _article_guess(chain: list) -> int:
    """Without an <article> or <main>: the main block's grandparent, or parent
    when that is already the page's body. (Climbing higher, to take in a text
    cut into chunks, was tried: grids repeat their row and column classes at
    every level, and comments and sidebars came inside with the chunks.)"""
    index = min(2, len(chain) - 1)
    while index > 0 and chain[index].tag in ("body", "html"):
        index -= 1
    return index


def _in_main(element) -> bool:
    """Whether a <main> (or role=main) holds `element`: the page's own header is never in it."""
    return next((e for e in element.iterancestors() if e.tag == "main" or e.get("role") == "main"), None) is not None


def in_article(element) -> bool:
    """Whether an <article> element holds `element`."""
    return next(element.iterancestors("article"), None) is not None


def _is_embed(element) -> bool:
    return element.tag == "blockquote" and bool(set(_WORD.findall((element.get("class") or "").lower()))
                                                & _EMBED_WORDS)


def _modified_words(region) -> set[str]:
    """The words a class names as what its element has or lacks ("has-sidebar", "no_ads", "with-share")."""
    return set(_MODIFIED_WORD.findall(_names(region)))


_MODIFIED_WORD = re.compile(r"(?<![a-z0-9])(?:has|with|without|no)[-_]+([a-z]+)")


def _words(region) -> set[str]:
    return set(_WORD.findall(_names(region)))


def _names(region) -> str:
    """The element's class and id, lowercased: what its words are read from."""
    return f"{region.get('class') or ''} {region.get('id') or ''}".lower()


def _holds_search(region) -> bool:
    """Whether the region holds a search box of the site (not a filter of a table on the
    page, which names the table it controls). The elements are found in one walk
    of the tree, the landmark attribute in another: a union of the three
    searches walked it three times."""
    for element in region.iterdescendants("search", "input"):
        if element.get("aria-controls") is not None and element.get("role") != "combobox" and not element.get("name"):
            continue  # a filter of a table or list on the page (TablePress's, DataTables'), unnamed
        if element.tag == "search" or element.get("type") == "search" or element.get("name") in ("s", "q"):
            return True
    return _SEARCH_LANDMARK(region)


def _link_list(region) -> bool:
    """Links making most of the region's text, or all of it: a bar of icon
    links (share and follow buttons drawn as SVGs) has no text at all."""
    if _LINK_COUNT(region) < _FEED_SIZE:
        return False
    text = _TEXT_LENGTH(region)
    return text == 0 or sum(len(t.strip()) for t in _LINK_TEXTS(region)) >= _LINK_SHARE * text


_NO_ELEMENT = object()


def walk(root) -> dict[str, list]:
    """The elements of each of WALKED_TAGS under `root`, in document order, found in one walk."""
    walked: dict[str, list] = {tag: [] for tag in WALKED_TAGS}
    for element in root.iter(*WALKED_TAGS):
        walked[element.tag].append(element)
    return walked


def _main_block(doc, paragraphs: dict, walked: dict[str, list]):
    """The element whose paragraphs hold the most prose; each paragraph counts
    fully for its parent and half for its grandparent. Embedded posts are not prose.
    Pages that write their text without <p> (runs of text between <br>s in a
    <div> or a table cell) have it counted as the paragraphs of its block."""
    scores: dict = {}
    parent, in_embed = _NO_ELEMENT, True
    for p in walked["p"]:
        p_parent = p.getparent()
        if p_parent is not parent:  # paragraphs come in runs of siblings: judge their parent once
            parent = p_parent
            grandparent = parent.getparent() if parent is not None else None
            in_embed = parent is None or _is_embed(parent) or (grandparent is not None and _is_embed(grandparent))
        if in_embed:
            continue
        size = _paragraph_size(p)
        if size < _MIN_PARAGRAPH:
            continue
        paragraphs[p] = size
        _score(scores, parent, grandparent, size)
    best = _best_outside_landmarks(scores)
    if best is None or scores[best] < _MIN_MAIN or best.tag in ("body", "html"):
        _score_loose_text(doc, paragraphs, scores)
        best = _best_outside_landmarks(scores)
    elif scores[best] < _FEW_PARAGRAPHS and len(walked["br"]) >= _MANY_BREAKS:
        best = _best_with_loose_text(doc, paragraphs, scores, best)
    if best is not None and scores[best] >= _MIN_MAIN:
        return best
    return _fallback_root(doc)


def _best_with_loose_text(doc, paragraphs: dict, scores: dict, best):
    """The main block of a page whose few <p>s (a teaser, a footer's blurb) sit
    beside an article written as runs of text between <br>s: the loose text's
    block when it holds several times the <p>s' prose, else `best`."""
    loose_paragraphs, loose_scores = dict(paragraphs), dict(scores)
    _score_loose_text(doc, loose_paragraphs, loose_scores)
    rival = _best_outside_landmarks(dict(loose_scores))
    if rival is None or rival is best or loose_scores[rival] < _LOOSE_MARGIN * scores[best]:
        return best
    # A weak sign, enough against a rival that is only longer: readers' comments are written
    # between <br>s too, in a block whose class says so.
    if any(_words(element) & (_FURNITURE_WORDS - _BUILDER_WORDS) for element in (rival, rival.getparent()) if element is not None):
        return best
    paragraphs.update(loose_paragraphs)
    scores.update(loose_scores)
    return rival


def _best_outside_landmarks(scores: dict):
    """The highest-scoring element not inside a <footer>, <nav> or <aside> that
    holds under half the page's text, nor inside readers' comments while prose
    outside them may be the article: a listicle of embeds holds less prose than
    the footer's blurbs or a long thread of comments, while a landmark left open
    by broken markup holds the whole page. Only the winner's ancestors are read,
    and again while it is inside one."""
    vetoes = 0
    while scores:
        best = max(scores, key=scores.get)
        landmark = next((e for e in best.iterancestors(*_SEMANTIC_TAGS)), None)
        if landmark is None or _TEXT_LENGTH(landmark) * 2 >= _TEXT_LENGTH(landmark.getroottree().getroot()):
            landmark = _comments_around(best, scores) if vetoes < _MAX_COMMENT_VETOES else None
            if landmark is None:
                return best
            vetoes += 1
        inside = set(landmark.iter())
        for element in [e for e in scores if e in inside]:
            del scores[element]
    return None


def _comments_around(element, scores: dict):
    """The region of readers' comments (its class or id says so: "comments-area",
    "comment-list") holding `element`, when the best prose outside it comes
    before it and scores as an article's would (prose after it is the page's
    footer); else None. The scores are kept in document order of the
    paragraphs that made them."""
    # The outermost such region: one veto sets a whole thread aside.
    region = None
    for candidate in (element, *element.iterancestors()):
        if _names_comments(candidate):
            region = candidate
    if region is None:
        return None
    inside = set(region.iter())
    order = {candidate: index for index, candidate in enumerate(scores)}
    first_inside = min(order[candidate] for candidate in scores if candidate in inside)
    outside = [candidate for candidate in scores if candidate not in inside]
    best_outside = max(outside, key=scores.get, default=None)
    if best_outside is None or scores[best_outside] < _MIN_MAIN or order[best_outside] > first_inside:
        return None
    return region


_COMMENT_WORDS = frozenset({"comments", "comment", "respond"})
# WordPress writes a post's categories and tags on its article ("category-comment", "tag-comments").
_TAXONOMY_WORD = re.compile(r"(?<![a-z0-9])(?:category|tag)[-_]+([a-z]+)")
_MAX_COMMENT_VETOES = 3  # a page of thousands of comment regions is set aside in bounded time


def _names_comments(element) -> bool:
    """Whether the element's class or id names readers' comments, not a category of the post.
    Asked of every ancestor of the main block's candidates: a substring test spares most the word search."""
    names = _names(element)
    if "comment" not in names and "respond" not in names:
        return False
    words = set(_WORD.findall(names)) & _COMMENT_WORDS
    return bool(words) and bool(words - set(_TAXONOMY_WORD.findall(names)))


def _paragraph_size(p) -> int:
    """The characters of a paragraph's text, runs of white space inside counted as
    they are: its text printed in one call costs half a normalize-space() XPath,
    asked of every <p> of the page. Most paragraphs hold no element: their
    text is all of it, read at a third of the cost."""
    if not len(p):
        return len((p.text or "").strip())
    return len(etree.tostring(p, method="text", encoding=str, with_tail=False).strip())


def _score(scores: dict, parent, grandparent, size: int) -> None:
    """Count `size` characters of prose fully for `parent`, half for its `grandparent`."""
    scores[parent] = scores.get(parent, 0) + size
    if grandparent is not None:
        scores[grandparent] = scores.get(grandparent, 0) + size / 2


_LONG_TEXTS = etree.XPath(f"//body//text()[string-length(normalize-space()) >= {_MIN_PARAGRAPH}]")
# Where text is not prose of the page: paragraphs (counted already), links, headings,
# list items, captions, quotations, forms and code.
_NOT_LOOSE_PROSE = frozenset({"p", "a", "li", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style",
                              "noscript", "template", "textarea", "select", "button", "label",
                              "figcaption", "blockquote"})
_INLINE_TAGS = frozenset({"b", "strong", "i", "em", "span", "font", "u", "small", "big", "sub", "sup",
                          "abbr", "cite", "q", "mark", "time", "code", "s", "strike", "br"})


def _score_loose_text(doc, paragraphs: dict, scores: dict) -> None:
    """Count the text written outside <p> as paragraphs of the block holding it.
    Asked only when the <p>s hold no main text: the search reads every text node."""
    places: dict = {}  # element -> the block its text belongs to, or None where text is not prose
    for text in _LONG_TEXTS(doc):
        holder = text.getparent()
        block = _loose_block(holder.getparent() if text.is_tail else holder, places)
        if block is not None:
            size = len(collapse(text) or "")  # XPath's normalize-space keeps U+3000 and its kin
            if not size:
                continue
            paragraphs[block] = paragraphs.get(block, 0) + size
            _score(scores, block, block.getparent(), size)


def _loose_block(element, places: dict):
    """The block whose prose text written in `element` is (its nearest ancestor-or-self
    that is not inline), or None inside a link, heading, code...; each element is
    judged once, from the nearest one already judged, so the search stays linear
    however deep the page nests."""
    block = _from_nearest_known(element, places, _NO_ELEMENT, _place_of_text)
    return None if block is _NO_ELEMENT else block


def _place_of_text(node, parent_block):
    """Where text written in `node` belongs, given where its parent's does."""
    tag = node.tag if isinstance(node.tag, str) else "script"
    if parent_block is None or tag in _NOT_LOOSE_PROSE:
        return None
    return node if tag not in _INLINE_TAGS or parent_block is _NO_ELEMENT else parent_block


def _from_nearest_known(element, known: dict, above_root, derive):
    """`known[element]`, derived from its parent's (`derive(node, value of its parent)`,
    `above_root` for the root's parent) down from the nearest ancestor already known,
    and remembered on the way: a deep page's shared ancestors are walked once."""
    chain = []
    while element is not None and element not in known:
        chain.append(element)
        element = element.getparent()
    value = known[element] if element is not None else above_root
    for node in reversed(chain):
        value = known[node] = derive(node, value)
    return value


_OUTER_ARTICLES = etree.XPath("//article[not(ancestor::article)]")


def _fallback_root(doc):
    """Without paragraphs of prose: the largest <article>, else <main>, else <body>."""
    articles = _OUTER_ARTICLES(doc)
    if articles:
        return max(articles, key=lambda a: len(a.text_content()))
    for query in ("//main", "//*[@role='main']", "//*[@itemprop='articleBody']"):
        found = doc.xpath(query)
        if found:
            return found[0]
    body = body_of(doc)
    return body if body is not None else doc


def body_of(doc):
    """The page's <body>, or None. The parser puts it under the root: a search of
    the whole tree (`.//body`) walks every element, since lxml's iterator looks
    one match ahead."""
    body = doc.find("body")
    return body if body is not None else doc.find(".//body")
