"""Datasette on a real archive, through Datasette's own test client: reading,
logins, tagging with CSRF, and escaping of untrusted post text."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.archive import archive
from archiver.cli import cli
from archiver.serve.facets import equality_filters
from archiver.serve.reviewers import add_reviewer, load_reviewers
from archiver.store.schema import open_db
from archiver.serve import make_datasette
from archiver.verify import verify
from serve_client import Client

POST = "twitter:1412743195653046279"
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>"
PAGE = (
    '<html><head><title>A fictional report</title></head><body><article>'
    '<p>A fictional outlet cites a post.</p>'
    '<blockquote class="twitter-tweet"><p lang="en">Water over the bridge deck '
    '<a href="https://t.co/MeRgE00001">pic.twitter.com/MeRgE00001</a></p>&mdash; Fx Desk (@FxDesk) '
    '<a href="https://twitter.com/FxDesk/status/1412743195653046279">July 7, 2021</a></blockquote>'
    '<p>The outlet also quotes a hostile embed.</p>'
    '<blockquote class="twitter-tweet"><p lang="en">&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x '
    'onerror=alert(1)&gt;</p>&mdash; Fx &lt;b&gt;Mallory&lt;/b&gt; (@FxMallory) '
    '<a href="https://twitter.com/FxMallory/status/1412743195653046300">July 7, 2021</a></blockquote>'
    '</article></body></html>')


@pytest.fixture
def site(tmp_path, monkeypatch):
    """An archive built by the real migrations and archive run, served by the real app."""
    monkeypatch.setenv("ARCHIVER_REVIEWERS", str(tmp_path / "reviewers.json"))
    (tmp_path / "report.html").write_text(PAGE, encoding="utf-8")
    db = open_db(str(tmp_path / "archive.db"))
    archive(db, [str(tmp_path / "report.html")], warc_dir=tmp_path / "warc", report=lambda s, r: None)
    verify(db, warc_dir=tmp_path / "warc", offline=True)
    add_reviewer("alice", "correct horse battery")
    return Client(make_datasette(tmp_path / "archive.db")), db


def test_anonymous_readers_see_tables_queries_and_facets(site):
    client, _ = site
    home = client.get("/archive")
    assert home.status_code == 200
    for query in ("review_queue", "account_posts", "gone_posts", "failing_checks", "citing_articles",
                  "reviewer_verdicts", "recent_runs"):
        assert f"/archive/{query}" in home.text
    assert "posts_fts" not in home.text and "_sqlite_migrations" not in home.text  # internal tables hidden
    posts = client.get("/archive/posts.json?_facet=status&_facet=platform")
    assert posts.status_code == 200
    assert {f["name"] for f in posts.json()["facet_results"].values()} >= {"status", "platform"}
    queue = client.get("/archive/review_queue.json?_shape=array").json()
    assert {row["id"] for row in queue} == {POST, "twitter:1412743195653046300"}


def facet_counts(client, path: str, configured: bool) -> dict:
    """{facet name: [(value, count, selected, toggle_url)]} for the page's facets
    configured in metadata (tallies), or those the query string asks for (stock)."""
    page = client.get(path).json()
    assert {f["type"] for f in page["facet_results"].values()} == {"column"}
    return {f["name"]: [(v["value"], v["count"], v["selected"], v["toggle_url"]) for v in f["results"]]
            for f in page["facet_results"].values()
            if f["hideable"] != configured and f["results"] and f["name"] != "flags"}


@pytest.mark.parametrize("query", ["", "?status=false", "?status=unverified&platform=twitter", "?platform=youtube",
                                   "?_search=bridge", "?handle=FxDesk", "?_sort=date&status__exact=false"])
def test_the_posts_page_facets_count_what_stock_facets_count(site, query):
    """The posts table's facets come from trigger-kept tallies (or one GROUP BY
    when the page is a search or filtered otherwise): the same values, counts
    and links as Datasette's own column facets, before and after a verdict."""
    client, db = site
    db.execute("INSERT INTO posts (id, platform, first_seen, last_seen, availability)"
               " VALUES ('youtube:fxclip01', 'youtube', '2026-01-01', '2026-01-01', 'live')")
    db.conn.commit()
    path = "/archive/posts.json" + (query + "&" if query else "?") + "_facet=status&_facet=platform&_facet=availability"
    for step in ("before a verdict", "after a verdict", "served by a plain datasette before m009"):
        if step == "after a verdict":
            client.post("/archive/tag_post", {"post_id": POST, "status": "false", "note": "x"}, actor="alice")
        if step.endswith("m009"):
            db.execute("DROP TABLE post_tallies")
        tallied, stock = facet_counts(client, path, True), facet_counts(client, path, False)
        assert tallied == stock, step  # a facet with no values is left out, which stock facets do not do
        assert set(facet_counts(client, "/archive/posts.json", True)) == {"status", "platform", "availability"}
        assert sum(n for _, n, _, _ in facet_counts(client, "/archive/posts.json", True)["status"]) == 3


def test_only_equality_filters_on_tallied_columns_read_the_tallies():
    columns = ("status", "platform")
    assert equality_filters([("_facet", "status"), ("_sort", "date"), ("status", "false")], columns) == {"status": "false"}
    assert equality_filters([("platform__exact", "twitter"), ("_next", "2")], columns) == {"platform": "twitter"}
    for query in ([("_search", "bridge")], [("handle", "FxDesk")], [("status__not", "false")],
                  [("status", "false"), ("status", "verified")], [("_where", "1")]):
        assert equality_filters(query, columns) is None, query


def test_search_finds_post_text(site):
    client, _ = site
    found = client.get("/archive/posts.json?_search=bridge&_shape=array").json()
    assert [row["id"] for row in found] == [POST]


def test_anonymous_post_to_the_tag_query_is_refused(site):
    client, db = site
    response = client.post("/archive/tag_post", {"post_id": POST, "status": "false", "note": "x",
                                                  "_actor_id": "mallory"}, token=False)
    assert response.status_code == 403
    response = client.post("/archive/tag_post", {"post_id": POST, "status": "false", "_actor_id": "mallory"})
    assert response.status_code == 403
    assert db["verifications"].count == 0


def test_a_reviewer_without_a_csrf_token_is_refused(site):
    client, db = site
    response = client.post("/archive/tag_post", {"post_id": POST, "status": "false"}, actor="alice", token=False)
    assert response.status_code == 403
    assert db["verifications"].count == 0


def test_a_reviewers_verdict_is_stored_under_the_login_not_the_form(site):
    client, db = site
    response = client.post("/archive/tag_post", {"post_id": POST, "status": "false", "note": "old footage",
                                                  "_actor_id": "mallory", "reviewer": "mallory"}, actor="alice")
    assert response.status_code == 302
    [verdict] = list(db["verifications"].rows)
    assert (verdict["post_id"], verdict["status"], verdict["note"], verdict["reviewer"]) == (
        POST, "false", "old footage", "alice")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", verdict["created_at"])
    post = db["posts"].get(POST)
    assert (post["status"], post["status_by"]) == ("false", "alice")
    page = client.get(f"/archive/posts/{POST.replace(':', '~3A')}", actor="alice").text
    history = page[page.index('id="history"'):page.index('id="citations"')]
    assert "old footage" in history and "badge-false" in history and "alice" in history


def test_a_status_outside_the_list_is_rejected_with_a_clear_message(site):
    client, db = site
    response = client.post("/archive/tag_post", {"post_id": POST, "status": "fake-news"}, actor="alice")
    assert response.status_code == 302
    assert db["verifications"].count == 0
    messages = client.ds.unsign(response.cookies["ds_messages"], "messages")
    assert "must be one of unverified, in_progress, verified, false, misleading, inconclusive" in messages[0][0]


def test_account_credibility_is_tagged_the_same_way(site):
    client, db = site
    response = client.post("/archive/tag_account", {"account_id": "twitter:fxmallory", "credibility": "sockpuppet",
                                                     "note": "network of clones"}, actor="alice")
    assert response.status_code == 302
    account = db["accounts"].get("twitter:fxmallory")
    assert (account["credibility"], account["credibility_by"]) == ("sockpuppet", "alice")
    assert client.post("/archive/tag_account", {"account_id": "twitter:fxmallory", "credibility": "x"},
                       token=False).status_code == 403


def test_the_post_page_shows_the_form_only_to_reviewers(site):
    client, _ = site
    path = f"/archive/posts/{POST.replace(':', '~3A')}"
    anonymous = client.get(path).text
    assert 'action="/archive/tag_post' not in anonymous and "Log in" in anonymous
    reviewer = client.get(path, actor="alice").text
    assert f'action="/archive/tag_post?next={path}"' in reviewer
    assert 'name="_actor_id"' not in reviewer and 'name="reviewer"' not in reviewer
    assert '<option value="unverified" selected>' in reviewer  # the current status
    for status in ("in_progress", "verified", "false", "misleading", "inconclusive"):
        assert f'<option value="{status}">' in reviewer
    assert "A fictional report" in reviewer  # cited by
    assert "status_id_time" in reviewer  # checks
    assert f'href="https://twitter.com/FxDesk/status/{POST.split(":")[1]}" rel="noopener noreferrer nofollow"' in reviewer


@pytest.mark.parametrize("path", [
    "/archive/posts", "/archive/posts/twitter~3A1412743195653046300", "/archive/review_queue",
    "/archive/posts?_search=alert", "/archive/citations", "/archive/accounts", "/archive/account_posts?handle=FxMallory",
    "/archive/citing_articles?post_id=twitter%3A1412743195653046300", "/archive/posts?_facet=author_name",
])
def test_hostile_post_text_renders_as_text_on_every_page(site, path):
    client, _ = site
    for actor in (None, "alice"):
        page = client.get(path, actor=actor)
        assert page.status_code == 200
        assert "<script>alert(1)" not in page.text
        assert "<img src=x" not in page.text and "<b>Mallory" not in page.text
        # ...and what it says is still there, as text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text or "Fx &lt;b&gt;Mallory&lt;/b&gt;" in page.text


def test_media_links_and_urls_render_as_safe_links(site):
    client, _ = site
    page = client.get("/archive/posts").text
    assert ('<a href="https://pic.twitter.com/MeRgE00001" rel="noopener noreferrer nofollow">'
            'pic.twitter.com/MeRgE00001</a>') in page
    assert 'class="badge badge-unverified"' in page


def test_reviewer_add_stores_only_a_hash_and_the_login_works(tmp_path, monkeypatch):
    secrets = tmp_path / "reviewers.json"
    monkeypatch.setenv("ARCHIVER_REVIEWERS", str(secrets))
    result = CliRunner().invoke(cli, ["reviewer", "add", "bob"], input="a long password\na long password\n")
    assert result.exit_code == 0, result.output
    stored = secrets.read_text()
    assert "a long password" not in stored and json.loads(stored)["reviewers"]["bob"].startswith("pbkdf2_sha256$")
    assert secrets.stat().st_mode & 0o077 == 0
    assert set(load_reviewers(secrets)) == {"bob"}
    db = open_db(str(tmp_path / "archive.db"))
    db.close()
    ds = make_datasette(tmp_path / "archive.db")
    login = asyncio.run(ds.client.get("/-/login"))
    token = login.cookies["ds_csrftoken"]
    wrong = asyncio.run(ds.client.post("/-/login", data={"username": "bob", "password": "nope", "csrftoken": token},
                                       cookies={"ds_csrftoken": token}))
    assert "ds_actor" not in wrong.cookies
    right = asyncio.run(ds.client.post("/-/login", data={"username": "bob", "password": "a long password",
                                                         "csrftoken": token}, cookies={"ds_csrftoken": token}))
    assert ds.unsign(right.cookies["ds_actor"], "actor")["a"]["id"] == "bob"
    bad = CliRunner().invoke(cli, ["reviewer", "add", "bob"], input="short\nshort\n")
    assert bad.exit_code == 1 and "at least 8 characters" in bad.output


def test_the_secrets_file_is_git_ignored():
    ignored = (Path(__file__).resolve().parents[1] / ".gitignore").read_text().split()
    assert "config/reviewers.json" in ignored


def test_serve_refuses_a_missing_archive(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "no archive at" in result.output
