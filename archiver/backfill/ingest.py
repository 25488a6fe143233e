"""The one writer of a backfill: slices' results into the archive, with the
rules of `archiver archive` (idempotent upserts, reviewer columns untouched).

A backfilled page's capture points at the source WARC and the record's offset
(the source archive is the evidence: its bytes are not copied), and its
citations are first seen at the crawl date.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone

import sqlite_utils

from ..capture import Evidence
from ..extract.posts import Post
from ..store import find_article, iso, record_capture, record_citations, runs, upsert_article, utc_now, writing
from .work import Page, SliceResult


@dataclass
class BackfillSummary:
    run_id: int | None  # None for a backfill into a Parquet dataset, which has no runs table
    slices: int = 0
    slices_skipped: int = 0  # done by an earlier, interrupted backfill
    records: int = 0
    html: int = 0
    pages: int = 0
    articles_new: int = 0
    posts_new: int = 0
    citations_new: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    status: str = "running"
    lock: runs.RunLock | None = field(default=None, repr=False)  # the runs row's lock; None for Parquet

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in ("run_id", "status", "slices", "slices_skipped", "records",
                                                       "html", "pages", "articles_new", "posts_new",
                                                       "citations_new")} | {
            "errors": [{"source": s, "reason": r} for s, r in self.errors]}


def start_run(db: sqlite_utils.Database, sources: list[str], now: datetime | None = None) -> BackfillSummary:
    """The backfill's runs row, under its lock like every run's (a killed backfill is marked interrupted)."""
    lock = runs.start_run(db, "backfill", None, iso(now or utc_now()))
    with writing(db):
        db.conn.execute("UPDATE runs SET sources = ? WHERE id = ?", [json.dumps(sources), lock.run_id])
    return BackfillSummary(run_id=lock.run_id, lock=lock)


def done_slices(db: sqlite_utils.Database) -> set[tuple[str, int]]:
    """(warc, start) of every slice already ingested."""
    return set(db.conn.execute("SELECT warc, start FROM backfill_slices").fetchall())


def crawl_time(warc_date: str | None) -> datetime:
    """A WARC-Date (ISO 8601, UTC) as a datetime; the read time when absent or malformed."""
    try:
        moment = datetime.fromisoformat((warc_date or "").replace("Z", "+00:00"))
    except ValueError:
        return utc_now()
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def ingest_slice(db: sqlite_utils.Database, result: SliceResult, summary: BackfillSummary,
                 now: datetime | None = None) -> None:
    """Write one slice's pages, its errors and its done mark in one transaction."""
    stamp = iso(now or utc_now())
    with writing(db):
        for page in result.pages:
            ingest_page(db, result.warc, page, summary)
        for source, reason in result.problems:
            db.conn.execute("INSERT INTO run_errors (run_id, source, reason, at) VALUES (?,?,?,?)",
                            [summary.run_id, source, reason, stamp])
        db.conn.execute(
            'INSERT OR IGNORE INTO backfill_slices (warc, start, "end", records, html_records, pages, run_id, done_at)'
            " VALUES (?,?,?,?,?,?,?,?)",
            [result.warc, result.start, result.end, result.records, result.html, len(result.pages),
             summary.run_id, stamp])
    count_slice(result, summary)


def count_slice(result: SliceResult, summary: BackfillSummary) -> None:
    summary.slices += 1
    summary.records += result.records
    summary.html += result.html
    summary.pages += len(result.pages)
    summary.errors += result.problems


def ingest_page(db: sqlite_utils.Database, warc: str, page: Page, summary: BackfillSummary) -> None:
    """One page as `archiver archive` would have stored it, read from `warc`."""
    crawled = crawl_time(page.crawled_at)
    record = page.record
    key = record.get("url") or page.url
    known = find_article(db, url=key)
    article_id, state = upsert_article(db, record, key=key, known=known, fetch_url=page.url, sha=page.sha256,
                                   now=crawled)
    evidence = Evidence(sha256=page.sha256, size=page.size, warc_path=warc, warc_offset=page.warc_offset,
                        warc_record_id=page.warc_record_id or "")
    capture_id = record_capture(db, kind="article", url=page.url, evidence=evidence, fetched_at=crawled,
                                status=page.status, headers=page.headers, content_type=page.content_type,
                                article_id=article_id)
    posts = [post if isinstance(post, Post) else post_from_dict(post) for post in record["posts"]]
    posts_new, citations_new = record_citations(db, article_id, posts, capture_id=capture_id, now=crawled)
    summary.articles_new += state == "new"
    summary.posts_new += posts_new
    summary.citations_new += citations_new


_POST_FIELDS = tuple(f.name for f in fields(Post))


def post_from_dict(row: dict) -> Post:
    """A Post from its to_dict() form (as Parquet keeps it)."""
    return Post(**{name: row[name] for name in _POST_FIELDS if name in row})


def finish_run(db: sqlite_utils.Database, summary: BackfillSummary, status: str,
               now: datetime | None = None) -> None:
    summary.status = status
    runs.finish_run(db, summary.lock, iso(now or utc_now()), status, articles_read=summary.pages,
                    articles_new=summary.articles_new, posts_new=summary.posts_new,
                    citations_new=summary.citations_new, errors=len(summary.errors))
