"""Runs killed without finishing do not stay `running` forever: the next run
marks them `interrupted`, and leaves the runs that are alive alone."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time

from conftest import Route

STORY = ('<html><body><article><p>Story {n}.</p><blockquote class="twitter-tweet"><p>Fictional post {n}</p>'
         '&mdash; Fx Desk (@FxDesk) <a href="https://twitter.com/FxDesk/status/14127431956530462{n:02}">'
         'July 7, 2021</a></blockquote></article></body></html>')


def archive(db_path, *sources) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "archiver.cli", "archive", "--db", str(db_path),
                             "--allow-network", "127.0.0.1/32", "--per-host-delay", "0", *map(str, sources)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def statuses(db_path) -> list[str]:
    with sqlite3.connect(db_path, timeout=30) as db:
        return [row[0] for row in db.execute("SELECT status FROM runs ORDER BY id")]


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_killed_run_is_marked_interrupted_by_the_next_and_a_live_one_is_left_running(tmp_path, local_server):
    local_server.routes["/slow"] = Route(STORY.format(n=1).encode(), delay=4)
    (tmp_path / "saved.html").write_text(STORY.format(n=2), encoding="utf-8")
    db_path = tmp_path / "archive.db"
    killed = archive(db_path, local_server.url("/slow"))
    wait_for(lambda: "/slow" in local_server.paths())
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    alive = archive(db_path, local_server.url("/slow"))
    wait_for(lambda: local_server.paths().count("/slow") == 2)
    assert statuses(db_path) == ["interrupted", "running"]  # marked by the second run as it started
    assert archive(db_path, tmp_path / "saved.html").wait(timeout=60) == 0
    assert statuses(db_path) == ["interrupted", "running", "ok"]
    assert alive.wait(timeout=60) == 0
    assert statuses(db_path) == ["interrupted", "ok", "ok"]
    assert list((tmp_path / "locks").glob("*.run-*.lock")) == []


def test_a_killed_capture_is_marked_interrupted_by_the_next_run(tmp_path):
    """Regression: capture wrote its runs row without host, pid or lock, so a killed capture stayed `running`."""
    db_path = tmp_path / "archive.db"
    script = ("import sys, time; from archiver.store.schema import open_db; from archiver.capture.run import Capturer;"
              "Capturer(open_db(sys.argv[1]), warc_dir=sys.argv[2], offline=True); print('started', flush=True);"
              "time.sleep(60)")
    capture = subprocess.Popen([sys.executable, "-c", script, str(db_path), str(tmp_path / "warc")],
                               stdout=subprocess.PIPE, text=True)
    assert capture.stdout.readline() == "started\n"
    assert statuses(db_path) == ["running"]
    capture.send_signal(signal.SIGKILL)
    capture.wait()
    (tmp_path / "saved.html").write_text(STORY.format(n=3), encoding="utf-8")
    assert archive(db_path, tmp_path / "saved.html").wait(timeout=60) == 0
    assert statuses(db_path) == ["interrupted", "ok"]
