"""The byte prefilter: whether a page's raw bytes may cite a post at all.

Backfills read millions of pages, most of which cite nothing, and most of
those still link to the platforms: share buttons (`twitter.com/intent/tweet`,
`facebook.com/sharer`), follow links (`instagram.com/SITE`). Such a page must
cost a fraction of a parse, so its hits must be rejected without a parse.

The prefilter looks for exactly the patterns the HTML extractor's own scan
looks for (`html_posts.PATTERNS`: the platforms' URL hints, their embed
markers, the `(@` of a copy-pasted attribution, the `srcdoc` of a frame whose
document of its own the extractor reads), in the same part of the page
(from `<body`), so it is never False for a page the extractor finds posts in:
the extractor reads nothing its scan did not see. A URL hint counts only when
the token around it, cut and decoded as the extractor cuts it, is a post URL
by the platform's own `match_url`; an embed marker counts unless its
platform names what else the page must hold for its elements to be posts
(`EMBED_NEEDS`: a `<blockquote` is a quotation unless the page says
`twitter-tweet` somewhere); `(@` and `srcdoc` count as they are. The answer is True at the
first such hit.

The patterns are found with the extractor's own Hyperscan database, one pass
for all of them (0.08 ms on a 256 KB development page); the extractor takes
every hit in order, here any one real candidate ends the scan.
"""

from __future__ import annotations

import hyperscan

from . import platforms
from .html_posts import (BODY_TAG, HINTS, SCAN_DATABASE, SCAN_LENGTHS, SCAN_PATTERNS, ends_another_host,
                         scan_scratch, url_token)

_IS_HINT = [pattern in HINTS for pattern in SCAN_PATTERNS]
_NEEDS = {marker: tuple(need.encode() for need in needs)
          for platform in platforms.PLATFORMS for marker, needs in getattr(platform, "EMBED_NEEDS", {}).items()}
_NEEDED = [_NEEDS.get(pattern.lower(), ()) for pattern in SCAN_PATTERNS]  # a marker is looked for in upper case too


def may_cite_posts(markup: bytes) -> bool:
    """Whether raw page bytes hold anything a post is cited with: a post URL, an
    embed marker or a `(@handle` attribution."""
    if b"\x00" in markup[:64]:  # UTF-16 or UTF-32, where ASCII is not one byte: the extractor re-encodes it
        return True
    opening = BODY_TAG.search(markup)
    body = opening.start() if opening else 0
    found = False
    held = {}  # need -> whether the page holds it, looked up once

    def hit(index: int, start: int, end: int, flags: int, context) -> bool:
        nonlocal found
        if _IS_HINT[index]:
            at = body + end - SCAN_LENGTHS[index]
            found = not ends_another_host(markup, at, SCAN_PATTERNS[index]) and _is_post_url(markup, at)
        elif _NEEDED[index]:
            found = any(held[need] if need in held else held.setdefault(need, markup.find(need, body) >= 0)
                        for need in _NEEDED[index])
        else:
            found = True
        return found  # True stops the scan

    try:
        SCAN_DATABASE.scan(memoryview(markup)[body:], match_event_handler=hit, scratch=scan_scratch())
    except hyperscan.ScanTerminated:  # what a hit answering True does
        pass
    return found


def _is_post_url(markup: bytes, start: int) -> bool:
    """Whether the token around the URL hint at `start` names a post, the token
    cut and decoded as the extractor's scan cuts it."""
    return platforms.match_url(url_token(markup, start)[2]) is not None
