"""Dates as articles and embeds print them, in any language, to ISO `YYYY-MM-DD`."""

from __future__ import annotations

import re
from functools import lru_cache

import dateparser

_SETTINGS = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["custom-formats", "absolute-time"],
    "RETURN_AS_TIMEZONE_AWARE": False,
}
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@lru_cache(maxsize=4096)
def parse_date(text: str | None, language: str | None = None) -> str | None:
    """`YYYY-MM-DD` for a printed date, or None when it does not name a whole day.

    `language` (an HTML lang code such as `fa` or `pt-BR`) is a hint; the text
    is retried without it, since pages often mislabel their language.
    """
    if not text or not text.strip():
        return None
    text = text.strip()
    iso = _ISO.match(text)
    if iso:
        return "-".join(iso.groups())
    hint = (language or "").split("-")[0].lower() or None
    tries = ([hint], None) if hint else (None,)
    for languages in tries:
        try:
            parsed = dateparser.parse(text, languages=languages, settings=_SETTINGS)
        except (ValueError, OverflowError):
            parsed = None
        if parsed:
            return parsed.strftime("%Y-%m-%d")
    return None
