"""Platforms are plugins of the extractor: one module each, same small interface.

A platform module defines:

- ``NAME``: the platform's name in output (``"twitter"``).
- ``HINTS``: lowercase substrings one of which every post URL of the platform
  contains; the HTML extractor only looks closer at links that have one.
- ``EMBEDS``: the platform's embed elements, as a mapping from a marker (a
  lowercase string the page's HTML must contain) to an XPath (``.//...``)
  selecting them (an attribute's elements by the attribute axis,
  ``.//@data-x/..``: twice as fast as ``.//*[@data-x]``); pages without the marker are not searched. Empty when the
  platform's embeds are plain iframes or links.
- ``EMBED_NEEDS`` (optional): for a marker most of whose elements are not
  posts (any ``<blockquote``), strings one of which a page must also hold for
  one of them to be a post without a post URL in the markup; the byte
  prefilter of backfills (``extract/prefilter.py``) rejects the marker alone.
- ``match_url(url) -> PostRef | None``: the post a URL names, or None for
  anything else (profiles, share and intent links, hashtags, searches).
- ``parse_embed(element) -> Post | None``: the post an embed element shows.
- ``citation_key(post_id) -> str`` (optional): what two ids of one post share,
  when the platform writes one post's id in two ways (Bluesky: a DID or a
  handle, then the record key); citations of one article with equal keys are
  one post.

Adding a platform means adding one module to this package.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from types import ModuleType

import ahocorasick_rs

from ..posts import PostRef
from . import _replay, _services

_URLISH = re.compile(
    r"(?<![\w@.-])(?:https?://|at://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?/[^\s<>\"'\u201d\u2019)\]]+"
    r"|at://[^\s<>\"']+",
    re.I,
)
TRAILING = ".,;:!?\u2026"


def _load() -> tuple[ModuleType, ...]:
    modules = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            modules.append(importlib.import_module(f"{__name__}.{info.name}"))
    return tuple(modules)


PLATFORMS: tuple[ModuleType, ...] = _load()
HINTS: tuple[str, ...] = tuple(sorted({h for p in PLATFORMS for h in p.HINTS} | set(_services.HINTS)))
# Which platforms' hints a URL holds, found in one pass: a search per platform cost 30% more.
_HINT_OWNERS = tuple(frozenset(i for i, p in enumerate(PLATFORMS) if hint in p.HINTS) for hint in HINTS)
_SERVICE_HINTS = frozenset(i for i, hint in enumerate(HINTS) if hint in _services.HINTS)
_HINT_SEARCH = ahocorasick_rs.AhoCorasick(HINTS, matchkind=ahocorasick_rs.MatchKind.Standard)


def match_url(url: str | None) -> PostRef | None:
    """The post a URL names on any known platform, or None. An embedding
    service's iframe URL names the post it shows (one level: the service
    never wraps itself), and an archive's or a mirror's rewritten link the
    post of the link it rewrote (see _replay)."""
    if not url:
        return None
    url = url.strip()
    found = _hints_in(url)
    ref = _platform_ref(url, found)
    if ref is None and found & _SERVICE_HINTS:
        for shown in _services.shown_urls(url):
            ref = _platform_ref(shown, _hints_in(shown))
            if ref:
                break
    # A rewritten link holds the hint of the link it rewrote, unless that link's host has a
    # port or the root's dot (twitter.com:80/, twitter.com./), which the hints do not match.
    if ref is None and (found or ":" in url[8:] or "./" in url):
        original = _replay.original_url(url)  # shorter, or its host normalized: read once more
        if original:
            ref = match_url(original)
    return ref


def _hints_in(url: str) -> frozenset[int]:
    return frozenset(index for index, _, _ in _HINT_SEARCH.find_matches_as_indexes(url.lower(), overlapping=True))


def _platform_ref(url: str, found: frozenset[int]) -> PostRef | None:
    """The post `url` names, asking the platforms whose hints it holds, in their order."""
    for i in _owners(found):
        ref = PLATFORMS[i].match_url(url)
        if ref:
            return ref
    return None


@functools.lru_cache(maxsize=1024)  # a page's URLs hold a few combinations of hints
def _owners(found: frozenset[int]) -> tuple[int, ...]:
    """The indexes of the platforms whose hints are among `found`, in order."""
    return tuple(sorted({i for index in found for i in _HINT_OWNERS[index]}))


_CITATION_KEYS = {p.NAME: p.citation_key for p in PLATFORMS if hasattr(p, "citation_key")}


def citation_key(post) -> tuple:
    """A post's identity within one article: see the modules' `citation_key`."""
    same = _CITATION_KEYS.get(post.platform)
    return (post.platform, same(post.post_id)) if same and post.post_id else post.key


def refs_in_text(text: str, match) -> list[PostRef]:
    """Posts named by URLs written out in running text, in order; `match` reads
    each URL: match_url, or a page scan's memo of it."""
    refs = []
    for found in _URLISH.finditer(text):
        ref = match(found.group(0).rstrip(TRAILING))
        if ref:
            refs.append(ref)
    return refs
