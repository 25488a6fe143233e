"""Printed and meta-tag dates: the common forms take the fast path, others go to dateparser."""

import pytest

from archiver.extract import dates
from archiver.extract.dates import parse_date

FAST = {
    "2021-07-08T06:00:00Z": "2021-07-08",
    "2019/1/22": "2019-01-22",
    "Mon, 04 Nov 2019 10:00:00 +0000": "2019-11-04",
    "Wed Jul 07 10:00:00 +0000 2021": "2021-07-07",
    "November 4, 2019": "2019-11-04",
    "June 12th 2022": "2022-06-12",
    "3:45 PM - 22 Dec 2014": "2014-12-22",
    "9. Juli 2021": "2021-07-09",
    "7 de julio de 2021": "2021-07-07",
    "1er mai 2021": "2021-05-01",
    "2021年7月7日": "2021-07-07",
    "2021. július 7.": "2021-07-07",
    "2021 m. liepos 7 d.": "2021-07-07",
    "20180619T055000+0900": "2018-06-19",
    "Tue Jan 28 15:28:56 CET 2020": "2020-01-28",
}


@pytest.fixture
def no_dateparser(monkeypatch):
    def refuse(text, languages):
        raise AssertionError(f"{text!r} went to dateparser")
    monkeypatch.setattr(dates, "_dateparser", refuse)
    dates._parse_date.cache_clear()
    yield
    dates._parse_date.cache_clear()


@pytest.mark.parametrize("text", FAST)
def test_meta_tag_and_embed_date_forms_take_the_fast_path(text, no_dateparser):
    assert parse_date(text) == FAST[text]


def test_links_sentences_and_impossible_days_are_not_dates(no_dateparser):
    assert [parse_date(t) for t in ("https://twitter.com/FxDesk/status/1412743195653046279",
                                    "February 30, 2021", "Read more", "", "9:05 PM", "Today, 15:28:56",
                                    "20180632T000000")] == [None] * 7


@pytest.mark.parametrize("text, language, day", [
    ("06.01.2026", None, "2026-01-06"),          # dots: day first wherever they are written
    ("06/01/2026 - 14:16 UTC+1", "fr", "2026-01-06"),
    ("06/01/2026", "en-GB", "2026-01-06"),
    ("06/01/2026", "en-US", "2026-06-01"),
    ("06/01/2026", None, "2026-06-01"),          # no language: month first, as dateparser reads it
    ("13/01/2026", "en-US", "2026-01-13"),       # a part over 12 settles it
    ("01/13/2026", "fr", "2026-01-13"),
    ("31/02/2026", "fr", None),
])
def test_numeric_dates_follow_the_writers_convention(text, language, day, no_dateparser):
    assert parse_date(text, language) == day


def test_other_languages_go_to_dateparser_in_the_page_language():
    dates._parse_date.cache_clear()
    assert parse_date("7 июля 2021 г.", "ru") == "2021-07-07"
    assert parse_date("1 مارس 2022", "ar") == "2022-03-01"


def test_an_article_citing_posts_dated_only_outside_the_usual_meta_tags_is_dated_by_htmldate():
    """Only there by default: on pages citing nothing the search was half their time."""
    from archiver.extract import decode, extract, extract_document

    embed = (b"<blockquote class='twitter-tweet'><p>Ferry back</p>&mdash; Fx Desk (@FxDesk) <a href="
             b"'https://twitter.com/FxDesk/status/1412743195653046279'>July 7, 2021</a></blockquote>")
    html = (b"<html><head><title>Fictional story</title><meta name='og:updated' content='x'></head><body><article>"
            b"<p>The fictional council met on Monday.</p>%s</article></body></html>")
    url = "https://news.example/2021/07/08/fictional-story.html"
    assert extract(html % embed, base_url=url)["published"] == "2021-07-08"
    assert extract(html % b"", base_url=url)["published"] is None
    assert extract_document(decode(html % b""), url, date_every_page=True)["published"] == "2021-07-08"


@pytest.mark.parametrize("wrapped", [
    "<![CDATA[ {json} ]]>",
    "//<![CDATA[\n{json}\n//]]>",
    "/* <![CDATA[ */ {json} /* ]]> */",
    "{json}",
])
def test_json_ld_in_a_cdata_section_or_with_raw_control_characters_gives_the_published_date(wrapped):
    """The CDATA markers are the script's text in HTML: read past, the JSON-LD's datePublished
    wins over the modified time in the meta tags, which htmldate falls back to."""
    from archiver.extract import extract

    data = '{"@graph": [{"@type": "NewsArticle", "description": "Tab\there", "datePublished": "2022-07-13T11:37:27+00:00"}]}'
    html = ("<html><head><meta property='article:modified_time' content='2022-07-15T12:18:40+00:00'>"
            f"<script type='application/ld+json'>{wrapped.replace('{json}', data)}</script></head>"
            "<body><article><p>The fictional council met on Monday.</p></article></body></html>")
    assert extract(html.encode())["published"] == "2022-07-13"


def test_a_hostile_text_of_thousands_of_date_like_lines_gets_a_bounded_search_per_document(monkeypatch):
    """Each line's "date" is a new form dateparser searches every locale for (10-35 ms):
    a document gets MAX_FAILED_SEARCHES such searches that find nothing, the next one its own."""
    from archiver.extract import extract

    searches = []
    real = dates._dateparser
    monkeypatch.setattr(dates, "_dateparser", lambda text, languages: searches.append(text) or real(text, languages))
    dates._parse_date.cache_clear()
    hostile = "".join(f"\u2014 Fx (@fx_flood) w{n} 2021\n" for n in range(2000))
    assert extract(hostile)["posts"] == []
    assert len(searches) == dates.MAX_FAILED_SEARCHES
    post = "The ferry runs again. pic.twitter.com/FxFerry001\n\u2014 Fx Ferries (@FxFerries) 7 \u0438\u044e\u043b\u044f 2021 \u0433.\n"
    assert [p.date for p in extract(post)["posts"]] == ["2021-07-07"]
