"""The capture run: for each post, its platform's snapshot, its media and
screenshots, every answer kept in the WARC files with a `captures` row, and
the checks that follow from them (liveness, text_drift, media_reuse).

Network work (snapshot, media, hashes) runs in a thread pool through the
archive's HTTP client; database writes and the browser stay in the calling
thread. Each step of each post is recorded in `checks` (`snapshot`, `media`,
`embed_screenshot`, `live_screenshot`): `skipped` with the reason when it
cannot run (offline, unreachable network, no token), so a run without a
network still exits 0 and still screenshots the embeds the articles showed.
"""

from __future__ import annotations

import json
import os
import re
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Callable

import requests
import sqlite_utils

from ..fetch import FetchError, FetchPolicy, HostPacer, Refused, Response, Unreachable, make_session
from ..store import commit_with_evidence, first_row, iso, keep_response, record_capture, utc_now
from ..store.runs import finish_run, start_run
from ..store.schema import CHECK_OUTCOMES
from ..verify import HttpClient, Result, refresh_summary
from ..verify.checks.liveness import snapshot_liveness
from ..verify.checks.text_drift import snapshot_drift
from ..verify.checks.media_reuse import media_reuse
from .media import MediaFile, PhotoIndex, download, download_with_yt_dlp
from .screenshots import Screenshots
from .settings import CaptureSettings
from .snapshots import PLATFORMS, Malformed, Skip, Snapshot
from .warc import WarcStore, read_payload

STEPS = ("snapshot", "media", "embed_screenshot", "live_screenshot")
COMMIT_EVERY = 200


@dataclass
class PostCapture:
    """What the network side found for one post, before anything is written."""

    post: dict
    results: list[Result] = field(default_factory=list)
    snapshot: Snapshot | None = None
    files: list[MediaFile] = field(default_factory=list)


_SECRET = re.compile(r"(?<=[?&]access_token=)[^&#]+")


def without_secrets(response: Response) -> Response:
    """The answer as kept: an app token in its URL is redacted (WARC files and
    captures are published to reviewers)."""
    if "access_token=" not in response.final_url + response.url:
        return response
    return replace(response, url=_SECRET.sub("REDACTED", response.url),
                   final_url=_SECRET.sub("REDACTED", response.final_url),
                   redirects=[_SECRET.sub("REDACTED", url) for url in response.redirects])


def run_plan(plan, client: HttpClient, answers: list) -> Snapshot:
    """Drive a platform's plan: ask each URL it yields, send it the answer.
    Every answer lands in `answers`, also when the plan then fails on it (a
    malformed answer is evidence too)."""
    try:
        url = next(plan)
        while True:
            response = client.get(url)
            answers.append(("snapshot", without_secrets(response)))
            url = plan.send(response)
    except StopIteration as done:
        return done.value


def _not_done(step: str, error: FetchError) -> Result:
    if isinstance(error, (Unreachable, Refused)):
        return Result(step, "skipped", f"network unavailable or refused: {error}")
    return Result(step, "error", str(error))


def capture_post(post: dict, client: HttpClient, settings: CaptureSettings) -> PostCapture:
    """Snapshot and media of one post (network only; no database, no clock)."""
    found = PostCapture(post)
    platform = PLATFORMS.get(post["platform"])
    method = f"{post['platform']} public endpoint"
    if platform is None:
        found.results += [Result(s, "skipped", f"no public snapshot endpoint for {post['platform']}")
                          for s in ("snapshot", "media")]
        return found
    answers: list = []
    try:
        snapshot = run_plan(platform.plan(post, settings), client, answers)
    except Skip as reason:
        found.results += [Result("snapshot", "skipped", str(reason), method=method),
                          Result("media", "skipped", f"no snapshot ({reason})")]
        return found
    except FetchError as error:
        failed = _not_done("snapshot", error)
        failed.method, failed.responses = method, answers
        found.results += [failed, Result("media", "skipped", f"no snapshot ({error})")]
        return found
    except Malformed as error:
        found.results += [Result("snapshot", "error", str(error), method=method, responses=answers),
                          Result("media", "skipped", "no snapshot (malformed answer)")]
        return found
    found.snapshot = snapshot
    kinds = ", ".join(f"{sum(m.kind == k for m in snapshot.media)} {k}(s)" for k in ("photo", "video"))
    found.results.append(Result("snapshot", "pass", f"{snapshot.state}: {kinds}" if snapshot.state == "live"
                                else f"{snapshot.state} ({snapshot.reason})",
                                {"state": snapshot.state, "endpoint": snapshot.endpoint}, snapshot.endpoint,
                                method, answers))
    found.results.append(snapshot_liveness(snapshot, method))
    found.results.append(snapshot_drift(post["text"], snapshot, method))
    found.results.append(_media(found, client, settings))
    return found


def _media(found: PostCapture, client: HttpClient, settings: CaptureSettings) -> Result:
    snapshot = found.snapshot
    if snapshot.state != "live":
        return Result("media", "skipped", f"the post is {snapshot.state}")
    items = [m for m in snapshot.media if m.kind == "photo" or m.url.split("?")[0].endswith(".mp4")
             or m.content_type == "video/mp4"]
    needs_tool = [m for m in snapshot.media if m not in items]
    if not snapshot.media:
        return Result("media", "pass", "the post has no media")
    found.files, problems = download(items, lambda url, cap: client.get(url, max_bytes=cap), settings)
    if needs_tool and settings.yt_dlp:
        room = min(settings.max_file_bytes, settings.max_post_bytes - sum(f.size for f in found.files))
        videos, trouble = download_with_yt_dlp(needs_tool, room, client.policy)
        found.files += videos
        problems += trouble
    elif needs_tool:
        problems.append(f"{len(needs_tool)} video(s) need yt-dlp: off; enable it with --yt-dlp")
    detail = {"files": [{"url": f.item.url, "sha256": f.sha256, "size": f.size} for f in found.files],
              "not_kept": problems}
    size = sum(f.size for f in found.files)
    if problems:
        return Result("media", "warn", f"{len(found.files)} of {len(snapshot.media)} file(s) kept ({size:,} bytes); "
                      + "; ".join(problems), detail)
    return Result("media", "pass", f"{len(found.files)} file(s) kept ({size:,} bytes)", detail)


@dataclass
class CaptureSummary:
    run_id: int
    posts: int = 0
    outcomes: dict = field(default_factory=lambda: dict.fromkeys(CHECK_OUTCOMES, 0))
    findings: list[tuple[str, str, str, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"run_id": self.run_id, "posts": self.posts, "outcomes": self.outcomes,
                "findings": [{"post": p, "check": c, "outcome": o, "summary": s} for p, c, o, s in self.findings]}


class Capturer:
    """Captures the chosen posts and records every capture and result."""

    def __init__(self, db: sqlite_utils.Database, *, warc_dir: str | os.PathLike, offline: bool = False,
                 settings: CaptureSettings | None = None, policy: FetchPolicy | None = None,
                 session: requests.Session | None = None, workers: int = 32,
                 now: Callable[[], datetime] = utc_now):
        self.db, self.warc_dir, self.now = db, Path(warc_dir), now
        self.settings = settings or CaptureSettings()
        self.skip_reason = "offline: nothing asked over the network (--offline)" if offline else None
        policy = policy or FetchPolicy()
        self.client = HttpClient(session or make_session(), policy,
                                 HostPacer(policy.per_host_delay, policy.per_host_concurrency))
        self.workers = workers
        self.warc = WarcStore(warc_dir, now())
        self.screenshots = Screenshots(self.client if not offline else None)
        self.photos = PhotoIndex()
        for phash, media_id in db.execute("SELECT phash, id FROM media WHERE phash IS NOT NULL ORDER BY id"):
            self.photos.add(phash, media_id)
        self.run_lock = start_run(db, "capture", None, iso(now()))
        self.summary = CaptureSummary(run_id=self.run_lock.run_id)

    def run(self, post_ids: list[str] | None = None) -> CaptureSummary:
        status = "interrupted"
        try:
            self._run(post_ids)
            status = "ok"
        finally:
            self.screenshots.close()
            commit_with_evidence(self.db, self.warc)
            self.warc.close()
            finish_run(self.db, self.run_lock, iso(self.now()), status, sources=json.dumps(post_ids or ["all posts"]))
        return self.summary

    def _run(self, post_ids: list[str] | None) -> None:
        ids = post_ids or [row[0] for row in self.db.execute("SELECT id FROM posts ORDER BY rowid")]
        posts = filter(None, (first_row(self.db, "SELECT * FROM posts WHERE id = ?", [i]) for i in ids))
        if self.skip_reason:
            for post in posts:
                self._record(PostCapture(post, [Result(s, "skipped", self.skip_reason)
                                                for s in ("snapshot", "media")]))
            return
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="capture") as pool:
            pending: dict[Future, str] = {}
            for post in posts:
                pending[pool.submit(capture_post, post, self.client, self.settings)] = post["id"]
                if len(pending) >= self.workers * 4:
                    self._collect(pending)
            while pending:
                self._collect(pending)

    def _collect(self, pending: dict[Future, str]) -> None:
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            pending.pop(future)
            self._record(future.result())

    def _record(self, found: PostCapture) -> None:
        post, stamp = found.post, iso(self.now())
        for result in found.results:
            capture_ids = self._write(post["id"], result, stamp)
            if result.check == "snapshot" and found.snapshot:
                self._remember_snapshot(post, found.snapshot, capture_ids, stamp)
        if found.files:
            hashed = self._keep_files(post, found.files, stamp)
            post = self._post(post["id"])  # with what the snapshot taught it (handle, date)
            self._write(post["id"], media_reuse(post, len(hashed), self._near(hashed), self.settings.reuse_distance),
                        stamp)
            for phash, media_id in hashed:
                self.photos.add(phash, media_id)
        for result in self._screenshots(post, found.snapshot, stamp):
            self._write(post["id"], result, stamp)
        refresh_summary(self.db, post["id"])
        self.summary.posts += 1
        if self.summary.posts % COMMIT_EVERY == 0:
            commit_with_evidence(self.db, self.warc)

    def _near(self, hashed: list[tuple[str, int]]) -> list[dict]:
        """The archived photos near each of this post's, with their posts."""
        near = {}
        for photo, (phash, _) in enumerate(hashed, 1):
            for media_id, gap in self.photos.near(phash, self.settings.reuse_distance):
                near.setdefault(media_id, (photo, gap))
        if not near:
            return []
        rows = self.db.conn.execute(
            "SELECT media.id, media.post_id, posts.platform, posts.handle, posts.date, posts.url FROM media"
            " JOIN posts ON posts.id = media.post_id WHERE media.id IN (SELECT value FROM json_each(?))",
            [json.dumps(list(near))]).fetchall()
        return [{"photo": near[row[0]][0], "distance": near[row[0]][1],
                 **dict(zip(("post_id", "platform", "handle", "date", "url"), row[1:]))} for row in rows]

    def _post(self, post_id: str) -> dict:
        return first_row(self.db, "SELECT * FROM posts WHERE id = ?", [post_id])

    def _write(self, post_id: str, result: Result, stamp: str) -> list[int]:
        captures = [keep_response(self.db, self.warc, response, kind=kind, fetched_at=self.now(), post_id=post_id)
                    for kind, response in result.responses]
        self.db.conn.execute(
            "INSERT INTO checks (post_id, check_name, outcome, summary, detail, evidence_url, method, capture_id,"
            " checked_at) VALUES (?,?,?,?,?,?,?,?,?)",
            [post_id, result.check, result.outcome, result.summary, json.dumps(result.detail, ensure_ascii=False),
             result.evidence_url, result.method, captures[-1] if captures else None, stamp])
        self.summary.outcomes[result.outcome] += 1
        if result.outcome in ("warn", "fail", "error"):
            self.summary.findings.append((post_id, result.check, result.outcome, result.summary))
        return captures

    def _remember_snapshot(self, post: dict, snapshot: Snapshot, capture_ids: list[int], stamp: str) -> None:
        """The parsed snapshot as a row, and what the post's record still lacks from it."""
        self.db.conn.execute(
            "INSERT INTO snapshots (post_id, capture_id, endpoint, state, reason, handle, author_name, text,"
            " created_at, media, counts, captured_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [post["id"], capture_ids[-1] if capture_ids else None, snapshot.endpoint, snapshot.state,
             snapshot.reason, snapshot.handle, snapshot.author_name, snapshot.text, snapshot.created_at,
             snapshot.media_json(), json.dumps(snapshot.counts), stamp])
        if snapshot.state == "live":
            self.db.conn.execute(
                "UPDATE posts SET handle = COALESCE(handle, ?), author_name = COALESCE(author_name, ?),"
                " text = COALESCE(text, ?), date = COALESCE(date, ?) WHERE id = ?",
                [snapshot.handle, snapshot.author_name, snapshot.text,
                 (snapshot.created_at or "")[:10] or None, post["id"]])

    def _keep_files(self, post: dict, files: list[MediaFile], stamp: str) -> list[tuple[str, int]]:
        """Each file's bytes as a capture and a media row; returns the photos' (hash, media id)."""
        hashed = []
        for file in files:
            if file.response is not None:
                capture_id = keep_response(self.db, self.warc, file.response, kind="media", fetched_at=self.now(),
                                           post_id=post["id"])
            else:
                capture_id = self._keep_resource(post, file.item.url, file.body, file.type, kind="media")
            cursor = self.db.conn.execute(
                "INSERT INTO media (post_id, link, kind, capture_id, sha256, type, size, width, height, phash,"
                " captured_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [post["id"], file.item.url, file.item.kind, capture_id, file.sha256, file.type, file.size,
                 file.width, file.height, file.phash, stamp])
            if file.phash:
                hashed.append((file.phash, cursor.lastrowid))
        return hashed

    def _screenshots(self, post: dict, snapshot: Snapshot | None, stamp: str) -> list[Result]:
        if not self.settings.screenshots:
            return []
        results = [self._embed_screenshot(post, citation) for citation in self.db.conn.execute(
            "SELECT citations.capture_id, captures.url, captures.warc_path, captures.warc_offset FROM citations"
            " JOIN captures ON captures.id = citations.capture_id WHERE citations.post_id = ?"
            " AND citations.removed_at IS NULL ORDER BY citations.id", [post["id"]]).fetchall()]
        platform = PLATFORMS.get(post["platform"])
        embed = platform.embed_url(post) if platform else None
        if self.skip_reason:
            results.append(Result("live_screenshot", "skipped", self.skip_reason))
        elif snapshot is None or snapshot.state != "live" or not embed:
            why = "no public embed page" if snapshot and snapshot.state == "live" else "no live snapshot"
            results.append(Result("live_screenshot", "skipped", why))
        else:
            results.append(self._live_screenshot(post, embed))
        return results

    def _embed_screenshot(self, post: dict, citation: tuple) -> Result:
        article_capture, article_url, warc_path, offset = citation
        name = "embed_screenshot"
        if self.db.conn.execute("SELECT 1 FROM captures WHERE kind = 'screenshot' AND post_id = ? AND"
                                " derived_from = ?", [post["id"], article_capture]).fetchone():
            return Result(name, "skipped", f"already made from this capture of {article_url}")
        try:
            html = read_payload(self.warc_dir, warc_path, offset)
        except (OSError, ValueError) as error:
            return Result(name, "error", f"cannot read the article's capture {article_capture}: {error}")
        shot = self.screenshots.embed(html, post, key=article_capture)
        if isinstance(shot, str):
            return Result(name, "skipped", shot, {"article": article_url})
        capture_id = self._keep_png(post, article_url, shot, derived_from=article_capture)
        return Result(name, "pass", f"the embed as {article_url} showed it ({len(shot):,} bytes PNG)",
                      {"article": article_url, "capture_id": capture_id}, article_url,
                      "offline render of the captured article: scripts, network and forms off")

    def _live_screenshot(self, post: dict, embed: str) -> Result:
        name = "live_screenshot"
        shot = self.screenshots.live(embed)
        if isinstance(shot, str):
            return Result(name, "skipped", shot, {"url": embed})
        capture_id = self._keep_png(post, embed, shot)
        return Result(name, "pass", f"the live embed page ({len(shot):,} bytes PNG)", {"capture_id": capture_id},
                      embed, "headless Chromium, every request through the archive's HTTP client")

    def _keep_resource(self, post: dict, url: str, body: bytes, content_type: str | None, kind: str) -> int:
        """Bytes that came from no HTTP answer of ours (a screenshot, a yt-dlp download): a WARC resource record."""
        moment = self.now()
        evidence = self.warc.write(url, body, fetched_at=moment, content_type=content_type)
        return record_capture(self.db, kind=kind, url=url, evidence=evidence, fetched_at=moment,
                              content_type=content_type, post_id=post["id"])

    def _keep_png(self, post: dict, url: str, png: bytes, derived_from: int | None = None) -> int:
        capture_id = self._keep_resource(post, url, png, "image/png", kind="screenshot")
        if derived_from:
            self.db.conn.execute("UPDATE captures SET derived_from = ? WHERE id = ?", [derived_from, capture_id])
        return capture_id


def capture(db: sqlite_utils.Database, post_ids: list[str] | None = None, **options) -> CaptureSummary:
    """Capture `post_ids` (default: every post) and record everything."""
    return Capturer(db, **options).run(post_ids)
