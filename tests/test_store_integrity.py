"""The verdict logs have no side door, and rows cannot be orphaned: REPLACE
is refused, foreign keys are on for every connection (ours and Datasette's),
and an archive upgraded from before keeps every verdict."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
import sqlite_utils

from archiver.store.schema import migrations, open_db
from archiver.serve import make_datasette
from archiver.store import add_verdict

POST = "twitter:1412743195653046279"


@pytest.fixture
def db(tmp_path):
    db = open_db(str(tmp_path / "archive.db"))
    with db.conn:
        db.execute("INSERT INTO posts (id, platform, post_id, text, first_seen, last_seen) VALUES"
                   " (?, 'twitter', '1412743195653046279', 'Fictional post', '2021-07-07', '2021-07-07')", [POST])
        db.execute("INSERT INTO accounts (id, platform, handle, first_seen, last_seen) VALUES"
                   " ('twitter:fxdesk', 'twitter', 'FxDesk', '2021-07-07', '2021-07-07')")
        db.execute("INSERT INTO account_verdicts (account_id, credibility, reviewer, created_at) VALUES"
                   " ('twitter:fxdesk', 'credible', 'alice', '2021-07-08T00:00:00Z')")
    add_verdict(db, POST, "false", "alice", "doctored")
    return db


def connections(db, tmp_path):
    """Ours, and a bare sqlite3 connection with none of our pragmas (as the sqlite3 shell opens it)."""
    return [db.conn, sqlite3.connect(tmp_path / "archive.db")]


@pytest.mark.parametrize("verb", ["REPLACE", "INSERT OR REPLACE"])
def test_replace_cannot_overwrite_a_verdict_on_any_connection(db, tmp_path, verb):
    for conn in connections(db, tmp_path):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(f"{verb} INTO verifications (id, post_id, status, note, reviewer, created_at)"
                         f" VALUES (1, ?, 'verified', 'forged', 'mallory', '2021-07-09T00:00:00Z')", [POST])
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(f"{verb} INTO account_verdicts (id, account_id, credibility, reviewer, created_at)"
                         " VALUES (1, 'twitter:fxdesk', 'sockpuppet', 'mallory', '2021-07-09T00:00:00Z')")
        conn.rollback()
    assert db.execute("SELECT id, status, note, reviewer FROM verifications").fetchall() == [
        (1, "false", "doctored", "alice")]
    assert db.execute("SELECT status, status_by FROM posts").fetchall() == [("false", "alice")]
    assert db.execute("SELECT credibility, reviewer FROM account_verdicts").fetchall() == [("credible", "alice")]


def test_a_post_or_account_with_verdicts_cannot_be_deleted_on_any_connection(db, tmp_path):
    for conn in connections(db, tmp_path):
        with pytest.raises(sqlite3.IntegrityError, match="verdicts: it cannot be deleted"):
            conn.execute("DELETE FROM posts")
        with pytest.raises(sqlite3.IntegrityError, match="verdicts: it cannot be deleted"):
            conn.execute("DELETE FROM accounts")
        conn.rollback()
    assert (db["posts"].count, db["accounts"].count, db["verifications"].count) == (1, 1, 1)


def test_foreign_keys_refuse_orphans_on_our_connection(db):
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    db.execute("INSERT INTO posts (id, platform, first_seen, last_seen) VALUES ('twitter:2', 'twitter', 'x', 'x')")
    db.execute("INSERT INTO checks (post_id, check_name, outcome, checked_at) VALUES"
               " ('twitter:2', 'liveness', 'pass', 'x')")
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        db.execute("DELETE FROM posts WHERE id = 'twitter:2'")
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        db.execute("INSERT INTO citations (article_id, post_id, first_seen, last_seen) VALUES (99, ?, 'x', 'x')",
                   [POST])


def test_datasette_connections_enforce_foreign_keys_and_fire_replace_triggers(db, tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHIVER_REVIEWERS", str(tmp_path / "reviewers.json"))
    archive = make_datasette(tmp_path / "archive.db").get_database("archive")

    async def pragmas():
        read = (await archive.execute("PRAGMA foreign_keys")).first()[0], \
            (await archive.execute("PRAGMA recursive_triggers")).first()[0]
        write = await archive.execute_write_fn(
            lambda conn: (conn.execute("PRAGMA foreign_keys").fetchone()[0],
                          conn.execute("PRAGMA recursive_triggers").fetchone()[0]))
        return read, write

    assert asyncio.run(pragmas()) == ((1, 1), (1, 1))


def test_upgrade_gives_orphaned_verdicts_a_placeholder_post_and_keeps_them(tmp_path):
    path = str(tmp_path / "old.db")
    old = sqlite_utils.Database(path)
    migrations.apply(old, stop_before="m014_foreign_keys")
    with old.conn:
        old.execute("INSERT INTO posts (id, platform, first_seen, last_seen) VALUES (?, 'twitter', 'x', 'x')", [POST])
        old.execute("INSERT INTO verifications (post_id, status, reviewer, created_at)"
                    " VALUES (?, 'misleading', 'alice', '2021-07-08T00:00:00Z')", [POST])
        old.execute("DELETE FROM posts")  # what the probe did while foreign keys were off
    old.close()
    db = open_db(path)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT id, platform, status, status_by FROM posts").fetchall() == [
        (POST, "twitter", "misleading", "alice")]
    assert db["verifications"].count == 1


def test_upgrade_stops_on_a_dangling_row_it_cannot_repair_and_says_what_to_do(tmp_path):
    path = str(tmp_path / "old.db")
    old = sqlite_utils.Database(path)
    migrations.apply(old, stop_before="m014_foreign_keys")
    with old.conn:
        old.execute("INSERT INTO run_errors (run_id, source, reason, at) VALUES (7, 'x', 'y', 'z')")
    old.close()
    with pytest.raises(ValueError, match=r"run_errors row 1: run_id = 7 is not in runs; .*foreign_key_check"):
        open_db(path)
