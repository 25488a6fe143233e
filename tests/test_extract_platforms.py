"""Posts of the platforms other than Twitter/X, in the forms real pages cite them.

Every account, id and page here is fictional.
"""

from urllib.parse import quote

import pytest

from archiver.extract import extract_posts

PROSE = "<p>The fictional harbour of Fxport reopened on Monday after the storm.</p>"


def found(body: str, *names: str) -> list[tuple]:
    html = f"<html><body><article>{PROSE}{body}</article></body></html>".encode()
    names = names or ("platform", "post_id")
    return [tuple(getattr(post, name) for name in names) for post in extract_posts(html)]


def instagram_embed(attribution: str) -> str:
    return ('<blockquote class="instagram-media" data-instgrm-captioned '
            'data-instgrm-permalink="https://www.instagram.com/p/FxGram0001/?utm_source=ig_embed">'
            '<div><a href="https://www.instagram.com/p/FxGram0001/"><div>View this post on Instagram</div></a>'
            '<p><a href="https://www.instagram.com/p/FxGram0001/">The pier at dawn (@fx_pier_cam)</a></p>'
            f'<p><a href="https://www.instagram.com/p/FxGram0001/">{attribution}</a></p></div></blockquote>')


@pytest.mark.parametrize("attribution", [
    "A post shared by Fx Harbour (@fx.harbour)",
    "Ein Beitrag geteilt von Fx Harbour (@fx.harbour)",
    "Une publication partagée par Fx Harbour (@fx.harbour)",
    "Una publicación compartida por Fx Harbour (@fx.harbour)",
    "Un post condiviso da Fx Harbour (@fx.harbour)",
    "Een bericht gedeeld door Fx Harbour (@fx.harbour)",
    "Uma publicação compartilhada por Fx Harbour (@fx.harbour)",
    "Uma publicação partilhada por Fx Harbour (@fx.harbour)",
    "Post udostępniony przez Fx Harbour (@fx.harbour)",
    "Ett inlägg delat av Fx Harbour (@fx.harbour)",
    "Публикация от Fx Harbour (@fx.harbour)",
    "\u05e4\u05d5\u05e1\u05d8 \u05e9\u05e9\u05d5\u05ea\u05e3 \u05e2\u05dc \u05d9\u05d3\u05d9 Fx Harbour (@fx.harbour)",  # Hebrew
    "Una publicació compartida per Fx Harbour (@fx.harbour)",
    "Fx Harbour(@fx.harbour)がシェアした投稿",
    "Fx Harbour (@fx.harbour) tarafından paylaşılan bir gönderi",
])
def test_instagram_attribution_in_any_language_gives_handle_and_name_and_leaves_the_text(attribution):
    assert found(instagram_embed(attribution), "post_id", "handle", "author_name", "text") == [
        ("FxGram0001", "fx.harbour", "Fx Harbour", "The pier at dawn (@fx_pier_cam)")]


def test_instagram_attribution_in_a_language_without_a_known_phrase_still_gives_the_handle():
    assert found(instagram_embed("Objava korisnika Fx Harbour (@fx.harbour)"), "handle", "author_name", "text") == [
        ("fx.harbour", None, "The pier at dawn (@fx_pier_cam)")]


def test_instagram_older_embed_names_the_account_in_its_profile_link_and_dates_it():
    body = ('<blockquote class="instagram-media"><div><p><a href="https://www.instagram.com/p/FxGram0002/">'
            'Storm over the bay</a></p><p>Ein Beitrag geteilt von <a href="https://www.instagram.com/fx.bay/">'
            'Fx Bay</a> (@fx.bay) am <time datetime="2021-07-09T08:00:00+00:00">9. Juli 2021 um 1:00 PDT</time>'
            '</p></div></blockquote>')
    assert found(body, "handle", "author_name", "date", "text") == [("fx.bay", "Fx Bay", "2021-07-09", "Storm over the bay")]


def test_bluesky_embed_rendered_into_an_iframe_is_a_post():
    body = ('<iframe data-bluesky-id="123" src="https://embed.bsky.app/embed/did:plc:fxexample000000/'
            'app.bsky.feed.post/3kfxpost0002?id=123&amp;colorMode=system"></iframe>'
            '<iframe src="https://embed.bsky.app/embed/fxharbour.bsky.social/app.bsky.feed.post/3kfxpost0003"></iframe>')
    assert found(body, "post_id", "url", "handle") == [
        ("did:plc:fxexample000000/3kfxpost0002", "https://bsky.app/profile/did:plc:fxexample000000/post/3kfxpost0002",
         None),
        ("fxharbour.bsky.social/3kfxpost0003", "https://bsky.app/profile/fxharbour.bsky.social/post/3kfxpost0003",
         "fxharbour.bsky.social")]


def test_bluesky_post_embedded_by_its_did_and_linked_by_its_handle_is_one_post():
    body = ('<blockquote class="bluesky-embed" data-bluesky-uri="at://did:plc:fxexample000000/app.bsky.feed.post/'
            '3kfxpost0004"><p lang="en">The ferry is back.</p>&mdash; Fx Harbour (<a href="https://bsky.app/profile/'
            'did:plc:fxexample000000?ref_src=embed">@fxharbour.bsky.social</a>) <a href="https://bsky.app/profile/'
            'did:plc:fxexample000000/post/3kfxpost0004?ref_src=embed">July 9, 2021 at 10:42 AM</a></blockquote>'
            '<p>As <a href="https://bsky.app/profile/fxharbour.bsky.social/post/3kfxpost0004">the harbour posted</a>'
            ', and <a href="https://bsky.app/profile/fxpier.bsky.social/post/3kfxpost0005">the pier</a> too.</p>')
    assert found(body, "post_id", "handle", "text") == [
        ("did:plc:fxexample000000/3kfxpost0004", "fxharbour.bsky.social", "The ferry is back."),
        ("fxpier.bsky.social/3kfxpost0005", "fxpier.bsky.social", None)]


def test_bluesky_profile_link_is_not_a_post():
    assert found('<p>Follow <a href="https://bsky.app/profile/fxharbour.bsky.social">the harbour</a>.</p>') == []


def test_youtube_videos_in_every_form_a_page_cites_them_and_never_playlists_or_channels():
    body = ('<p>Watch <a href="https://www.youtube.com/watch?v=FxVideo0001">the arrival</a>, '
            '<a href="https://m.youtube.com/watch?feature=share&amp;v=FxVideo0002">the crowd</a>, '
            'and the short at youtube.com/shorts/FxVideo0003 or youtu.be/FxVideo0004?t=12.</p>'
            '<p>Live: <a href="https://www.youtube.com/live/FxVideo0005?si=x">stream</a>.</p>'
            '<lite-youtube videoid="FxVideo0006"></lite-youtube>'
            '<iframe class="lazy" data-src="https://www.youtube-nocookie.com/embed/FxVideo0007"></iframe>'
            '<noscript><iframe src="https://www.youtube.com/embed/FxVideo0008"></iframe></noscript>'
            '<iframe src="https://www.youtube.com/embed/videoseries?list=PLfx0000000000"></iframe>'
            '<p><a href="https://www.youtube.com/playlist?list=PLfx0000000000">All videos</a> on '
            '<a href="https://www.youtube.com/@fxharbour">our channel</a> and '
            '<a href="https://www.youtube.com/channel/UCfx000000000000000000">the old one</a>.</p>')
    # (Order aside: a URL written in a paragraph's text sorts before the links inside that paragraph.)
    assert sorted(found(body)) == [("youtube", f"FxVideo000{n}") for n in range(1, 9)]


def test_amp_pages_embed_youtube_instagram_and_tiktok_by_id_alone():
    # AMP versions of news pages replace the embed code with components naming the post by id
    # (amp-tiktok by id or by the video's URL).
    body = ('<amp-youtube data-videoid="FxVideo0009" layout="responsive" width="480" height="270"></amp-youtube>'
            '<amp-instagram data-shortcode="FxHarbour01" data-captioned width="400" height="400"></amp-instagram>'
            '<amp-tiktok width="325" height="575" data-src="7234567890123450007"></amp-tiktok>'
            '<amp-tiktok data-src="https://www.tiktok.com/@fx.diver/video/7234567890123450008"></amp-tiktok>'
            '<amp-youtube data-videoid="not-an-id" layout="responsive"></amp-youtube>'
            '<amp-tiktok data-src="fx-not-an-id"></amp-tiktok>'
            '<amp-instagram data-shortcode="" width="400"></amp-instagram>')
    assert found(body, "platform", "post_id", "url") == [
        ("youtube", "FxVideo0009", "https://www.youtube.com/watch?v=FxVideo0009"),
        ("instagram", "FxHarbour01", "https://www.instagram.com/p/FxHarbour01/"),
        ("tiktok", "7234567890123450007", "https://www.tiktok.com/embed/v2/7234567890123450007"),
        ("tiktok", "7234567890123450008", "https://www.tiktok.com/@fx.diver/video/7234567890123450008")]


def test_tiktok_blockquote_gives_the_handle_of_its_cite_and_its_caption():
    # A caption written without its <p> keeps its hashtags and mentions, whose links carry titles
    # like the author link before it; the author and the sound are not the caption.
    body = ('<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@fx.diver/video/7234567890123450001" '
            'data-video-id="7234567890123450001"><section><a title="@fx.diver" '
            'href="https://www.tiktok.com/@fx.diver">@fx.diver</a> Under the pier with <a title="@fx.crew" '
            'href="https://www.tiktok.com/@fx.crew">@fx.crew</a> <a title="harbour" '
            'href="https://www.tiktok.com/tag/harbour">#harbour</a> <a title="\u266c original sound - Fx Diver" '
            'href="https://www.tiktok.com/music/original-sound-7234567890123450009">'
            '\u266c original sound - Fx Diver</a></section></blockquote>')
    assert found(body, "post_id", "handle", "text") == [
        ("7234567890123450001", "fx.diver", "Under the pier with @fx.crew #harbour")]


def test_tiktok_embed_player_iframe_is_a_post_but_a_tag_page_is_not():
    body = ('<iframe src="https://www.tiktok.com/player/v1/7234567890123450002?music_info=1" '
            'allow="fullscreen"></iframe><p>More under <a href="https://www.tiktok.com/tag/harbour">#harbour</a>.</p>')
    assert found(body) == [("tiktok", "7234567890123450002")]


def test_facebook_post_placeholder_with_its_fallback_blockquote_gives_text_name_and_date():
    body = ('<div class="fb-post" data-href="https://www.facebook.com/FxHarbour/posts/1234567890123401/">'
            '<blockquote cite="https://www.facebook.com/FxHarbour/posts/1234567890123401/">'
            '<p>The harbour is open again. Thank you all&#8230;</p>'
            '<p>Posted by <a href="https://www.facebook.com/FxHarbour">Fx Harbour</a> on&nbsp;'
            '<a href="https://www.facebook.com/FxHarbour/posts/1234567890123401/">Monday, February 7, 2022</a></p>'
            '</blockquote></div>')
    assert found(body, "post_id", "handle", "author_name", "date", "text") == [
        ("1234567890123401", "FxHarbour", "Fx Harbour", "2022-02-07", "The harbour is open again. Thank you all\u2026")]


def test_facebook_embed_code_as_the_sdk_writes_it_gives_name_and_date_of_posts_and_videos():
    post = ('<div class="fb-post" data-href="https://www.facebook.com/FxHarbour/posts/pfbid02FxHarbour0001">'
            '<blockquote cite="https://www.facebook.com/FxHarbour/posts/pfbid02FxHarbour0001" '
            'class="fb-xfbml-parse-ignore"><p>The ferry is back!</p>Posted by '
            '<a href="https://www.facebook.com/FxHarbour">Fx Harbour</a> on&nbsp;'
            '<a href="https://www.facebook.com/FxHarbour/posts/pfbid02FxHarbour0001">Friday, July 9, 2021</a>'
            '</blockquote></div>')
    video = ('<div class="fb-video" data-href="https://www.facebook.com/FxHarbour/videos/1234567890123407/">'
             '<blockquote cite="https://www.facebook.com/FxHarbour/videos/1234567890123407/" '
             'class="fb-xfbml-parse-ignore"><a href="https://www.facebook.com/FxHarbour/videos/1234567890123407/">'
             'First crossing</a><p>The first crossing since the storm.</p>Posted by '
             '<a href="https://www.facebook.com/FxHarbour/">Fx Harbour</a> on Friday, December 5, 2014</blockquote></div>')
    assert found(post + video, "post_id", "author_name", "date", "text") == [
        ("pfbid02FxHarbour0001", "Fx Harbour", "2021-07-09", "The ferry is back!"),
        ("1234567890123407", "Fx Harbour", "2014-12-05", "The first crossing since the storm.")]


def test_facebook_posts_videos_and_photos_in_links_and_plugins_but_not_pages_or_shares():
    body = ('<p>See <a href="https://www.facebook.com/photo.php?fbid=1234567890123402&amp;set=a.1">the photo</a>, '
            '<a href="https://www.facebook.com/watch/?v=1234567890123403">the video</a> and '
            '<a href="https://www.facebook.com/FxHarbour/videos/1234567890123404/">another</a>.</p>'
            '<iframe src="https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2F'
            'FxHarbour%2Fposts%2F1234567890123405&amp;width=500"></iframe>'
            '<div class="fb-video" data-href="https://www.facebook.com/FxHarbour/videos/1234567890123406/"></div>'
            '<p>Like <a href="https://www.facebook.com/FxHarbour">our page</a>, '
            '<a href="https://www.facebook.com/sharer/sharer.php?u=https://fx.example/story">share</a> it, '
            'or join <a href="https://www.facebook.com/groups/fxharbourfans">the group</a>.</p>'
            '<iframe src="https://www.facebook.com/plugins/page.php?href=https%3A%2F%2Fwww.facebook.com%2FFxHarbour">'
            '</iframe>')
    assert found(body) == [("facebook", f"123456789012340{n}") for n in range(2, 7)]


def test_follow_us_list_entry_pointing_at_a_video_is_not_a_post():
    body = ('<p><strong>Follow the fictional harbour</strong>: '
            '<a href="https://www.instagram.com/fx.harbour/">Instagram</a>, '
            '<a href="https://www.youtube.com/watch?v=FxVideo0009&amp;t=89s">YouTube</a>, '
            '<a href="https://fx.example/club">the club</a></p>'
            '<p>Comment via: <a href="https://www.facebook.com/FxAuthor/posts/1234567890123407">facebook</a>, '
            '<a href="https://fx.example/comments">our forum</a></p>')
    assert found(body) == []


def test_follow_us_list_of_items_and_icons_is_not_a_post_but_a_lone_item_is():
    # Footer menus wrap each entry in its own <li> or <span>, often beside an icon.
    body = ('<ul><li><i class="icon-yt"></i><a href="https://www.youtube.com/watch?v=FxVideo0011">YouTube</a></li>'
            '<li><i class="icon-fb"></i><a href="https://www.facebook.com/FxHarbour/posts/1234567890123408">'
            'Facebook</a></li></ul>'
            '<p><span><a href="https://www.tiktok.com/@fx.harbour/video/7234567890123450011">TikTok</a></span> / '
            '<span><a href="https://www.instagram.com/p/FxHarbour12/">Instagram</a></span></p>'
            '<ul><li><a href="https://www.youtube.com/watch?v=FxVideo0012">YouTube</a></li></ul>')
    assert found(body) == [("youtube", "FxVideo0012")]


def test_follow_us_lists_of_icons_of_lines_and_of_divs_are_not_posts():
    body = ('<p>Stay in touch:</p><ul><li><a aria-label="YouTube" href="https://www.youtube.com/watch?v=FxVideo0013">'
            '<svg></svg></a></li><li><a title="Instagram" href="https://www.instagram.com/p/FxHarbour13/">'
            '<i class="icon-ig"></i></a></li></ul>'
            '<p>Follow the harbour<br><a href="https://www.instagram.com/p/FxHarbour14/">Instagram</a><br>'
            '<a href="https://www.youtube.com/watch?v=FxVideo0014">YouTube</a></p>'
            '<div class="socials"><div class="item"><a href="https://www.facebook.com/FxHarbour/posts/1234567890123410">'
            'Facebook</a></div><div class="item"><a href="https://bsky.app/profile/fx.example/post/3kfxpost0002b">'
            'Bluesky</a></div></div>')
    assert found(body) == []


def test_paragraphs_each_holding_one_platform_named_link_are_citations():
    body = ('<p>The mayor posted videos about the plan on two platforms:</p>'
            '<p><a href="https://www.youtube.com/watch?v=FxVideo0015">YouTube</a></p>'
            '<p><a href="https://www.tiktok.com/@fx.mayor/video/7234567890123450015">TikTok</a></p>')
    assert found(body) == [("youtube", "FxVideo0015"), ("tiktok", "7234567890123450015")]


def test_platform_name_as_the_text_of_a_lone_link_in_prose_is_still_a_post():
    body = '<p>The harbour master filmed it and posted it on <a href="https://youtu.be/FxVideo0010">YouTube</a>.</p>'
    assert found(body) == [("youtube", "FxVideo0010")]


def test_mastodon_needs_a_snowflake_status_id():
    body = ('<p>Read <a href="https://fx.social/@harbour/112345678901234567">the thread</a>; follow us on '
            '<a href="https://news.example/@c/1599769">the news app</a>.</p>')
    assert found(body) == [("mastodon", "fx.social/112345678901234567")]


def test_telegram_share_and_channel_links_are_not_posts():
    body = ('<p><a href="https://t.me/share/url?url=https://fx.example/story">Share</a> or join '
            '<a href="https://t.me/fxharbour">our channel</a>; the notice is '
            '<a href="https://t.me/fxharbour/812">here</a>.</p>'
            '<div><script async src="https://telegram.org/js/telegram-widget.js?22" '
            'data-telegram-discussion="fxharbour/813"></script><iframe '
            'src="https://t.me/fxharbour/813?embed=1&amp;discussion=1&amp;comments_limit=5"></iframe></div>')
    assert found(body) == [("telegram", "fxharbour/812")]


def test_threads_embed_and_post_link_but_not_a_profile():
    body = ('<blockquote class="text-post-media" data-text-post-permalink="https://www.threads.net/@fx.harbour/post/'
            'FxThr0001ab" data-text-post-version="0"><a href="https://www.threads.net/@fx.harbour/post/FxThr0001ab">'
            'View on Threads</a></blockquote>'
            '<p>Replies <a href="https://www.threads.com/@fx.mayor/post/FxThr0002cd?xmt=1">went on</a>; '
            '<a href="https://www.threads.net/@fx.harbour">follow the harbour</a>.</p>')
    assert found(body, "post_id", "url", "handle") == [
        ("FxThr0001ab", "https://www.threads.net/@fx.harbour/post/FxThr0001ab", "fx.harbour"),
        ("FxThr0002cd", "https://www.threads.net/@fx.mayor/post/FxThr0002cd", "fx.mayor")]


def test_a_post_shown_through_an_embedding_service_is_the_post_it_shows():
    body = ('<iframe class="embedly-embed" src="https://cdn.embedly.com/widgets/media.html?type=text%2Fhtml'
            '&amp;key=fx&amp;schema=twitter&amp;url=https%3A//twitter.com/fx_harbour/status/1412345678901234501'
            '&amp;image=https%3A//i.embed.ly/1/image"></iframe>'
            '<iframe src="//cdn.embedly.com/widgets/media.html?src=https%3A%2F%2Fwww.youtube.com%2Fembed%2F'
            'FxVideo0010%3Ffeature%3Doembed&amp;url=http%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3DFxVideo0010'
            '&amp;schema=youtube"></iframe>'
            '<iframe src="https://twitframe.com/show?url=https%3A%2F%2Ftwitter.com%2Ffx_harbour%2Fstatus%2F'
            '1412345678901234502"></iframe>'
            '<iframe src="https://cdn.iframe.ly/api/iframe?url=https%3A%2F%2Fwww.instagram.com%2Fp%2FFxGram0011%2F'
            '&amp;key=fx"></iframe>')
    assert found(body, "platform", "post_id", "handle") == [
        ("twitter", "1412345678901234501", "fx_harbour"), ("youtube", "FxVideo0010", None),
        ("twitter", "1412345678901234502", "fx_harbour"), ("instagram", "FxGram0011", None)]


def test_a_lazy_embed_holding_its_players_markup_in_a_data_attribute_is_the_post_it_plays():
    # Site builders write a video block's player as text in an attribute, for a script to insert.
    body = ('<div class="video-block" data-block-json="{&quot;url&quot;:&quot;https://www.youtube.com/watch?v='
            'FxVideo0012&quot;}"><div class="video-wrapper" data-html="&lt;iframe src=&quot;//www.youtube.com/embed/'
            'FxVideo0012?wmode=opaque&amp;amp;enablejsapi=1&quot; height=&quot;480&quot;&gt;&lt;/iframe&gt;"></div></div>'
            '<div data-embed="&lt;blockquote class=&quot;twitter-tweet&quot;&gt;&lt;p&gt;Ferry back.&lt;/p&gt;&amp;mdash; '
            'Fx Harbour (@fx_harbour) &lt;a href=&quot;https://twitter.com/fx_harbour/status/1412345678901234504&quot;'
            '&gt;July 7, 2021&lt;/a&gt;&lt;/blockquote&gt;"></div>')
    assert found(body, "platform", "post_id", "handle") == [
        ("youtube", "FxVideo0012", None), ("twitter", "1412345678901234504", "fx_harbour")]


def test_a_sentence_or_a_share_template_in_a_data_attribute_cites_no_post():
    body = ('<div data-text="Watch https://www.youtube.com/watch?v=FxVideo0013 tonight"></div>'
            '<div data-template="&lt;a href=&quot;https://twitter.com/intent/tweet?url=https://fx.example/'
            '&quot;&gt;Share&lt;/a&gt;"></div>')
    assert found(body) == []


def test_an_embedding_service_showing_an_article_or_nesting_itself_shows_no_post():
    nested = "https://cdn.embedly.com/widgets/media.html?url=https%3A%2F%2Ftwitter.com%2Ffx%2Fstatus%2F1412345678901234503"
    body = ('<iframe src="https://cdn.iframe.ly/api/iframe?url=https%3A%2F%2Ffx.example%2Fstory&amp;key=fx"></iframe>'
            '<script src="https://iframe.ly/embed.js"></script>'
            f'<iframe src="https://cdn.embedly.com/widgets/media.html?url={quote(nested, safe="")}"></iframe>')
    assert found(body) == []


def test_older_and_newer_post_url_shapes_are_posts_and_players_of_channels_and_sounds_are_not():
    body = ('<p>See <a href="https://www.youtube.com/watch/FxVideo0009">the video</a>, '
            '<a href="https://www.facebook.com/video.php?v=1234567890123407">the old one</a>, '
            '<a href="https://www.facebook.com/watch/live/?ref=watch_permalink&amp;v=1234567890123408">the live</a>, '
            '<a href="https://www.tiktok.com/share/video/6812345678901234567?langCountry=en">the clip</a>, '
            '<a href="https://www.threads.net/t/FxThr0003ef/">the thread</a> and '
            '<a href="https://fx.social/@fx_engineer@fedi.example/112345678901234568">the reply</a>.</p>'
            '<iframe src="https://www.youtube.com/embed/live_stream?channel=UCfx000000000000000000"></iframe>'
            '<p>The sound is <a href="https://www.instagram.com/reels/audio/1789345612098765/">here</a>.</p>')
    assert found(body, "platform", "post_id", "handle") == [
        ("youtube", "FxVideo0009", None), ("facebook", "1234567890123407", None),
        ("facebook", "1234567890123408", None), ("tiktok", "6812345678901234567", None),
        ("threads", "FxThr0003ef", None), ("mastodon", "fx.social/112345678901234568", "fx_engineer@fedi.example")]


def test_a_line_break_in_an_instagram_facebook_or_bluesky_embeds_text_is_a_space_and_a_media_placeholder_is_not_text():
    instagram = ('<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/p/FxGram0003/">'
                 '<p>Last crossing of the season.<br>Thank you all!<br>#harbour</p>'
                 '<p>A post shared by Fx Harbour (@fx_harbour)</p></blockquote>')
    facebook = ('<div class="fb-post" data-href="https://www.facebook.com/FxHarbour/posts/1234567890123409">'
                '<blockquote cite="https://www.facebook.com/FxHarbour/posts/1234567890123409">'
                '<p>The ferry leaves from the landing stage.<br>Buses run every 15 minutes.</p>'
                'Posted by <a href="https://www.facebook.com/FxHarbour">Fx Harbour</a> on '
                '<a href="https://www.facebook.com/FxHarbour/posts/1234567890123409">Monday, July 5, 2021</a>'
                '</blockquote></div>')
    bluesky = ('<blockquote class="bluesky-embed" data-bluesky-uri="at://did:plc:fxharbour0000000000000/'
               'app.bsky.feed.post/3kfxpost0001a"><p lang="en">The north quay closes on 30 April.<br><br>'
               '<a href="https://bsky.app/profile/did:plc:fxharbour0000000000000/post/3kfxpost0001a?ref_src=embed">'
               '[image or embed]</a></p>&mdash; Fx Harbour (<a href="https://bsky.app/profile/did:plc:'
               'fxharbour0000000000000?ref_src=embed">@fxharbour.example</a>) <a href="https://bsky.app/profile/'
               'did:plc:fxharbour0000000000000/post/3kfxpost0001a?ref_src=embed">April 1, 2024 at 9:00 AM</a>'
               '</blockquote>')
    assert found(instagram + facebook + bluesky, "platform", "text") == [
        ("instagram", "Last crossing of the season. Thank you all! #harbour"),
        ("facebook", "The ferry leaves from the landing stage. Buses run every 15 minutes."),
        ("bluesky", "The north quay closes on 30 April.")]


def test_a_grid_of_linked_pictures_of_the_sites_latest_posts_inside_the_text_cites_none_of_them():
    """A plugin's Instagram feed written into the article: a run of thumbnails
    linking to posts, a caption at most. A linked picture among other pictures
    still cites its post."""
    grid = '<div id="sb_instagram" class="sbi"><div id="sbi_images">' + "".join(
        f'<div class="sbi_item sbi_type_image"><div class="sbi_photo_wrap"><a class="sbi_photo" '
        f'href="https://www.instagram.com/p/FxGrid000{n}/"><span class="sbi-screenreader">Quay view {n}</span>'
        f'<img src="https://fx.example/placeholder.png" alt="Quay view {n}"></a></div></div>' for n in range(6)) + "</div></div>"
    jetpack = '<div class="wp-block-jetpack-instagram-gallery">' + "".join(
        f'<a class="wp-block-jetpack-instagram-gallery__grid-post" href="https://www.instagram.com/p/FxJet000{n}/">'
        f'<img alt="Instagram post by fx_harbour" src="https://fx.example/{n}.jpg"></a>' for n in range(6)) + "</div>"
    pictures = "".join(f'<figure class="image-block"><a href="{href}"><img src="https://fx.example/{n}.jpg"></a></figure>'
                       for n, href in enumerate(["https://fx.example/a", "https://www.facebook.com/watch/?v=4073660272852600",
                                                 "https://fx.example/b"]))
    cited = '<p>The harbour <a href="https://www.instagram.com/p/FxCited01/">posted the survey</a> in May.</p>'
    assert found(cited + grid + PROSE + jetpack + PROSE + pictures) == [
        ("instagram", "FxCited01"), ("facebook", "4073660272852600")]
    # Side by side too, these cite their posts: screenshots of three accounts' posts, and
    # pictures whose captions name the accounts.
    shots = "".join(f'<figure class="shot"><a href="https://x.com/fx_{who}/status/141234567890123456{n}">'
                    f'<img src="/s{n}.png"></a><figcaption>The {who}, 9:0{n}</figcaption></figure>'
                    for n, who in enumerate(("mayor", "port", "ferry")))
    captioned = "".join(f'<div class="ig-item"><a href="https://www.instagram.com/p/FxShared{n}/"><img src="/{n}.jpg">'
                        f'</a><p>@fx_{who}</p></div>' for n, who in enumerate(("sailor", "fisher", "baker")))
    assert len(found(shots + PROSE + captioned)) == 6
