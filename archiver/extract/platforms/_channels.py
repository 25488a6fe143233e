"""Links that stand for an account, not for the post they point to.

"Follow us: Instagram, YouTube, TikTok" and "Comment via: facebook, substack"
are lists of links, each labelled with the name of a service. Sites often point
such an entry at a post or video of their own; it still names the channel.
A link labelled with a platform's name counts as a post only when it stands
alone ("the video was posted on <a>YouTube</a>").
"""

from __future__ import annotations

import re
from itertools import islice

from ..posts import collapse

# The names links print for each platform (its NAME, and the short forms).
PLATFORM_LABELS = frozenset({
    "youtube", "yt", "instagram", "insta", "ig", "facebook", "fb", "tiktok", "bluesky", "bsky",
    "mastodon", "telegram", "threads", "twitter", "x",
})
# What separates the entries of a list of links: punctuation, or a word such as "and".
# Possessive runs: two runs of one class side by side tried every split of a long one (quadratic).
_SEPARATOR = re.compile(r"[\s,;|/·•&+–—-]*+(?:and|or|und|oder|et|ou|y|o|e|en|och|og)?[\s,;|/·•&+–—-]*+", re.I)
_MAX_LABEL_WORDS = 3
# The elements that wrap one entry of such a list, and how many children one may have (an icon
# beside the link): a wider element is not an entry, and reading its text for each of its links
# would make a paragraph of many links cost their count squared.
_ITEM_TAGS = frozenset({"li", "span", "strong", "b", "em", "div"})
_MAX_ITEM_CHILDREN = 3


def is_channel_entry(link) -> bool:
    """A link labelled with a platform's name, in a list of such labelled links."""
    if _label(link) not in PLATFORM_LABELS:
        return False
    item = _item(link)
    before, between_before = _sibling(item, "getprevious")
    after, between_after = _sibling(item, "getnext")
    return (_is_entry(before) and _SEPARATOR.fullmatch(between_before) is not None
            or _is_entry(after) and _SEPARATOR.fullmatch(between_after) is not None)


def _sibling(item, step: str) -> tuple:
    """The sibling entry before or after `item`, past <br>s, and the text between them."""
    between = [item.tail or ""] if step == "getnext" else []
    sibling = getattr(item, step)()
    while sibling is not None and sibling.tag == "br":
        between.append(sibling.tail or "")
        sibling = getattr(sibling, step)()
    if step == "getprevious" and sibling is not None:
        between.append(sibling.tail or "")
    return sibling, "".join(between)


def _label(element) -> str:
    """What a link reads as: its text, or for an icon its aria-label or title."""
    text = collapse(element.text_content())
    if text:
        return text.casefold()
    link = element if element.tag == "a" else element.find(".//a")
    return (collapse(link.get("aria-label") or link.get("title")) or "").casefold() if link is not None else ""


def _item(link):
    """The link, or the list item or span that holds nothing but it."""
    parent = link.getparent()
    if (parent is not None and parent.tag in _ITEM_TAGS and _few_children(parent)
            and _label(parent) == _label(link)):
        return parent
    return link


def _few_children(element) -> bool:
    """At most _MAX_ITEM_CHILDREN children, counted no further: len() of an
    element walks all its children, and a paragraph may hold thousands of links."""
    return sum(1 for _ in islice(element, _MAX_ITEM_CHILDREN + 1)) <= _MAX_ITEM_CHILDREN


def _is_entry(element) -> bool:
    """A sibling that is one short labelled link (or holds only one)."""
    if element is None or not isinstance(element.tag, str):
        return False
    link = element if element.tag == "a" else element.find(".//a")
    if link is None or _label(link) != _label(element):
        return False
    return 0 < len(_label(link).split()) <= _MAX_LABEL_WORDS
