"""Writes to the archive: articles, captures, posts, citations, media, accounts,
and the reviewer's verdict log.

Automatic writes are upserts that never name reviewer-owned columns
(`posts.status*`, `accounts.credibility*`); those change only through the
append-only `verifications` and `account_verdicts` logs and their triggers.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlite_utils

from ..capture import Evidence, WarcStore
from ..extract.platforms import match_url
from ..extract.posts import Post
from ..fetch import Response
from .schema import CREDIBILITY, POST_STATUSES


class ArchiveError(ValueError):
    """A request the archive cannot carry out; the message says what to do."""


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


_MEDIA_CODE = re.compile(r"/([A-Za-z0-9]+)$")


def media_code(link: str) -> str:
    return _MEDIA_CODE.search(link).group(1)


def post_key(post: Post) -> str:
    """The stored id: `platform:post_id`, or for a post printed without an id,
    `platform:media:CODE` (its first media link) or `platform:h:HASH` (handle, date, text)."""
    if post.post_id:
        return f"{post.platform}:{post.post_id}"
    if post.media:
        return f"{post.platform}:media:{media_code(post.media[0])}"
    digest = hashlib.sha256("\x1f".join([(post.handle or "").lower(), post.date_text or "",
                                         post.text or ""]).encode()).hexdigest()[:16]
    return f"{post.platform}:h:{digest}"


@dataclass
class ArticleOutcome:
    article_id: int
    state: str  # "new", "changed" or "unchanged"
    posts_new: int = 0
    citations_new: int = 0


def record_capture(db: sqlite_utils.Database, *, kind: str, url: str, evidence: Evidence,
                   fetched_at: datetime, status: int | None = None, headers: dict | None = None,
                   content_type: str | None = None, article_id: int | None = None,
                   post_id: str | None = None) -> int:
    cursor = db.conn.execute(
        "INSERT INTO captures (kind, url, article_id, post_id, fetched_at, http_status, headers, content_type,"
        " size, sha256, warc_path, warc_offset, warc_record_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [kind, url, article_id, post_id, iso(fetched_at), status, json.dumps(headers or {}), content_type,
         evidence.size, evidence.sha256, evidence.warc_path, evidence.warc_offset, evidence.warc_record_id])
    return cursor.lastrowid


def keep_response(db: sqlite_utils.Database, warc: WarcStore, response: Response, *, kind: str,
                  fetched_at: datetime, post_id: str | None = None) -> int:
    """Keep a fetched response as evidence: its bytes in the WARC file, its capture row here."""
    evidence = warc.write(response.final_url, response.body, status=response.status, headers=response.headers,
                          fetched_at=fetched_at)
    return record_capture(db, kind=kind, url=response.final_url, evidence=evidence, fetched_at=fetched_at,
                          status=response.status, headers=response.headers, content_type=response.content_type,
                          post_id=post_id)


WRITE_PATIENCE = 900.0  # seconds a writer keeps waiting for another one before giving up
_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def begin_write(conn: sqlite3.Connection, patience: float = WRITE_PATIENCE) -> float:
    """Open a write transaction, taking the write lock now (BEGIN IMMEDIATE):
    a transaction that upgrades from read to write is refused at once when
    another writer committed meanwhile, whatever the busy timeout. Another
    writer's lock is waited for (the busy timeout, then again) for up to
    `patience` seconds. Returns the seconds waited."""
    started = time.monotonic()
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return time.monotonic() - started
        except sqlite3.OperationalError as error:
            waited = time.monotonic() - started
            if getattr(error, "sqlite_errorcode", sqlite3.SQLITE_BUSY) & 0xFF not in _BUSY:
                raise
            if waited >= patience:
                raise ArchiveError(f"the archive stayed locked by another writer for {waited:.0f} s; "
                                   "check for a stuck process (see the runs table) and try again") from error
            time.sleep(0.05)


@contextmanager
def writing(db: sqlite_utils.Database):
    """A short write transaction: committed at the end, rolled back on error."""
    begin_write(db.conn)
    try:
        yield
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()


def commit_with_evidence(db: sqlite_utils.Database, warc: WarcStore) -> None:
    """Commit the rows written so far, after the WARC records they point to
    have reached the kernel: a killed process never leaves a capture row
    without its bytes."""
    warc.flush()
    db.conn.commit()


def first_row(db: sqlite_utils.Database, sql: str, params: list) -> dict | None:
    """The first row as a dict. Run on the connection: `db.query` wraps every
    read in a savepoint, which the job pays once per article."""
    cursor = db.conn.execute(sql, params)
    row = cursor.fetchone()
    cursor.close()  # an unfinished statement would hold its read snapshot open
    return dict(zip([column[0] for column in cursor.description], row)) if row else None


def find_article(db: sqlite_utils.Database, *, url: str | None = None, fetch_url: str | None = None):
    """The stored article for a canonical URL or the URL it was fetched from."""
    column, value = ("url", url) if url else ("fetch_url", fetch_url)
    return first_row(db, f"SELECT * FROM articles WHERE {column} = ? ORDER BY id LIMIT 1", [value])


def upsert_article(db: sqlite_utils.Database, record: dict, *, key: str, known: dict | None,
                   fetch_url: str | None, sha: str, now: datetime, etag: str | None = None,
                   last_modified: str | None = None) -> tuple[int, str]:
    """Insert or refresh an article row; `known` is its stored row, looked up
    by the caller (`find_article(db, url=key)`). Returns (id, "new" | "changed" | "unchanged")."""
    stamp = iso(now)
    if known is None:
        cursor = db.conn.execute(
            "INSERT INTO articles (url, fetch_url, title, site, language, published, first_fetched,"
            " last_fetched, etag, last_modified, last_sha256) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [key, fetch_url, record.get("title"), record.get("site"), record.get("language"),
             record.get("published"), stamp, stamp, etag, last_modified, sha])
        return cursor.lastrowid, "new"
    state = "unchanged" if known["last_sha256"] == sha else "changed"
    db.conn.execute(
        "UPDATE articles SET fetch_url = COALESCE(?, fetch_url), title = COALESCE(?, title),"
        " site = COALESCE(?, site), language = COALESCE(?, language), published = COALESCE(?, published),"
        " last_fetched = ?, etag = ?, last_modified = ?, last_sha256 = ? WHERE id = ?",
        [fetch_url, record.get("title"), record.get("site"), record.get("language"), record.get("published"),
         stamp, etag, last_modified, sha, known["id"]])
    return known["id"], state


def touch_article(db: sqlite_utils.Database, article_id: int, now: datetime) -> None:
    db.execute("UPDATE articles SET last_fetched = ? WHERE id = ?", [iso(now), article_id])


def find_feed(db: sqlite_utils.Database, url: str) -> dict | None:
    return first_row(db, "SELECT * FROM feeds WHERE url = ?", [url])


def update_feed(db: sqlite_utils.Database, url: str, headers: dict, now: datetime) -> None:
    """Remember a fetched feed or sitemap and its validators for the next conditional request."""
    stamp = iso(now)
    db.conn.execute(
        "INSERT INTO feeds (url, etag, last_modified, first_fetched, last_fetched) VALUES (?,?,?,?,?)"
        " ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,"
        " last_fetched = excluded.last_fetched",
        [url, headers.get("ETag"), headers.get("Last-Modified"), stamp, stamp])


def touch_feed(db: sqlite_utils.Database, url: str, now: datetime) -> None:
    db.conn.execute("UPDATE feeds SET last_fetched = ? WHERE url = ?", [iso(now), url])


def seen_entries(db: sqlite_utils.Database, feed_url: str) -> set[str]:
    return {row[0] for row in db.conn.execute("SELECT entry_key FROM feed_entries WHERE feed_url = ?", [feed_url])}


def remember_entry(db: sqlite_utils.Database, feed_url: str, key: str, link: str, now: datetime) -> None:
    """A feed entry whose article is archived: later runs do not fetch it again."""
    if db.conn.execute("INSERT OR IGNORE INTO feed_entries (feed_url, entry_key, link, first_seen) VALUES (?,?,?,?)",
                       [feed_url, key, link, iso(now)]).rowcount:
        db.conn.execute("UPDATE feeds SET entries_seen = entries_seen + 1 WHERE url = ?", [feed_url])


def record_citations(db: sqlite_utils.Database, article_id: int, posts: list[Post], *,
                     capture_id: int | None, now: datetime) -> tuple[int, int]:
    """Bring an article's citations up to date with the posts it now shows.
    Returns (posts new to the archive, citations new to this article)."""
    sql = db.conn.execute
    stamp = iso(now)
    posts_new = 0
    shown = dict(sql("SELECT post_id, removed_at FROM citations WHERE article_id = ?", [article_id]).fetchall())
    current: set[str] = set()
    for post in posts:
        key, created = _upsert_post(db, post, stamp)
        posts_new += created
        current.add(key)
        sql("INSERT INTO citations (article_id, post_id, position, context, shown_handle, shown_author_name,"
            " shown_date_text, shown_text, capture_id, first_seen, last_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT (article_id, post_id) DO UPDATE SET position = excluded.position,"
            " context = excluded.context, shown_handle = excluded.shown_handle,"
            " shown_author_name = excluded.shown_author_name, shown_date_text = excluded.shown_date_text,"
            " shown_text = excluded.shown_text, capture_id = excluded.capture_id,"
            " last_seen = excluded.last_seen, removed_at = NULL",
            [article_id, key, post.position, post.context, post.handle, post.author_name, post.date_text,
             post.text, capture_id, stamp, stamp])
    for key in shown.keys() - current:
        if shown[key] is None:
            sql("UPDATE citations SET removed_at = ? WHERE article_id = ? AND post_id = ?", [stamp, article_id, key])
    return posts_new, len(current - shown.keys())


def _resolve_key(db: sqlite_utils.Database, post: Post) -> str:
    """The stored id a citation belongs to, following merges; an id-less post whose
    media link is already known under a real id goes to that post."""
    key = post_key(post)
    alias = db.conn.execute("SELECT post_id FROM post_aliases WHERE alias = ?", [key]).fetchone()
    if alias:
        return alias[0]
    if not post.post_id and post.media:
        known = db.conn.execute(
            "SELECT media.post_id FROM media JOIN posts ON posts.id = media.post_id"
            " WHERE media.code = ? AND posts.platform = ? AND posts.post_id IS NOT NULL LIMIT 1",
            [media_code(post.media[0]), post.platform]).fetchone()
        if known:
            return known[0]
    return key


def _upsert_post(db: sqlite_utils.Database, post: Post, stamp: str) -> tuple[str, bool]:
    """Store a post once; a later sighting only fills what is still unknown.
    Returns (stored id, whether the post is new to the archive)."""
    sql = db.conn.execute
    key = _resolve_key(db, post)
    created = sql(
        "INSERT OR IGNORE INTO posts (id, platform, post_id, url, handle, author_name, text, date_text, date,"
        " first_seen, last_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [key, post.platform, post.post_id, post.url, post.handle, post.author_name, post.text,
         post.date_text, post.date, stamp, stamp]).rowcount == 1
    if not created:
        sql("UPDATE posts SET post_id = COALESCE(post_id, ?), url = COALESCE(url, ?), handle = COALESCE(handle, ?),"
            " author_name = COALESCE(author_name, ?), text = COALESCE(text, ?), date_text = COALESCE(date_text, ?),"
            " date = COALESCE(date, ?), last_seen = ? WHERE id = ?",
            [post.post_id, post.url, post.handle, post.author_name, post.text, post.date_text, post.date,
             stamp, key])
    for link in post.media:
        sql("INSERT OR IGNORE INTO media (post_id, link, code) VALUES (?,?,?)", [key, link, media_code(link)])
    if post.links:
        sql("UPDATE posts SET links = ? WHERE id = ? AND links IS NULL", [json.dumps(post.links), key])
    if post.handle:
        _upsert_account(db, post.platform, post.handle, post.author_name, stamp)
    if post.post_id:
        _absorb_idless(db, post, key, stamp)
    return key, created


def _upsert_account(db: sqlite_utils.Database, platform: str, handle: str, name: str | None, stamp: str) -> None:
    """One row per account; every display name it was shown under is kept, in order."""
    db.conn.execute(
        "INSERT INTO accounts (id, platform, handle, display_names, first_seen, last_seen)"
        " VALUES (?1, ?2, ?3, CASE WHEN ?4 IS NULL THEN json_array() ELSE json_array(?4) END, ?5, ?5)"
        " ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen, display_names ="
        " CASE WHEN ?4 IS NULL OR EXISTS (SELECT 1 FROM json_each(accounts.display_names) WHERE value = ?4)"
        " THEN accounts.display_names ELSE json_insert(accounts.display_names, '$[#]', ?4) END",
        [f"{platform}:{handle.lower()}", platform, handle, name, stamp])


def _absorb_idless(db: sqlite_utils.Database, post: Post, key: str, stamp: str) -> None:
    """A post now seen with its id absorbs the id-less record of the same post:
    same media link, or same handle, printed date and text."""
    candidates = {f"{post.platform}:media:{media_code(link)}" for link in post.media}
    candidates.add(post_key(Post(platform=post.platform, handle=post.handle, date_text=post.date_text,
                                 text=post.text)))
    candidates.discard(key)
    found = db.conn.execute(f"SELECT id FROM posts WHERE id IN ({','.join('?' * len(candidates))})",
                            list(candidates)).fetchall()
    for (alias,) in found:
        merge_post(db, alias, key, stamp)


def merge_post(db: sqlite_utils.Database, alias: str, target: str, stamp: str) -> None:
    """Fold post `alias` into `target`, keeping every citation, capture, media
    link, check and verdict; the alias is remembered so later citations follow."""
    db.execute("INSERT OR REPLACE INTO post_aliases (alias, post_id, merged_at) VALUES (?,?,?)",
               [alias, target, stamp])
    db.execute("UPDATE post_aliases SET post_id = ? WHERE post_id = ?", [target, alias])
    db.execute("DELETE FROM citations WHERE post_id = ? AND article_id IN"
               " (SELECT article_id FROM citations WHERE post_id = ?)", [alias, target])
    db.execute("UPDATE citations SET post_id = ? WHERE post_id = ?", [target, alias])
    db.execute("UPDATE OR IGNORE media SET post_id = ? WHERE post_id = ?", [target, alias])
    db.execute("DELETE FROM media WHERE post_id = ?", [alias])
    db.execute("UPDATE captures SET post_id = ? WHERE post_id = ?", [target, alias])
    db.execute("UPDATE checks SET post_id = ? WHERE post_id = ?", [target, alias])
    db.execute("UPDATE verifications SET post_id = ? WHERE post_id = ?", [target, alias])
    db.execute(
        "UPDATE posts SET (handle, author_name, text, date_text, date, first_seen) = (SELECT"
        " COALESCE(posts.handle, a.handle), COALESCE(posts.author_name, a.author_name),"
        " COALESCE(posts.text, a.text), COALESCE(posts.date_text, a.date_text), COALESCE(posts.date, a.date),"
        " MIN(posts.first_seen, a.first_seen) FROM posts AS a WHERE a.id = ?) WHERE id = ?", [alias, target])
    db.execute("DELETE FROM posts WHERE id = ?", [alias])


def find_post_id(db: sqlite_utils.Database, post: str) -> str:
    """A stored post id from what an operator typed: the id, an alias, or a post URL."""
    if db.execute("SELECT 1 FROM posts WHERE id = ?", [post]).fetchone():
        return post
    alias = db.execute("SELECT post_id FROM post_aliases WHERE alias = ?", [post]).fetchone()
    if alias:
        return alias[0]
    ref = match_url(post)
    if ref:
        key = f"{ref.platform}:{ref.post_id}"
        if db.execute("SELECT 1 FROM posts WHERE id = ?", [key]).fetchone():
            return key
    raise ArchiveError(f"no post {post!r} in the archive; give a stored id such as twitter:123 or a post URL")


def add_verdict(db: sqlite_utils.Database, post: str, status: str, reviewer: str,
                note: str | None = None, now: datetime | None = None) -> int:
    """Append a reviewer's verdict to the log; the post's status follows by trigger."""
    if status not in POST_STATUSES:
        raise ArchiveError(f"unknown status {status!r}; use one of: {', '.join(POST_STATUSES)}")
    if not reviewer or not reviewer.strip():
        raise ArchiveError("a verdict needs the reviewer's name")
    post_id = find_post_id(db, post)
    with writing(db):
        cursor = db.execute("INSERT INTO verifications (post_id, status, note, reviewer, created_at)"
                            " VALUES (?,?,?,?,?)", [post_id, status, note, reviewer.strip(), iso(now or utc_now())])
    return cursor.lastrowid


def stats(db: sqlite_utils.Database) -> dict:
    """Row counts per table, and posts per status from the trigger-kept tallies."""
    tables = ["articles", "captures", "posts", "citations", "media", "accounts", "verifications", "checks", "runs"]
    tallied = dict(db.execute("SELECT status, sum(posts) FROM post_tallies GROUP BY status").fetchall())
    return {
        "tables": {name: db[name].count for name in tables},
        "posts_by_status": {status: tallied.get(status, 0) for status in POST_STATUSES},
        "accounts_by_credibility": {
            value: db.execute("SELECT count(*) FROM accounts WHERE credibility = ?", [value]).fetchone()[0]
            for value in CREDIBILITY},
    }
