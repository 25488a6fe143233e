"""The `capture` step of a job: between archive and verify, on the same due posts."""

from __future__ import annotations

import json

from test_jobs import archiver, job_file
from test_verify import embed, page, status_id

from archiver.store.schema import open_db

JULY = status_id("2021-07-07")


def test_an_offline_job_archives_captures_and_verifies_the_same_posts(tmp_path):
    (tmp_path / "a.html").write_text(page(embed(JULY, media=None)), encoding="utf-8")
    config = job_file(tmp_path, '[jobs.desk]\nsources = ["a.html"]\nsteps = ["archive", "capture", "verify"]\n'
                                'offline = true\n')
    code, out, err = archiver("run", "--config", str(config), "--json")
    assert code == 0, err
    [summary] = json.loads(out)
    assert summary["capture"]["posts"] == 1 and summary["verify"]["posts"] == 1
    db = open_db(str(tmp_path / "archive.db"))
    steps = dict(db.execute("SELECT check_name, outcome FROM checks WHERE check_name IN"
                            " ('snapshot', 'media', 'embed_screenshot', 'live_screenshot', 'status_id_time')"))
    assert steps == {"snapshot": "skipped", "media": "skipped", "embed_screenshot": "pass",
                     "live_screenshot": "skipped", "status_id_time": "pass"}
    assert [row[0] for row in db.execute("SELECT command FROM runs ORDER BY id")] == ["run", "capture", "verify"]


def test_a_job_without_the_capture_step_captures_nothing(tmp_path):
    (tmp_path / "a.html").write_text(page(embed(JULY, media=None)), encoding="utf-8")
    config = job_file(tmp_path, '[jobs.desk]\nsources = ["a.html"]\noffline = true\n')
    code, _, err = archiver("run", "--config", str(config))
    assert code == 0, err
    db = open_db(str(tmp_path / "archive.db"))
    assert db.execute("SELECT count(*) FROM checks WHERE check_name = 'snapshot'").fetchone() == (0,)
