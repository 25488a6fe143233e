"""Scheduled jobs: the job file, `archiver run` (incremental feeds, exit
status, locks), and `archiver schedule`."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.jobs import cron_trigger, due_posts
from archiver.store.schema import open_db
from conftest import Route

ARTICLE = ('<html><head><title>Fictional {n}</title></head><body><article><p>A fictional outlet, story {n}.</p>'
           '<blockquote class="twitter-tweet"><p>Fictional post {n}</p>&mdash; Fx Desk (@FxDesk) '
           '<a href="https://twitter.com/FxDesk/status/14127431956530462{n:02}">July 7, 2021</a></blockquote>'
           '</article></body></html>')
REPO = Path(__file__).resolve().parents[1]


def feed(server, *numbers) -> bytes:
    items = "".join(f'<item><title>Story {n}</title><link>{server.url(f"/a{n}")}</link><guid>story-{n}</guid></item>'
                    for n in numbers)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Fx</title>{items}</channel></rss>'.encode()


def job_file(tmp_path, body: str) -> Path:
    path = tmp_path / "archiver.toml"
    path.write_text('db = "archive.db"\n' + body, encoding="utf-8")
    return path


def archiver(*args) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_run_reads_a_feed_incrementally_and_records_both_runs(tmp_path, local_server):
    for n in (1, 2, 3):
        local_server.routes[f"/a{n}"] = Route(ARTICLE.format(n=n).encode())
    local_server.routes["/feed.xml"] = Route(feed(local_server, 1, 2), headers={"Content-Type": "application/rss+xml"})
    config = job_file(tmp_path, f'[jobs.news]\nsources = ["{local_server.url("/feed.xml")}"]\n'
                                'steps = ["archive"]\nallowed_networks = ["127.0.0.1/32"]\nper_host_delay = 0\n')
    code, _, err = archiver("run", "--config", str(config))
    assert code == 0, err
    local_server.routes["/feed.xml"] = Route(feed(local_server, 3, 1, 2), headers={"Content-Type": "application/rss+xml"})
    code, _, err = archiver("run", "news", "--config", str(config))
    assert code == 0, err
    articles = [path for path in local_server.paths() if path.startswith("/a")]
    assert articles.count("/a1") == 1 and articles.count("/a2") == 1 and articles.count("/a3") == 1
    assert articles[-1] == "/a3"  # the second run fetched only the new entry
    db = open_db(str(tmp_path / "archive.db"))
    runs = [(r["job"], r["status"], r["articles_read"], r["articles_new"], r["errors"])
            for r in db.query("SELECT * FROM runs WHERE command = 'run' ORDER BY id")]
    assert runs == [("news", "ok", 2, 2, 0), ("news", "ok", 1, 1, 0)]


def test_bad_sources_are_named_and_every_good_one_is_archived(tmp_path, local_server):
    local_server.routes["/a1"] = Route(ARTICLE.format(n=1).encode())
    (tmp_path / "saved.html").write_text(ARTICLE.format(n=2), encoding="utf-8")
    (tmp_path / "urls.txt").write_text(f"# reading list\n{local_server.url('/a1')}\n\nnot a url at all\n"
                                       "ftp://example.org/file\n", encoding="utf-8")
    config = job_file(tmp_path, '[jobs.mixed]\nsources = ["saved.html", "http://127.0.0.1:9/feed.xml"]\n'
                                'url_lists = ["urls.txt"]\nsteps = ["archive"]\nallowed_networks = ["127.0.0.1/32"]\n'
                                'retries = 0\ntimeout = 2\n')
    code, _, err = archiver("run", "--config", str(config))
    assert code == 1
    assert "http://127.0.0.1:9/feed.xml: cannot connect" in err
    assert "urls.txt:4: not an http(s) URL: 'not a url at all'" in err
    assert "urls.txt:5: not an http(s) URL: 'ftp://example.org/file'" in err
    db = open_db(str(tmp_path / "archive.db"))
    assert db["articles"].count == 2
    assert db.execute("SELECT count(*) FROM run_errors").fetchone()[0] == 3


@pytest.mark.parametrize("body, where, reason", [
    ('[jobs.a]\nsources = ["."]\nschedul = "0 * * * *"\n', ":4: jobs.a.schedul", "unknown key"),
    ('[jobs.a]\nsources = ["."]\nschedule = "61 * * * *"\n', ":4: jobs.a.schedule", "bad cron expression '61 * * * *'"),
    ('[jobs.a]\nsources = ["."]\nschedule = "every hour"\n', ":4: jobs.a.schedule", "bad cron expression"),
    ('[jobs.a]\n\nsources = ["missing-folder"]\n', ":4: jobs.a.sources", "no such file or directory 'missing-folder'"),
    ('[jobs.a]\nsources = ["."]\nworkers = "many"\n', ":4: jobs.a.workers", "must be a whole number"),
    ('[jobs.a]\nsources = ["."]\nsteps = ["archive", "dance"]\n', ":4: jobs.a.steps", "unknown steps 'dance'"),
    ('colour = "blue"\n[jobs.a]\nsources = ["."]\n', ":2: colour", "unknown key"),
    ('[jobs.a\nsources = ["."]\n', "", "not valid TOML"),
])
def test_bad_configuration_is_refused_before_anything_runs(tmp_path, body, where, reason):
    """Line numbers count the `db = ...` line job_file() writes first."""
    config = job_file(tmp_path, body)
    code, _, err = archiver("run", "--config", str(config))
    assert code == 2
    assert str(config) + where in err and reason in err
    assert not (tmp_path / "archive.db").exists()


def test_the_shipped_example_is_valid_and_runs_offline_on_the_samples(tmp_path):
    code, out, err = archiver("run", "--config", str(REPO / "config" / "archiver.toml"),
                              "--db", str(tmp_path / "archive.db"), "--json")
    assert code == 0, err
    [report] = __import__("json").loads(out)
    assert report["job"] == "samples" and report["archive"]["articles_new"] == 4
    assert report["verify"]["posts"] == 8 and report["verify"]["outcomes"]["error"] == 0


def spawn(*args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "archiver.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_overlapping_runs_one_archives_the_other_exits_and_a_killed_run_leaves_no_stale_lock(tmp_path, local_server):
    for n in range(1, 21):
        local_server.routes[f"/a{n}"] = Route(ARTICLE.format(n=n).encode(), delay=0.3)
    (tmp_path / "urls.txt").write_text("\n".join(local_server.url(f"/a{n}") for n in range(1, 21)), encoding="utf-8")
    config = job_file(tmp_path, '[jobs.slow]\nurl_lists = ["urls.txt"]\nsteps = ["archive"]\nworkers = 1\n'
                                'per_host_delay = 0\nallowed_networks = ["127.0.0.1/32"]\n')
    first = spawn("run", "slow", "--config", str(config))
    deadline = time.monotonic() + 20
    while "/a1" not in local_server.paths() and time.monotonic() < deadline:
        time.sleep(0.05)
    started = time.monotonic()
    second = spawn("run", "slow", "--config", str(config))
    _, err = second.communicate(timeout=20)
    assert second.returncode == 1 and time.monotonic() - started < 10
    assert "job 'slow' is already running (pid " in err
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    for route in local_server.routes.values():
        route.delay = 0
    third = spawn("run", "slow", "--config", str(config))
    _, err = third.communicate(timeout=60)
    assert third.returncode == 0, err
    db = sqlite3.connect(tmp_path / "archive.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*), count(DISTINCT url) FROM articles").fetchone() == (20, 20)
    assert [row[0] for row in db.execute("SELECT status FROM runs ORDER BY id")] == ["interrupted", "ok"]


def test_schedule_runs_the_job_repeatedly_and_stops_cleanly_on_sigterm(tmp_path):
    (tmp_path / "saved.html").write_text(ARTICLE.format(n=1), encoding="utf-8")
    config = job_file(tmp_path, '[jobs.tick]\nsources = ["saved.html"]\nschedule = "* * * * *"\noffline = true\n')
    scheduler = spawn("schedule", "--config", str(config), "--every", "1")
    deadline = time.monotonic() + 30
    runs = 0
    while runs < 2 and time.monotonic() < deadline:
        time.sleep(0.3)
        if (tmp_path / "archive.db").exists():
            try:
                runs = sqlite3.connect(tmp_path / "archive.db").execute(
                    "SELECT count(*) FROM runs WHERE command = 'run' AND status = 'ok'").fetchone()[0]
            except sqlite3.OperationalError:  # the first run is still creating the schema
                pass
    assert runs >= 2
    scheduler.send_signal(signal.SIGTERM)
    _, err = scheduler.communicate(timeout=20)
    assert scheduler.returncode == 0, err
    assert "scheduler stopped" in err and "job tick" in err


def test_cron_weekday_numbers_mean_what_cron_means():
    sunday_midnight = cron_trigger("0 0 * * 0").get_next_fire_time(None, datetime(2026, 11, 18, tzinfo=timezone.utc))
    assert sunday_midnight.strftime("%A %H:%M") == "Sunday 00:00"
    assert cron_trigger("0 0 * * 7").get_next_fire_time(None, datetime(2026, 11, 18, tzinfo=timezone.utc)) == sunday_midnight


def test_posts_are_due_for_checks_when_new_and_at_each_recheck_age(tmp_path):
    db = open_db(str(tmp_path / "archive.db"))
    for key, checked in (("a", None), ("b", "2026-01-01T12:00:00Z"), ("c", "2026-01-09T00:00:00Z")):
        db.execute("INSERT INTO posts (id, platform, first_seen, last_seen, checked_at) VALUES (?,?,?,?,?)",
                   [key, "twitter", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", checked])
    now = datetime(2026, 1, 9, 12, tzinfo=timezone.utc)
    # a: never checked; b: checked before its 1- and 7-day ages passed; c: checked after the 7-day age
    assert due_posts(db, [1, 7, 30], now) == ["a", "b"]
