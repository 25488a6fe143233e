"""The capture stage's migrations: captures and media are rebuilt to widen
their vocabularies, keeping rows, ids, indexes and triggers."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from archiver.store.schema import migrations, open_db

CAPTURE = ("INSERT INTO captures (id, kind, url, post_id, fetched_at, http_status, headers, size, sha256,"
           " warc_path, warc_offset) VALUES (?, ?, ?, 'twitter:1', '2021-07-08T00:00:00Z', 200, '{}', 3, 'ab',"
           " 'a.warc.gz', 0)")


@pytest.fixture
def upgraded(tmp_path):
    """An archive as it was before the capture stage, with data and a trigger of
    another engineer's on captures, opened (and so upgraded) by today's code."""
    path = str(tmp_path / "old.db")
    old = sqlite_utils.Database(path)
    migrations.apply(old, stop_before="m030_capture_kinds")
    old.execute("INSERT INTO posts (id, platform, first_seen, last_seen) VALUES"
                " ('twitter:1', 'twitter', '2021-07-07', '2021-07-07')")
    old.execute(CAPTURE, [7, "oembed", "https://publish.twitter.com/oembed?url=x"])
    old.execute("INSERT INTO checks (post_id, check_name, outcome, capture_id, checked_at) VALUES"
                " ('twitter:1', 'liveness', 'pass', 7, '2021-07-08')")
    old.execute("INSERT INTO media (post_id, link, code) VALUES ('twitter:1', 'pic.twitter.com/AbC', 'AbC')")
    old.execute("CREATE TABLE capture_log (capture_id INTEGER)")
    old.execute("CREATE TRIGGER captures_logged AFTER INSERT ON captures BEGIN"
                " INSERT INTO capture_log VALUES (NEW.id); END")
    old.conn.commit()
    old.close()
    return open_db(path)


def test_captures_keep_their_rows_ids_indexes_and_triggers_across_the_rebuild(upgraded):
    db = upgraded
    assert db.execute("SELECT id, kind, url, size FROM captures").fetchall() == [
        (7, "oembed", "https://publish.twitter.com/oembed?url=x", 3)]
    assert db.execute("SELECT capture_id FROM checks").fetchall() == [(7,)]
    indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'"
                                             " AND tbl_name = 'captures'")}
    assert indexes == {"captures_article", "captures_post"}
    db.execute(CAPTURE, [8, "screenshot", "https://news.example/a.html"])
    db.execute(CAPTURE, [9, "snapshot", "https://cdn.syndication.twimg.com/tweet-result?id=1"])
    assert db.execute("SELECT capture_id FROM capture_log").fetchall() == [(8,), (9,)]
    assert [m.name for m in migrations.pending(db)] == []


def test_an_unknown_capture_kind_is_still_refused(upgraded):
    with pytest.raises(sqlite3.IntegrityError):
        upgraded.execute(CAPTURE, [8, "selfie", "https://news.example/"])


def test_media_links_stay_unique_and_files_may_be_captured_again(upgraded):
    db = upgraded
    db.execute("INSERT OR IGNORE INTO media (post_id, link, code) VALUES ('twitter:1', 'pic.twitter.com/AbC', 'AbC')")
    for _ in range(2):
        db.execute("INSERT INTO media (post_id, link, kind, sha256, size, width, height, phash) VALUES"
                   " ('twitter:1', 'https://pbs.twimg.com/media/AbC.jpg?name=orig', 'photo', 'cd', 9, 4, 3, 'ff00')")
    assert db.execute("SELECT kind, code, sha256 FROM media ORDER BY id").fetchall() == [
        ("link", "AbC", None), ("photo", None, "cd"), ("photo", None, "cd")]
