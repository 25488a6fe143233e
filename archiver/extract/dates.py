"""Dates as articles and embeds print them, in any language, to ISO `YYYY-MM-DD`.

Most dates take a fast path: ISO 8601, RFC 2822 and Twitter's `created_at`
(meta tags, JSON), and day-month-year phrases with month names of the languages
embeds are most often printed in ("July 7, 2021", "9. Juli 2021", "7 de julio
de 2021", "June 12th 2022", "3:45 PM - 22 Dec 2014"), and Hungarian and
Lithuanian year-first ones ("2021. július 7."). Anything else goes to
`dateparser`, in the page's language when it is known: dateparser without a
language tries every locale it has, about 35 ms a date.
"""

from __future__ import annotations

import contextvars
import re
from contextlib import contextmanager
from datetime import date
from functools import lru_cache

_SETTINGS = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["custom-formats", "absolute-time"],
    "RETURN_AS_TIMEZONE_AWARE": False,
}
_MONTH_NAMES = {
    1: "january jan januar janvier janv enero ene janeiro gennaio gen januari",
    2: "february feb februar février fevrier févr fevr febrero febreiro fevereiro fev febbraio februari",
    3: "march mar märz maerz mär mars marzo março marco maart mrt",
    4: "april apr avril avr abril abr aprile",
    5: "may mai mayo maio maggio mag mei",
    6: "june jun juni juin junio junho giugno giu",
    7: "july jul juli juillet juil julio julho luglio lug",
    8: "august aug août aout agosto ago augustus",
    9: "september sep sept septembre septiembre setiembre setembro set settembre",
    10: "october oct oktober okt octobre octubre outubro out ottobre ott",
    11: "november nov novembre noviembre novembro",
    12: "december dec dezember dez décembre decembre déc diciembre dic dezembro dicembre",
}
# Languages that print the year first ("2021. július 7.", "2021 m. liepos 7 d."): Hungarian,
# and Lithuanian's genitive month names.
_YEAR_FIRST_MONTH_NAMES = {
    1: "január jan sausio", 2: "február febr vasario", 3: "március márc kovo", 4: "április ápr balandžio",
    5: "május máj gegužės", 6: "június jún birželio", 7: "július júl liepos", 8: "augusztus aug rugpjūčio",
    9: "szeptember szept rugsėjo", 10: "október okt spalio", 11: "november nov lapkričio",
    12: "december dec gruodžio",
}
_MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names.split()}
_YEAR_FIRST_MONTHS = {name: number for number, names in _YEAR_FIRST_MONTH_NAMES.items() for name in names.split()}
_ISO = re.compile(r"(\d{4})([./-])(\d{1,2})\2(\d{1,2})(?!\d)")
# ISO 8601's basic form of a date and time, as some CMSs write their meta tags ("20180619T055000+0900").
_ISO_BASIC = re.compile(r"(\d{4})(\d{2})(\d{2})T\d{2}")
# A time of day: a text whose only digits are one ("9:05 PM", "Today, 15:28") names no day.
_TIME_OF_DAY = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_ORDINAL = r"(?:st|nd|rd|th|er|º|\.)?"
# "July 7, 2021", "Sun, Jun 12 2022", "Wed Jul 07 10:00:00 +0000 2021" (Twitter's created_at),
# "Tue Jan 28 15:28:56 CET 2020" (C's and Unix date's, a zone's abbreviation before the year).
_MONTH_FIRST = re.compile(
    rf"(?<![^\W\d_])(?P<month>[^\W\d_]{{3,10}})\.?\s+(?P<day>\d{{1,2}}){_ORDINAL},?"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s+(?:[+-]\d{4}|[a-z]{2,5}))?)?\s+(?P<year>\d{4})(?!\d)")
# "7 July 2021", "Mon, 04 Nov 2019 10:00:00 +0000", "9. Juli 2021", "7 de julio de 2021".
_DAY_FIRST = re.compile(
    rf"(?<!\d)(?P<day>\d{{1,2}}){_ORDINAL}\s*(?:de\s+)?(?P<month>[^\W\d_]{{3,10}})\.?,?\s+(?:de\s+)?"
    r"(?P<year>\d{4})(?!\d)", re.I)
_YEAR_FIRST = re.compile(
    r"(?<!\d)(?P<year>\d{4})\.?\s+(?:m\.\s+)?(?P<month>[^\W\d_]{3,12})\.?\s+(?P<day>\d{1,2})(?!\d)")
_CJK = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})")


# dateparser's search of every locale costs 10-35 ms a form. Within `search_budget` a
# document gets that many searches that find no date: a hostile text of thousands of
# date-like lines ("— A (@a) w12 2021") is read in seconds, not in minutes, and a real
# one, whose dates share a form or a language, needs a few (none of the dev pages five).
# Forms whose failure an earlier document cached cost nothing: past the budget, a
# document's result can depend on what was read before it in the same process.
MAX_FAILED_SEARCHES = 100
_FAILED_SEARCHES_LEFT: contextvars.ContextVar = contextvars.ContextVar("failed_searches_left", default=None)


class _OverBudget(Exception):
    """A search of every locale the document's budget has no room for (never cached)."""


@contextmanager
def search_budget(searches: int = MAX_FAILED_SEARCHES):
    """Within this block, at most `searches` searches of every locale that find no date."""
    token = _FAILED_SEARCHES_LEFT.set([searches])
    try:
        yield
    finally:
        _FAILED_SEARCHES_LEFT.reset(token)


def parse_date(text: str | None, language: str | None = None) -> str | None:
    """`YYYY-MM-DD` for a printed date, or None when it does not name a whole day.

    `language` (an HTML lang code such as `fa` or `pt-BR`) is a hint for dates
    the fast path does not know; the text is retried without it, since pages
    often mislabel their language.
    """
    try:
        return _parse_date(text, language)
    except _OverBudget:
        return None


@lru_cache(maxsize=4096)
def _parse_date(text: str | None, language: str | None) -> str | None:
    if not text or not text.strip():
        return None
    text = text.strip()
    found = _fast_path(text)
    if found is not None:
        return found or None  # "" is a date form naming no real day (February 30)
    if len(text) > 60 or "://" in text or not re.search(r"\d", _TIME_OF_DAY.sub("", text)):
        # A link, a sentence, or no digit but a time of day's: not worth dateparser's every-locale search.
        return None
    numeric = _NUMERIC.match(text)
    if numeric:
        first, second, year = (int(part) for part in numeric.group(1, 3, 4))
        day_first = first > 12 or (second <= 12 and (numeric.group(2) == "." or _day_first(language)))
        month, day = (second, first) if day_first else (first, second)
        return _day(year, month, day) or None
    hint = (language or "").split("-")[0].lower() or None
    return (_dateparser(text, [hint]) if hint else None) or _search_every_locale(text)


# A numeric date, month and day in the order its writer's convention puts them: dots are
# day-first wherever they are used (06.01.2026, German, Russian...), slashes month-first in
# American English and day-first in the rest of the world. One part over 12 settles it.
_NUMERIC = re.compile(r"(\d{1,2})([./])(\d{1,2})\2(\d{4})(?!\d)")


def _day_first(language: str | None) -> bool:
    """Whether a slashed date of a page in `language` puts the day first: anywhere
    but American English (and English of no country, which dates follow it);
    without a language, as dateparser reads it, month first."""
    if not language:
        return False
    parts = language.replace("_", "-").lower().split("-")
    return not (parts[0] == "en" and (len(parts) == 1 or parts[1] in ("us", "ph")))


def _fast_path(text: str) -> str | None:
    """The ISO date of a common form, "" for a common form naming no real day, None otherwise."""
    iso = _ISO.match(text)
    if iso:
        return _day(int(iso.group(1)), int(iso.group(3)), int(iso.group(4)))
    basic = _ISO_BASIC.match(text)
    if basic:
        return _day(*map(int, basic.groups()))
    cjk = _CJK.search(text)
    if cjk:
        return _day(*map(int, cjk.groups()))
    lowered = text.lower()
    for pattern, months in ((_MONTH_FIRST, _MONTHS), (_DAY_FIRST, _MONTHS), (_YEAR_FIRST, _YEAR_FIRST_MONTHS)):
        for match in pattern.finditer(lowered):
            month = months.get(match.group("month"))
            if month:
                return _day(int(match.group("year")), month, int(match.group("day")))
    return None


def _day(year: int, month: int, day: int) -> str:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""


def _dateparser(text: str, languages: list[str] | None) -> str | None:
    import dateparser  # imported on first use: most pages never need it, and it loads slowly

    try:
        parsed = dateparser.parse(text, languages=languages, settings=_SETTINGS)
    except (ValueError, OverflowError):
        return None
    return parsed.strftime("%Y-%m-%d") if parsed else None


def _search_every_locale(text: str) -> str | None:
    """dateparser without a language, within the document's budget of searches that find nothing."""
    left = _FAILED_SEARCHES_LEFT.get()
    if left is not None and left[0] <= 0:
        raise _OverBudget
    parsed = _dateparser(text, None)
    if parsed is None and left is not None:
        left[0] -= 1
    return parsed
