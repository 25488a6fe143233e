"""The reviewer's desk through Datasette's own test client, on the demo archive
(the shipped job over samples/articles/): the post card, the queue's order and
paging, paste search, captures and their WARC records, returning to the page a
reviewer came from, tables for people, and escaping of hostile rows."""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
import shutil
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.serve.desk.cards import liveness
from archiver.serve.desk.checks import comparison
from archiver.serve.desk.links import linked_text, same_origin_path
from archiver.jobs import load_config, run_job
from archiver.serve.reviewers import add_reviewer
from archiver.store.schema import open_db
from archiver.serve import make_datasette
from desk_hostile import PAGES, RUN, add_hostile_rows
from serve_client import Client

ROOT = Path(__file__).resolve().parents[1]
MISDATED = "twitter:1711652786795446272"  # harbour-ferry.html prints 2019 for a 2023 id: status_id_time fails
REWORDED = "twitter:1711350796907446279"  # shown differently by two articles: cross_citation warns
PATH = "/archive/posts/twitter~3A1711350796907446279"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo archive, as `make demo` builds it, plus the hostile rows of desk_hostile.py."""
    folder = tmp_path_factory.mktemp("demo")
    config = load_config(ROOT / "config" / "archiver.toml")
    for job in config.jobs.values():
        run_job(job, folder / "archive.db", report=lambda source, reason: None)
    db = open_db(str(folder / "archive.db"))
    add_hostile_rows(db)
    return folder


@pytest.fixture
def site(demo, monkeypatch):
    monkeypatch.setenv("ARCHIVER_REVIEWERS", str(demo / "reviewers.json"))
    if not (demo / "reviewers.json").exists():
        add_reviewer("alice", "correct horse battery")
    return Client(make_datasette(demo / "archive.db")), open_db(str(demo / "archive.db"))


def card_ids(html: str) -> list[str]:
    return [unescape(key) for key in re.findall(r'class="desk-card[^"]*" data-post-id="([^"]+)"', html)]


@pytest.mark.parametrize("pasted", [
    "https://x.com/EastmereVolsFx/status/1711350796907446279?s=20",
    "https://twitter.com/EastmereVolsFx/status/1711350796907446279",
    "https://mobile.twitter.com/EastmereVolsFx/statuses/1711350796907446279",
    "https://x.com/EastmereVolsFx/status/1711350796907446279/photo/1",
    "twitter.com/i/web/status/1711350796907446279",
    "  1711350796907446279 ",
    "twitter:1711350796907446279",
])
def test_a_pasted_post_url_or_status_id_goes_straight_to_the_post(site, pasted):
    client, _ = site
    for path in (f"/-/search?q={pasted}", f"/archive/posts?_search={pasted}"):
        response = client.get(path.replace("?s=20", "%3Fs%3D20"))
        assert (response.status_code, response.headers["location"]) == (302, PATH), path


@pytest.mark.parametrize("pasted, location", [
    ("@EastmereVolsFx", "/archive/accounts/twitter~3Aeastmerevolsfx"),
    ("@eastmerevolsfx", "/archive/accounts/twitter~3Aeastmerevolsfx"),
    ("@EastmereV", "/archive/accounts/twitter~3Aeastmerevolsfx"),  # a prefix only one account has
    ("@Fx", "/archive/accounts?handle__startswith=Fx"),  # a prefix several share: the list of them
    ("bridge deck", "/archive/posts?_search=bridge+deck"),  # words: full-text search
    ("https://x.com/Nobody/status/42", "/archive/posts?_search=https%3A%2F%2Fx.com%2FNobody%2Fstatus%2F42"),
])
def test_search_takes_handles_and_prefixes_and_still_searches_words(site, pasted, location):
    client, _ = site
    response = client.get("/-/search?q=" + pasted.replace(" ", "+"))
    assert (response.status_code, response.headers["location"]) == (302, location)


def test_words_in_the_posts_table_search_box_still_search_text(site):
    client, _ = site
    found = client.get("/archive/posts.json?_search=bridge&_shape=array").json()
    assert {row["id"] for row in found} == {REWORDED}


def test_the_queue_ranks_failing_then_warning_then_most_cited_and_pages_through_all(site):
    client, db = site
    first_page = client.get("/archive/-/queue").text
    assert card_ids(first_page)[:2] == [MISDATED, REWORDED]
    assert "Flagged by" in first_page and ">status_id_time</span>" in first_page
    db.conn.executemany("INSERT INTO posts (id, platform, post_id, first_seen, last_seen)"
                        " VALUES (?, 'twitter', ?, ?, ?)",
                        [(f"twitter:{n}", str(n), f"2020-01-01T00:{n % 60:02}:00Z", "2020-01-01")
                         for n in range(10_000, 10_120)])
    db.conn.commit()
    expected = [row[0] for row in db.execute("SELECT id FROM posts WHERE status = 'unverified'"
                                             " ORDER BY flag_level DESC, citation_count DESC, first_seen DESC")]
    seen, path = [], "/archive/-/queue"
    while path:
        page = client.get(path).text
        seen += card_ids(page)
        next_page = re.search(r'<a rel="next" href="([^"]+)"', page)
        path = next_page.group(1).replace("&amp;", "&") if next_page else None
    assert seen == expected and len(seen) > 120
    db.execute("DELETE FROM posts WHERE id >= 'twitter:10000' AND id < 'twitter:10120'")
    db.conn.commit()


def test_the_post_page_leads_with_the_card(site):
    client, _ = site
    page = client.get("/archive/posts/twitter~3A1711652786795446272").text
    card = page[page.index('<article class="desk-card'):page.index("</article>")]
    assert 'href="/archive/accounts/twitter~3Afxharbourwatch">@FxHarbourWatch</a>' in card
    assert "Harbour Watch (Fictional)" in card and "Dated March 2, 2019 (2019-03-02)" in card
    assert "Eastmere harbour under water this morning" in card and "Flagged by" in card
    assert "Not checked online yet" in card and "Cited by 1 article<" in card
    assert 'href="https://pic.twitter.com/Fict10nHrb" rel="noopener noreferrer nofollow"' in card
    sections = [page.index(marker) for marker in ("desk-card", 'id="checks"', 'id="verdict"', 'id="evidence"')]
    assert sections == sorted(sections)
    checks = page[page.index('id="checks"'):page.index('id="verdict"')]
    assert "Time encoded in the id" in checks and "2023-10-10T08:00:00Z" in checks and "-1683" in checks
    assert ">None<" not in page and "None</" not in page


def test_cross_citation_shows_each_articles_version(site):
    client, _ = site
    page = client.get(PATH).text
    check = page[page.index('id="check-cross_citation"'):]
    check = check[:check.index('id="check-', 10)]
    assert check.count('<div class="desk-versions">') == 2  # text and date
    assert "Do not try to cross." in check and "and the harbour road" in check
    assert "2023-10-08" in check and "2023-10-09" in check


def test_non_twitter_posts_and_title_less_articles_never_show_none(site):
    client, _ = site
    for path in ("/archive/posts/youtube~3AFx0Sample01", "/archive/articles/1",
                 "/archive/posts/twitter~3Amedia~3ASaMpLe0001", "/archive/-/queue"):
        page = client.get(path)
        assert page.status_code == 200 and "None" not in re.sub(r"<script.*?</script>", "", page.text, flags=re.S), path
    assert "YouTube" in client.get("/archive/posts/youtube~3AFx0Sample01").text
    article = client.get("/archive/articles/1").text
    assert '<h1 class="desk-title">file:///' in article and "SaMpLe0001" in article


def test_account_and_article_pages_list_their_posts(site):
    client, _ = site
    account = client.get("/archive/accounts/twitter~3Aeastmerevolsfx").text
    assert card_ids(account) == [REWORDED] and 'id="post-verdicts"' in account
    article = client.get("/archive/articles/2").text
    assert card_ids(article) == [REWORDED, MISDATED]
    assert "The volunteers who first reported the bridge closure" in article  # the citing paragraph
    assert 'href="/archive/captures/2"' in article


def test_the_verdict_form_preselects_the_status_and_returns_to_the_post(site):
    client, db = site
    page = client.get(PATH, actor="alice").text
    assert '<option value="unverified" selected>' in page
    assert f'action="/archive/tag_post?next={PATH}"' in page
    response = client.post(f"/archive/tag_post?next={PATH}", {"post_id": REWORDED, "status": "verified",
                                                               "note": "same as the first copy"}, actor="alice")
    assert (response.status_code, response.headers["location"]) == (302, PATH)
    assert client.ds.unsign(response.cookies["ds_messages"], "messages") == [["Verdict recorded.", 1]]
    assert '<option value="verified" selected>' in client.get(PATH, actor="alice").text
    assert db.execute("SELECT status, reviewer FROM verifications WHERE post_id = ? ORDER BY id DESC LIMIT 1",
                      [REWORDED]).fetchone() == ("verified", "alice")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example",
                                    "javascript:alert(1)", "/archive/posts\r\nSet-Cookie: x=1"])
def test_a_return_url_off_this_server_is_ignored(site, target):
    client, _ = site
    response = client.post("/archive/tag_post?next=" + target.replace("\r\n", "%0D%0A"),
                           {"post_id": REWORDED, "status": "in_progress"}, actor="alice")
    assert response.status_code == 302 and response.headers["location"].startswith("/archive/tag_post")


def test_login_returns_to_the_page_the_reviewer_came_from(site):
    client, _ = site
    page = client.get(PATH).text
    assert f'href="/-/login?next={PATH}"' in page
    opened = client.get(f"/-/login?next={PATH}")
    remembered = opened.cookies["archiver_next"]
    token = opened.cookies["ds_csrftoken"]
    response = asyncio.run(client.ds.client.post("/-/login", data={
        "username": "alice", "password": "correct horse battery", "csrftoken": token},
        cookies={"ds_csrftoken": token, "archiver_next": remembered}))
    assert (response.status_code, response.headers["location"]) == (302, PATH)
    assert client.ds.unsign(response.cookies["ds_actor"], "actor")["a"]["id"] == "alice"
    evil = client.get("/-/login?next=//evil.example/")
    assert "archiver_next" not in evil.cookies


def test_the_warc_record_download_is_the_stored_record_and_hashes_to_the_capture(site, demo):
    client, db = site
    capture = db["captures"].get(2)
    response = client.get("/archive/captures/2/record")
    assert response.status_code == 200 and response.headers["content-type"] == "application/warc"
    assert response.headers["content-disposition"] == 'attachment; filename="capture-2.warc.gz"'
    stored = (demo / "warc" / capture["warc_path"]).read_bytes()
    assert stored[capture["warc_offset"]:capture["warc_offset"] + len(response.content)] == response.content
    records = [(r.rec_headers.get_header("WARC-Record-ID"), hashlib.sha256(r.raw_stream.read()).hexdigest())
               for r in ArchiveIterator(io.BytesIO(response.content))]
    assert records == [(capture["warc_record_id"], capture["sha256"])]


def test_the_captured_page_is_shown_sandboxed_with_no_network(site):
    client, _ = site
    page = client.get("/archive/captures/2").text
    assert '<iframe class="desk-frame" sandbox="" referrerpolicy="no-referrer"' in page
    assert re.search(r"<code class=\"desk-hash\">[0-9a-f]{64}</code>", page)
    view = client.get("/archive/captures/2/view")
    assert view.status_code == 200 and view.headers["content-type"] == "text/html; charset=utf-8"
    csp = view.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp and "img-src data:" in csp
    assert b"Ferry service suspended" in view.content


@pytest.mark.parametrize("warc_path", ["../archive.db", "/etc/passwd", "..", "warc/../../archive.db", None,
                                       "archive-missing.warc.gz"])
def test_a_capture_row_cannot_make_the_server_read_outside_the_warc_folder(site, warc_path):
    client, db = site
    db.execute("UPDATE captures SET warc_path = ? WHERE id = 900", [warc_path])
    db.conn.commit()
    for path in ("/archive/captures/900/record", "/archive/captures/900/view"):
        response = client.get(path)
        assert response.status_code == 404 and "SQLite format" not in response.text and "root:" not in response.text
        assert response.text.startswith("Capture 900: ")


def test_a_record_that_no_longer_matches_its_sha256_is_refused(site):
    client, db = site
    original = db["captures"].get(2)["sha256"]
    db.execute("UPDATE captures SET sha256 = ? WHERE id = 2", ["0" * 64])
    db.conn.commit()
    try:
        response = client.get("/archive/captures/2/record")
        assert response.status_code == 409 and f"hashes to {original}" in response.text
    finally:
        db.execute("UPDATE captures SET sha256 = ? WHERE id = 2", [original])
        db.conn.commit()


def test_ids_in_canned_queries_are_links_and_no_sql_is_printed(site):
    client, _ = site
    failing = client.get("/archive/failing_checks").text
    assert '<a href="/archive/posts/twitter~3A1711652786795446272">twitter:1711652786795446272</a>' in failing
    queue = client.get("/archive/review_queue").text
    assert '<a href="/archive/posts/twitter~3A1711652786795446272">' in queue
    assert 'href="/archive/accounts/twitter~3Afxharbourwatch">@FxHarbourWatch</a>' in queue
    assert "FROM posts" not in queue and "<textarea" not in queue
    citing = client.get("/archive/citing_articles?post_id=" + REWORDED).text
    assert '<a href="/archive/articles/2">2</a>' in citing
    assert '<a href="/archive/runs/1">1</a>' in client.get("/archive/recent_runs").text


def test_the_home_page_starts_with_the_review_queue(site):
    client, _ = site
    for path in ("/", "/archive"):
        page = client.get(path).text
        assert page.index('href="/archive/-/queue"') < page.index("<h2")


def test_the_posts_table_is_for_people(site):
    client, _ = site
    page = client.get("/archive/posts").text
    headers = re.findall(r'<th [^>]*data-column="([^"]+)"', page)
    assert headers[:5] == ["id", "handle", "text", "status", "flags"]
    assert '<details class="column-descriptions-toggle"><summary>' in page
    assert "CREATE TABLE" not in page
    facet = page[page.index('id="facet-flags"'):]
    assert ">cross_citation</a>" in facet[:3000] and "[&#34;" not in facet[:3000]
    assert 'id="facet-availability"' not in page  # nothing checked online: no empty facet


def test_a_flag_in_the_flags_facet_keeps_just_the_posts_it_flags(site):
    """The facet links to ?_flag=, which reads only flagged posts (flags__arraycontains read every post's JSON)."""
    client, db = site
    flagged = {row[0] for row in db.execute("SELECT posts.id FROM posts, json_each(posts.flags) j"
                                            " WHERE j.value = 'cross_citation'")}
    assert flagged and len(flagged) < db["posts"].count
    page = client.get("/archive/posts").text
    link = unescape(re.search(r'href="([^"]*_flag=cross_citation[^"]*)"', page).group(1))
    assert urlsplit(link).path == "/archive/posts"
    shown = client.get(f"/archive/posts.json?{urlsplit(link).query}&_shape=objects&_size=max").json()
    assert {row["id"] for row in shown["rows"]} == flagged
    selected = client.get("/archive/posts?_flag=cross_citation").text
    assert "flagged by &#34;cross_citation&#34;" in selected
    assert client.get("/archive/posts.json?_flag=cross_citation&_flag=no_such_check").json()["rows"] == []


@pytest.mark.parametrize("path", PAGES)
def test_hostile_rows_render_as_text_on_every_desk_page(site, path):
    client, _ = site
    for actor in (None, "alice"):
        page = client.get(path, actor=actor)
        assert page.status_code == 200, path
        tree = lxml.html.fromstring(page.text)
        handlers = [(el.tag, name) for el in tree.iter() if isinstance(el.tag, str)
                    for name in el.attrib if name.lower().startswith("on")]
        assert handlers == [], path  # no element the payloads made: Datasette's pages use no inline handlers
        assert [s.text for s in tree.iter("script") if RUN in (s.text or "")] == []
        assert [a.get("href") for a in tree.iter("a") if not re.match(r"(https?:|/|#|\?|$)", a.get("href", ""))] == []
        assert "&lt;script&gt;" in page.text or "&lt;img" in page.text, "the payload is still shown, as text"


def test_liveness_reads_as_a_sentence():
    assert liveness("unavailable", "2021-07-09T10:00:00Z", "2021-08-20T08:00:00Z") == (
        "live on 2021-07-09, gone since 2021-08-20")
    assert liveness("unavailable", None, "2021-08-20T08:00:00Z") == "gone since 2021-08-20"
    assert liveness("live", "2021-07-09T10:00:00Z", None) == "live on 2021-07-09"
    assert liveness(None, None, None) == "not checked online yet"


def test_only_http_urls_and_media_links_in_post_text_become_links():
    text = 'see https://example.org/a?b=1&c="x", javascript:alert(1) <b>pic.twitter.com/AbC123</b> t.co/Zz9.'
    assert str(linked_text(text)) == (
        'see <a href="https://example.org/a?b=1&amp;c=" rel="noopener noreferrer nofollow">https://example.org/a?b=1'
        '&amp;c=</a>&#34;x&#34;, javascript:alert(1) &lt;b&gt;<a href="https://pic.twitter.com/AbC123" rel="noopener '
        'noreferrer nofollow">pic.twitter.com/AbC123</a>&lt;/b&gt; <a href="https://t.co/Zz9" rel="noopener noreferrer '
        'nofollow">t.co/Zz9</a>.')


def test_return_paths_stay_on_this_server():
    assert same_origin_path("/archive/posts/twitter~3A1?x=1#history") == "/archive/posts/twitter~3A1?x=1#history"
    for target in ("https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", "archive",
                   "/a\r\nLocation: //evil", "", None, "/a b"):
        assert same_origin_path(target) is None, target


def test_check_results_are_compared_for_people():
    drift = {"check_name": "text_drift", "detail": '{"diff": [{"op": "replace", "article": "2019", "live": "2023"}],'
                                                   ' "article": "flood in 2019", "live": "flood in 2023"}'}
    assert comparison(drift) == {"kind": "drift", "article": "flood in 2019", "live": "flood in 2023",
                                 "changes": [("replace", "2019", "2023")]}
    media = {"check_name": "media_resolution", "detail": '{"links": [{"link": "t.co/x", "chain": ["https://t.co/x",'
             ' "https://x.com/FxOther/status/2/photo/1"], "status_url": "https://twitter.com/FxOther/status/2",'
             ' "handle": "FxOther", "http_status": 200}]}'}
    assert comparison(media) == {"kind": "chains", "links": [{
        "link": "t.co/x", "chain": ["https://t.co/x", "https://x.com/FxOther/status/2/photo/1"],
        "status_url": "https://twitter.com/FxOther/status/2", "handle": "FxOther", "http_status": 200}]}
    assert comparison({"check_name": "liveness", "detail": "not json"}) is None


def test_other_stages_add_sections_to_the_post_page_without_editing_it(demo, tmp_path):
    """_post_evidence_extra.html and _post_extra_sections.html are included when
    present, and read the archive through sql() (read-only)."""
    from datasette.app import Datasette

    from archiver.serve import CONFIG, load_metadata, load_settings

    templates = tmp_path / "templates"
    shutil.copytree(CONFIG / "templates", templates)
    (templates / "_post_evidence_extra.html").write_text(
        '<p id="snapshots">{% for row in sql("SELECT count(*) AS n FROM captures WHERE article_id IN'
        ' (SELECT article_id FROM citations WHERE post_id = :id)", {"id": desk.key}) %}{{ row.n }} captures'
        '{% endfor %}</p>', encoding="utf-8")
    (templates / "_post_extra_sections.html").write_text(
        '<section id="custody">{% for row in sql("SELECT count(*) AS n FROM verifications") %}{{ row.n }}'
        '{% endfor %} verdicts</section>', encoding="utf-8")
    ds = Datasette([str(demo / "archive.db")], metadata=load_metadata(demo / "archive.db"),
                   settings=load_settings(), template_dir=str(templates))
    page = asyncio.run(ds.client.get(PATH)).text
    evidence = page[page.index('id="evidence"'):page.index('id="custody"')]
    assert '<p id="snapshots">2 captures</p>' in evidence
    assert re.search(r'<section id="custody">\d+ verdicts</section>', page)
    runs = open_db(str(demo / "archive.db"))["runs"].count
    (templates / "_post_extra_sections.html").write_text('{{ sql("DELETE FROM runs") }}', encoding="utf-8")
    ds = Datasette([str(demo / "archive.db")], metadata=load_metadata(demo / "archive.db"),
                   settings=load_settings(), template_dir=str(templates))
    assert asyncio.run(ds.client.get(PATH)).status_code == 500
    assert open_db(str(demo / "archive.db"))["runs"].count == runs  # sql() reads; it cannot write
