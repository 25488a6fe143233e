"""The fields of a cited post as the development set's labelling rules define them:
text without the attribution, media = pic.twitter.com only, other links apart,
placeholders, AMP, lazy embeds and site-rendered cards."""

from __future__ import annotations

import html
import json

import pytest

from archiver.archive import archive
from archiver.extract import extract_posts
from archiver.store.schema import open_db

PROSE = "<p>" + "The fictional harbour office said on Monday that the ferry would run again. " * 3 + "</p>"


def page(body: str) -> bytes:
    return f"<html><body><article>{PROSE}{body}{PROSE}</article></body></html>".encode()


def fields(post) -> dict:
    return {k: v for k, v in post.to_dict().items() if k not in ("source", "context", "position")}


def test_attribution_is_not_part_of_the_text_when_the_embed_has_no_paragraph():
    html = page('<blockquote class="twitter-tweet">Ferry running again <a href="https://t.co/AbCdEf1234">'
                'pic.twitter.com/AbCdEf1234</a><br>&mdash; Fx Desk (@FxDesk) '
                '<a href="https://twitter.com/FxDesk/status/1412743195653046279">July 7, 2021</a></blockquote>')
    assert [fields(p) for p in extract_posts(html)] == [{
        "platform": "twitter", "post_id": "1412743195653046279",
        "url": "https://twitter.com/FxDesk/status/1412743195653046279", "handle": "FxDesk",
        "author_name": "Fx Desk", "date_text": "July 7, 2021", "date": "2021-07-07",
        "text": "Ferry running again pic.twitter.com/AbCdEf1234", "media": ["pic.twitter.com/AbCdEf1234"],
        "links": []}]


def test_an_embed_whose_markup_a_formatter_wrapped_reads_as_the_browser_shows_it():
    # Tidy and code formatters break the markup's lines anywhere; a browser shows spaces.
    html = page('<blockquote class="twitter-tweet"><p lang="en">Ferry running again,\nfirst cars\naboard '
                '<a href="https://t.co/AbCdEf1234">pic.twitter.com/AbCdEf1234</a></p>&mdash; Fx Harbour\n'
                'Office (@FxDesk)\n<a href="https://twitter.com/FxDesk/status/1412743195653046279">July 7,\n'
                '2021</a></blockquote>')
    [post] = extract_posts(html)
    assert (post.author_name, post.date, post.text) == (
        "Fx Harbour Office", "2021-07-07", "Ferry running again, first cars aboard pic.twitter.com/AbCdEf1234")


def test_an_embeds_display_name_holding_a_hyphen_is_read_whole():
    html = page('<blockquote class="twitter-tweet"><p lang="en">Route 4 is on diversion.</p>&mdash; Fx Transit - '
                'Service Alerts (@FxDesk) <a href="https://twitter.com/FxDesk/status/1412743195653046279">'
                'July 7, 2021</a></blockquote>')
    [post] = extract_posts(html)
    assert (post.author_name, post.text) == ("Fx Transit - Service Alerts", "Route 4 is on diversion.")


def test_attribution_in_its_own_paragraph_and_wordpress_split_text_are_handled():
    html = page('<blockquote class="twitter-tweet"><p>First cars aboard.</p><p>More at noon '
                '<a href="https://t.co/LnK0000001">https://t.co/LnK0000001</a></p>'
                '<p>&mdash; Fx Desk (@FxDesk) <a href="https://twitter.com/FxDesk/status/1412743195653046279">'
                'July 7, 2021</a></p></blockquote>')
    [post] = extract_posts(html)
    assert (post.text, post.media, post.links) == (
        "First cars aboard. More at noon https://t.co/LnK0000001", [], ["https://t.co/LnK0000001"])


def test_an_embed_inside_a_quotation_gives_its_own_text_not_the_quotation():
    embed = ('<blockquote class="twitter-tweet"><p>First cars aboard.</p>&mdash; Fx Desk (@FxDesk) '
             '<a href="https://twitter.com/FxDesk/status/1412743195653046279">July 7, 2021</a></blockquote>')
    html = page(f"<blockquote><p>The harbour master wrote to the council on Sunday.</p>{embed}</blockquote>")
    [post] = extract_posts(html)
    assert (post.post_id, post.author_name, post.text) == ("1412743195653046279", "Fx Desk", "First cars aboard.")


def test_a_quotation_ending_in_a_copied_post_gives_the_post_only_its_own_lines():
    said = "<p>" + "The harbour master wrote to the council on Sunday about the ferry timetable. " * 3 + "</p>"
    html = page(f'<blockquote>{said}{said}<p>First cars aboard pic.twitter.com/AbCdEf1234</p><p>&mdash; Fx Desk '
                '(@FxDesk) <a href="https://twitter.com/FxDesk/status/1412743195653046279">July 7, 2021</a></p>'
                '</blockquote>')
    [post] = extract_posts(html)
    assert (post.post_id, post.text) == ("1412743195653046279", "First cars aboard pic.twitter.com/AbCdEf1234")


def test_twitters_embed_code_with_its_class_stripped_keeps_all_its_text():
    # A sanitiser or a feed drops the class; the <p lang dir> Twitter writes still says embed code.
    html = page('<blockquote><p lang="en" dir="ltr">Ferry update 14:05<br>All crossings are suspended until '
                'the storm passes. pic.twitter.com/AbCdEf1234</p>&mdash; Fx Desk (@FxDesk) '
                '<a href="https://twitter.com/FxDesk/status/1412743195653046287">March 3, 2024</a></blockquote>')
    [post] = extract_posts(html)
    assert post.text == "Ferry update 14:05 All crossings are suspended until the storm passes. pic.twitter.com/AbCdEf1234"


def test_a_quotation_whose_cms_writes_every_paragraph_with_lang_and_dir_is_no_embed():
    html = page('<blockquote><p lang="en" dir="ltr">The ferry will not run this summer, the council said.</p>'
                '<p lang="en" dir="ltr">The statement was also <a href="https://twitter.com/FxDesk/status/'
                '1412743195653046288">posted on X</a> on Tuesday.</p></blockquote>')
    [post] = extract_posts(html)
    assert (post.post_id, post.text, post.date_text) == ("1412743195653046288", None, None)


def test_two_adjacent_links_read_as_two_words():
    html = page('<blockquote class="twitter-tweet"><p>Watch <a href="https://twitter.com/FxA">@FxA</a>'
                '<a href="https://twitter.com/FxB">@FxB</a></p>&mdash; Fx Desk (@FxDesk) '
                '<a href="https://twitter.com/FxDesk/status/1412743195653046279">July 7, 2021</a></blockquote>')
    assert extract_posts(html)[0].text == "Watch @FxA @FxB"


def test_amp_embed_with_a_whole_status_url_and_lazy_and_placeholder_forms():
    html = page('<amp-twitter data-tweetid="https://twitter.com/FxDesk/status/1412743195653046279" width="1">'
                '</amp-twitter>'
                '<blockquote data-twitter="twitter-tweet"><a href="https://twitter.com/FxDesk/status/20"></a></blockquote>'
                '<div class="embed" data-oembed-url="https://x.com/FxDesk/statuses/1412743195653046280"></div>'
                '<div class="widget__tweet" data-tweet-id="1412743195653046281"></div>'
                '<p>Also <a href="https://mobile.twitter.com/#!/FxDesk/status/1412743195653046282/photo/1">this</a>.</p>')
    assert [(p.post_id, p.handle) for p in extract_posts(html)] == [
        ("1412743195653046279", "FxDesk"), ("20", "FxDesk"), ("1412743195653046280", "FxDesk"),
        ("1412743195653046281", None), ("1412743195653046282", "FxDesk")]


def test_twitters_own_markup_saved_with_a_page_names_the_account_beside_the_id():
    html = page('<div class="tweet permalink-tweet" data-tweet-id="1412743195653046285" data-screen-name="FxDesk" '
                'data-name="Fx Desk"></div>'
                '<div class="tweet" data-tweet-id="1412743195653046286" data-screen-name="not a handle!"></div>')
    assert [(p.post_id, p.handle, p.author_name, p.url) for p in extract_posts(html)] == [
        ("1412743195653046285", "FxDesk", "Fx Desk", "https://twitter.com/FxDesk/status/1412743195653046285"),
        ("1412743195653046286", None, None, "https://twitter.com/i/web/status/1412743195653046286")]


def test_a_status_id_written_with_leading_zeros_is_the_same_post():
    html = page('<p>See <a href="https://twitter.com/FxDesk/status/01412743195653046279">this</a> and '
                '<a href="https://twitter.com/FxDesk/status/1412743195653046279">that</a>.</p>')
    assert [p.post_id for p in extract_posts(html)] == ["1412743195653046279"]


def test_consent_placeholders_that_load_the_tweet_later_name_it():
    html = page('<div class="tac_activate"><div class="twitterembed-canvas" tweetid="1412743195653046283" '
                'theme="light"></div></div><p>Then the harbour office replied.</p>'
                '<embetty-tweet status="1412743195653046284"></embetty-tweet>')
    assert [p.post_id for p in extract_posts(html)] == ["1412743195653046283", "1412743195653046284"]


@pytest.mark.parametrize("name, full_text, expected", [
    ("Fx \ud800Desk", "Ferry running again", ("Fx \ufffdDesk", "Ferry running again")),  # a lone surrogate
    ("Fx Desk", "<html>", ("Fx Desk", None)),
    ("Fx Desk", "\x01<b>Ferry</b> running again", ("Fx Desk", "\x01Ferry running again")),
])
def test_a_hostile_tweet_cards_data_reads_as_text_any_writer_takes(name, full_text, expected):
    """Regressions found by fuzzing: a surrogate broke the CLI's and the database's UTF-8,
    and lxml's fragment parser raised on "<html>" and on a control character."""
    attrs = json.dumps({"url": "https://twitter.com/fxdesk/status/1412743195653046279", "name": name,
                        "full_text": full_text, "username": "FxDesk"})
    [post] = extract_posts(page(f"""<div class="tweet" data-attrs='{html.escape(attrs)}'></div>"""))
    assert (post.author_name, post.text) == expected
    assert extract_posts("<p>A str with a lone \udc80 surrogate</p>") == []


def test_json_nested_deeper_than_python_reads_is_no_card_and_no_metadata():
    deep = "[" * 100000 + "]" * 100000
    markup = (f"<html><head><script type='application/ld+json'>{deep}</script></head><body><article>"
              f"<div class='tweet' data-attrs='{deep}'></div>"
              "<p>See <a href='https://twitter.com/FxDesk/status/1412743195653046279'>the post</a>.</p></article></body></html>")
    assert [p.post_id for p in extract_posts(markup.encode())] == ["1412743195653046279"]


def test_site_rendered_tweet_card_gives_name_handle_printed_date_and_text():
    attrs = json.dumps({"url": "https://twitter.com/fxdesk/status/1412743195653046279?s=21",
                        "full_text": '<span class="tweet-fake-link">@FxOther</span> Ferry running again',
                        "username": "FxDesk", "name": "Fx Desk", "date": "Wed Jul 07 10:00:00 +0000 2021"})
    html = page(f"""<div class="tweet" data-attrs='{attrs}'><a href="https://twitter.com/fxdesk/status/1412743195653046279">
        <div class="tweet-header"><span>Fx Desk</span> <span>@FxDesk</span></div>@FxOther Ferry running again</a>
        <a href="https://twitter.com/fxdesk/status/1412743195653046279"><p class="tweet-date">July 7th 2021</p></a></div>""")
    [post] = extract_posts(html)
    assert (post.post_id, post.handle, post.author_name, post.date_text, post.date, post.text) == (
        "1412743195653046279", "FxDesk", "Fx Desk", "July 7th 2021", "2021-07-07", "@FxOther Ferry running again")


def test_archive_keeps_links_apart_from_media(tmp_path):
    source = tmp_path / "a.html"
    source.write_bytes(page('<blockquote class="twitter-tweet"><p>Ferry <a href="https://t.co/LnK0000001">'
                            'https://t.co/LnK0000001</a> <a href="https://t.co/AbCdEf1234">pic.twitter.com/AbCdEf1234'
                            '</a></p>&mdash; Fx Desk (@FxDesk) <a href="https://twitter.com/FxDesk/status/'
                            '1412743195653046279">July 7, 2021</a></blockquote>'))
    db = open_db(str(tmp_path / "archive.db"))
    archive(db, [str(source)], warc_dir=tmp_path / "warc", report=lambda source, reason: None)
    assert db.execute("SELECT link FROM media").fetchall() == [("pic.twitter.com/AbCdEf1234",)]
    assert db.execute("SELECT links FROM posts").fetchall() == [('["https://t.co/LnK0000001"]',)]


def test_the_context_of_an_embed_is_the_article_paragraph_before_it_not_a_label_credit_or_teaser():
    embed = ('<blockquote class="twitter-tweet"><p>Ferry back.</p>&mdash; Fx Desk (@FxDesk) '
             '<a href="https://twitter.com/FxDesk/status/1412743195653046279">July 7, 2021</a></blockquote>')
    prose = "<p>The harbour office said the ferry would run again from nine on Monday.</p>"
    for furniture in ('<div class="visually-hidden">Article content</div>',  # read out to screen readers
                      "<p>Image: Fx Agency</p>", "<p>Fuente: Fx Agencia</p>", "<p>\u5199\u771f\uff1aFx \u901a\u4fe1</p>",
                      "<p>\uc0ac\uc9c4=Fx \ub274\uc2a4</p>",  # Korean credits are written "사진=..."
                      '<p>See also: <a href="https://fx.example/ten-ferries">The ten ferries that never ran on time'
                      "</a></p>",
                      '<div class="ad-container"><div class="ad-label">Story continues below advertisement</div></div>'):
        [post] = extract_posts(page(prose + furniture + embed))
        assert post.context == "The harbour office said the ferry would run again from nine on Monday.", furniture
    [post] = extract_posts(page(prose + "<p>Yesterday:</p>" + embed))  # a lead-in is the context
    assert post.context == "Yesterday:"
    # A short sentence in a language written without spaces is prose too.
    sentence = "\u6e2f\u53e3\u529e\u516c\u5ba4\u4eca\u5929\u53d1\u5e03\u4e86\u901a\u77e5\u3002"
    [post] = extract_posts(page(prose + f"<p>{sentence}</p>" + embed))
    assert post.context == sentence


def test_a_link_alone_in_its_block_takes_the_paragraph_before_it_as_context():
    """A card's title or a consent box's button, all link, is no sentence citing the post."""
    prose = "<p>Officials said a temporary landing stage would be built along the shore for the ferry.</p>"
    card = ('<blockquote class="embedly-card"><h4><a href="https://www.youtube.com/watch?v=FxVideo0002">'
            "The 2009 regatta, restored</a></h4></blockquote>")
    [post] = extract_posts(page(prose + card))
    assert post.context == "Officials said a temporary landing stage would be built along the shore for the ferry."


def test_a_long_paragraph_rich_in_links_is_still_the_context_of_the_embed_under_it():
    # Its context is trimmed to 1,000 characters; the share of link text is of the whole paragraph.
    links = " ".join(f'<a href="https://fx.example/{n}">the fictional report number {n} on the ferry</a>,'
                     for n in range(30))
    paragraph = (f"<p>The harbour office cited {links} and went on about the timetable. "
                 + "The works will last the winter and the office will publish updates each week. " * 8 + "</p>")
    embed = ('<blockquote class="twitter-tweet"><p>Ferry back.</p>&mdash; Fx Desk (@FxDesk) '
             '<a href="https://twitter.com/FxDesk/status/1412743195653046279">July 7, 2021</a></blockquote>')
    [post] = extract_posts(page(paragraph + embed))
    assert post.context.startswith("The harbour office cited the fictional report number 0")


def test_a_blockquote_the_site_names_a_tweet_keeps_every_paragraph_of_its_text():
    # The Guardian's embeds: figure.element-tweet > blockquote.nojs-tweet, no twitter-tweet class.
    html = page('<figure class="element element-tweet"><blockquote class="js-tweet nojs-tweet"><p>Tonight&#39;s '
                'update on the crossing:<br><br>1/ The quay is open.<br>2/ The bridge stays closed.</p>&mdash; '
                'Fx Desk (@FxDesk) <a href="https://twitter.com/FxDesk/status/1412743195653046279">July 7, 2021</a>'
                '</blockquote></figure><blockquote class="click-to-tweet"><p>Share this line.</p></blockquote>')
    assert [(p.post_id, p.text) for p in extract_posts(html)] == [
        ("1412743195653046279", "Tonight's update on the crossing: 1/ The quay is open. 2/ The bridge stays closed.")]
