"""The archive's schema, created and upgraded only through named migrations.

Append new migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from .locks import exclusive, locks_dir

POST_STATUSES = ("unverified", "in_progress", "verified", "false", "misleading", "inconclusive")
CREDIBILITY = ("undetermined", "credible", "not_credible", "sockpuppet")
# The latest run of each check of one post (parameter: the post id); a check's
# newest row is its current outcome, older rows are its history.
LATEST_CHECKS = "SELECT max(id) FROM checks WHERE post_id = ? GROUP BY check_name"

migrations = sqlite_utils.Migrations("post-archiver")


def _vocabulary(values) -> str:
    return ", ".join(f"'{value}'" for value in values)


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.executescript(f"""
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        fetch_url TEXT,
        title TEXT,
        site TEXT,
        language TEXT,
        published TEXT,
        first_fetched TEXT NOT NULL,
        last_fetched TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        last_sha256 TEXT
    );
    CREATE INDEX articles_fetch_url ON articles(fetch_url);
    CREATE TABLE captures (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('article', 'post', 'oembed', 'feed', 'archive', 'media')),
        url TEXT NOT NULL,
        article_id INTEGER REFERENCES articles(id),
        post_id TEXT REFERENCES posts(id),
        fetched_at TEXT NOT NULL,
        http_status INTEGER,
        headers TEXT,
        content_type TEXT,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        warc_path TEXT,
        warc_offset INTEGER,
        warc_record_id TEXT
    );
    CREATE INDEX captures_article ON captures(article_id);
    CREATE TABLE posts (
        id TEXT PRIMARY KEY,
        platform TEXT NOT NULL,
        post_id TEXT,
        url TEXT,
        handle TEXT,
        author_name TEXT,
        text TEXT,
        date_text TEXT,
        date TEXT,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'unverified' CHECK (status IN ({_vocabulary(POST_STATUSES)})),
        status_by TEXT,
        status_at TEXT
    );
    CREATE UNIQUE INDEX posts_platform_id ON posts(platform, post_id) WHERE post_id IS NOT NULL;
    CREATE INDEX posts_handle ON posts(platform, handle COLLATE NOCASE);
    CREATE INDEX posts_status ON posts(status);
    CREATE TABLE post_aliases (
        alias TEXT PRIMARY KEY,
        post_id TEXT NOT NULL REFERENCES posts(id),
        merged_at TEXT NOT NULL
    );
    CREATE TABLE citations (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id),
        post_id TEXT NOT NULL REFERENCES posts(id),
        position INTEGER,
        context TEXT,
        shown_handle TEXT,
        shown_author_name TEXT,
        shown_date_text TEXT,
        shown_text TEXT,
        capture_id INTEGER REFERENCES captures(id),
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        removed_at TEXT,
        UNIQUE (article_id, post_id)
    );
    CREATE INDEX citations_post ON citations(post_id);
    CREATE TABLE media (
        id INTEGER PRIMARY KEY,
        post_id TEXT NOT NULL REFERENCES posts(id),
        link TEXT NOT NULL,
        code TEXT NOT NULL,
        resolved_url TEXT,
        resolved_at TEXT,
        UNIQUE (post_id, code)
    );
    CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        platform TEXT NOT NULL,
        handle TEXT NOT NULL,
        display_names TEXT NOT NULL DEFAULT '[]',
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        credibility TEXT NOT NULL DEFAULT 'undetermined' CHECK (credibility IN ({_vocabulary(CREDIBILITY)})),
        credibility_by TEXT,
        credibility_at TEXT
    );
    CREATE TABLE verifications (
        id INTEGER PRIMARY KEY,
        post_id TEXT NOT NULL REFERENCES posts(id),
        status TEXT NOT NULL CHECK (status IN ({_vocabulary(POST_STATUSES)})),
        note TEXT,
        reviewer TEXT NOT NULL CHECK (length(trim(reviewer)) > 0),
        created_at TEXT NOT NULL
    );
    CREATE INDEX verifications_post ON verifications(post_id, created_at);
    CREATE TABLE account_verdicts (
        id INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts(id),
        credibility TEXT NOT NULL CHECK (credibility IN ({_vocabulary(CREDIBILITY)})),
        note TEXT,
        reviewer TEXT NOT NULL CHECK (length(trim(reviewer)) > 0),
        created_at TEXT NOT NULL
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        command TEXT NOT NULL,
        job TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),
        sources TEXT NOT NULL DEFAULT '[]',
        articles_read INTEGER NOT NULL DEFAULT 0,
        articles_new INTEGER NOT NULL DEFAULT 0,
        articles_changed INTEGER NOT NULL DEFAULT 0,
        articles_unchanged INTEGER NOT NULL DEFAULT 0,
        posts_new INTEGER NOT NULL DEFAULT 0,
        citations_new INTEGER NOT NULL DEFAULT 0,
        errors INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE run_errors (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        source TEXT NOT NULL,
        reason TEXT NOT NULL,
        at TEXT NOT NULL
    );
    """)
    db.executescript(_LOG_GUARDS)


@migrations(transactional=False)
def m002_wal(db: sqlite_utils.Database) -> None:
    db.enable_wal()


@migrations()
def m003_search(db: sqlite_utils.Database) -> None:
    db["posts"].enable_fts(["text", "handle", "author_name"], create_triggers=True, tokenize="unicode61")
    db["articles"].enable_fts(["title"], create_triggers=True, tokenize="unicode61")


@migrations()
def m004_search_follows_only_text_changes(db: sqlite_utils.Database) -> None:
    """Re-index a post or article only when its searchable text changes, not on
    every `last_seen` bump or verdict: the archive job touches posts constantly."""
    db.executescript("""
    DROP TRIGGER IF EXISTS posts_au;
    CREATE TRIGGER posts_au AFTER UPDATE OF text, handle, author_name ON posts
    WHEN old.text IS NOT new.text OR old.handle IS NOT new.handle OR old.author_name IS NOT new.author_name
    BEGIN
      INSERT INTO posts_fts (posts_fts, rowid, text, handle, author_name)
        VALUES ('delete', old.rowid, old.text, old.handle, old.author_name);
      INSERT INTO posts_fts (rowid, text, handle, author_name) VALUES (new.rowid, new.text, new.handle, new.author_name);
    END;
    DROP TRIGGER IF EXISTS articles_au;
    CREATE TRIGGER articles_au AFTER UPDATE OF title ON articles WHEN old.title IS NOT new.title
    BEGIN
      INSERT INTO articles_fts (articles_fts, rowid, title) VALUES ('delete', old.rowid, old.title);
      INSERT INTO articles_fts (rowid, title) VALUES (new.rowid, new.title);
    END;
    """)



CHECK_OUTCOMES = ("pass", "warn", "fail", "error", "skipped")
AVAILABILITY = ("live", "unavailable")


@migrations()
def m005_checks(db: sqlite_utils.Database) -> None:
    """Automatic checks: every run of a check is a row (the history), and the
    posts carry a summary of the latest ones. Checks never touch `status`."""
    db.executescript(f"""
    CREATE TABLE checks (
        id INTEGER PRIMARY KEY,
        post_id TEXT NOT NULL REFERENCES posts(id),
        check_name TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ({_vocabulary(CHECK_OUTCOMES)})),
        summary TEXT,
        detail TEXT NOT NULL DEFAULT '{{}}',
        evidence_url TEXT,
        method TEXT,
        capture_id INTEGER REFERENCES captures(id),
        checked_at TEXT NOT NULL
    );
    CREATE INDEX checks_post ON checks(post_id, check_name, id);
    CREATE INDEX checks_outcome ON checks(outcome, check_name);
    ALTER TABLE posts ADD COLUMN availability TEXT CHECK (availability IN ({_vocabulary(AVAILABILITY)}));
    ALTER TABLE posts ADD COLUMN last_live_at TEXT;
    ALTER TABLE posts ADD COLUMN gone_since TEXT;
    ALTER TABLE posts ADD COLUMN archived_url TEXT;
    ALTER TABLE posts ADD COLUMN flags TEXT;
    ALTER TABLE posts ADD COLUMN checked_at TEXT;
    """)


@migrations()
def m006_review_queue(db: sqlite_utils.Database) -> None:
    """What the review desk sorts and facets by, kept cheap on a million posts:
    a live citation count per post (kept by triggers) and the indexes the
    Datasette pages and canned queries use."""
    db.executescript("""
    ALTER TABLE posts ADD COLUMN citation_count INTEGER NOT NULL DEFAULT 0;
    UPDATE posts SET citation_count = (SELECT count(*) FROM citations
      WHERE citations.post_id = posts.id AND citations.removed_at IS NULL);
    CREATE INDEX posts_queue ON posts(status, citation_count DESC, first_seen DESC);
    CREATE INDEX posts_first_seen ON posts(first_seen);
    CREATE INDEX posts_platform ON posts(platform);
    CREATE INDEX posts_availability ON posts(availability, gone_since);
    CREATE INDEX posts_date ON posts(date);
    CREATE INDEX articles_last_fetched ON articles(last_fetched);
    CREATE INDEX articles_site ON articles(site);
    CREATE INDEX citations_article ON citations(article_id);
    CREATE INDEX verifications_reviewer ON verifications(reviewer, id);
    CREATE INDEX captures_post ON captures(post_id);
    CREATE INDEX media_post ON media(post_id);
    """)
    db.executescript(_COUNT_TRIGGERS)


@migrations()
def m007_filtered_facets(db: sqlite_utils.Database) -> None:
    """Reviewers filter by status first: with these, the filtered page's sort and
    its facets read one index each instead of the table (bench/serve.py)."""
    db.executescript("""
    CREATE INDEX posts_status_date ON posts(status, date);
    CREATE INDEX posts_status_platform ON posts(status, platform);
    CREATE INDEX posts_status_availability ON posts(status, availability);
    DROP INDEX posts_status;
    """)


@migrations()
def m008_feeds(db: sqlite_utils.Database) -> None:
    """Feeds and sitemaps are read incrementally: their validators for
    conditional requests, and every entry already archived."""
    db.executescript("""
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        first_fetched TEXT NOT NULL,
        last_fetched TEXT NOT NULL,
        entries_seen INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE feed_entries (
        feed_url TEXT NOT NULL REFERENCES feeds(url),
        entry_key TEXT NOT NULL,
        link TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        PRIMARY KEY (feed_url, entry_key)
    );
    CREATE INDEX runs_job ON runs(job, status);
    """)


@migrations()
def m009_post_tallies(db: sqlite_utils.Database) -> None:
    """The number of posts per (status, platform, availability), kept by
    triggers: the posts page's facets read a few hundred rows instead of
    grouping a million (archiver/serve/facets.py). It replaces the two indexes that
    made those GROUP BYs cheaper."""
    db.executescript("""
    CREATE TABLE post_tallies (
        status TEXT NOT NULL,
        platform TEXT NOT NULL,
        availability TEXT,
        posts INTEGER NOT NULL
    );
    CREATE INDEX post_tallies_key ON post_tallies(status, platform, availability);
    INSERT INTO post_tallies SELECT status, platform, availability, count(*) FROM posts GROUP BY 1, 2, 3;
    DROP INDEX posts_status_platform;
    DROP INDEX posts_status_availability;
    """)
    db.executescript(_TALLY_TRIGGERS)


@migrations()
def m010_drop_redundant_indexes(db: sqlite_utils.Database) -> None:
    """Indexes whose column is the first of another index on the same table:
    every post, citation and media link paid for them at ingest for nothing."""
    db.executescript("""
    DROP INDEX posts_platform;       -- posts_handle (platform, handle)
    DROP INDEX citations_article;    -- UNIQUE (article_id, post_id)
    DROP INDEX media_post;           -- UNIQUE (post_id, code)
    """)


@migrations()
def m011_post_links(db: sqlite_utils.Database) -> None:
    """The links in a post's text that are not its media (t.co short links and
    written-out URLs), a JSON array: media are the post's photos and videos only."""
    db.execute("ALTER TABLE posts ADD COLUMN links TEXT")


@migrations()
def m014_foreign_keys(db: sqlite_utils.Database) -> None:
    """Foreign keys are enforced from now on (`prepare_connection`), and the
    verdict logs refuse REPLACE. Rows left pointing at a deleted post or
    account (possible while foreign keys were off) get a placeholder parent,
    so no verdict is lost; any other dangling row stops the upgrade."""
    db.executescript(_REPLACE_AND_DELETE_GUARDS)
    placeholders = {"posts": "INSERT OR IGNORE INTO posts (id, platform, first_seen, last_seen)"
                             " VALUES (?1, substr(?1, 1, instr(?1, ':') - 1), ?2, ?2)",
                    "accounts": "INSERT OR IGNORE INTO accounts (id, platform, handle, first_seen, last_seen)"
                                " VALUES (?1, substr(?1, 1, instr(?1, ':') - 1), substr(?1, instr(?1, ':') + 1), ?2, ?2)"}
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    dangling = []
    for table, rowid, parent, fkid in db.execute("PRAGMA foreign_key_check").fetchall():
        column = next(fk[3] for fk in db.execute(f"PRAGMA foreign_key_list([{table}])") if fk[0] == fkid)
        [value] = db.execute(f"SELECT [{column}] FROM [{table}] WHERE rowid = ?", [rowid]).fetchone()
        if parent in placeholders:
            db.execute(placeholders[parent], [value, stamp])
        else:
            dangling.append(f"{table} row {rowid}: {column} = {value!r} is not in {parent}")
    if dangling:
        raise ValueError("the archive has rows pointing at rows that were deleted: " + "; ".join(dangling[:10])
                         + "; restore the missing rows or delete these (sqlite3 ARCHIVE 'PRAGMA foreign_key_check')")
    db.execute("UPDATE posts SET (status, status_by, status_at) = (SELECT status, reviewer, created_at"
               " FROM verifications WHERE post_id = posts.id ORDER BY created_at DESC, id DESC LIMIT 1)"
               " WHERE first_seen = ? AND text IS NULL AND id IN (SELECT post_id FROM verifications)", [stamp])
    db.execute("UPDATE accounts SET (credibility, credibility_by, credibility_at) = (SELECT credibility, reviewer,"
               " created_at FROM account_verdicts WHERE account_id = accounts.id ORDER BY created_at DESC, id DESC"
               " LIMIT 1) WHERE first_seen = ? AND id IN (SELECT account_id FROM account_verdicts)", [stamp])


@migrations()
def m015_run_owner(db: sqlite_utils.Database) -> None:
    """Which process a run is (host and pid), so that a run that died without
    finishing can be told from one still running (archiver/store/runs.py)."""
    db.executescript("""
    ALTER TABLE runs ADD COLUMN host TEXT;
    ALTER TABLE runs ADD COLUMN pid INTEGER;
    """)


# With recursive_triggers on, REPLACE's deletion fires the no-delete guards;
# these refuse it on any connection, and keep a post or account that has
# verdicts from being deleted (foreign keys refuse that too, where they are on).
_REPLACE_AND_DELETE_GUARDS = """
CREATE TRIGGER IF NOT EXISTS verifications_no_replace BEFORE INSERT ON verifications
WHEN EXISTS (SELECT 1 FROM verifications WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'verifications is append-only: add a new verdict instead of replacing one'); END;
CREATE TRIGGER IF NOT EXISTS account_verdicts_no_replace BEFORE INSERT ON account_verdicts
WHEN EXISTS (SELECT 1 FROM account_verdicts WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'account_verdicts is append-only: add a new verdict instead of replacing one'); END;
CREATE TRIGGER IF NOT EXISTS posts_keep_verdicts BEFORE DELETE ON posts
WHEN EXISTS (SELECT 1 FROM verifications WHERE post_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'this post has reviewer verdicts: it cannot be deleted'); END;
CREATE TRIGGER IF NOT EXISTS accounts_keep_verdicts BEFORE DELETE ON accounts
WHEN EXISTS (SELECT 1 FROM account_verdicts WHERE account_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'this account has reviewer verdicts: it cannot be deleted'); END;
"""


@migrations()
def m020_review_rank(db: sqlite_utils.Database) -> None:
    """The review queue puts failing posts first, then warning ones, then the
    most-cited: `flag_level` (2 fail, 1 warn, 0 neither) follows the latest
    checks by trigger, and one index serves the queue's order at any depth.
    The flags facet counts the few flagged posts from a partial index; a
    capture's page counts the citations and checks that point at it by index."""
    db.executescript(f"""
    ALTER TABLE posts ADD COLUMN flag_level INTEGER NOT NULL DEFAULT 0;
    UPDATE posts SET flag_level = {_FLAG_LEVEL} WHERE flags IS NOT NULL;
    CREATE INDEX posts_review_rank ON posts(status, flag_level DESC, citation_count DESC, first_seen DESC);
    DROP INDEX posts_queue;
    CREATE INDEX posts_flagged ON posts(status, platform, availability) WHERE flags IS NOT NULL;
    CREATE INDEX citations_capture ON citations(capture_id);
    CREATE INDEX checks_capture ON checks(capture_id) WHERE capture_id IS NOT NULL;
    """)
    db.executescript(_FLAG_LEVEL_TRIGGER)


# --- the capture stage (archiver/capture/) ------------------------------------------------------------

CAPTURE_KINDS = ("article", "post", "oembed", "feed", "archive", "media", "snapshot", "screenshot")
MEDIA_KINDS = ("link", "photo", "video")
SNAPSHOT_STATES = ("live", "unavailable")


def _rebuild(db: sqlite_utils.Database, table: str, definition: str) -> None:
    """Recreate `table` from `definition` (a CREATE TABLE for `{name}`), keeping
    its rows, ids, indexes and triggers: SQLite cannot alter a CHECK or a NOT
    NULL in place. Tables that reference it by name keep doing so."""
    kept = [sql for (sql,) in db.execute("SELECT sql FROM sqlite_master WHERE tbl_name = ? AND"
                                          " type IN ('index', 'trigger') AND sql IS NOT NULL", [table])]
    columns = ", ".join(f'"{column.name}"' for column in db[table].columns)
    db.execute(definition.format(name=f"{table}_rebuilt"))
    db.execute(f"INSERT INTO {table}_rebuilt ({columns}) SELECT {columns} FROM {table}")
    db.execute(f"DROP TABLE {table}")
    # legacy renaming: do not re-parse other tables' triggers while `table` is briefly missing
    db.execute("PRAGMA legacy_alter_table = ON")
    db.execute(f"ALTER TABLE {table}_rebuilt RENAME TO {table}")
    db.execute("PRAGMA legacy_alter_table = OFF")
    for sql in kept:
        db.execute(sql)


@migrations()
def m030_capture_kinds(db: sqlite_utils.Database) -> None:
    """Captures of the posts themselves: platform snapshots (JSON or embed
    pages) and screenshots; a screenshot names the capture it was rendered
    from (`derived_from`), e.g. the article whose embed it shows."""
    _rebuild(db, "captures", f"""
    CREATE TABLE {{name}} (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ({_vocabulary(CAPTURE_KINDS)})),
        url TEXT NOT NULL,
        article_id INTEGER REFERENCES articles(id),
        post_id TEXT REFERENCES posts(id),
        fetched_at TEXT NOT NULL,
        http_status INTEGER,
        headers TEXT,
        content_type TEXT,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        warc_path TEXT,
        warc_offset INTEGER,
        warc_record_id TEXT,
        derived_from INTEGER REFERENCES captures(id)
    )""")


@migrations()
def m031_media_files(db: sqlite_utils.Database) -> None:
    """The media table also holds the files downloaded from a post: a photo or
    video row (`code` NULL, so one file may be captured again as a new row)
    with its capture, SHA-256, type, size, dimensions and perceptual hash."""
    _rebuild(db, "media", f"""
    CREATE TABLE {{name}} (
        id INTEGER PRIMARY KEY,
        post_id TEXT NOT NULL REFERENCES posts(id),
        link TEXT NOT NULL,
        code TEXT,
        resolved_url TEXT,
        resolved_at TEXT,
        kind TEXT NOT NULL DEFAULT 'link' CHECK (kind IN ({_vocabulary(MEDIA_KINDS)})),
        capture_id INTEGER REFERENCES captures(id),
        sha256 TEXT,
        type TEXT,
        size INTEGER,
        width INTEGER,
        height INTEGER,
        phash TEXT,
        captured_at TEXT,
        UNIQUE (post_id, code)
    )""")
    db.execute("CREATE INDEX media_phash ON media(phash) WHERE phash IS NOT NULL")


@migrations()
def m032_snapshots(db: sqlite_utils.Database) -> None:
    """What a post's platform said about it at one moment, parsed from the
    snapshot capture: every snapshot is a row (the history)."""
    db.executescript(f"""
    CREATE TABLE snapshots (
        id INTEGER PRIMARY KEY,
        post_id TEXT NOT NULL REFERENCES posts(id),
        capture_id INTEGER REFERENCES captures(id),
        endpoint TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ({_vocabulary(SNAPSHOT_STATES)})),
        reason TEXT,
        handle TEXT,
        author_name TEXT,
        text TEXT,
        created_at TEXT,
        media TEXT NOT NULL DEFAULT '[]',
        counts TEXT NOT NULL DEFAULT '{{}}',
        captured_at TEXT NOT NULL
    );
    CREATE INDEX snapshots_post ON snapshots(post_id, id);
    """)


@migrations()
def m040_evidence(db: sqlite_utils.Database) -> None:
    """Evidence (archiver/evidence/): the custody log, append-only like the
    verdict logs; the Merkle tree that seals each run's captures, each
    capture's inclusion proof, and the RFC 3161 tokens of each root, kept in
    tables of their own keyed by capture and run."""
    db.executescript(f"""
    CREATE TABLE custody_tool (version TEXT NOT NULL);
    INSERT INTO custody_tool VALUES ('unknown');
    CREATE TABLE custody (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ({_vocabulary(CUSTODY_ACTIONS)})),
        subject TEXT NOT NULL,
        post_id TEXT,
        capture_id INTEGER,
        run_id INTEGER,
        actor TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{{}}'
    );
    CREATE INDEX custody_post ON custody(post_id) WHERE post_id IS NOT NULL;
    CREATE INDEX custody_capture ON custody(capture_id, action) WHERE capture_id IS NOT NULL;
    CREATE INDEX custody_action ON custody(action, id);
    CREATE TABLE evidence_trees (
        id INTEGER PRIMARY KEY,
        run_id INTEGER REFERENCES runs(id),
        root TEXT NOT NULL,
        size INTEGER NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE evidence_leaves (
        capture_id INTEGER PRIMARY KEY REFERENCES captures(id),
        tree_id INTEGER NOT NULL REFERENCES evidence_trees(id),
        leaf_index INTEGER NOT NULL,
        record_sha256 TEXT NOT NULL,
        record_length INTEGER NOT NULL,
        proof TEXT NOT NULL
    );
    CREATE INDEX evidence_leaves_tree ON evidence_leaves(tree_id, leaf_index);
    CREATE TABLE evidence_timestamps (
        id INTEGER PRIMARY KEY,
        tree_id INTEGER NOT NULL REFERENCES evidence_trees(id),
        tsa_url TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'granted')),
        response BLOB,
        certificates TEXT,
        gen_time TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        last_attempt_at TEXT,
        UNIQUE (tree_id, tsa_url)
    );
    CREATE INDEX evidence_timestamps_pending ON evidence_timestamps(status, tsa_url);
    CREATE TRIGGER evidence_trees_fixed BEFORE UPDATE ON evidence_trees
    BEGIN SELECT RAISE(ABORT, 'a sealed Merkle tree never changes'); END;
    CREATE TRIGGER evidence_trees_kept BEFORE DELETE ON evidence_trees
    BEGIN SELECT RAISE(ABORT, 'a sealed Merkle tree never changes'); END;
    CREATE TRIGGER evidence_leaves_fixed BEFORE UPDATE ON evidence_leaves
    BEGIN SELECT RAISE(ABORT, 'an inclusion proof never changes'); END;
    CREATE TRIGGER evidence_leaves_kept BEFORE DELETE ON evidence_leaves
    BEGIN SELECT RAISE(ABORT, 'an inclusion proof never changes'); END;
    CREATE TRIGGER evidence_tokens_fixed BEFORE UPDATE ON evidence_timestamps WHEN OLD.status = 'granted'
    BEGIN SELECT RAISE(ABORT, 'a granted timestamp never changes'); END;
    CREATE TRIGGER evidence_tokens_kept BEFORE DELETE ON evidence_timestamps
    BEGIN SELECT RAISE(ABORT, 'timestamps are kept, pending or granted'); END;
    """)
    db.executescript(_CUSTODY_TRIGGERS)


CUSTODY_ACTIONS = ("capture", "check", "verdict", "timestamp", "export", "verification")
# The custody log is append-only: UPDATE and DELETE raise, and so does an
# INSERT on an existing id, which is what REPLACE would do (its implicit
# delete fires no delete trigger). Verdicts, wherever they are recorded (the
# web UI's canned queries, `archiver tag`), add their custody row here.
_CUSTODY_NOW = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
_CUSTODY_TRIGGERS = f"""
CREATE TRIGGER IF NOT EXISTS custody_no_update BEFORE UPDATE ON custody
BEGIN SELECT RAISE(ABORT, 'custody is append-only: add a new entry instead'); END;
CREATE TRIGGER IF NOT EXISTS custody_no_delete BEFORE DELETE ON custody
BEGIN SELECT RAISE(ABORT, 'custody is append-only: add a new entry instead'); END;
CREATE TRIGGER IF NOT EXISTS custody_no_replace BEFORE INSERT ON custody
WHEN EXISTS (SELECT 1 FROM custody WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'custody is append-only: add a new entry instead'); END;
CREATE TRIGGER IF NOT EXISTS custody_of_verdicts AFTER INSERT ON verifications
BEGIN
  INSERT INTO custody (at, action, subject, post_id, actor, tool_version, detail)
  VALUES ({_CUSTODY_NOW}, 'verdict', 'verification ' || NEW.id, NEW.post_id, 'reviewer ' || NEW.reviewer,
          (SELECT version FROM custody_tool), json_object('status', NEW.status));
END;
CREATE TRIGGER IF NOT EXISTS custody_of_account_verdicts AFTER INSERT ON account_verdicts
BEGIN
  INSERT INTO custody (at, action, subject, actor, tool_version, detail)
  VALUES ({_CUSTODY_NOW}, 'verdict', 'account_verdict ' || NEW.id, 'reviewer ' || NEW.reviewer,
          (SELECT version FROM custody_tool),
          json_object('account', NEW.account_id, 'credibility', NEW.credibility));
END;
"""


@migrations()
def m070_backfill_slices(db: sqlite_utils.Database) -> None:
    """Slices of web archives a backfill has ingested: a killed backfill
    restarts at the first slice not recorded here, without duplicates (a
    slice's rows and its row here are committed together)."""
    db.executescript("""
    CREATE TABLE backfill_slices (
        warc TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        records INTEGER NOT NULL,
        html_records INTEGER NOT NULL,
        pages INTEGER NOT NULL,
        run_id INTEGER REFERENCES runs(id),
        done_at TEXT NOT NULL,
        PRIMARY KEY (warc, start)
    );
    """)



@migrations()
def m080_flagged_posts_index_holds_flags(db: sqlite_utils.Database) -> None:
    """The partial index of flagged posts holds their flags too: a posts page
    filtered by a flag (`?_flag=`) is then counted, faceted and tallied from
    the index alone, 11-25 ms on a million posts instead of 1.2 s."""
    db.executescript("""
    DROP INDEX posts_flagged;
    CREATE INDEX posts_flagged ON posts(status, platform, availability, flags) WHERE flags IS NOT NULL;
    """)

_LOG_GUARDS = """
CREATE TRIGGER IF NOT EXISTS verifications_no_delete BEFORE DELETE ON verifications
BEGIN SELECT RAISE(ABORT, 'verifications is append-only: add a new verdict instead'); END;
CREATE TRIGGER IF NOT EXISTS verifications_no_update BEFORE UPDATE ON verifications
WHEN NEW.id IS NOT OLD.id OR NEW.status IS NOT OLD.status OR NEW.note IS NOT OLD.note
  OR NEW.reviewer IS NOT OLD.reviewer OR NEW.created_at IS NOT OLD.created_at
  OR NOT EXISTS (SELECT 1 FROM post_aliases WHERE alias = OLD.post_id AND post_id = NEW.post_id)
BEGIN SELECT RAISE(ABORT, 'verifications is append-only: add a new verdict instead'); END;
CREATE TRIGGER IF NOT EXISTS verifications_known_post BEFORE INSERT ON verifications
WHEN NOT EXISTS (SELECT 1 FROM posts WHERE id = NEW.post_id)
BEGIN SELECT RAISE(ABORT, 'no such post: a verdict needs a stored post id'); END;
CREATE TRIGGER IF NOT EXISTS verifications_set_status AFTER INSERT ON verifications
BEGIN
  UPDATE posts SET status = NEW.status, status_by = NEW.reviewer, status_at = NEW.created_at
  WHERE id = NEW.post_id;
END;
CREATE TRIGGER IF NOT EXISTS verifications_follow_merge AFTER UPDATE OF post_id ON verifications
BEGIN
  UPDATE posts SET (status, status_by, status_at) = (
    SELECT status, reviewer, created_at FROM verifications WHERE post_id = NEW.post_id
    ORDER BY created_at DESC, id DESC LIMIT 1)
  WHERE id = NEW.post_id;
END;
CREATE TRIGGER IF NOT EXISTS account_verdicts_no_delete BEFORE DELETE ON account_verdicts
BEGIN SELECT RAISE(ABORT, 'account_verdicts is append-only: add a new verdict instead'); END;
CREATE TRIGGER IF NOT EXISTS account_verdicts_no_update BEFORE UPDATE ON account_verdicts
BEGIN SELECT RAISE(ABORT, 'account_verdicts is append-only: add a new verdict instead'); END;
CREATE TRIGGER IF NOT EXISTS account_verdicts_known_account BEFORE INSERT ON account_verdicts
WHEN NOT EXISTS (SELECT 1 FROM accounts WHERE id = NEW.account_id)
BEGIN SELECT RAISE(ABORT, 'no such account: a verdict needs a stored account id'); END;
CREATE TRIGGER IF NOT EXISTS account_verdicts_set_credibility AFTER INSERT ON account_verdicts
BEGIN
  UPDATE accounts SET credibility = NEW.credibility, credibility_by = NEW.reviewer,
    credibility_at = NEW.created_at WHERE id = NEW.account_id;
END;
"""


_COUNT_TRIGGERS = """
CREATE TRIGGER IF NOT EXISTS citations_count_insert AFTER INSERT ON citations WHEN NEW.removed_at IS NULL
BEGIN UPDATE posts SET citation_count = citation_count + 1 WHERE id = NEW.post_id; END;
CREATE TRIGGER IF NOT EXISTS citations_count_delete AFTER DELETE ON citations WHEN OLD.removed_at IS NULL
BEGIN UPDATE posts SET citation_count = citation_count - 1 WHERE id = OLD.post_id; END;
CREATE TRIGGER IF NOT EXISTS citations_count_update AFTER UPDATE OF post_id, removed_at ON citations
WHEN OLD.post_id IS NOT NEW.post_id OR (OLD.removed_at IS NULL) IS NOT (NEW.removed_at IS NULL)
BEGIN
  UPDATE posts SET citation_count = citation_count - (OLD.removed_at IS NULL) WHERE id = OLD.post_id;
  UPDATE posts SET citation_count = citation_count + (NEW.removed_at IS NULL) WHERE id = NEW.post_id;
END;
"""

_TALLY_ADD = """
  UPDATE post_tallies SET posts = posts + 1
  WHERE status = NEW.status AND platform = NEW.platform AND availability IS NEW.availability;
  INSERT INTO post_tallies SELECT NEW.status, NEW.platform, NEW.availability, 1 WHERE changes() = 0;
"""
_TALLY_REMOVE = """
  UPDATE post_tallies SET posts = posts - 1
  WHERE status = OLD.status AND platform = OLD.platform AND availability IS OLD.availability;
"""
_TALLY_TRIGGERS = f"""
CREATE TRIGGER IF NOT EXISTS posts_tally_insert AFTER INSERT ON posts BEGIN {_TALLY_ADD} END;
CREATE TRIGGER IF NOT EXISTS posts_tally_delete AFTER DELETE ON posts BEGIN {_TALLY_REMOVE} END;
CREATE TRIGGER IF NOT EXISTS posts_tally_update AFTER UPDATE OF status, platform, availability ON posts
WHEN OLD.status IS NOT NEW.status OR OLD.platform IS NOT NEW.platform OR OLD.availability IS NOT NEW.availability
BEGIN {_TALLY_REMOVE} {_TALLY_ADD} END;
"""

_FLAG_LEVEL = f"""COALESCE((SELECT max(CASE outcome WHEN 'fail' THEN 2 WHEN 'warn' THEN 1 ELSE 0 END) FROM checks
  WHERE id IN ({LATEST_CHECKS.replace("?", "posts.id")})), 0)"""
_FLAG_LEVEL_TRIGGER = f"""
CREATE TRIGGER IF NOT EXISTS posts_flag_level AFTER UPDATE OF flags ON posts
BEGIN UPDATE posts SET flag_level = {_FLAG_LEVEL} WHERE id = NEW.id; END;
"""


def ensure_triggers(db: sqlite_utils.Database) -> None:
    """Re-assert the append-only guards and the counters: `table.transform()`
    drops triggers silently. Writes (and so waits for the write lock) only
    when one is missing."""
    script = (_LOG_GUARDS + _COUNT_TRIGGERS + _TALLY_TRIGGERS + _REPLACE_AND_DELETE_GUARDS
              + _FLAG_LEVEL_TRIGGER + _CUSTODY_TRIGGERS)
    wanted = set(re.findall(r"CREATE TRIGGER IF NOT EXISTS (\w+)", script))
    present = {row[0] for row in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    if wanted - present:
        db.executescript(script)


def note_tool_version(db: sqlite_utils.Database) -> None:
    """The version the custody triggers write; set when it changes, so
    opening the archive to read it writes nothing."""
    from .. import __version__

    if db.execute("SELECT version FROM custody_tool").fetchone()[0] != __version__:
        with db.conn:
            db.execute("UPDATE custody_tool SET version = ?", [__version__])


BUSY_TIMEOUT_MS = 60_000  # how long a statement waits for another writer's lock before SQLITE_BUSY


def prepare_connection(conn: sqlite3.Connection) -> None:
    """What every connection to the archive needs, ours and Datasette's (the
    plugin's prepare_connection calls this): foreign keys enforced; REPLACE
    firing delete triggers, so it cannot slip past the append-only guards;
    and a generous wait for another writer's lock."""
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA recursive_triggers = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def db_path_problem(db: Path) -> str | None:
    """Why the archive cannot be at `db`, or None: a folder, a file that is
    not SQLite, or a place where no file can be created."""
    if db.is_dir():
        return f"{str(db)!r} is a folder; name the archive's file, e.g. {str(db / 'archive.db')!r}"
    if db.exists():
        with open(db, "rb") as file:
            head = file.read(16)
        if head and head != b"SQLite format 3\x00":
            return f"{str(db)!r} is not a SQLite archive; point db at an archive or at a new file name"
        return None
    folder = db.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        return f"cannot create {str(db)!r}: {str(folder)!r} is a file, not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot create {str(db)!r}: no permission to write in {str(folder)!r}"
    return None


def open_db(path: str) -> sqlite_utils.Database:
    """Open (creating or upgrading) the archive at `path`, ready for a job.
    Migrations run under an flock beside the archive, so two processes
    opening a new archive at once do not both create it."""
    db = sqlite_utils.Database(path)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if path in ("", ":memory:"):
        _upgrade(db)
    else:
        with exclusive(locks_dir(path) / f"{Path(path).name}.migrate.lock", optional=True):
            _upgrade(db)
    # Foreign keys only now: migrations change tables with them off, as
    # SQLite advises (m014 checked what the earlier ones left).
    prepare_connection(db.conn)
    db.execute("PRAGMA synchronous = NORMAL")
    # Each article is written in a savepoint, whose journal of changed pages
    # SQLite otherwise spills to a temporary file: a third of the job's
    # database time (bench/ingest.py). It holds one article's pages at most.
    db.execute("PRAGMA temp_store = MEMORY")
    # Every transaction the driver opens takes the write lock first (BEGIN
    # IMMEDIATE): one that read first and then wants to write is refused at
    # once when another writer committed meanwhile; the busy timeout cannot help.
    db.conn.isolation_level = "IMMEDIATE"
    return db


def _upgrade(db: sqlite_utils.Database) -> None:
    migrations.apply(db)
    ensure_triggers(db)
    note_tool_version(db)
