"""The archive job: read sources, keep their bytes as evidence, extract the
cited posts, and bring the archive up to date. Fetching runs in a bounded pool
of threads; every database write happens here, in the calling thread. Each
article is written atomically (a savepoint), and articles are committed in
short batches, so a killed run loses at most the last fraction of a second of
work and never half an article.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
import time
from contextlib import contextmanager
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

import feedparser
import requests
import sqlite_utils
from lxml import etree

from .capture import WarcStore, sha256
from .evidence.seal import seal_run
from .extract.budget import DEFAULT_ARTICLE_BUDGET, ArticleReader, ReadAborted
from .extract.document import InputError
from .fetch import FetchError, FetchPolicy, HostPacer, Response, fetch, make_session
from .sources import Failed, Loaded, expand, file_uris, is_url, read_file, read_stream
from .store.runs import finish_run, start_run
from .store import (begin_write, commit_with_evidence, find_article, find_feed, iso, keep_response,
                    record_capture, record_citations, remember_entry, seen_entries, touch_article, touch_feed,
                    update_feed, upsert_article, utc_now, writing)

_FEED_TYPES = ("rss", "atom", "xml")
BATCH_ARTICLES = 200  # commit at least this often...
BATCH_SECONDS = 0.25  # ...and at least this often, so readers and reviewers see progress


@dataclass
class RunSummary:
    """What one run did; also kept in the `runs` and `run_errors` tables."""

    run_id: int
    articles_read: int = 0
    articles_new: int = 0
    articles_changed: int = 0
    articles_unchanged: int = 0
    posts_new: int = 0
    citations_new: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: int = 0  # sources archived with a warning (in run_errors as "warning: ..."), not failures
    status: str = "running"

    def as_dict(self) -> dict:
        return {"run_id": self.run_id, "status": self.status, "articles_read": self.articles_read,
                "articles_new": self.articles_new, "articles_changed": self.articles_changed,
                "articles_unchanged": self.articles_unchanged, "posts_new": self.posts_new,
                "citations_new": self.citations_new, "warnings": self.warnings,
                "errors": [{"source": s, "reason": r} for s, r in self.errors]}


def is_feed(content_type: str | None, body: bytes) -> bool:
    """RSS or Atom by media type, or by its root element."""
    if content_type and any(t in content_type.lower() for t in _FEED_TYPES) and "html" not in content_type.lower():
        return True
    head = body[:2048].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head or b"<rdf" in head)


def is_sitemap(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<urlset" in head or b"<sitemapindex" in head) or \
        head.startswith((b"<urlset", b"<sitemapindex"))


def feed_links(body: bytes, base_url: str | None) -> list[tuple[str, str | None]]:
    """(entry key, article link) of each feed entry; the key is the entry's id, else its link, else its
    title or number. The link is None for an entry without one feedparser could read (`http://[::1/x`)."""
    parsed = feedparser.parse(body, response_headers={"content-location": base_url or ""})
    return [(entry.get("id") or entry.get("link") or entry.get("title") or f"entry {number}", entry.get("link"))
            for number, entry in enumerate(parsed.entries, start=1)]


def sitemap_links(body: bytes) -> list[tuple[str, str]]:
    """(key, URL) of each <loc> of a sitemap or a sitemap index (whose URLs are sitemaps)."""
    try:
        root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.XMLSyntaxError:
        return []
    locs = [el.text.strip() for el in root.iter("{*}loc") if el.text and el.text.strip()]
    return [(loc, loc) for loc in locs]


def listed_links(content_type: str | None, body: bytes, base_url: str | None) -> list[tuple[str, str | None]] | None:
    """(key, link) of the articles a feed or sitemap lists, or None when the page is an article."""
    if is_sitemap(body):
        return sitemap_links(body)
    if is_feed(content_type, body):
        return feed_links(body, base_url)
    return None


class ArchiveRun:
    """One run of the archive over a list of sources."""

    def __init__(self, db: sqlite_utils.Database, *, warc_dir: str | os.PathLike,
                 policy: FetchPolicy | None = None, session: requests.Session | None = None,
                 workers: int = 8, now: Callable[[], datetime] = utc_now, command: str = "archive",
                 job: str | None = None, report: Callable[[str, str], None] | None = None,
                 stop: threading.Event | None = None, max_articles: int | None = None,
                 progress: Callable[[int], None] | None = None,
                 article_budget: float | None = DEFAULT_ARTICLE_BUDGET, tsa_urls: list[str] = ()):
        self.db = db
        self.reader = ArticleReader(article_budget)
        self.tsa_urls = list(tsa_urls)  # RFC 3161 authorities that timestamp the run's captures
        self.stop = stop or threading.Event()
        self.budget = max_articles  # articles this run may still read; None: no limit
        self.progress = progress or (lambda done: None)
        self.policy = policy or FetchPolicy()
        self.session = session or make_session()
        self.pacer = HostPacer(self.policy.per_host_delay, self.policy.per_host_concurrency)
        self.workers = workers
        self.now = now
        self.report = report or (lambda source, reason: print(f"archiver: {source}: {reason}", file=sys.stderr))
        started = now()
        self.warc = WarcStore(warc_dir, started)
        self.lock_wait = 0.0  # seconds spent waiting for other writers (bench/concurrency.py)
        self.run_lock = start_run(db, command, job, iso(started))
        self.summary = RunSummary(run_id=self.run_lock.run_id)
        self._queued_urls: set[str] = set()
        self._listed_by: dict[str, tuple[str, str]] = {}  # article link -> (feed URL, entry key)
        self._batch_size = 0
        self._batch_started = 0.0
        self._file_uri = file_uris()

    @contextmanager
    def _write(self):
        """One article's writes, all or nothing, inside the current batch."""
        conn = self.db.conn
        if not conn.in_transaction:
            self.lock_wait += begin_write(conn)
            self._batch_started = time.monotonic()
        conn.execute("SAVEPOINT article")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK TO article")
            conn.execute("RELEASE article")
            raise
        conn.execute("RELEASE article")
        self._batch_size += 1
        if self._batch_size >= BATCH_ARTICLES or time.monotonic() - self._batch_started >= BATCH_SECONDS:
            self._commit()

    def _commit(self) -> None:
        """End the batch: the WARC records it points to reach the disk first."""
        if self.db.conn.in_transaction:
            commit_with_evidence(self.db, self.warc)
        self._batch_size = 0

    def run(self, sources: list[str], stdin=None, failed: list[Failed] = ()) -> RunSummary:
        """Archive `sources`; `failed` are sources already known to be bad (kept on the run)."""
        with writing(self.db):
            self.db.execute("UPDATE runs SET sources = ? WHERE id = ?", [json.dumps(sources), self.summary.run_id])
        try:
            urls = []
            for item in failed:
                self._fail(item.source, item.reason)
            for source in expand(sources):
                if self.stop.is_set():
                    break
                if isinstance(source, Failed):
                    self._fail(source.source, source.reason)
                elif source == "-":
                    with self._reading("-"):
                        self._ingest(read_stream(stdin or sys.stdin.buffer, self.policy.max_bytes))
                elif is_url(source):
                    urls.append(source)
                else:
                    with self._reading(source):
                        urls += self._ingest_file(source)
            if urls and not self.stop.is_set():
                self._fetch_all(urls)
            if self.stop.is_set():
                self.summary.status = "interrupted"
            else:
                self.summary.status = "failed" if self.summary.errors else "ok"
        except KeyboardInterrupt:
            self.summary.status = "interrupted"
            raise
        finally:
            self.reader.close()
            self._commit()
            self.warc.close()
            self._finish()
        seal_run(self.db, run_id=self.summary.run_id, warc_dir=self.warc.directory, warc_name=self.warc.name,
                 tsa_urls=self.tsa_urls, session=self.session, policy=self.policy, now=self.now, report=self.report)
        return self.summary

    def _ingest_file(self, path: str) -> list[str]:
        """Archive a saved article; a saved feed gives the article URLs it lists."""
        item = read_file(path, self.policy.max_bytes)
        listed = listed_links(None, item.data, None) if isinstance(item, Loaded) else None
        if listed is not None:
            links = [link for key, link in listed if self._readable_entry(path, key, link)]
            if not listed:
                self._fail(path, "feed or sitemap lists no article links")
            return links
        if self._take_budget():
            self._ingest(item)
        return []

    def _take_budget(self) -> bool:
        """Whether one more article may be read this run (max_articles)."""
        if self.budget is None:
            return True
        if self.budget <= 0:
            return False
        self.budget -= 1
        return True

    def _fetch_all(self, urls: list[str]) -> None:
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="fetch") as pool:
            pending: dict[Future, tuple[str, dict | None]] = {}

            def submit(url: str, listed: bool = False) -> None:
                """Queue a URL; `listed` ones (from a feed or sitemap) count against max_articles."""
                if url in self._queued_urls or self.stop.is_set() or (listed and not self._take_budget()):
                    return
                self._queued_urls.add(url)
                known = find_article(self.db, fetch_url=url) or find_feed(self.db, url)
                headers = {}
                if known and known["etag"]:
                    headers["If-None-Match"] = known["etag"]
                if known and known["last_modified"]:
                    headers["If-Modified-Since"] = known["last_modified"]
                pending[pool.submit(fetch, url, self.session, self.policy, headers, self.pacer)] = (url, known)

            for url in urls:
                submit(url)
            while pending:
                if self.stop.is_set():  # abandon what is queued; articles in flight are dropped whole
                    for future in pending:
                        future.cancel()
                    break
                done, _ = wait(pending, timeout=0, return_when=FIRST_COMPLETED)
                if not done:  # idle: do not hold the write lock while the network works
                    self._commit()
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    url, known = pending.pop(future)
                    with self._reading(url):
                        try:
                            response = future.result()
                        except FetchError as error:
                            self._fail(url, str(error))
                            continue
                        for link in self._handle_response(url, response, known):
                            submit(link, listed=True)

    def _handle_response(self, url: str, response: Response, known: dict | None) -> list[str]:
        """Ingest a fetched page; a feed or sitemap gives the article links it
        lists that this run has not seen in it before. `known` is the stored
        article or feed the request was made conditional on."""
        if response.status == 304:
            if known and "entries_seen" in known:
                with self._write():
                    touch_feed(self.db, url, self.now())
            elif known:
                self._unchanged(url, lambda: touch_article(self.db, known["id"], self.now()))
            return []
        if response.status >= 400:
            self._fail(url, f"HTTP {response.status}; the page is missing, refused or the server failed")
            return []
        listed = listed_links(response.content_type, response.body, response.final_url)
        if listed is None:
            self._ingest(Loaded(url, response.body, url=response.final_url, charset=response.charset,
                                content_type=response.content_type), response)
            return []
        fetched_at = self.now()
        with self._write():
            keep_response(self.db, self.warc, response, kind="feed", fetched_at=fetched_at)
            update_feed(self.db, url, response.headers, fetched_at)
            seen = seen_entries(self.db, url)
        if not listed:
            self._fail(url, "feed or sitemap lists no article links")
        links = []
        for key, link in listed:
            if key in seen or not self._readable_entry(url, key, link):
                continue
            self._listed_by[link] = (url, key)
            links.append(link)
        return links

    def _readable_entry(self, listing: str, key: str, link: str | None) -> bool:
        """Whether a feed or sitemap entry has a link to fetch; one without is a failed source, named."""
        if link and is_url(link):
            return True
        why = f"an unreadable link {link!r}" if link else "no link that could be read (a malformed URL is dropped)"
        self._fail(f"{listing} entry {key!r}", f"the entry has {why}; fix the feed, the other entries are read")
        return False

    def _remember_listing(self, link: str) -> None:
        """The feed entry that listed this article is done: later runs skip it."""
        listing = self._listed_by.pop(link, None)
        if listing:
            remember_entry(self.db, listing[0], listing[1], link, self.now())

    def _ingest(self, item: Loaded | Failed, response: Response | None = None) -> None:
        if isinstance(item, Failed):
            self._fail(item.source, item.reason)
            return
        sha = sha256(item.data)
        fetch_url = item.url or (None if item.source == "-" else self._file_uri(item.source))
        headers = response.headers if response else {}
        reading = dict(fetch_url=fetch_url, sha=sha, now=self.now(), etag=headers.get("ETag"),
                       last_modified=headers.get("Last-Modified"))
        same = find_article(self.db, fetch_url=fetch_url) if fetch_url else None
        if same and same["last_sha256"] == sha:  # the bytes it was last read with: nothing new to extract
            self._unchanged(item.source, lambda: upsert_article(self.db, **reading, record={}, key=same["url"],
                                                                known=same))
            return
        try:
            is_html, record, warning = self.reader.read(item.data, item.charset, item.content_type, item.url,
                                               on_wait=self._commit)
        except (InputError, ReadAborted) as error:
            self._fail(item.source, str(error))
            return
        for note in [warning, *record.pop("warnings", [])]:
            if note:
                self._warn(item.source, note)
        key = record.get("url") or fetch_url or f"sha256:{sha}"
        known = find_article(self.db, url=key)
        article = dict(reading, record=record, key=key, known=known)
        if known and known["last_sha256"] == sha:
            self._unchanged(item.source, lambda: upsert_article(self.db, **article))
            return
        now = reading["now"]
        self.summary.articles_read += 1
        status = response.status if response else None
        content_type = item.content_type or ("text/html" if is_html else "text/plain")
        evidence = self.warc.write(fetch_url or key, item.data, status=status, headers=headers,
                                   content_type=content_type, fetched_at=now, body_sha256=sha)
        with self._write():
            article_id, state = upsert_article(self.db, **article)
            capture_id = record_capture(self.db, kind="article", url=fetch_url or key, evidence=evidence,
                                        fetched_at=now, status=status, headers=headers,
                                        content_type=content_type, article_id=article_id)
            posts_new, citations_new = record_citations(self.db, article_id, record["posts"],
                                                        capture_id=capture_id, now=now)
            self._remember_listing(item.source)
        self.summary.posts_new += posts_new
        self.summary.citations_new += citations_new
        if state == "new":
            self.summary.articles_new += 1
        else:
            self.summary.articles_changed += 1
        self.progress(self.summary.articles_read)

    def _unchanged(self, source: str, touch: Callable[[], object]) -> None:
        """An article read again with nothing new in it (a 304, or the bytes of
        its last capture): `touch` keeps when it was read and the server's
        validators; the feed entry that listed it is done."""
        self.summary.articles_read += 1
        with self._write():
            touch()
            self._remember_listing(source)
        self.summary.articles_unchanged += 1
        self.progress(self.summary.articles_read)

    @contextmanager
    def _reading(self, source: str):
        """Whatever goes wrong reading one source (a URL no parser expected, a
        page that breaks a parser) is recorded against it; the run goes on.
        A failing archive (sqlite3.Error) still stops the run."""
        try:
            yield
        except sqlite3.Error:
            raise
        except Exception as error:
            self._fail(source, f"failed unexpectedly ({error.__class__.__name__}: {error}); skipped, the run "
                               "goes on; if this is a real article, please report it")

    def _warn(self, source: str, note: str) -> None:
        """A source read only in part or with a guess (deep markup, mixed encodings): kept with the run's
        errors for the reviewer to see, but the source is archived and the run does not fail for it."""
        self.summary.warnings += 1
        self._report(source, f"warning: {note}")

    def _fail(self, source: str, reason: str) -> None:
        self.summary.errors.append((source, reason))
        self._report(source, reason)

    def _report(self, source: str, reason: str) -> None:
        """Name the source on the console and keep it in run_errors."""
        self.report(source, reason)
        with self._write():
            self.db.execute("INSERT INTO run_errors (run_id, source, reason, at) VALUES (?,?,?,?)",
                            [self.summary.run_id, source, reason, iso(self.now())])

    def _finish(self) -> None:
        s = self.summary
        finish_run(self.db, self.run_lock, iso(self.now()), s.status if s.status != "running" else "interrupted",
                   articles_read=s.articles_read, articles_new=s.articles_new, articles_changed=s.articles_changed,
                   articles_unchanged=s.articles_unchanged, posts_new=s.posts_new, citations_new=s.citations_new,
                   errors=len(s.errors))


def archive(db: sqlite_utils.Database, sources: list[str], **options) -> RunSummary:
    """Archive `sources` (files, directories, `-`, article or feed URLs) into `db`."""
    stdin = options.pop("stdin", None)
    return ArchiveRun(db, **options).run(sources, stdin=stdin)
