"""The archive: idempotent runs, evidence, merges, the verdict log, bad input."""

from __future__ import annotations

import hashlib
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlite_utils
from warcio.archiveiterator import ArchiveIterator

from archiver.archive import archive
from archiver.capture import WarcStore
from archiver.fetch import FetchPolicy
from archiver.store.schema import migrations, open_db
from archiver.store import add_verdict
from conftest import Route

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
LOCAL = FetchPolicy(allowed_networks=["127.0.0.1/32"], retries=2, backoff=0.05, read_timeout=1.0,
                    connect_timeout=1.0, total_timeout=5.0)

PLAIN = ("Intro paragraph of a fictional article about a flood.\n\n"
         "Water over the bridge deck pic.twitter.com/MeRgE00001\n— Fx Desk (@FxDesk) July 7, 2021\n\n"
         "Closing paragraph.\n")
EMBED = ('<html><body><article><p>Another fictional outlet cites the same post with its id.</p>'
         '<blockquote class="twitter-tweet"><p>Water over the bridge deck <a href="https://t.co/MeRgE00001">'
         'pic.twitter.com/MeRgE00001</a></p>&mdash; Fx Desk (@FxDesk) <a href="https://twitter.com/FxDesk/'
         'status/1412743195653046279">July 7, 2021</a></blockquote></article></body></html>')


def tallies_agree(db) -> bool:
    """post_tallies (kept by triggers) says what a GROUP BY over posts says."""
    kept = db.execute("SELECT status, platform, availability, posts FROM post_tallies WHERE posts > 0"
                      " ORDER BY 1, 2, 3").fetchall()
    return kept == db.execute("SELECT status, platform, availability, count(*) FROM posts"
                              " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3").fetchall()


def counts(db) -> dict:
    return {name: db[name].count for name in ("articles", "posts", "citations", "accounts")}


@pytest.fixture
def db(tmp_path):
    return open_db(str(tmp_path / "archive.db"))


def run(db, tmp_path, sources, **options):
    options.setdefault("report", lambda source, reason: None)
    return archive(db, [str(s) for s in sources], warc_dir=tmp_path / "warc", **options)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_archiving_the_seeds_three_times_adds_nothing_and_keeps_the_reviewers_tag(db, tmp_path):
    first = run(db, tmp_path, [SEEDS])
    assert counts(db) == {"articles": 2, "posts": 5, "citations": 5, "accounts": 3}
    assert (first.articles_new, first.posts_new, first.citations_new) == (2, 5, 5)
    add_verdict(db, "twitter:media:zZgGQv02QV", "verified", "alice", "matches the footage")
    for _ in range(2):
        again = run(db, tmp_path, [SEEDS])
        assert (again.articles_unchanged, again.posts_new, again.citations_new) == (2, 0, 0)
        assert counts(db) == {"articles": 2, "posts": 5, "citations": 5, "accounts": 3}
    post = db["posts"].get("twitter:media:zZgGQv02QV")
    assert (post["status"], post["status_by"]) == ("verified", "alice")
    history = list(db.query("SELECT status, reviewer, note FROM verifications"))
    assert history == [{"status": "verified", "reviewer": "alice", "note": "matches the footage"}]
    assert [r["articles_read"] for r in db.query("SELECT articles_read FROM runs ORDER BY id")] == [2, 2, 2]


def test_changed_article_gets_a_new_capture_and_a_dropped_post_is_marked_removed(db, tmp_path):
    page = tmp_path / "story.txt"
    page.write_text(PLAIN + "\nSecond post pic.twitter.com/MeRgE00002\n— Fx Other (@FxOther) July 8, 2021\n",
                    encoding="utf-8")
    run(db, tmp_path, [page])
    page.write_text(PLAIN, encoding="utf-8")
    summary = run(db, tmp_path, [page])
    assert summary.articles_changed == 1
    assert db["captures"].count == 2
    rows = list(db.query("SELECT post_id, removed_at IS NOT NULL AS removed FROM citations ORDER BY post_id"))
    assert rows == [{"post_id": "twitter:media:MeRgE00001", "removed": 0},
                    {"post_id": "twitter:media:MeRgE00002", "removed": 1}]
    assert db["posts"].count == 2


def test_capture_keeps_the_exact_bytes_in_a_warc_with_their_hash(db, tmp_path):
    page = tmp_path / "story.txt"
    page.write_text(PLAIN, encoding="utf-8")
    run(db, tmp_path, [page])
    [capture] = db["captures"].rows
    assert capture["sha256"] == hashlib.sha256(page.read_bytes()).hexdigest()
    with open(tmp_path / "warc" / capture["warc_path"], "rb") as stream:
        stream.seek(capture["warc_offset"])
        record = next(iter(ArchiveIterator(stream)))
        assert record.content_stream().read() == page.read_bytes()
        assert record.rec_headers.get_header("WARC-Record-ID") == capture["warc_record_id"]


def test_a_saved_article_is_one_article_however_its_path_is_reached(db, tmp_path, monkeypatch):
    """Archived by its real path, through a symlinked folder, through a
    symlinked file, and by a relative path: one article, one file: URI."""
    real = tmp_path / "real"
    real.mkdir()
    (real / "story.txt").write_text(PLAIN, encoding="utf-8")
    (tmp_path / "linked").symlink_to(real, target_is_directory=True)
    (tmp_path / "story-link.txt").symlink_to(real / "story.txt")
    monkeypatch.chdir(real)
    for path in (real / "story.txt", tmp_path / "linked" / "story.txt", tmp_path / "story-link.txt", "story.txt"):
        run(db, tmp_path, [path])
    assert [a["url"] for a in db["articles"].rows] == [(real / "story.txt").resolve().as_uri()]
    assert db["captures"].count == 1


def test_warc_records_carry_sha256_digests_that_verify(tmp_path):
    """What `warcio check` does: every record's digests match its bytes, for
    saved files (resource records) and HTTP responses alike."""
    body = "<p>Fictional page é</p>".encode()
    warc = WarcStore(tmp_path, datetime(2026, 1, 2, tzinfo=timezone.utc))
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    file_record = warc.write("file:///story.html", body, fetched_at=moment, content_type="text/html")
    http_record = warc.write("https://fx.example/story", body, fetched_at=moment, status=200,
                             headers={"Content-Type": "text/html", "Content-Encoding": "gzip"},
                             body_sha256=hashlib.sha256(body).hexdigest())
    warc.close()
    assert file_record.sha256 == http_record.sha256 == hashlib.sha256(body).hexdigest()
    with open(tmp_path / file_record.warc_path, "rb") as stream:
        records = []
        for record in ArchiveIterator(stream, check_digests=True):
            assert record.content_stream().read() == body
            records.append((record.rec_type, record.rec_headers.get_header("WARC-Payload-Digest"),
                            record.digest_checker.passed))
    digest = "sha256:" + hashlib.sha256(body).hexdigest()
    assert records == [("resource", digest, True), ("response", digest, True)]


def test_post_first_seen_without_id_is_merged_when_its_id_appears(db, tmp_path):
    (tmp_path / "plain.txt").write_text(PLAIN, encoding="utf-8")
    run(db, tmp_path, [tmp_path / "plain.txt"])
    add_verdict(db, "twitter:media:MeRgE00001", "misleading", "bob", "old photo")
    (tmp_path / "embed.html").write_text(EMBED, encoding="utf-8")
    run(db, tmp_path, [tmp_path / "embed.html"])
    assert [p["id"] for p in db["posts"].rows] == ["twitter:1412743195653046279"]
    post = db["posts"].get("twitter:1412743195653046279")
    assert (post["status"], post["status_by"], post["handle"]) == ("misleading", "bob", "FxDesk")
    assert [c["post_id"] for c in db["citations"].rows] == ["twitter:1412743195653046279"] * 2
    assert [v["post_id"] for v in db["verifications"].rows] == ["twitter:1412743195653046279"]
    run(db, tmp_path, [tmp_path / "plain.txt"])  # the plain text citation follows the merge
    assert db["posts"].count == 1 and db["citations"].count == 2
    assert tallies_agree(db)
    db.execute("UPDATE posts SET availability = 'unavailable'")
    assert tallies_agree(db) and db.execute("SELECT sum(posts) FROM post_tallies").fetchone() == (1,)


def test_verdict_log_rejects_update_and_delete(db, tmp_path):
    (tmp_path / "plain.txt").write_text(PLAIN, encoding="utf-8")
    run(db, tmp_path, [tmp_path / "plain.txt"])
    add_verdict(db, "twitter:media:MeRgE00001", "verified", "alice")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE verifications SET status = 'false'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM verifications")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO verifications (post_id, status, reviewer, created_at)"
                   " VALUES ('twitter:media:MeRgE00001', 'fake', 'x', '2026-01-01')")


def test_database_from_the_first_migration_upgrades_with_its_data(tmp_path):
    path = str(tmp_path / "old.db")
    old = sqlite_utils.Database(path)
    migrations.apply(old, stop_before="m002_wal")
    old.execute("INSERT INTO posts (id, platform, text, first_seen, last_seen) VALUES"
                " ('twitter:1', 'twitter', 'kept across upgrades', '2021-07-07', '2021-07-07')")
    old.execute("INSERT INTO verifications (post_id, status, reviewer, created_at)"
                " VALUES ('twitter:1', 'false', 'alice', '2021-07-08')")
    old.conn.commit()
    old.close()
    db = open_db(path)
    post = db["posts"].get("twitter:1")
    assert (post["text"], post["status"]) == ("kept across upgrades", "false")
    assert [r["id"] for r in db["posts"].search("upgrades")] == ["twitter:1"]
    assert tallies_agree(db)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [m.name for m in migrations.pending(db)] == []


def test_archive_over_http_reads_a_feed_once_and_asks_again_conditionally(db, tmp_path, local_server):
    article = EMBED.encode()
    local_server.routes["/a1"] = Route(article, headers={"Content-Type": "text/html", "ETag": '"v1"'})
    local_server.routes["/a2"] = Route(PLAIN.encode(), headers={"Content-Type": "text/plain", "ETag": '"v2"'})
    feed = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Fx</title>'
            f'<item><title>One</title><link>{local_server.url("/a1")}</link><guid>1</guid></item>'
            f'<item><title>Two</title><link>{local_server.url("/a2")}</link><guid>2</guid></item>'
            f'</channel></rss>').encode()
    local_server.routes["/feed.xml"] = Route(feed, headers={"Content-Type": "application/rss+xml"})
    first = run(db, tmp_path, [local_server.url("/feed.xml")], policy=LOCAL)
    assert (first.articles_new, first.errors) == (2, [])
    assert db["posts"].count == 1  # the plain-text post merges into the embed of the same post
    second = run(db, tmp_path, [local_server.url("/feed.xml")], policy=LOCAL)
    assert (second.articles_read, second.errors) == (0, [])  # entries already archived are not fetched again
    assert [path for path, _ in local_server.requests].count("/a1") == 1
    again = run(db, tmp_path, [local_server.url("/a1")], policy=LOCAL)  # asked directly: a conditional request
    assert again.articles_unchanged == 1
    assert local_server.requests[-1] == ("/a1", local_server.requests[-1][1])
    assert local_server.requests[-1][1].get("If-None-Match") == '"v1"'
    kinds = [c["kind"] for c in db["captures"].rows]
    assert kinds.count("feed") == 2 and kinds.count("article") == 2


def test_bytes_read_before_are_not_extracted_again_but_new_validators_are_kept(db, tmp_path, local_server,
                                                                               monkeypatch):
    local_server.routes["/story"] = Route(EMBED.encode(), headers={"Content-Type": "text/html", "ETag": '"v1"'})
    (tmp_path / "story.html").write_text(EMBED, encoding="utf-8")
    run(db, tmp_path, [local_server.url("/story"), tmp_path / "story.html"], policy=LOCAL)
    local_server.routes["/story"] = Route(EMBED.encode(), headers={"Content-Type": "text/html", "ETag": '"v2"'})

    def no_extraction(*args, **kwargs):
        raise AssertionError("an unchanged article was extracted again")

    monkeypatch.setattr("archiver.archive.ArticleReader.read", no_extraction)
    again = run(db, tmp_path, [local_server.url("/story"), tmp_path / "story.html"], policy=LOCAL)
    assert (again.articles_unchanged, again.errors) == (2, [])
    assert {a["fetch_url"].split(":")[0]: a["etag"] for a in db["articles"].rows} == {"http": '"v2"', "file": None}
    assert db["captures"].count == 2 and db["citations"].count == 2


def test_bad_sources_are_recorded_with_reasons_and_the_run_goes_on(db, tmp_path, local_server):
    local_server.routes["/good"] = Route(EMBED.encode())
    local_server.routes["/binary"] = Route(b"\x89PNG\r\n\x1a\n\x00\x00" * 100, headers={"Content-Type": "image/png"})
    local_server.routes["/slow"] = Route(EMBED.encode(), delay=3)
    local_server.routes["/loop"] = Route(b"", status=302, headers={"Location": "/loop2"})
    local_server.routes["/loop2"] = Route(b"", status=302, headers={"Location": "/loop"})
    local_server.routes["/flaky"] = Route(b"busy", status=503, headers={"Retry-After": "0"},
                                          then=Route(PLAIN.encode(), headers={"Content-Type": "text/plain"}))
    sources = [local_server.url(p) for p in ("/good", "/missing", "/binary", "/slow", "/loop", "/flaky")]
    sources.append("http://10.255.255.1/private")
    summary = run(db, tmp_path, sources, policy=LOCAL)
    reasons = dict(summary.errors)
    assert summary.status == "failed"
    assert set(reasons) == {local_server.url(p) for p in ("/missing", "/binary", "/slow", "/loop")} | {
        "http://10.255.255.1/private"}
    assert "HTTP 404" in reasons[local_server.url("/missing")]
    assert "binary" in reasons[local_server.url("/binary")]
    assert "timed out" in reasons[local_server.url("/slow")] or "slow" in reasons[local_server.url("/slow")]
    assert "redirect loop" in reasons[local_server.url("/loop")]
    assert "internal address 10.255.255.1" in reasons["http://10.255.255.1/private"]
    assert summary.articles_new == 2
    [stored] = db["runs"].rows_where("id = ?", [summary.run_id])
    assert (stored["status"], stored["errors"]) == ("failed", 5)
    assert db["run_errors"].count == 5


def test_sigkill_in_the_middle_leaves_a_sound_archive_that_the_next_run_completes(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(200):
        (folder / f"{i:03}.html").write_text(
            f'<html><head><link rel="canonical" href="https://fx.example/{i}"></head><body><article>'
            f'<p>Fictional article {i}.</p><blockquote class="twitter-tweet"><p>Post {i} '
            f'<a href="https://t.co/K{i:08}">pic.twitter.com/K{i:08}</a></p>&mdash; Fx (@FxDesk) '
            f'<a href="https://twitter.com/FxDesk/status/{1412743195653046279 + i}">July 7, 2021</a>'
            f'</blockquote></article></body></html>' + "<p>padding</p>" * 20000, encoding="utf-8")
    db_path = tmp_path / "archive.db"
    command = [sys.executable, "-m", "archiver.cli", "archive", "--db", str(db_path), str(folder)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.05)
        if db_path.exists():
            try:
                with sqlite3.connect(db_path, timeout=1) as probe:
                    if probe.execute("SELECT count(*) FROM articles").fetchone()[0] >= 5:
                        break
            except sqlite3.OperationalError:
                pass
    process.send_signal(signal.SIGKILL)
    process.wait()
    with sqlite3.connect(db_path) as probe:
        assert 0 < probe.execute("SELECT count(*) FROM articles").fetchone()[0] < 200
    assert subprocess.run(command, capture_output=True).returncode == 0
    db = open_db(str(db_path))
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db["articles"].count == 200
    assert db.execute("SELECT count(DISTINCT url) FROM articles").fetchone()[0] == 200
    assert db["citations"].count == 200 and db["posts"].count == 200


def test_a_page_read_only_in_part_is_archived_and_its_warning_kept_with_the_run(db, tmp_path):
    """Regression: the deep-markup warning reached `archiver extract` only; an archive run dropped it."""
    deep = tmp_path / "deep.html"
    deep.write_bytes(EMBED.replace("</article>", "<div>" * 3000 + "<p>Too deep to read</p>" + "</div>" * 3000
                                   + "</article>").encode())
    summary = run(db, tmp_path, [deep])
    assert (summary.status, summary.errors, summary.warnings, counts(db)["posts"]) == ("ok", [], 1, 1)
    [(source, reason)] = db.execute("SELECT source, reason FROM run_errors").fetchall()
    assert source == str(deep)
    assert reason.startswith("warning: markup nested deeper than 2048 levels")
    assert db["runs"].get(summary.run_id)["errors"] == 0
