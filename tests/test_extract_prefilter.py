"""The byte prefilter backfills ask before parsing a page: whether it may cite a post at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.extract import extract_posts
from archiver.extract.prefilter import may_cite_posts
from devset import DEVSET

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(DEVSET.glob("*/pages/*.html")) + sorted((ROOT / "samples" / "articles").glob("*.html")) + \
    sorted((ROOT / "tests" / "fixtures").rglob("*.html"))


def page(body: str) -> bytes:
    return f"<!DOCTYPE html><html><head><title>Ledger</title></head><body>{body}</body></html>".encode()


SHARE_BAR = ('<a href="https://twitter.com/intent/tweet?url=https%3A%2F%2Fledger.example%2Fa">Tweet</a>'
             '<a href="https://www.facebook.com/sharer/sharer.php?u=https://ledger.example/a">Share</a>'
             '<a href="https://www.instagram.com/sampleledger/">Follow us</a>'
             '<a href="https://x.com/SampleLedgerFx">@SampleLedgerFx</a>')


def test_share_buttons_and_follow_links_are_not_posts():
    assert may_cite_posts(page(f"<article><p>No post is cited here.</p></article><footer>{SHARE_BAR}</footer>")) is False


def test_a_status_link_among_share_buttons_may_be_a_post():
    link = '<p>As <a href="https://x.com/SampleLedgerFx/status/1711350796907446279">the desk posted</a>.</p>'
    assert may_cite_posts(page(SHARE_BAR + link)) is True


def test_an_embed_marker_or_an_attribution_may_be_a_post():
    assert may_cite_posts(page('<blockquote class="instagram-media"><p>A fictional caption</p></blockquote>'))
    assert may_cite_posts(page("<p>Do not cross. &mdash; Eastmere Volunteers (@EastmereVolsFx) October 8, 2023</p>"))


def test_a_blockquote_is_a_quotation_unless_the_page_holds_a_twitter_embed_class():
    quotation = '<blockquote><p>A fictional mayor said the bridge would reopen.</p></blockquote>'
    assert may_cite_posts(page(quotation)) is False
    embed = '<blockquote class="twitter-tweet"><p>Do not cross.</p>&mdash; Eastmere Volunteers</blockquote>'
    assert may_cite_posts(page(quotation + embed)) is True


def test_a_post_url_written_with_entities_is_read_as_the_extractor_reads_it():
    assert may_cite_posts(page('<a href="https://twitter.com/SampleLedgerFx/status/17113507969074&#52;6279">post</a>'))


def test_a_player_written_as_markup_in_an_attribute_is_read_as_the_extractor_reads_it():
    lazy = page('<div data-html="&lt;iframe src=&quot;//www.youtube.com/embed/FxVideo0012&quot;&gt;"></div>')
    assert may_cite_posts(lazy) is True
    assert [post.post_id for post in extract_posts(lazy)] == ["FxVideo0012"]


def test_a_post_url_in_the_head_is_not_read_as_the_extractor_does_not_read_it():
    head = b'<html><head><link rel="alternate" href="https://twitter.com/SampleLedgerFx/status/1711350796907446279">'
    assert may_cite_posts(head + b"</head><body><p>Nothing cited.</p></body></html>") is False


def test_a_utf16_page_is_left_to_the_extractor():
    assert may_cite_posts("\ufeff<html><body><p>Nothing cited.</p></body></html>".encode("utf-16-le")) is True


@pytest.mark.parametrize("path", PAGES, ids=lambda path: f"{path.parent.parent.name}/{path.name}")
def test_every_page_the_extractor_finds_a_post_in_passes_the_prefilter(path):
    data = path.read_bytes()
    if extract_posts(data, "https://ledger.example/page"):
        assert may_cite_posts(data)


def test_a_post_shown_through_an_embedding_service_may_be_a_post():
    frame = ('<iframe src="https://cdn.embedly.com/widgets/media.html?url=https%3A%2F%2Ftwitter.com%2F'
             'SampleLedgerFx%2Fstatus%2F1711350796907446279"></iframe>')
    assert may_cite_posts(page(frame)) is True
    assert may_cite_posts(page('<script src="https://cdn.embedly.com/widgets/platform.js"></script>')) is False
