"""Scheduled jobs: the job file (`config/archiver.toml`), validated before
anything runs; one run of a job (archive, then the checks that are due) under
a per-job lock; and the long-running scheduler.

A lock is an flock on `<db dir>/locks/JOB.lock`: the kernel releases it when a
run dies, even by SIGKILL, so a stale lock never blocks the next run.
"""

from __future__ import annotations

import fcntl
import ipaddress
import json
import logging
import os
import re
import signal
import sqlite3
import threading
import tomllib
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import sqlite_utils

from .archive import ArchiveRun, RunSummary
from .extract.budget import DEFAULT_ARTICLE_BUDGET
from .fetch import DEFAULT_MAX_BYTES, FetchPolicy
from .sources import Failed, is_url
from .store import iso, utc_now, writing
from .store.schema import db_path_problem, open_db
from .verify import ALL_CHECKS, VerifySummary, verify

if TYPE_CHECKING:
    from .capture.run import CaptureSummary

log = logging.getLogger("archiver.jobs")

STEPS = ("archive", "capture", "verify")  # in this order; a job runs "archive" and "verify" unless it says
_JOB_KEYS = {"sources", "url_lists", "sitemaps", "schedule", "steps", "checks", "offline", "save_missing",
             "recheck_after_days",
             "max_articles", "workers", "per_host_delay", "per_host_concurrency", "allowed_networks",
             "timeout", "max_bytes", "retries", "description", "article_budget", "tsa"}
_TOP_KEYS = {"db", "jobs"}
_DOW_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ConfigError(ValueError):
    """The job file cannot be used; the message names the file, line, key and reason."""


class JobLocked(RuntimeError):
    """Another run of the job holds its lock."""


@dataclass
class Job:
    name: str
    sources: list[str] = field(default_factory=list)
    url_lists: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    schedule: str | None = None
    steps: list[str] = field(default_factory=lambda: ["archive", "verify"])
    checks: list[str] = field(default_factory=lambda: list(ALL_CHECKS))
    offline: bool = False
    save_missing: bool = False
    recheck_after_days: list[float] = field(default_factory=lambda: [1, 7, 30])
    max_articles: int | None = None
    workers: int = 8
    per_host_delay: float = 0.5
    per_host_concurrency: int = 2
    allowed_networks: list[str] = field(default_factory=list)
    timeout: float = 30.0
    max_bytes: int = DEFAULT_MAX_BYTES
    retries: int = 3
    description: str | None = None
    article_budget: float = DEFAULT_ARTICLE_BUDGET
    tsa: list[str] = field(default_factory=list)  # RFC 3161 authorities that timestamp each run's captures

    def policy(self) -> FetchPolicy:
        return FetchPolicy.with_timeout(self.timeout, max_bytes=self.max_bytes,
                                        allowed_networks=list(self.allowed_networks), retries=self.retries,
                                        per_host_delay=self.per_host_delay,
                                        per_host_concurrency=self.per_host_concurrency)


@dataclass
class Config:
    path: Path
    db: Path
    jobs: dict[str, Job]


# --- the job file -----------------------------------------------------------------------------------

def _line_of(text: str, table: str | None, key: str | None) -> int | None:
    """Where `key` (in `[table]`) is written, for error messages; tomllib keeps no positions."""
    lines = text.splitlines()
    start = 0
    if table:
        header = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(map(re.escape, table.split("."))) + r"\s*\]")
        start = next((i for i, line in enumerate(lines) if header.match(line)), None)
        if start is None:
            return None
        if key is None:
            return start + 1
        start += 1
    for i in range(start, len(lines)):
        if table and re.match(r"^\s*\[", lines[i]):
            break
        if key and re.match(rf"^\s*\"?{re.escape(key)}\"?\s*=", lines[i]):
            return i + 1
    return None


def cron_trigger(expression: str, end_date: datetime | None = None):
    """An APScheduler trigger for a 5-field crontab line, with cron's day numbers
    (0 and 7 are Sunday; APScheduler alone would read 0 as Monday)."""
    from apscheduler.triggers.cron import CronTrigger

    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"expected 5 fields (minute hour day month weekday), got {len(fields)}")
    fields[4] = re.sub(r"\d+", lambda m: _DOW_NAMES[int(m.group())] if int(m.group()) <= 7 else m.group(), fields[4])
    minute, hour, day, month, day_of_week = fields
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week, timezone="UTC",
                       end_date=end_date)


def _check_schedule(expression: str, now: datetime) -> None:
    """A cron line that fires at least once within CRON_HORIZON_DAYS."""
    trigger = cron_trigger(expression, end_date=now + timedelta(days=CRON_HORIZON_DAYS))
    if trigger.get_next_fire_time(None, now) is None:
        raise ValueError(f"it never fires in the next {CRON_HORIZON_DAYS // 365} years (a date such as "
                         "February 31st?)")


def _check_type(value, kind, where: str) -> None:
    kinds = {"text": str, "texts": list, "number": (int, float), "whole": int, "flag": bool, "numbers": list}
    ok = isinstance(value, kinds[kind]) and not (kind in ("number", "whole") and isinstance(value, bool))
    if ok and kind == "texts":
        ok = all(isinstance(item, str) for item in value)
    if ok and kind == "numbers":
        ok = all(isinstance(item, (int, float)) and not isinstance(item, bool) and item > 0 for item in value)
    if not ok:
        described = {"text": "a string", "texts": "a list of strings", "number": "a number",
                     "whole": "a whole number", "flag": "true or false", "numbers": "a list of positive numbers"}
        raise ValueError(f"must be {described[kind]}, not {value!r}")


# Allowed values of the numbers (checked after their types): key -> (test, what it asks)
_RANGES = {
    "workers": (lambda v: 1 <= v <= 64, "from 1 to 64"),
    "per_host_concurrency": (lambda v: 1 <= v <= 64, "from 1 to 64"),
    "max_articles": (lambda v: v >= 1, "at least 1"),
    "timeout": (lambda v: 0 < v <= 3600, "more than 0 and at most 3600 (seconds)"),
    "retries": (lambda v: 0 <= v <= 10, "from 0 to 10"),
    "max_bytes": (lambda v: v >= 1, "at least 1 (bytes)"),
    "per_host_delay": (lambda v: 0 <= v <= 3600, "from 0 to 3600 (seconds)"),
    "article_budget": (lambda v: v >= 0, "at least 0 (seconds; 0: no limit)"),
}
CRON_HORIZON_DAYS = 5 * 365 + 2

_TYPES = {"sources": "texts", "url_lists": "texts", "sitemaps": "texts", "schedule": "text", "steps": "texts",
          "checks": "texts", "offline": "flag", "save_missing": "flag", "recheck_after_days": "numbers", "max_articles": "whole",
          "workers": "whole", "per_host_delay": "number", "per_host_concurrency": "whole",
          "allowed_networks": "texts", "timeout": "number", "max_bytes": "whole", "retries": "whole",
          "description": "text", "article_budget": "number", "tsa": "texts"}


def load_config(path: str | os.PathLike, now: datetime | None = None) -> Config:
    """Read and validate the job file. Relative paths in it are relative to the
    file's own directory, so cron and systemd can run from anywhere."""
    path = Path(path)
    now = now or utc_now()
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the job file ({error.strerror or error}); "
                          "pass --config or create config/archiver.toml")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}: not UTF-8 (byte 0x{raw[error.start]:02x}); save the job file as UTF-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        position = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(error))
        line, column = ((position[1], f"column {position[2]}") if position
                        else (max(1, len(text.splitlines())), "the end"))
        raise ConfigError(f"{path}:{line}: not valid TOML at {column}: {reason}")
    base = path.resolve().parent

    def fail(table: str | None, key: str | None, reason: str) -> ConfigError:
        line = _line_of(text, table, key)
        where = ".".join(part for part in (table, key) if part)
        return ConfigError(f"{path}:{line or '?'}: {where or 'top level'}: {reason}")

    for key in data:
        if key not in _TOP_KEYS:
            raise fail(None, key, f"unknown key; known keys: {', '.join(sorted(_TOP_KEYS))}")
    if not isinstance(data.get("db", ""), str):
        raise fail(None, "db", "must be a string (path of the archive)")
    jobs_data = data.get("jobs")
    if not isinstance(jobs_data, dict) or not jobs_data:
        raise fail(None, "jobs", "define at least one job as a [jobs.NAME] table")
    jobs = {}
    for name, settings in jobs_data.items():
        table = f"jobs.{name}"
        if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
            raise fail(table, None, "job names use letters, digits, '-' and '_'")
        if not isinstance(settings, dict):
            raise fail(None, "jobs", f"{name} must be a table ([jobs.{name}])")
        for key, value in settings.items():
            if key not in _JOB_KEYS:
                raise fail(table, key, f"unknown key; known keys: {', '.join(sorted(_JOB_KEYS))}")
            try:
                _check_type(value, _TYPES[key], key)
            except ValueError as error:
                raise fail(table, key, str(error))
            test, allowed = _RANGES.get(key, (None, None))
            if test and not test(value):
                raise fail(table, key, f"must be {allowed}, not {value!r}")
        job = Job(name=name, **settings)
        if not (job.sources or job.url_lists or job.sitemaps) and "archive" in job.steps:
            raise fail(table, None, "the job archives but names no sources, url_lists or sitemaps")
        if job.schedule is not None:
            try:
                _check_schedule(job.schedule, now)
            except ValueError as error:
                raise fail(table, "schedule", f"bad cron expression {job.schedule!r}: {error}")
        for key, allowed in (("steps", STEPS), ("checks", ALL_CHECKS)):
            unknown = [v for v in getattr(job, key) if v not in allowed]
            if unknown:
                raise fail(table, key, f"unknown {key} {', '.join(map(repr, unknown))}; choose from {', '.join(allowed)}")
        for key in ("sources", "url_lists", "sitemaps"):
            resolved = []
            for source in getattr(job, key):
                if is_url(source):
                    resolved.append(source)
                    continue
                local = base / source
                if not local.exists():
                    raise fail(table, key, f"no such file or directory {source!r} (paths are relative to {base})")
                resolved.append(str(local))
            setattr(job, key, resolved)
        for url in job.tsa:
            if not re.fullmatch(r"https?://\S+", url):
                raise fail(table, "tsa", f"{url!r} is not an http(s) URL of a timestamp authority")
        for network in job.allowed_networks:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError:
                raise fail(table, "allowed_networks", f"{network!r} is not a network (e.g. 10.0.0.0/8)")
        jobs[name] = job
    db = base / data.get("db", "../db/archive.db")
    problem = db_path_problem(db)
    if problem:
        raise fail(None, "db", problem)
    return Config(path=path, db=db, jobs=jobs)


# --- one run ----------------------------------------------------------------------------------------

def read_url_list(path: str) -> tuple[list[str], list[Failed]]:
    """The URLs of a list file, one a line (blank lines and # comments skipped);
    every other line is a failure naming the file and line."""
    urls, failures = [], []
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as error:
        return [], [Failed(path, f"cannot read the URL list ({error.strerror or error})")]
    for number, line in enumerate(lines, start=1):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        if re.fullmatch(r"https?://[^\s/$.?#][^\s]*", entry, re.I):
            urls.append(entry)
        else:
            failures.append(Failed(f"{path}:{number}", f"not an http(s) URL: {entry[:80]!r}; fix or remove the line"))
    return urls, failures


@contextmanager
def job_lock(directory: Path, job: str):
    """Hold JOB's lock for the run, or raise JobLocked naming the run that holds it."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{job}.lock"
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(descriptor, 200, 0).decode(errors="replace").strip() or "another process"
        os.close(descriptor)
        raise JobLocked(f"job {job!r} is already running ({holder}); not started")
    try:
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"pid {os.getpid()}, started {iso(utc_now())}".encode(), 0)
        yield
    finally:
        os.ftruncate(descriptor, 0)
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)


def due_posts(db: sqlite_utils.Database, recheck_after_days: list[float], now: datetime) -> list[str]:
    """Posts never checked, or that have passed a re-check age (days since first
    seen) since their last check."""
    return [row[0] for row in db.execute(
        "SELECT id FROM posts WHERE checked_at IS NULL OR EXISTS (SELECT 1 FROM json_each(?) AS age"
        " WHERE strftime('%Y-%m-%dT%H:%M:%SZ', posts.first_seen, '+' || (age.value * 86400) || ' seconds')"
        " BETWEEN posts.checked_at AND ?) ORDER BY rowid",
        [json.dumps(recheck_after_days), iso(now)])]


@dataclass
class JobResult:
    job: str
    archive: RunSummary | None = None
    verify: VerifySummary | None = None
    capture: CaptureSummary | None = None

    @property
    def failed(self) -> bool:
        return self.archive is not None and self.archive.status != "ok"  # failed sources, or interrupted

    def as_dict(self) -> dict:
        return {"job": self.job, "archive": self.archive.as_dict() if self.archive else None,
                "verify": self.verify.as_dict() if self.verify else None,
                "capture": self.capture.as_dict() if self.capture else None}


def open_job_archive(db_path: Path) -> sqlite_utils.Database:
    """Open (creating) the jobs' archive, or raise ConfigError saying why it cannot be there."""
    problem = db_path_problem(db_path)
    try:
        if problem is None:
            db_path.parent.mkdir(parents=True, exist_ok=True)
            return open_db(str(db_path))
    except (OSError, sqlite3.DatabaseError) as error:
        problem = f"cannot open or create the archive ({getattr(error, 'strerror', None) or error})"
    raise ConfigError(f"{db_path}: {problem}; fix db in the job file, or --db")


def run_job(job: Job, db_path: Path, *, stop: threading.Event | None = None,
            progress: Callable[[str, int, int | None], None] | None = None,
            report: Callable[[str, str], None] | None = None, now: Callable[[], datetime] = utc_now) -> JobResult:
    """One run of a job under its lock: archive its sources, then check the posts that are due.

    `progress(stage, done, total)` follows the stages: "articles" read, then "posts" checked."""
    progress = progress or (lambda stage, done, total=None: None)
    db = open_job_archive(db_path)
    result = JobResult(job.name)
    with job_lock(db_path.parent / "locks", job.name), closing(db):
        with writing(db):  # we hold the lock: an older 'running' row of this job died without finishing
            db.execute("UPDATE runs SET status = 'interrupted' WHERE job = ? AND status = 'running'", [job.name])
        if "archive" in job.steps:
            sources, failures = list(job.sources), []
            for url_list in job.url_lists:
                urls, bad = read_url_list(url_list)
                sources += urls
                failures += bad
            sources += job.sitemaps
            run = ArchiveRun(db, warc_dir=db_path.parent / "warc", policy=job.policy(), workers=job.workers,
                             command="run", job=job.name, report=report, now=now, stop=stop,
                             max_articles=job.max_articles, progress=lambda done: progress("articles", done),
                             article_budget=job.article_budget, tsa_urls=job.tsa)
            result.archive = run.run(sources, failed=failures)
        # posts due are chosen once: capturing them records checks, which would make them look checked
        due = due_posts(db, job.recheck_after_days, now()) if not (stop and stop.is_set()) else []
        if "capture" in job.steps and due:
            from .capture.run import capture  # Pillow, imagehash: only for jobs that capture

            result.capture = capture(db, due, warc_dir=db_path.parent / "warc", offline=job.offline,
                                     policy=job.policy(), workers=job.workers, now=now)
        if "verify" in job.steps and not (stop and stop.is_set()):
            if due:
                result.verify = verify(db, due, warc_dir=db_path.parent / "warc", checks=set(job.checks),
                                       offline=job.offline, policy=job.policy(), workers=job.workers, now=now,
                                       save_missing=job.save_missing, tsa_urls=job.tsa,
                                       progress=lambda done, total: progress("posts", done, total))
    return result


# --- the scheduler ----------------------------------------------------------------------------------

def schedule(config: Config, db_path: Path, jobs: list[Job], *, every: float | None = None,
             on_result: Callable[[JobResult], None] | None = None) -> None:
    """Run `jobs` on their cron schedules (or every `every` seconds) until SIGTERM
    or SIGINT; a job never overlaps itself, and a stop lets the current run
    finish its article and record itself as interrupted."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    open_job_archive(db_path).close()  # a bad archive path stops here, and the schema is up to date
    stop = threading.Event()
    scheduler = BlockingScheduler(timezone="UTC")

    def run(job: Job) -> None:
        if stop.is_set():
            return
        try:
            result = run_job(job, db_path, stop=stop)
        except JobLocked as error:
            log.warning("%s", error)
            return
        except Exception:  # one broken run must not stop the scheduler
            log.exception("job %s crashed", job.name)
            return
        if on_result:
            on_result(result)

    for job in jobs:
        trigger = IntervalTrigger(seconds=every) if every else cron_trigger(job.schedule or "0 * * * *")
        scheduler.add_job(run, trigger, args=[job], id=job.name, name=job.name, max_instances=1, coalesce=True,
                          misfire_grace_time=None)

    def shut_down(signum, frame) -> None:
        log.info("received %s: finishing the current article, then stopping", signal.Signals(signum).name)
        stop.set()
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, shut_down)
    signal.signal(signal.SIGINT, shut_down)
    scheduler.start()
