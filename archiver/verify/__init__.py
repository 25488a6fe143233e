"""Automatic verification: checks of each archived post against the facts
encoded in it and against the live web, each row with its evidence and time.

The check functions are pure (a post in, a `Result` out); network checks take
an `HttpClient`, the archive's one HTTP client with its guard and per-host
limits. `Verifier` runs them: network work in a thread pool, every database
write in the calling thread. Checks add evidence and never touch a reviewer's
`status`.
"""

from __future__ import annotations

import difflib
import html
import json
import os
import threading
import unicodedata
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from typing import Callable
from urllib.parse import quote, urlsplit

import requests
import sqlite_utils

from ..capture import WarcStore
from ..evidence import custody
from ..evidence.seal import seal_run
from ..extract import extract_posts
from ..extract.dates import parse_date
from ..extract.platforms import match_url
from ..extract.posts import collapse, without_media_links
from ..fetch import FetchError, FetchPolicy, HostPacer, Refused, Response, Unreachable, fetch, make_session
from ..store.runs import start_run
from ..store.schema import CHECK_OUTCOMES, LATEST_CHECKS
from ..store import (commit_with_evidence, find_post_id, first_row, iso, keep_response, media_code, merge_post,
                    utc_now)

OFFLINE_CHECKS = ("status_id_time", "handle_consistency", "cross_citation")
NETWORK_CHECKS = ("media_resolution", "liveness", "text_drift", "archived_copies")
ALL_CHECKS = OFFLINE_CHECKS + NETWORK_CHECKS

TWITTER_EPOCH_MS = 1288834974657
# Ids from before Snowflake (November 2010) were sequential and stayed under 3e10.
LAST_SEQUENTIAL_ID = 30_000_000_000
OEMBED = "https://publish.twitter.com/oembed?omit_script=true&dnt=true&url="
WAYBACK_AVAILABLE = "https://archive.org/wayback/available?url="
WAYBACK_CDX = "https://web.archive.org/cdx/search/cdx?output=json&fl=timestamp,original,statuscode&url="
SAVE_PAGE_NOW = "https://web.archive.org/save/"
COMMIT_EVERY = 500


@dataclass
class Result:
    """One run of one check on one post."""

    check: str
    outcome: str
    summary: str
    detail: dict = field(default_factory=dict)
    evidence_url: str | None = None
    method: str | None = None
    responses: list[tuple[str, Response]] = field(default_factory=list)  # (capture kind, response) to keep

    def __post_init__(self):
        assert self.outcome in CHECK_OUTCOMES, self.outcome


# --- offline checks -------------------------------------------------------------------------------

def status_id_time(post: dict) -> Result | None:
    """A Twitter/X status id encodes its creation time; the printed date must agree within a day."""
    if post["platform"] != "twitter":
        return None
    name, method = "status_id_time", "(id >> 22) + 1288834974657 = creation time in ms"
    if not post["post_id"]:
        return Result(name, "skipped", "no status id known yet", method=method)
    status = int(post["post_id"])
    if status <= LAST_SEQUENTIAL_ID:
        return Result(name, "skipped", "id from before November 2010: sequential, it carries no time",
                      {"post_id": post["post_id"]}, method=method)
    created = datetime.fromtimestamp(((status >> 22) + TWITTER_EPOCH_MS) / 1000, tz=timezone.utc)
    detail = {"id_time": iso(created), "date_text": post["date_text"], "printed_date": post["date"]}
    if not post["date"]:
        return Result(name, "skipped", "the embed prints no date to compare", detail, method=method)
    days = (date.fromisoformat(post["date"]) - created.date()).days
    detail["days_apart"] = days
    if abs(days) <= 1:
        return Result(name, "pass", f"printed date {post['date']} matches the id's time {iso(created)}",
                      detail, method=method)
    return Result(name, "fail", f"printed date {post['date']} but the id was created {iso(created)} "
                  f"({days:+d} days): misdated or altered embed", detail, method=method)


def handle_consistency(post: dict, citations: list[dict]) -> Result | None:
    """The handle printed in `— Name (@handle)` against the handle in the status URL."""
    ref = match_url(post["url"])
    if ref is None or not ref.handle:
        return None
    printed = sorted({h for h in [post["handle"], *(c["shown_handle"] for c in citations)] if h},
                     key=str.lower)
    name, method = "handle_consistency", "printed handle vs handle in the post URL, case-insensitive"
    detail = {"in_url": ref.handle, "printed": printed}
    if not printed:
        return Result(name, "skipped", "no handle printed with the post", detail, method=method)
    other = [h for h in printed if h.lower() != ref.handle.lower()]
    if other:
        shown = ", ".join(f"@{h}" for h in other)
        return Result(name, "warn", f"printed {shown} but the URL is @{ref.handle}'s: renamed account or forged embed",
                      detail, evidence_url=post["url"], method=method)
    return Result(name, "pass", f"printed handle matches the URL (@{ref.handle})", detail, method=method)


def comparable_text(text: str | None) -> str:
    """Post text reduced to what two honest copies share: entities decoded,
    Unicode composed, media short links dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFC", html.unescape(text or ""))
    return collapse(without_media_links(text)) or ""


def cross_citation(citations: list[dict]) -> Result:
    """The same post shown differently by different articles."""
    name, method = "cross_citation", "text, printed date and author name compared across citing articles"
    articles = {c["article_id"] for c in citations}
    if len(articles) < 2:
        return Result(name, "skipped", "cited by only one article", {"articles": len(articles)}, method=method)
    values = {
        "text": lambda c: comparable_text(c["shown_text"]) or None,
        "date": lambda c: parse_date(c["shown_date_text"]) or c["shown_date_text"],
        "author_name": lambda c: collapse(c["shown_author_name"]),
    }
    differs = {}
    for key, value_of in values.items():
        shown = [(c, value_of(c)) for c in citations]
        if len({v for _, v in shown if v is not None}) > 1:
            differs[key] = [{"article_id": c["article_id"], "article_url": c["article_url"], "value": v}
                            for c, v in shown if v is not None]
    detail = {"articles": sorted(articles), "differs": differs}
    if differs:
        return Result(name, "warn", f"{len(articles)} articles show different {', '.join(differs)}", detail,
                      method=method)
    return Result(name, "pass", f"{len(articles)} articles show the same post", detail, method=method)


def text_drift(article_text: str | None, live_text: str | None) -> Result:
    """Live text against the text the article showed, with a word-level diff."""
    name, method = "text_drift", "oEmbed text vs article text, whitespace/entities/t.co normalised, word diff"
    if not article_text:
        return Result(name, "skipped", "the article shows no text for this post", method=method)
    shown, live = comparable_text(article_text).split(), comparable_text(live_text).split()
    changes = [{"op": op, "article": " ".join(shown[i1:i2]), "live": " ".join(live[j1:j2])}
               for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, shown, live, autojunk=False).get_opcodes()
               if op != "equal"]
    if not changes:
        return Result(name, "pass", "the live text matches the article", method=method)
    return Result(name, "warn", f"the live text differs from the article in {len(changes)} place(s): "
                  "edited post or altered quote", {"diff": changes, "article": article_text, "live": live_text},
                  method=method)


# --- network ---------------------------------------------------------------------------------------

class HttpClient:
    """The archive's HTTP client for checks: guard, retries and per-host limits
    come from `fetch`; a host found unreachable is not asked again this run."""

    def __init__(self, session: requests.Session, policy: FetchPolicy, pacer: HostPacer):
        self.session, self.policy, self.pacer = session, policy, pacer
        self._down: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, url: str, stop_at: Callable[[str], bool] | None = None, max_bytes: int | None = None) -> Response:
        """GET within the policy; `max_bytes` lowers its size cap for this one answer (media files)."""
        host = urlsplit(url).hostname or ""
        with self._lock:
            reason = self._down.get(host)
        if reason:
            raise Unreachable(reason)
        try:
            policy = replace(self.policy, max_bytes=max_bytes) if max_bytes else self.policy
            return fetch(url, self.session, policy, None, self.pacer, stop_at)
        except Unreachable as error:
            with self._lock:
                self._down[host] = str(error)
            raise


def _not_done(check: str, error: FetchError, url: str) -> Result:
    """A request that did not give an answer: `skipped` when offline or refused, else `error`."""
    if isinstance(error, (Unreachable, Refused)):
        return Result(check, "skipped", f"network unavailable or refused: {error}", {"url": url})
    return Result(check, "error", str(error), {"url": url}, evidence_url=url)


def _is_status(url: str) -> bool:
    ref = match_url(url)
    return ref is not None and ref.platform == "twitter"


def media_resolution(post: dict, links: list[str], client: HttpClient) -> Result | None:
    """Where each media short link leads: the status that first posted it."""
    if post["platform"] != "twitter" or not links:
        return None
    name, method = "media_resolution", "GET the short link, follow redirects up to the first status URL"
    resolved, foreign, problems, responses = [], [], [], []
    for link in links:
        url = link if link.startswith("http") else f"https://{link}"
        try:
            response = client.get(url, stop_at=_is_status)
        except FetchError as error:
            problems.append(_not_done(name, error, url))
            continue
        responses.append(("media", response))
        ref = match_url(response.final_url) if _is_status(response.final_url) else None
        entry = {"link": link, "chain": [url, *response.redirects], "http_status": response.status,
                 "status_url": ref.url if ref else None, "post_id": ref.post_id if ref else None,
                 "handle": ref.handle if ref else None}
        resolved.append(entry)
        if ref and ref.handle and post["handle"] and ref.handle.lower() != post["handle"].lower():
            foreign.append(entry)
    detail = {"links": resolved}
    if foreign:
        first = foreign[0]
        return Result(name, "warn", f"media first posted by @{first['handle']} ({first['status_url']}), "
                      f"not by @{post['handle']} ({post['url'] or 'no URL'})", detail,
                      evidence_url=first["status_url"], method=method, responses=responses)
    if problems and not resolved:
        problem = problems[0]
        problem.method, problem.detail["media"] = method, links
        return problem
    unresolved = [e["link"] for e in resolved if not e["status_url"]]
    if unresolved:
        return Result(name, "error", f"{', '.join(unresolved)} did not lead to a post", detail, method=method,
                      responses=responses)
    return Result(name, "pass", "media links lead to this account's posts", detail,
                  evidence_url=resolved[0]["status_url"], method=method, responses=responses)


def adoptable_id(post: dict, media: Result | None) -> tuple[str, str] | None:
    """(status id, URL) an id-less post learns from its media links: the first
    status they lead to that is by the same account."""
    if post["post_id"] or media is None:
        return None
    for entry in media.detail.get("links", []):
        same_account = not post["handle"] or (entry["handle"] or "").lower() == post["handle"].lower()
        if entry["post_id"] and same_account:
            return entry["post_id"], entry["status_url"]
    return None


def liveness(post: dict, client: HttpClient) -> tuple[Result | None, str | None]:
    """Ask Twitter's public oEmbed endpoint whether the post is online.
    Returns the result and, when live, the post text it shows now."""
    if post["platform"] != "twitter":
        return None, None
    name, method = "liveness", "publish.twitter.com oEmbed"
    if not post["post_id"]:
        return Result(name, "skipped", "no status id known yet", method=method), None
    url = OEMBED + quote(post["url"], safe="")
    try:
        response = client.get(url)
    except FetchError as error:
        result = _not_done(name, error, url)
        result.method, result.detail["state"] = method, "error"
        return result, None
    kept = [("oembed", response)]
    detail = {"state": "error", "http_status": response.status, "oembed_url": url}
    if response.status == 200:
        try:
            data = json.loads(response.body)
            shown = data["html"]
        except (ValueError, KeyError, TypeError):
            return Result(name, "error", "oEmbed answered 200 with malformed JSON", detail, url, method, kept), None
        live_posts = [p for p in extract_posts(shown) if p.platform == "twitter"]
        detail.update(state="live", author_name=data.get("author_name"), author_url=data.get("author_url"))
        return (Result(name, "pass", "live", detail, url, method, kept),
                live_posts[0].text if live_posts else None)
    if response.status in (404, 403, 410):
        why = {404: "deleted, or never existed", 403: "protected or suspended account", 410: "gone"}
        detail["state"] = "unavailable"
        return Result(name, "warn", f"unavailable (HTTP {response.status}: {why[response.status]})", detail, url,
                      method, kept), None
    return Result(name, "error", f"oEmbed answered HTTP {response.status}; try again later", detail, url, method,
                  kept), None


def _snapshot(timestamp: str, original: str, status: str | None) -> dict:
    moment = datetime.strptime(timestamp[:14].ljust(14, "0"), "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
    return {"url": f"https://web.archive.org/web/{timestamp}/{original}", "time": iso(moment),
            "http_status": status}


def parse_cdx(body: bytes) -> list[dict]:
    """Snapshots from a CDX API JSON answer (a header row, then one row per capture)."""
    rows = json.loads(body or b"[]")
    if not isinstance(rows, list):
        raise ValueError("CDX answer is not a list")
    return [_snapshot(row[0], row[1], row[2] if len(row) > 2 else None) for row in rows[1:]]


def parse_availability(body: bytes) -> dict | None:
    """The closest snapshot from the Wayback availability API, if any."""
    closest = json.loads(body).get("archived_snapshots", {}).get("closest")
    if closest and closest.get("available"):
        return {"url": closest["url"], "time": _snapshot(closest["timestamp"], "", None)["time"],
                "http_status": closest.get("status")}
    return None


def archived_copies(post: dict, client: HttpClient, save_missing: bool = False) -> Result | None:
    """Earliest and latest Wayback Machine snapshots of the post URL."""
    if not post["url"]:
        return None
    name, method = "archived_copies", "Wayback Machine CDX API (earliest, latest) and availability API"
    target = post["url"].split("://", 1)[-1]
    responses, detail = [], {}
    try:
        available = client.get(WAYBACK_AVAILABLE + quote(target, safe=""))
        earliest = client.get(WAYBACK_CDX + quote(target, safe="") + "&limit=1")
        latest = client.get(WAYBACK_CDX + quote(target, safe="") + "&limit=-1")
    except FetchError as error:
        result = _not_done(name, error, post["url"])
        result.method = method
        return result
    responses = [("archive", available), ("archive", earliest), ("archive", latest)]
    failed = [r for r in (available, earliest, latest) if r.status != 200]
    if failed:
        return Result(name, "error", f"Wayback Machine answered HTTP {failed[0].status}; try again later",
                      {"url": failed[0].url}, failed[0].url, method, responses)
    try:
        closest = parse_availability(available.body)
        first, last = parse_cdx(earliest.body), parse_cdx(latest.body)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        return Result(name, "error", "Wayback Machine answered with malformed JSON", {}, available.url, method,
                      responses)
    detail = {"earliest": first[0] if first else closest, "latest": last[-1] if last else closest,
              "closest": closest}
    if detail["latest"]:
        return Result(name, "pass", f"archived copies from {detail['earliest']['time']} to "
                      f"{detail['latest']['time']}", detail, detail["latest"]["url"], method, responses)
    if save_missing:
        try:
            saved = client.get(SAVE_PAGE_NOW + post["url"])
            responses.append(("archive", saved))
            detail["save_requested"] = {"http_status": saved.status, "url": saved.final_url}
        except FetchError as error:
            detail["save_requested"] = {"error": str(error)}
    return Result(name, "warn", "no archived copy in the Wayback Machine", detail, None, method, responses)


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


# --- the run ----------------------------------------------------------------------------------------

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
            with self.db.conn:
                self.db.execute("UPDATE runs SET finished_at = ?, status = ?, sources = ? WHERE id = ?",
                                [iso(self.now()), status, json.dumps(post_ids or ["all posts"]),
                                 self.summary.run_id])
            self.run_lock.release()
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


def refresh_summary(db: sqlite_utils.Database, post_id: str) -> None:
    """The post's summary columns, derived from its checks: flags (latest
    warn/fail per check), availability and when it was last seen live, since
    when it is gone, and the newest archived copy."""
    sql = db.conn.execute
    latest = sql(f"SELECT check_name, outcome, detail, evidence_url FROM checks WHERE id IN ({LATEST_CHECKS})"
                 " ORDER BY check_name", [post_id]).fetchall()
    flags = [name for name, outcome, _, _ in latest if outcome in ("warn", "fail")]
    archived = next((url for name, outcome, _, url in latest if name == "archived_copies" and outcome == "pass"),
                    None)
    observations = sql("SELECT json_extract(detail, '$.state'), checked_at FROM checks WHERE post_id = ?"
                       " AND check_name = 'liveness' AND json_extract(detail, '$.state') IN ('live', 'unavailable')"
                       " ORDER BY id", [post_id]).fetchall()
    availability = observations[-1][0] if observations else None
    last_live = max((at for state, at in observations if state == "live"), default=None)
    gone_since = None
    if availability == "unavailable":
        gone_since = min(at for state, at in observations if state == "unavailable" and (not last_live or at > last_live))
    sql("UPDATE posts SET flags = ?, availability = ?, last_live_at = ?, gone_since = ?,"
        " archived_url = COALESCE(?, archived_url), checked_at = (SELECT max(checked_at) FROM checks WHERE post_id = ?)"
        " WHERE id = ?",
        [json.dumps(flags) if flags else None, availability, last_live, gone_since, archived, post_id, post_id])


def verify(db: sqlite_utils.Database, post_ids: list[str] | None = None, **options) -> VerifySummary:
    """Run the checks over `post_ids` (default: every post) and record the results."""
    return Verifier(db, **options).run(post_ids)
