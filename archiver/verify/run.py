"""A verification run: the chosen checks over the archive's posts, network
work in a thread pool, every database write in the calling thread. Checks add
evidence and never touch a reviewer's `status`."""

from __future__ import annotations

import json
import os
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

import requests
import sqlite_utils

from ..capture import WarcStore
from ..evidence import custody
from ..evidence.seal import seal_run
from ..fetch import FetchPolicy, HostPacer, make_session
from ..store import commit_with_evidence, find_post_id, first_row, iso, keep_response, media_code, merge_post, utc_now
from ..store.runs import finish_run, start_run
from ..store.schema import CHECK_OUTCOMES
from .checks import ALL_CHECKS, NETWORK_CHECKS
from .checks.archived_copies import archived_copies
from .checks.cross_citation import cross_citation
from .checks.handle_consistency import handle_consistency
from .checks.liveness import liveness
from .checks.media_resolution import adoptable_id, media_resolution
from .checks.status_id_time import status_id_time
from .checks.text_drift import text_drift
from .client import HttpClient
from .result import Result
from .summary import refresh_summary

COMMIT_EVERY = 500


def network_checks(post: dict, links: list[str], client: HttpClient, checks: set[str],
                   save_missing: bool = False) -> list[Result]:
    """The network checks of one post, in order: media first, so that an id-less
    post learns its id before liveness, drift and archive lookups need it."""
    results: list[Result | None] = []
    media = media_resolution(post, links, client) if "media_resolution" in checks else None
    results.append(media)
    adopted = adoptable_id(post, media)
    if adopted:
        post = {**post, "post_id": adopted[0], "url": adopted[1]}
    live_text = None
    if checks & {"liveness", "text_drift"}:
        live, live_text = liveness(post, client)
        if "liveness" in checks:
            results.append(live)
        if "text_drift" in checks and live is not None:
            results.append(text_drift(post["text"], live_text) if live_text is not None else
                           Result("text_drift", "skipped", f"no live text to compare ({live.summary})",
                                  method="oEmbed text vs article text"))
    if "archived_copies" in checks:
        results.append(archived_copies(post, client, save_missing))
    return [r for r in results if r is not None]


def offline_skips(post: dict, checks: set[str], reason: str) -> list[Result]:
    """Network checks recorded as skipped, with the reason, when they cannot run."""
    applicable = {"media_resolution": post["platform"] == "twitter",
                  "liveness": post["platform"] == "twitter", "text_drift": post["platform"] == "twitter",
                  "archived_copies": bool(post["url"])}
    return [Result(name, "skipped", reason) for name in NETWORK_CHECKS if name in checks and applicable[name]]


@dataclass
class VerifySummary:
    run_id: int
    posts: int = 0
    outcomes: dict = field(default_factory=lambda: dict.fromkeys(CHECK_OUTCOMES, 0))
    merged: list[tuple[str, str]] = field(default_factory=list)
    findings: list[tuple[str, str, str, str]] = field(default_factory=list)  # post, check, outcome, summary
    skipped_again: int = 0  # skipped for the reason of the check's last row: counted, not recorded again

    def skipped_again_note(self) -> str:
        return f"; {self.skipped_again} skipped as last time, not recorded again" if self.skipped_again else ""

    def as_dict(self) -> dict:
        return {"run_id": self.run_id, "posts": self.posts, "outcomes": self.outcomes,
                "skipped_again": self.skipped_again,
                "merged": [{"from": a, "into": b} for a, b in self.merged],
                "findings": [{"post": p, "check": c, "outcome": o, "summary": s} for p, c, o, s in self.findings]}


class Verifier:
    """Runs the chosen checks over the archive's posts and records every result."""

    def __init__(self, db: sqlite_utils.Database, *, warc_dir: str | os.PathLike,
                 checks: set[str] | None = None, offline: bool = False, policy: FetchPolicy | None = None,
                 session: requests.Session | None = None, workers: int = 8, save_missing: bool = False,
                 now: Callable[[], datetime] = utc_now, progress: Callable[[int, int], None] | None = None,
                 tsa_urls: list[str] = ()):
        self.db = db
        self.progress = progress or (lambda done, total: None)
        self.tsa_urls = list(tsa_urls)  # RFC 3161 authorities that timestamp the run's captures
        self.checks = set(checks or ALL_CHECKS)
        unknown = self.checks - set(ALL_CHECKS)
        if unknown:
            raise ValueError(f"unknown check(s): {', '.join(sorted(unknown))}; choose from {', '.join(ALL_CHECKS)}")
        self.skip_reason = "offline: network checks not run (--offline)" if offline else None
        self.policy = policy or FetchPolicy()
        self.client = HttpClient(session or make_session(), self.policy,
                                 HostPacer(self.policy.per_host_delay, self.policy.per_host_concurrency))
        self.workers, self.save_missing, self.now = workers, save_missing, now
        self.warc = WarcStore(warc_dir, now())
        self.run_lock = start_run(db, "verify", None, iso(now()))
        self.summary = VerifySummary(run_id=self.run_lock.run_id)
        self._unlogged_checks: list[int] = []  # written since the last commit, their custody rows not yet

    def _commit(self) -> None:
        """Commit the checks written so far, with their custody rows (one statement for the batch)."""
        custody.log_checks(self.db, self._unlogged_checks, self.summary.run_id)
        self._unlogged_checks = []
        commit_with_evidence(self.db, self.warc)

    def run(self, post_ids: list[str] | None = None) -> VerifySummary:
        status = "interrupted"
        try:
            self._run(post_ids)
            status = "ok"
        finally:
            self._commit()
            self.warc.close()
            finish_run(self.db, self.run_lock, iso(self.now()), status, sources=json.dumps(post_ids or ["all posts"]))
        seal_run(self.db, run_id=self.summary.run_id, warc_dir=self.warc.directory, warc_name=self.warc.name,
                 tsa_urls=self.tsa_urls, session=self.client.session, policy=self.policy, now=self.now)
        return self.summary

    def _run(self, post_ids: list[str] | None) -> None:
        network = self.checks & set(NETWORK_CHECKS)
        ids = post_ids or [row[0] for row in self.db.execute("SELECT id FROM posts ORDER BY rowid")]
        self.total = len(ids)
        self.progress(0, self.total)
        if not network or self.skip_reason:
            for post_id in ids:
                self._record(post_id, None)
            return
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="verify") as pool:
            pending: dict[Future, str] = {}
            for post in filter(None, map(self._post, ids)):
                # Short links in the text may be photos too: resolve them after the media.
                links = [row[0] for row in self.db.execute(
                    "SELECT link FROM (SELECT link, id AS n FROM media WHERE post_id = ?1 UNION ALL"
                    " SELECT value, 1e18 + key FROM posts, json_each(posts.links)"
                    " WHERE posts.id = ?1 AND value LIKE '%t.co/%') ORDER BY n", [post["id"]])]
                pending[pool.submit(network_checks, post, links, self.client, network, self.save_missing)] = post["id"]
                if len(pending) >= self.workers * 4:
                    self._collect(pending)
            while pending:
                self._collect(pending)

    def _collect(self, pending: dict[Future, str]) -> None:
        done, _ = wait(pending, timeout=0, return_when=FIRST_COMPLETED)
        if not done:  # idle: do not hold the write lock while the network works
            self._commit()
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            self._record(pending.pop(future), future.result())

    def _post(self, post_id: str) -> dict | None:
        """The stored post, or None when an earlier merge in this run folded it away."""
        return first_row(self.db, "SELECT * FROM posts WHERE id = ?", [post_id])

    def _record(self, post_id: str, network: list[Result] | None) -> None:
        """Write a post's results: adopt an id its media revealed, then run the
        offline checks on what is now known, and refresh the post's summary.
        `network` is None when network checks did not run (offline, or not chosen)."""
        stamp = iso(self.now())
        # as stored now: an earlier merge in this run may have folded it into another post
        post = self._post(post_id) or self._post(find_post_id(self.db, post_id))
        if network is None:
            network = offline_skips(post, self.checks, self.skip_reason) if self.skip_reason else []
        adopted = adoptable_id(post, next((r for r in network if r.check == "media_resolution"), None))
        if adopted:
            post = self._adopt(post, *adopted, stamp)
        citations = [dict(row) for row in self.db.query(
            "SELECT citations.*, articles.url AS article_url FROM citations JOIN articles"
            " ON articles.id = citations.article_id WHERE post_id = ? AND removed_at IS NULL ORDER BY citations.id",
            [post["id"]])]
        skipped_before, offline = self.summary.skipped_again, []
        if "status_id_time" in self.checks:
            offline.append(status_id_time(post))
        if "handle_consistency" in self.checks:
            offline.append(handle_consistency(post, citations))
        if "cross_citation" in self.checks:
            offline.append(cross_citation(citations))
        for result in [r for r in offline if r is not None] + network:
            self._write(post["id"], result, stamp)
        refresh_summary(self.db, post["id"])
        if self.summary.skipped_again > skipped_before:  # checked now, though nothing new was recorded
            self.db.conn.execute("UPDATE posts SET checked_at = ? WHERE id = ?", [stamp, post["id"]])
        self.summary.posts += 1
        self.progress(self.summary.posts, self.total)
        if self.summary.posts % COMMIT_EVERY == 0:
            self._commit()

    def _adopt(self, post: dict, status_id: str, url: str, stamp: str) -> dict:
        """Give an id-less post the id its media revealed, merging it into the
        post of that id (created if new): citations, checks and tags follow."""
        target = f"{post['platform']}:{status_id}"
        self.db.conn.execute("INSERT OR IGNORE INTO posts (id, platform, post_id, url, first_seen, last_seen)"
                             " VALUES (?,?,?,?,?,?)", [target, post["platform"], status_id, url, stamp, stamp])
        merge_post(self.db, post["id"], target, stamp)
        self.summary.merged.append((post["id"], target))
        return self._post(target)

    def _write(self, post_id: str, result: Result, stamp: str) -> None:
        if result.outcome == "skipped" and self._skipped_as_last_time(post_id, result):
            self.summary.outcomes["skipped"] += 1
            self.summary.skipped_again += 1
            return
        captures = [keep_response(self.db, self.warc, response, kind=kind, fetched_at=self.now(), post_id=post_id)
                    for kind, response in result.responses]
        capture_id = captures[0] if captures else None
        if result.check == "media_resolution":
            for entry in result.detail.get("links", []):
                if entry["status_url"]:
                    self.db.conn.execute("UPDATE media SET resolved_url = ?, resolved_at = ? WHERE post_id = ?"
                                         " AND code = ?", [entry["status_url"], stamp, post_id,
                                                           media_code(entry["link"])])
        check_id = self.db.conn.execute(
            "INSERT INTO checks (post_id, check_name, outcome, summary, detail, evidence_url, method, capture_id,"
            " checked_at) VALUES (?,?,?,?,?,?,?,?,?)",
            [post_id, result.check, result.outcome, result.summary, json.dumps(result.detail, ensure_ascii=False),
             result.evidence_url, result.method, capture_id, stamp]).lastrowid
        self._unlogged_checks.append(check_id)
        self.summary.outcomes[result.outcome] += 1
        if result.outcome in ("warn", "fail", "error"):
            self.summary.findings.append((post_id, result.check, result.outcome, result.summary))

    def _skipped_as_last_time(self, post_id: str, result: Result) -> bool:
        """A skip whose reason is the check's latest row's: another row would say nothing new."""
        last = self.db.conn.execute("SELECT outcome, summary FROM checks WHERE post_id = ? AND check_name = ?"
                                    " ORDER BY id DESC LIMIT 1", [post_id, result.check]).fetchone()
        return last == ("skipped", result.summary)


def verify(db: sqlite_utils.Database, post_ids: list[str] | None = None, **options) -> VerifySummary:
    """Run the checks over `post_ids` (default: every post) and record the results."""
    return Verifier(db, **options).run(post_ids)
