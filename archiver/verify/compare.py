"""Post text reduced to what two honest copies of it share."""

from __future__ import annotations

import html
import unicodedata

from ..extract.posts import collapse, without_media_links


def comparable_text(text: str | None) -> str:
    """Post text reduced to what two honest copies share: entities decoded,
    Unicode composed, media short links dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFC", html.unescape(text or ""))
    return collapse(without_media_links(text)) or ""
