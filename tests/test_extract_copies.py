"""Posts cited by copies of pages: web archives' captures, archive.today
snapshots, wget mirrors, whose links point into the copy, not at the post.

Every account, id and page here is fictional.
"""

import pytest

from archiver.extract import extract_posts
from archiver.extract.platforms import match_url

PROSE = "<p>The fictional harbour of Fxport reopened on Monday after the storm, the council said.</p>"
STATUS = "https://twitter.com/fx_harbour_desk/status/1411993338932486147"
WAYBACK = "https://web.archive.org/web/20210707120000"


def posts_of(body: str) -> list[tuple]:
    html = f"<html><body><article>{PROSE}{body}</article></body></html>".encode()
    return [(post.platform, post.post_id, post.handle, post.author_name) for post in extract_posts(html)]


@pytest.mark.parametrize("link", [
    f"{WAYBACK}/{STATUS}",
    f"/web/20210707120000/{STATUS}",  # root-relative, on the archive's own pages
    f"//web.archive.org/web/20210707120000/{STATUS}",
    f"http://web.archive.org/web/2021/{STATUS.removeprefix('https://')}",  # a partial timestamp, no scheme
    f"/web/20210707120000id_/{STATUS}",  # a modifier after the timestamp
    f"https://wayback.archive-it.org/1234/20210707120000/{STATUS}",
    f"https://archive.ph/o/FxAbC/{STATUS}",
    f"../../../../twitter.com/fx_harbour_desk/status/1411993338932486147%3Fref_src=twsrc.html",  # wget -k -E
])
def test_a_link_an_archive_or_a_mirror_rewrote_names_the_post_it_pointed_at(link):
    assert posts_of(f'<p>The harbour desk <a href="{link}">posted a photo</a>.</p>') == [
        ("twitter", "1411993338932486147", "fx_harbour_desk", None)]


def test_an_archived_embed_keeps_its_id_and_every_platforms_embed_is_read():
    tweet = (f'<blockquote class="twitter-tweet"><p>Smoke over the east quay.</p>&mdash; Fx Harbour Desk '
             f'(@fx_harbour_desk) <a href="{WAYBACK}/{STATUS}">July 7, 2021</a></blockquote>')
    video = f'<iframe src="{WAYBACK}if_/https://www.youtube.com/embed/FxVid0001aa"></iframe>'
    instagram = (f'<blockquote class="instagram-media" data-instgrm-permalink="{WAYBACK}/https://www.instagram.com/'
                 f'p/FxGram0001/"><p><a href="{WAYBACK}/https://www.instagram.com/p/FxGram0001/">Gates open at noon'
                 '</a></p><p>A post shared by Fx Festival (@fx_festival)</p></blockquote>')
    assert posts_of(tweet + PROSE + video + PROSE + instagram) == [
        ("twitter", "1411993338932486147", "fx_harbour_desk", "Fx Harbour Desk"),
        ("youtube", "FxVid0001aa", None, None),
        ("instagram", "FxGram0001", "fx_festival", "Fx Festival")]


@pytest.mark.parametrize("link", [
    f"https://web.archive.org/web/*/{STATUS}*",  # the archive's list of captures
    f"https://web.archive.org/web/2021*/{STATUS}",
    f"https://web.archive.org/save/{STATUS}",
    f"{WAYBACK}/https://twitter.com/intent/tweet?url=https%3A%2F%2Fnews.example%2Fstory",  # a share button
])
def test_an_archives_own_links_and_rewritten_share_buttons_are_not_posts(link):
    assert posts_of(f'<p>More: <a href="{link}">this</a>.</p>') == []


@pytest.mark.parametrize("url", [
    "http://twitter.com:80/fx_harbour_desk/status/1411993338932486147",
    "https://twitter.com:443/fx_harbour_desk/status/1411993338932486147",
    "https://TWITTER.COM/fx_harbour_desk/status/1411993338932486147",
    "https://twitter.com./fx_harbour_desk/status/1411993338932486147",
])
def test_a_host_with_a_default_port_capitals_or_the_roots_dot_is_the_same_host(url):
    assert match_url(url).post_id == "1411993338932486147"


def test_a_port_on_another_host_and_a_dated_path_are_not_rewritten_links():
    assert match_url("https://twitter.com:8443/fx_harbour_desk/status/1411993338932486147") is None
    assert match_url("https://news.example/2021/07/twitter.com/fx_harbour_desk/status/1411993338932486147") is None
