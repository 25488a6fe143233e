"""Embedding services: a site embeds a post through Embedly, Iframely or Twitframe
instead of the platform's own code, and the service's iframe carries the post's
URL as a query parameter (`cdn.embedly.com/widgets/media.html?url=https%3A//x.com/...`)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

HINTS = ("embedly.com/", "iframe.ly/", "twitframe.com/")
_SERVICE = re.compile(r"^(?:https?:)?//(?:[a-z0-9-]+\.)*(?:embedly\.com|iframe\.ly|twitframe\.com)/", re.I)
# Embedly names the post in `url` and the platform's embed URL in `src`; the others in `url`.
_PARAMETERS = ("url", "src", "href")


def shown_urls(url: str) -> list[str]:
    """The URLs an embedding service's iframe URL says it shows; none for any other URL."""
    if not _SERVICE.match(url):
        return []
    query = parse_qs(urlsplit(url).query)
    return [value for name in _PARAMETERS for value in query.get(name, ())]
