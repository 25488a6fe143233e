"""Whole outputs for realistic pages of every embed form, and the traps that are not posts."""

import html
import json
from pathlib import Path

import pytest

from archiver.extract import extract, extract_posts
from archiver.extract.prefilter import may_cite_posts

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = sorted((FIXTURES / "pages").iterdir())
TRAPS = sorted((FIXTURES / "negative").iterdir())


def posts_of(path: Path) -> list[dict]:
    return [{k: v for k, v in post.to_dict().items() if k != "source"}
            for post in extract_posts(path.read_bytes())]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_gives_exactly_its_cited_posts(page):
    expected = json.loads((FIXTURES / "expected" / f"{page.name}.json").read_text(encoding="utf-8"))
    assert posts_of(page) == expected


@pytest.mark.parametrize("trap", TRAPS, ids=lambda p: p.name)
def test_page_furniture_and_non_post_links_are_not_citations(trap):
    assert posts_of(trap) == []


def test_there_are_at_least_fifteen_trap_pages():
    assert len(TRAPS) >= 15


def test_share_button_is_not_a_citation():
    html = b"""<article><p>Read the story and share it widely with everyone you know today.</p>
    <a href="https://twitter.com/intent/tweet?url=https://news.example/s">Share</a>
    <a href="https://twitter.com/share?url=https%3A%2F%2Ftwitter.com%2FFxDesk%2Fstatus%2F1412743195653046279">Share</a>
    </article>"""
    assert extract_posts(html) == []


def test_post_cited_twice_on_one_page_is_reported_once_with_the_embed_details():
    html = b"""<article><p>First <a href="https://x.com/FxDesk/status/1412743195653046279">a link</a> to it.</p>
    <blockquote class="twitter-tweet"><p>Bridge closed.</p>&mdash; Fx Desk (@FxDesk)
    <a href="https://twitter.com/FxDesk/status/1412743195653046279">July 7, 2021</a></blockquote></article>"""
    [post] = extract_posts(html)
    assert (post.post_id, post.text, post.author_name, post.position) == (
        "1412743195653046279", "Bridge closed.", "Fx Desk", 1)


def test_two_posts_by_one_account_on_one_day_are_two_posts():
    text = ("Intro paragraph of a fictional article.\n"
            "Road closed pic.twitter.com/AAAA000001\n— Fx Desk (@FxDesk) July 7, 2021\n"
            "Road open pic.twitter.com/AAAA000002\n— Fx Desk (@FxDesk) July 7, 2021\n")
    posts = extract_posts(text.encode())
    assert [p.text for p in posts] == ["Road closed pic.twitter.com/AAAA000001",
                                       "Road open pic.twitter.com/AAAA000002"]


def test_quoted_tweet_link_inside_a_post_is_part_of_that_post():
    html = b"""<article><p>Context paragraph for a fictional post with a quote.</p>
    <blockquote class="twitter-tweet"><p>Agree with this <a href="https://t.co/QqQq">https://twitter.com/FxOther/status/1412743195653000000</a></p>
    &mdash; Fx Desk (@FxDesk) <a href="https://twitter.com/FxDesk/status/1412743195653046279">July 7, 2021</a></blockquote></article>"""
    posts = extract_posts(html)
    assert [p.post_id for p in posts] == ["1412743195653046279"]
    assert posts[0].text == "Agree with this https://twitter.com/FxOther/status/1412743195653000000"


def test_post_ids_stay_strings_in_json_beyond_two_to_the_53():
    html = b'<article><p>See <a href="https://twitter.com/FxDesk/status/1412743195653046279">this</a>.</p></article>'
    [post] = extract_posts(html)
    assert json.loads(json.dumps(post.to_dict()))["post_id"] == "1412743195653046279"


def test_plain_text_attribution_on_one_line_with_en_dash_and_double_hyphen():
    for dash in ("\u2013", "--", "\u2014"):
        text = f"Intro.\n\nStorm warning pic.twitter.com/BBBB000001 {dash} Fx Met (@FxMet) May 20, 2024\n"
        [post] = extract_posts(text.encode())
        assert (post.handle, post.author_name, post.date, post.text) == (
            "FxMet", "Fx Met", "2024-05-20", "Storm warning pic.twitter.com/BBBB000001")


def test_article_record_reads_canonical_title_site_language_and_date():
    record = extract((FIXTURES / "pages" / "twitter_blockquotes.html").read_bytes(),
                     base_url="https://gazette.example/amp/storm")
    record.pop("posts")
    assert record == {
        "url": "https://gazette.example/world/2021/jul/07/storm",
        "title": "Storm batters fictional coast | Sample Gazette",
        "site": "Sample Gazette",
        "language": "en-GB",
        "published": "2021-07-08",
        "warnings": [],
    }


def test_article_date_from_meta_in_a_legacy_encoding():
    record = extract((FIXTURES / "pages" / "arabic_windows1256.html").read_bytes())
    assert (record["title"], record["language"], record["published"]) == ("خبر تجريبي خيالي", "ar", "2022-03-01")


def test_article_date_from_json_ld():
    sample = Path(__file__).parents[1] / "samples" / "articles" / "market-fire.html"
    assert extract(sample.read_bytes())["published"] == "2022-03-01"


PROSE = "<p>" + "The fictional council met on Monday and said the bridge would stay closed for repairs. " * 3 + "</p>"


def test_article_body_under_furniture_class_words_is_still_the_body():
    # Page builders put words like widget, social or sidebar on the wrappers of the article text.
    html = f"""<body><div class="widget post-partial"><div id="social-scroll" class="sidebar-layout">
    {PROSE}<p>A resident <a href="https://twitter.com/FxResident/status/1711350796907446310">posted a video</a>
    of the flooded road.</p>{PROSE}</div></div></body>""".encode()
    assert [p.post_id for p in extract_posts(html)] == ["1711350796907446310"]


def test_an_embed_closing_the_text_in_a_page_builders_widget_box_is_cited():
    tweet = ('<blockquote class="twitter-tweet"><p>Pier closed until further notice.</p>&mdash; Fx Harbour '
             '(@fx_harbour) <a href="https://twitter.com/fx_harbour/status/1711350796907446330">March 3, 2024</a>'
             '</blockquote>')
    html = f"""<body><article><div class="article-content">{PROSE}{PROSE}
    <div class="widget widget--type-tweet"><div class="widget__wrapper">{tweet}</div></div>
    </div></article></body>""".encode()
    assert [p.post_id for p in extract_posts(html)] == ["1711350796907446330"]


def test_a_page_builders_video_widget_names_its_video_in_its_settings_json():
    # The widget's script inserts the player: the saved page holds only the JSON, its slashes escaped.
    widget = ('<div class="elementor-widget-video" data-settings="{&quot;youtube_url&quot;:&quot;'
              'https:\\/\\/www.youtube.com\\/watch?v=FxVideo0031&quot;,&quot;video_type&quot;:&quot;youtube&quot;}">'
              '<div class="elementor-video"></div></div>')
    html = f"<body><article>{PROSE}{widget}{PROSE}</article></body>".encode()
    assert [p.post_id for p in extract_posts(html)] == ["FxVideo0031"]


def test_a_layouts_modifier_naming_a_sidebar_does_not_make_its_sidebar_part_of_the_article():
    videos = "".join(f'<li><a href="https://www.youtube.com/watch?v=FxVideo003{i}">Harbour film {i}</a></li>'
                     for i in range(3))
    html = f"""<body><article class="post"><div class="layout layout--has-sidebar"><div class="layout__main">
    <div class="entry-content">{PROSE}{PROSE}</div></div>
    <div class="sidebar"><h3>Our videos</h3><ul>{videos}</ul></div></div></article></body>""".encode()
    assert extract_posts(html) == []


def test_a_tables_filter_box_in_the_article_is_no_site_search():
    # TablePress and DataTables write a search input that names the table it filters.
    tweet = ('<blockquote class="twitter-tweet"><p>Pier closed until further notice.</p>&mdash; Fx Harbour '
             '(@fx_harbour) <a href="https://twitter.com/fx_harbour/status/1711350796907446350">March 3, 2024</a>'
             '</blockquote>')
    html = f"""<body><article><div class="text-module">{PROSE}{PROSE}</div><div class="text-module">
    <p>The crossings affected this week, as the operator announced them:</p>
    <label>Search:<input type="search" aria-controls="tablepress-1"></label><table id="tablepress-1">
    <tr><td>North to Isle</td><td>08:10</td></tr></table>{tweet}<p>The council meets next week.</p></div>
    </article></body>""".encode()
    assert [p.post_id for p in extract_posts(html)] == ["1711350796907446350"]


def test_readers_comments_inside_the_article_are_not_its_text_however_long():
    comment = "<p>" + "I have crossed from the fictional pier every summer and never seen it so bad. " * 3 + "</p>"
    html = f"""<body><article><div class="entry-content">{PROSE}{PROSE}</div>
    <section id="comments" class="comments-area"><h2>3 comments</h2><ol class="comment-list">
    <li class="comment">{comment}{comment}</li><li class="comment">{comment}<p>They posted it:
    <a href="https://twitter.com/fx_reader/status/1711350796907446351">here</a></p></li>
    <li class="comment">{comment}{comment}</li></ol></section></article></body>""".encode()
    assert extract_posts(html) == []


def test_an_apps_state_json_holding_a_status_and_a_code_sample_are_not_citations():
    # Inertia.js writes the page's state, sidebar included, in the root element's data-page.
    state = ('{&quot;sidebar&quot;:{&quot;pinned&quot;:&quot;https:\\/\\/x.com\\/fx_site\\/status\\/'
             '1711350796907446360&quot;}}')
    code = ('<pre><code>&lt;iframe src=&quot;https://www.youtube.com/embed/FxVideo0036&quot;&gt;&lt;/iframe&gt;'
            '</code></pre>')
    html = f"""<body><div id="app" data-page="{state}"><article>{PROSE}<p>Paste this:</p>{code}{PROSE}
    </article></div></body>""".encode()
    assert extract_posts(html) == []


def test_a_site_search_with_suggestions_still_makes_its_column_a_sidebar():
    tweet = ('<blockquote class="twitter-tweet"><p>Our weekend opening hours are online.</p>&mdash; Fx Harbour '
             '(@fx_harbour) <a href="https://twitter.com/fx_harbour/status/1711350796907446361">July 7, 2021</a>'
             '</blockquote>')
    html = f"""<body><div class="wrap"><div class="main-col">{PROSE}{PROSE}</div><div class="col-right">
    <form action="/find"><input type="search" name="q" role="combobox" aria-controls="suggestions"></form>
    {tweet}</div></div></body>""".encode()
    assert extract_posts(html) == []


def test_an_article_in_a_category_named_comment_is_still_the_article():
    tweet = ('<blockquote class="twitter-tweet"><p>Ferry service resumes at nine.</p>&mdash; Fx Council '
             '(@fx_council) <a href="https://twitter.com/fx_council/status/1711350796907446362">July 7, 2021</a>'
             '</blockquote>')
    teaser = "<p>" + "Another fictional story of the day: the island school reopens after the summer. " * 3 + "</p>"
    html = f"""<body><div class="top-story">{teaser}</div><article class="post category-comment">
    <div class="entry-content">{PROSE}{tweet}{PROSE}{PROSE}</div></article></body>""".encode()
    assert [p.post_id for p in extract_posts(html)] == ["1711350796907446362"]


def test_template_holding_the_rest_of_the_story_is_part_of_the_body():
    html = f"""<body><article>{PROSE}<template><p>Later <a href="https://x.com/FxDesk/status/1711350796907446311">
    the desk confirmed it</a>.</p>{PROSE}</template></article></body>""".encode()
    assert [p.post_id for p in extract_posts(html)] == ["1711350796907446311"]


def test_feed_of_tweets_beside_the_article_is_furniture_even_without_class_words():
    items = "".join(f'<li><a href="https://twitter.com/FxOutlet/status/171135079690744632{i}">{i}h</a> Our story</li>'
                    for i in range(4))
    html = f"""<body><div id="page"><div id="main">{PROSE}{PROSE}</div></div>
    <div id="x1"><div id="x2"><ul>{items}</ul></div></div></body>""".encode()
    assert extract_posts(html) == []


def test_video_banner_in_a_column_with_a_search_box_is_furniture_even_inside_the_article():
    """Regression (dev set, a news site's "video of the week"): an image link to a YouTube short in the
    sidebar column, which page builders put inside the page's <article>, was taken for a cited video."""
    cited = '<iframe src="https://www.youtube.com/embed/FxVideo0001"></iframe>'
    html = f"""<body><article><div class="row"><div class="column">{PROSE}{cited}{PROSE}</div>
    <div class="column"><form action="/"><div role="search"><input type="text" name="s"></div></form>
    <h2>Video of the week</h2><div><a href="https://www.youtube.com/shorts/FxBanner001" aria-label="Banner">
    <img src="/banner-300x250.jpg" alt=""></a></div></div></div></article></body>""".encode()
    assert [p.post_id for p in extract_posts(html)] == ["FxVideo0001"]


def test_lead_video_in_the_articles_own_header_is_cited_but_one_in_the_site_header_is_not():
    site_header = ('<header><a href="/">Fx Ledger</a><iframe src="https://www.youtube.com/embed/FxPromo0001">'
                   '</iframe></header>')
    article = ('<article><header><h1>The bridge reopens</h1><p>The fictional council voted on Monday.</p>'
               '<iframe src="https://www.youtube.com/embed/FxVideo0002"></iframe></header>'
               f'<div itemprop="articleBody">{PROSE}{PROSE}</div></article>')
    html = f"<body>{site_header}<main>{article}</main></body>".encode()
    assert [p.post_id for p in extract_posts(html)] == ["FxVideo0002"]


def test_article_written_without_paragraphs_keeps_a_feed_beside_it_out():
    """Pages that write their text as runs between <br>s have a main text block too:
    found on real pages by appending a fictional feed of tweets after the article."""
    line = "The fictional harbour office said on Monday that the ferry would run again soon."
    cited = ('<blockquote class="twitter-tweet"><p>First cars aboard.</p>&mdash; Fx Desk (@FxDesk) '
             '<a href="https://twitter.com/FxDesk/status/1711350796907446330">July 7, 2021</a></blockquote>')
    feed = "".join(f'<blockquote class="twitter-tweet"><p>Read our story</p>&mdash; Fx Ledger (@FxLedger) '
                   f'<a href="https://twitter.com/FxLedger/status/171135079690744634{i}">July 7, 2021</a></blockquote>'
                   for i in range(3))
    html = (f'<body><div id="wrap"><div class="story">{line}<br><br>{line}<br><br>{cited}{line}<br><br>{line}</div>'
            f'<div class="byline">By a fictional reporter</div></div><div><h3>Latest</h3>{feed}</div></body>').encode()
    assert [p.post_id for p in extract_posts(html)] == ["1711350796907446330"]


def br_article(embed: str) -> str:
    """A story written as runs of text between <br>s, with `embed` in the middle."""
    line = "The fictional harbour office said on Monday that the ferry would run again from the old quay."
    return ("<br><br>".join([line] * 12) + f'<br><div class="sidebar-box">{embed}</div><br>'
            + "<br><br>".join([line] * 12))


def test_an_embed_boxed_in_the_middle_of_a_text_written_without_paragraphs_is_cited():
    """Text after the box is prose after it: the box is not trailing furniture."""
    html = f'<body><div id="page"><div class="story">{br_article(embed_of(31))}</div></div></body>'.encode()
    assert [post.post_id for post in extract_posts(html)] == ["1412743195653046331"]


def test_a_text_written_without_paragraphs_outweighs_a_few_paragraphs_in_the_footer():
    """A footer's blurb in <p>s is not the main text of a page whose story, many
    times longer, is written between <br>s: the story's boxed embed is inside the article."""
    blurb = "<p>The fictional gazette is written by a small team in the harbour town every day.</p>" * 4
    html = (f'<body><div id="page"><div class="story">{br_article(embed_of(32))}</div><div class="bottom">'
            f'<div class="inner"><div id="about">{blurb}</div></div></div></div></body>').encode()
    assert [post.post_id for post in extract_posts(html)] == ["1412743195653046332"]


def test_share_button_pointing_at_a_status_is_not_a_citation():
    html = f"""<body><article>{PROSE}<a class="twitter-share-button" href="https://twitter.com/share"
    data-url="https://twitter.com/FxDesk/status/1711350796907446312">Tweet</a>{PROSE}</article></body>""".encode()
    assert extract_posts(html) == []


def test_readers_comments_written_between_brs_do_not_outweigh_a_short_article():
    comment = "<b>fxreader</b> wrote on 7 July: I have taken that ferry every morning for years, the pier is too small."
    comments = "<br><br>".join([comment] * 24) + (
        '<br><br>See <a href="https://twitter.com/fx_reader/status/1711350796907446353">my post</a>.')
    html = (f'<body><div class="page"><div class="story">{PROSE}<p>The mayor reacted <a href="https://twitter.com/'
            'fx_mayor/status/1711350796907446354">in a post on X</a> within the hour.</p></div>'
            f'<div class="comments"><div class="comment-list">{comments}</div></div></div></body>').encode()
    assert [p.post_id for p in extract_posts(html)] == ["1711350796907446354"]


def test_an_amp_share_button_sharing_a_status_is_not_a_citation():
    html = f"""<body><article>{PROSE}<amp-social-share type="twitter" width="40" height="40"
    data-param-url="https://twitter.com/FxDesk/status/1711350796907446312" data-param-text="Our match report">
    </amp-social-share>{PROSE}</article></body>""".encode()
    assert extract_posts(html) == []


def test_retweet_and_like_buttons_carrying_a_tweets_id_are_not_citations():
    html = f"""<body><article>{PROSE}<p>Help spread the word:
    <a class="btn" href="https://twitter.com/intent/retweet?tweet_id=1711350796907446312"
       data-tweet-id="1711350796907446312">Retweet</a>
    <button class="like" data-tweet-id="1711350796907446312">Like</button></p>{PROSE}</article></body>""".encode()
    assert extract_posts(html) == []


def test_quoted_paragraphs_are_prose_and_comments_do_not_outweigh_the_article():
    quote = "<blockquote><p>" + "A long quoted passage from the fictional council's statement on the bridge. " * 4 + "</p></blockquote>"
    comment = "<li class='comment'><p>" + "A reader wrote a long comment about other things entirely. " * 5 + "</p></li>"
    html = f"""<body><article><div class="entry-content">{quote}{quote}{quote}
    <ul><li><a href="https://de.twitter.com/FxResident/status/278489618192683009">@FxResident</a> said so too.</li></ul>
    </div><ol class="comments">{comment}{comment}</ol></article></body>""".encode()
    assert [p.post_id for p in extract_posts(html)] == ["278489618192683009"]


def test_unquoted_href_and_language_subdomain_name_the_post():
    html = f"""<body><article>{PROSE}<p>As <a
href=https://de.twitter.com/FxDesk/status/861871559790800896>civil rights groups</a> said.</p></article></body>""".encode()
    [post] = extract_posts(html)
    assert (post.post_id, post.handle, post.url) == (
        "861871559790800896", "FxDesk", "https://twitter.com/FxDesk/status/861871559790800896")


def test_post_urls_in_attributes_written_with_spaces_or_a_line_break_are_read():
    html = f"""<body><article>{PROSE}<p>As <a href = '
https://twitter.com/FxDesk/status/861871559790800896'>the desk said</a> and showed:</p>
<iframe src=
"https://www.youtube.com/embed/FxDesk00001"></iframe>{PROSE}</article></body>""".encode()
    assert [(post.platform, post.post_id) for post in extract_posts(html)] == [
        ("twitter", "861871559790800896"), ("youtube", "FxDesk00001")]


def test_a_post_url_whose_slashes_and_dots_are_character_references_is_read():
    # Some CMSs' encoders of attribute values write a URL's slashes (and colons) as references.
    html = f"""<body><article>{PROSE}<p>A resident <a href="https&#x3a;&#x2f;&#x2f;twitter.com&#x2f;FxResident&#x2f;
    status&#x2f;1711350796907446340">posted a video</a>, and <a href="http:&#x2F;&#x2F;x.com&#x2F;FxDesk&#x2F;status&#x2F;
    1711350796907446341">the desk replied</a>.</p>{PROSE}</article></body>""".replace("\n    ", "").encode()
    assert [p.post_id for p in extract_posts(html)] == ["1711350796907446340", "1711350796907446341"]
    assert may_cite_posts(html)


def test_a_link_whose_address_starts_with_white_space_is_read():
    # Regression: the page's only post link, written `href="  https://..."` (browsers strip
    # the spaces), was taken for a URL in text and never searched for in attributes.
    html = f"""<body><article>{PROSE}<p>As <a href="  https://twitter.com/FxDesk/status/861871559790800897"
>the desk said</a>, the ferry runs again.</p>{PROSE}</article></body>""".encode()
    assert [post.post_id for post in extract_posts(html)] == ["861871559790800897"]


def test_post_urls_only_in_scripts_and_inside_other_values_are_not_posts():
    html = f"""<body><article>{PROSE}<script>var shared = "https://twitter.com/FxDesk/status/861871559790800896";</script>
<button onclick="open('https://twitter.com/FxDesk/status/861871559790800897')">Open</button>
<style>.fx {{ background: url(https://twitter.com/FxDesk/status/861871559790800898) }}</style>{PROSE}</article></body>""".encode()
    assert extract_posts(html) == []


def nested(depth: int) -> bytes:
    embed = ('<blockquote class="twitter-tweet"><p>Ferry running</p>&mdash; Fx Desk (@FxDesk) '
             '<a href="https://twitter.com/FxDesk/status/1412743195653046279">July 7, 2021</a></blockquote>')
    return f"<html><body><article>{PROSE}{'<div>' * depth}{embed}{'</div>' * depth}</article></body></html>".encode()


def test_post_nested_deeper_than_libxml2s_default_limit_is_read():
    # Regression (issue 14): at 300 levels (libxml2 stops at 256 by default) the post vanished silently.
    assert [(p.post_id, p.text) for p in extract_posts(nested(1000))] == [("1412743195653046279", "Ferry running")]


def test_a_post_whose_own_markup_nests_as_deep_as_the_parser_reads_is_read():
    # Regression: its text was read by recursion, past Python's limit (RecursionError: no posts).
    deep_text = "<span>" * 1500 + "Ferry running" + "</span>" * 1500
    html = nested(0).replace(b"<p>Ferry running</p>", f"<p>{deep_text}</p>".encode())
    assert [(p.post_id, p.text) for p in extract_posts(html)] == [("1412743195653046279", "Ferry running")]


def test_post_urls_in_thousands_of_attribute_names_are_read():
    # Regression: one XPath path per attribute name passed libxml2's XPath recursion limit.
    attributes = " ".join(f'data-fx{n}="https://twitter.com/FxDesk/status/1412743195653046279"' for n in range(6000))
    html = f"<html><body><article>{PROSE}<div {attributes}></div></article></body></html>".encode()
    assert [p.post_id for p in extract_posts(html)] == ["1412743195653046279"]


def test_markup_nested_beyond_the_parser_limit_is_named_with_a_warning(tmp_path):
    from click.testing import CliRunner

    from archiver.cli import cli

    page = tmp_path / "deep.html"
    page.write_bytes(nested(3000))
    result = CliRunner().invoke(cli, ["extract", str(page)])
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (f"archiver: {page}: warning: markup nested deeper than 2048 levels: what lies deeper was "
                             "not read (posts there are missing); check the page in a browser\n")


def test_without_metadata_a_page_citing_nothing_costs_no_article_record_and_one_citing_keeps_it():
    from archiver.extract import extract_document
    from archiver.extract.document import decode

    title = "<head><title>Fictional Gazette: the bridge</title></head>"
    nothing = decode(f"<html>{title}<body><article>{PROSE}</article></body></html>".encode())
    citing = decode(nested(3))
    assert extract_document(nothing, "https://news.example/a", metadata=False) == {
        "url": "https://news.example/a", "posts": [], "warnings": []}
    assert extract_document(nothing, "https://news.example/a")["title"] == "Fictional Gazette: the bridge"
    record = extract_document(citing, "https://news.example/b", metadata=False)
    assert record == extract_document(citing, "https://news.example/b") and len(record["posts"]) == 1


def test_a_paragraph_of_thousands_of_links_is_read_once_not_once_per_link(monkeypatch):
    # A link roundup (or a hostile page) of 2,000 status links in one paragraph: reading the
    # paragraph for each link's context made extraction quadratic (minutes for 20,000 links).
    html_posts = __import__("archiver.extract.html_posts", fromlist=["text_lines"])
    reads = []
    monkeypatch.setattr(html_posts, "text_lines", lambda block: reads.append(block) or "Roundup of the day")
    links = "".join(f'<a href="https://twitter.com/fx_roundup/status/{1411993338932486146 + n}">post {n}</a> '
                    for n in range(2000))
    posts = extract_posts(f"<html><body><article><p>Today: {links}</p></article></body></html>".encode())
    assert len(posts) == 2000
    assert {post.context for post in posts} == {"Roundup of the day"}
    assert len(reads) == 1


def test_damaged_bytes_in_a_charset_or_a_post_url_do_not_break_the_extractor():
    """Regression (found by fuzzing the dev pages): a NUL in the declared charset and a
    control character in a status URL raised ValueError from codecs and from lxml's XPath."""
    link = '<p>See <a href="https://twitter.com/FxDesk/status/1711350796907446350\x01x">the post</a>.</p>'
    html = f'<html><head><meta charset="utf\x008"></head><body><article>{PROSE}{link}</article></body></html>'
    assert [p.post_id for p in extract_posts(html.encode())] == ["1711350796907446350"]


@pytest.mark.parametrize("hostile", [
    '<link rel="canonical" href="https://[broken/story">',  # no host urlsplit can read
    "<div>" + "\u3000" * 40 + "</div>",  # white space to Python, not to XPath's normalize-space
    "<blockq\x15ote>" + "Text without paragraphs, long enough to count for the main text. " * 5 + "</blockq\x15ote>",
])
def test_a_hostile_pages_odd_markup_does_not_break_the_extractor(hostile):
    """Regressions found by fuzzing: ValueError from urlsplit and from lxml's tag search, TypeError from len(None)."""
    link = '<p>See <a href="https://twitter.com/FxDesk/status/1711350796907446351">the post</a>.</p>'
    html = f"<html><head>{hostile}</head><body><article>{hostile}{link}</article></body></html>"
    assert [p.post_id for p in extract_posts(html.encode())] == ["1711350796907446351"]


def test_a_sentence_naming_an_account_in_parentheses_keeps_its_post_links():
    html = (f'<body><article>{PROSE}<p>The mayor (@fx_mayor) <a href="https://twitter.com/fx_mayor/status/'
            '1711350796907446352">wrote on Tuesday</a> that the bridge would reopen, and the harbour (@fx_harbour) '
            '<a href="https://www.youtube.com/watch?v=FxVideo0001">filmed it</a>.</p></article></body>').encode()
    assert [(p.platform, p.post_id) for p in extract_posts(html)] == [
        ("twitter", "1711350796907446352"), ("youtube", "FxVideo0001")]


def test_urls_written_in_text_between_links_keep_their_place_in_the_article():
    para = ('<p>See <a href="https://twitter.com/FxDesk/status/1711350796907446361">the first</a>, then '
            'https://twitter.com/FxDesk/status/1711350796907446362 and '
            '<a href="https://twitter.com/FxDesk/status/1711350796907446363">the third</a>.</p>')
    html = f"<html><body><article>{PROSE}{para}</article></body></html>".encode()
    assert [p.post_id[-2:] for p in extract_posts(html)] == ["61", "62", "63"]


def test_a_video_in_a_page_laid_out_in_plain_divs_is_not_a_feed():
    # Regression: a page without classes lays its article out in sibling <div>s (dateline,
    # title, video, downloads, text); the run of classless <div>s was taken for a feed of
    # teasers, and the video above the text for furniture.
    paragraphs = PROSE * 5
    html = f"""<html><body><section><div><div>
<div>The Fx Harbour Office. For immediate release</div><div>Weekly address: the ferry runs again</div>
<div><div><iframe src="https://www.youtube.com/embed/FxDesk00001"></iframe></div></div><div>MP4 MP3</div>
<div><div><div><div>{paragraphs}</div></div></div></div>
</div></div></section></body></html>""".encode()
    assert [(post.platform, post.post_id) for post in extract_posts(html)] == [("youtube", "FxDesk00001")]


def test_a_post_in_another_part_of_an_article_written_in_parts_is_not_in_a_feed():
    # Regression: page builders write an article as blocks of one class; a video linked in
    # the block before the long text was taken for an item of a feed, and dropped.
    def block(inner: str) -> str:
        return f'<div class="block text-block"><div class="content"><div class="html">{inner}</div></div></div>'

    video = ('<p>Watch <a href="https://www.youtube.com/watch?v=FxDesk00001">the harbour video</a> '
             "before reading on: it shows the ramp.</p>")
    html = f"""<html><body><div><div class="layout"><div class="col">
{block(video)}{block(PROSE * 5)}{block("<p>The council meets again next week.</p>")}
</div></div></div></body></html>""".encode()
    assert [(post.platform, post.post_id) for post in extract_posts(html)] == [("youtube", "FxDesk00001")]


def test_generated_class_names_hold_no_furniture_words():
    # Regression: CSS-in-JS names ("css-7f48ad") were split at their digits, and "ad" (a hex
    # digit pair) read as a word for ads: a post after the text in such a block was dropped.
    embed = ('<blockquote class="twitter-tweet"><p>Ferry running</p>&mdash; Fx Desk (@FxDesk) '
             '<a href="https://twitter.com/FxDesk/status/1412743195653046279">July 7, 2021</a></blockquote>')
    html = f"""<html><body><div class="css-1c2b3a"><div class="css-09e4f1">{PROSE * 4}</div>
<div class="css-7f48ad">{embed}</div></div></body></html>""".encode()
    assert [p.post_id for p in extract_posts(html)] == ["1412743195653046279"]


def test_a_post_embedded_in_an_iframes_srcdoc_is_read_at_the_iframes_place():
    # Some sites write the embed code into an iframe's srcdoc, a document in an attribute.
    embed = html.escape('<blockquote class="twitter-tweet"><p>Ferry running</p>&mdash; Fx Desk (@FxDesk) '
                        '<a href="https://twitter.com/FxDesk/status/1412743195653046279">July 7, 2021</a>'
                        '</blockquote><a href="https://twitter.com/intent/tweet?url=https://news.example/">Share</a>')
    page = f"""<html><body><article>{PROSE}<p>The desk wrote:</p><iframe srcdoc="{embed}"></iframe>{PROSE}
</article></body></html>""".encode()
    [post] = extract_posts(page)
    assert (post.post_id, post.handle, post.text, post.context) == (
        "1412743195653046279", "FxDesk", "Ferry running", "The desk wrote:")


@pytest.mark.parametrize("at", ["&#64;", "&#x40;", "&commat;", "&#0064;", "&#64"])
def test_a_copied_attribution_whose_at_sign_is_a_character_reference_is_read(at):
    # Regression: the scan looked for "(@" in the raw markup only, so a page writing the
    # handle's "@" as a reference never had its copied attributions searched.
    html = f"""<html><body><article>{PROSE}<p>The ferry is running again, first cars aboard.</p>
<p>&mdash; Fx Ferry Desk ({at}fx_ferry_desk) July 9, 2021</p>{PROSE}</article></body></html>""".encode()
    assert [(p.handle, p.text) for p in extract_posts(html)] == [
        ("fx_ferry_desk", "The ferry is running again, first cars aboard.")]


def test_a_link_after_an_attribute_holding_angle_brackets_is_read():
    # Regression: a ">" in an earlier attribute made the link's own href look like text.
    html = f"""<html><body><article>{PROSE}<p>As <a title="News > Ferry" data-tip="<b>Open</b>"
href="https://twitter.com/FxDesk/status/1412743195653046279">the desk said</a>.</p>{PROSE}</article></body></html>"""
    assert [p.post_id for p in extract_posts(html.encode())] == ["1412743195653046279"]


def test_a_post_url_followed_by_an_apostrophe_reference_does_not_break_the_page():
    # Regression: the token "...1279's" (written &#39;) went into an XPath string unescaped,
    # and the search raised: the page gave no posts at all.
    html = f"""<html><body><article>{PROSE}<p>See https://twitter.com/FxDesk/status/1412743195653046279&#39;s
thread.</p>{PROSE}</article></body></html>"""
    assert [p.post_id for p in extract_posts(html.encode())] == ["1412743195653046279"]


def test_comments_holding_more_prose_than_the_story_stay_outside_it():
    # Review of ae9124b: the guessed article climbed to the element holding half the page's
    # prose, which took in a long comments section, and a reader's link became a citation.
    reply = "<p>" + "I agree with the harbour office and want more coverage of the ferry. " * 2 + "</p>"
    replies = "".join(f'<div class="reply"><span class="who">reader{i}</span><div class="said">{reply}</div></div>'
                      for i in range(12))
    replies += ('<div class="reply"><span class="who">reader_x</span><p>Look at <a href="https://twitter.com/'
                'fx_reader/status/1412743195653046279">this post</a> of mine, it says it all.</p></div>')
    html = f"""<html><body><div class="page"><div class="content"><div class="story"><h1>Ferry</h1>
<div class="text">{PROSE * 4}</div></div></div><div class="responses"><h3>Responses</h3>{replies}</div></div>
</body></html>""".encode()
    assert extract_posts(html) == []


def test_a_zero_width_space_in_an_embeds_handle_is_read_past():
    # Sites write "@&#8203;desk" so that a handle does not link.
    html = f"""<html><body><article>{PROSE}<blockquote class="twitter-tweet"><p>Ferry&#8203; running</p>&mdash;
Fx Desk (@&#8203;FxDesk) <a href="https://twitter.com/FxDesk/status/1412743195653046279">July 7, 2021</a>
</blockquote>{PROSE}</article></body></html>""".encode()
    assert [(p.handle, p.author_name, p.text) for p in extract_posts(html)] == [("FxDesk", "Fx Desk", "Ferry running")]


def test_a_post_url_after_an_equals_sign_in_text_is_read():
    # Second review: "key=URL" in text read as an attribute's value, so text was not searched.
    html = f"""<html><body><article>{PROSE}<p>The desk's post (source=https://twitter.com/FxDesk/status/1412743195653046279)
says the ferry runs again.</p>{PROSE}</article></body></html>""".encode()
    assert [p.post_id for p in extract_posts(html)] == ["1412743195653046279"]


def test_a_grids_rows_beside_the_story_stay_outside_it():
    # Second review: climbing the guessed article to the container of blocks of the story's
    # kind took in a grid's other rows ("row" repeats at every level), and a reader's link
    # under the story became a citation.
    html = f"""<html><body><div class="container">
<div class="row"><div class="col-md-8"><div class="story">{PROSE * 6}</div></div></div>
<div class="row"><div class="col-md-8"><h3>Reader responses</h3><div class="response"><p>Fx Reader: see
<a href="https://twitter.com/fx_reader/status/1412743195653046279">my post</a> about the delays.</p></div></div></div>
<div class="row"><div class="col-md-12"><p>Fx Harbour News is an independent paper covering the coast.</p></div></div>
</div></body></html>""".encode()
    assert extract_posts(html) == []


def test_ckeditors_oembed_and_an_old_object_embed_name_their_posts():
    html = f"""<body><article>{PROSE}
<figure class="media"><oembed url="https://twitter.com/FxDesk/status/861871559790800896"></oembed></figure>{PROSE}
<object type="application/x-shockwave-flash" data="http://www.youtube.com/v/FxDesk00001&amp;hl=en"></object>
{PROSE}</article></body>""".encode()
    assert [(post.platform, post.post_id) for post in extract_posts(html)] == [
        ("twitter", "861871559790800896"), ("youtube", "FxDesk00001")]


def test_an_embed_closing_the_article_keeps_the_class_words_its_own_script_wrote():
    # Pages saved after the embed scripts ran: Facebook's SDK adds fb_iframe_widget, the
    # YouTube IFrame API names its iframes widget2.
    html = f"""<body><div class="page"><article>{PROSE}{PROSE}
<div class="fb-post fb_iframe_widget" data-href="https://www.facebook.com/FxHarbour/posts/1234567890123409">
<span><iframe src="https://www.facebook.com/plugins/post.php?href=x"></iframe></span></div>
<iframe id="widget2" src="https://www.youtube.com/embed/FxDesk00002?enablejsapi=1"></iframe>
</article><aside class="sidebar"><div class="widget"><iframe id="widget3"
src="https://www.youtube.com/embed/FxDesk00003"></iframe></div></aside></div></body>""".encode()
    assert [(post.platform, post.post_id) for post in extract_posts(html)] == [
        ("facebook", "1234567890123409"), ("youtube", "FxDesk00002")]


def test_a_page_builders_blocks_named_widgets_like_its_text_blocks_are_the_article():
    block = '<div class="elementor-element elementor-widget elementor-widget-{kind}"><div class="elementor-widget-container">{body}</div></div>'
    html = ("<body><main>" + block.format(kind="text-editor", body=PROSE * 2)
            + block.format(kind="video", body='<iframe src="https://www.youtube.com/embed/FxDesk00004"></iframe>')
            + block.format(kind="text-editor", body='<p>Follow the harbour on <a href="https://www.instagram.com/p/'
                                                    'FxGram0004/">this post</a>.</p>')
            + '</main><footer><div class="footer-widget"><a href="https://www.instagram.com/p/FxGram0005/">'
              'Latest</a></div></footer></body>').encode()
    assert [(post.platform, post.post_id) for post in extract_posts(html)] == [
        ("youtube", "FxDesk00004"), ("instagram", "FxGram0004")]


def embed_of(n: int) -> str:
    return (f'<blockquote class="twitter-tweet"><p>Quay {n} closed.</p>&mdash; Fx Desk (@FxDesk) '
            f'<a href="https://twitter.com/FxDesk/status/14127431956530463{n:02d}">July 7, 2021</a></blockquote>')


def test_a_live_blogs_short_entries_beside_its_longest_one_are_cited():
    html = (f'<body><div class="live-blog"><article class="live-post">{PROSE * 2}</article>'
            + "".join(f'<article class="live-post"><time>10:{n}</time><p>Update from the harbour.</p>{embed_of(n)}'
                      '</article>' for n in (11, 12, 13))
            + '</div><aside><article class="teaser"><a href="https://twitter.com/FxDesk/status/1412743195653046299">'
              'Most read</a></article></aside></body>').encode()
    assert [post.post_id for post in extract_posts(html)] == [f"14127431956530463{n}" for n in (11, 12, 13)]


def test_a_share_bar_of_icon_links_is_furniture_even_when_one_points_at_a_status():
    html = f"""<body><article><div class="article-share">
<a href="https://www.facebook.com/sharer/sharer.php?u=x" aria-label="Share"><svg></svg></a>
<a href="https://x.com/FxDesk/status/1412743195653046279" aria-label="Repost"><svg></svg></a>
<a href="mailto:?subject=x" aria-label="Mail"><svg></svg></a></div>{PROSE}{PROSE}</article></body>""".encode()
    assert extract_posts(html) == []



def test_a_timeline_a_live_blogs_feed_and_a_lead_embed_in_mains_header_are_the_article():
    timeline = ('<ol class="timeline">' + "".join(f'<li class="timeline__item"><time>10:{n}</time><p>Quay {n}.</p>'
                                                  f'{embed_of(n)}</li>' for n in (11, 12, 13)) + "</ol>")
    live = ('<div class="liveblog-feed">' + "".join(f'<div class="liveblog-entry"><p>Update.</p>{embed_of(n)}</div>'
                                                    for n in (14, 15, 16)) + "</div>")
    html = (f'<body><header class="site"><a href="/">Fx Gazette</a></header><main><header class="article-header">'
            f'<h1>The storm</h1>{embed_of(10)}</header><article><div class="article-body">{PROSE * 2}{timeline}'
            f'{live}</div></article></main></body>').encode()
    assert [post.post_id for post in extract_posts(html)] == [f"14127431956530463{n}" for n in range(10, 17)]


def test_a_listicle_of_embeds_is_the_article_though_the_footer_holds_more_prose():
    caption = "<h3>When the whole harbour town turned out to watch the last ferry of the season leave the quay</h3>"
    items = "".join(f'<div class="subbuzz"><h2>{n}.</h2>{caption}{embed_of(n)}</div>' for n in (21, 22, 23))
    blurb = "<p>" + "The fictional gazette is written by a small team in the harbour town every single day. " * 2 + "</p>"
    html = (f'<body><article class="buzz"><h1>Three posts about the quay</h1><p>Here they are.</p>{items}</article>'
            f'<footer><div class="footer__newsletter">{blurb}{blurb}</div></footer></body>').encode()
    assert [post.post_id for post in extract_posts(html)] == [f"14127431956530463{n}" for n in (21, 22, 23)]



def test_wordpress_tag_classes_on_the_article_do_not_hide_its_furniture():
    html = (f'<body><article class="post category-news tag-social-media"><div class="entry-content">{PROSE * 2}'
            '</div><div class="social-links"><p>Watch our latest show:</p>'
            '<iframe src="https://www.youtube.com/embed/FxDesk00005"></iframe></div></article></body>').encode()
    assert extract_posts(html) == []
