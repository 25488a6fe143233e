"""Two jobs on one archive at once, as `archiver run` processes or in one
`archiver schedule`: both finish and lose nothing, even on a new archive."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time

from archiver.store.schema import open_db
from test_store_concurrency import write_articles


def job_file(tmp_path, names) -> str:
    jobs = "".join(f'[jobs.{name}]\nsources = ["{name}"]\noffline = true\n' for name in names)
    path = tmp_path / "archiver.toml"
    path.write_text('db = "archive.db"\n' + jobs, encoding="utf-8")
    return str(path)


def archiver(*args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "archiver.cli", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def test_two_jobs_run_at_once_on_a_new_archive_both_finish_and_lose_nothing(tmp_path):
    count = 800
    cited = write_articles(tmp_path / "a", "a", count) | write_articles(tmp_path / "b", "b", count)
    config = job_file(tmp_path, ["a", "b"])
    runs = [archiver("run", name, "--config", config) for name in ("a", "b")]
    outcomes = [(run.wait(timeout=300), run.stderr.read()) for run in runs]
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    db = open_db(str(tmp_path / "archive.db"))
    assert (db["articles"].count, db["posts"].count, db["citations"].count) == (2 * count, len(cited), 4 * count)
    assert db.execute("SELECT job, status, articles_new FROM runs WHERE command = 'run' ORDER BY job").fetchall() == [
        ("a", "ok", count), ("b", "ok", count)]
    assert db.execute("SELECT count(*) FROM posts WHERE checked_at IS NULL").fetchone()[0] == 0


def test_schedule_with_two_jobs_on_a_new_archive_runs_both(tmp_path):
    write_articles(tmp_path / "a", "a", 50)
    write_articles(tmp_path / "b", "b", 50)
    scheduler = archiver("schedule", "--config", job_file(tmp_path, ["a", "b"]), "--every", "1")
    deadline = time.monotonic() + 60
    done = set()
    while done != {"a", "b"} and time.monotonic() < deadline and scheduler.poll() is None:
        time.sleep(0.3)
        try:
            with sqlite3.connect(tmp_path / "archive.db", timeout=5) as probe:
                done = {row[0] for row in probe.execute("SELECT job FROM runs WHERE command = 'run' AND status = 'ok'")}
        except sqlite3.OperationalError:  # the schema is still being created
            pass
    scheduler.send_signal(signal.SIGTERM)
    _, log = scheduler.communicate(timeout=30)
    assert done == {"a", "b"}, log
    assert "crashed" not in log and "Traceback" not in log
