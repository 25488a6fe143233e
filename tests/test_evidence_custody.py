"""The custody log: append-only (UPDATE, DELETE and REPLACE refused), one row
for each capture, check, verdict and timestamp, by whom and with which
version; verdicts recorded in the web UI carry the reviewer from the login."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import sqlite3

import pytest
from click.testing import CliRunner
from datasette.app import Datasette
from evidence_tsa import authority, tsa  # noqa: F401 (fixtures)
from test_evidence_seal import LOOPBACK, write_articles

from archiver import __version__
from archiver.archive import archive
from archiver.cli import cli
from archiver.evidence.custody import post_custody
from archiver.jobs import load_config, run_job
from archiver.serve.reviewers import add_reviewer
from archiver.store.schema import open_db
from archiver.serve import CONFIG, make_datasette
from archiver.verify import verify
from serve_client import Client

HOST = socket.gethostname()
POST = "twitter:1412743195653046279"


@pytest.fixture
def archived(tmp_path):
    db = open_db(str(tmp_path / "archive.db"))
    summary = archive(db, [str(write_articles(tmp_path / "articles", 2))], warc_dir=tmp_path / "warc",
                      report=lambda s, r: None)
    return db, summary


def custody_rows(db, action=None):
    sql = "SELECT action, subject, post_id, capture_id, run_id, actor, tool_version, detail FROM custody"
    rows = db.execute(sql + (" WHERE action = ?" if action else "") + " ORDER BY id", [action] if action else [])
    return [(*row[:7], json.loads(row[7])) for row in rows]


@pytest.mark.parametrize("statement", [
    "UPDATE custody SET actor = 'someone else'",
    "DELETE FROM custody",
    "INSERT OR REPLACE INTO custody (id, at, action, subject, actor, tool_version)"
    " VALUES (1, '2020-01-01T00:00:00Z', 'capture', 'capture 1', 'forger', '0')",
    "REPLACE INTO custody (id, at, action, subject, actor, tool_version)"
    " VALUES (1, '2020-01-01T00:00:00Z', 'capture', 'capture 1', 'forger', '0')",
    "INSERT INTO custody (id, at, action, subject, actor, tool_version)"
    " VALUES (1, '2020-01-01T00:00:00Z', 'capture', 'capture 1', 'forger', '0')"
    " ON CONFLICT (id) DO UPDATE SET actor = 'forger'",
], ids=["update", "delete", "insert or replace", "replace", "upsert"])
def test_the_custody_log_refuses_every_rewrite(archived, statement):
    db, _ = archived
    before = custody_rows(db)
    with pytest.raises(sqlite3.IntegrityError, match="custody is append-only: add a new entry instead"):
        db.execute(statement)
    assert custody_rows(db) == before


def test_each_capture_of_a_run_has_its_custody_row(archived):
    db, summary = archived
    rows = custody_rows(db)
    assert [row[:7] for row in rows] == [
        ("capture", "capture 1", None, 1, summary.run_id, f"archiver archive on {HOST}", __version__),
        ("capture", "capture 2", None, 2, summary.run_id, f"archiver archive on {HOST}", __version__)]
    assert rows[0][7]["kind"] == "article" and len(rows[0][7]["sha256"]) == 64
    at = db.execute("SELECT custody.at, captures.fetched_at FROM custody JOIN captures ON captures.id = capture_id"
                    " LIMIT 1").fetchone()
    assert at[0] == at[1]


def test_a_jobs_captures_and_checks_name_the_job_and_host(tmp_path):
    write_articles(tmp_path / "articles", 1)
    (tmp_path / "jobs.toml").write_text('db = "archive.db"\n[jobs.desk]\nsources = ["articles"]\noffline = true\n')
    config = load_config(tmp_path / "jobs.toml")
    run_job(config.jobs["desk"], config.db)
    db = open_db(str(config.db))
    assert {row[0]: row[5] for row in custody_rows(db)} == {
        "capture": f"job desk on {HOST}", "check": f"archiver verify on {HOST}"}


def test_each_check_result_has_its_custody_row(archived, tmp_path):
    db, _ = archived
    summary = verify(db, warc_dir=tmp_path / "warc", offline=True, checks={"status_id_time", "liveness"})
    rows = custody_rows(db, "check")
    checks = db.execute("SELECT id, post_id, check_name, outcome FROM checks ORDER BY id").fetchall()
    assert [(row[1], row[2], row[4], row[7]) for row in rows] == [
        (f"check {id_}", post, summary.run_id, {"check": name, "outcome": outcome}) for id_, post, name, outcome in checks]
    assert len(rows) == 4


def test_a_verdict_from_the_command_line_is_logged_with_the_reviewer(archived, tmp_path):
    db, _ = archived
    result = CliRunner().invoke(cli, ["tag", POST, "verified", "--reviewer", "bea", "--db", str(tmp_path / "archive.db")])
    assert result.exit_code == 0
    assert custody_rows(db, "verdict") == [
        ("verdict", "verification 1", POST, None, None, "reviewer bea", __version__, {"status": "verified"})]


def test_every_verdict_recorded_in_the_web_ui_adds_one_row_with_the_reviewer_from_the_login(
        archived, tmp_path, monkeypatch):
    db, _ = archived
    monkeypatch.setenv("ARCHIVER_REVIEWERS", str(tmp_path / "reviewers.json"))
    add_reviewer("alice", "correct horse battery")
    site = Client(make_datasette(tmp_path / "archive.db"))
    for status in ("in_progress", "false"):
        response = site.post("/archive/tag_post", {"post_id": POST, "status": status, "note": "", "reviewer": "mallory",
                                                   "_actor_id": "mallory"}, actor="alice")
        assert response.status_code == 302
    response = site.post("/archive/tag_account", {"account_id": "twitter:fxdesk", "credibility": "credible",
                                                  "note": ""}, actor="alice")
    assert response.status_code == 302
    assert custody_rows(db, "verdict") == [
        ("verdict", "verification 1", POST, None, None, "reviewer alice", __version__, {"status": "in_progress"}),
        ("verdict", "verification 2", POST, None, None, "reviewer alice", __version__, {"status": "false"}),
        ("verdict", "account_verdict 1", None, None, None, "reviewer alice", __version__,
         {"account": "twitter:fxdesk", "credibility": "credible"})]


def test_a_post_custody_has_its_captures_checks_verdicts_and_its_articles_captures(archived, tmp_path):
    db, _ = archived
    verify(db, warc_dir=tmp_path / "warc", offline=True, checks={"status_id_time"})
    db.execute("INSERT INTO verifications (post_id, status, reviewer, created_at) VALUES (?, 'verified', 'bea',"
               " '2026-01-01T00:00:00Z')", [POST])
    assert [(row["action"], row["subject"]) for row in post_custody(db, POST)] == [
        ("capture", "capture 1"), ("check", "check 1"), ("verdict", "verification 1")]


def test_timestamps_are_in_the_custody_log(tmp_path, tsa):
    db = open_db(str(tmp_path / "archive.db"))
    archive(db, [str(write_articles(tmp_path / "articles", 1))], warc_dir=tmp_path / "warc", policy=LOOPBACK,
            report=lambda s, r: None, tsa_urls=[tsa.url])
    [row] = custody_rows(db, "timestamp")
    assert row[:6] == ("timestamp", "tree 1", None, None, 1, f"archiver archive on {HOST}")
    assert row[7]["tsa"] == tsa.url and len(row[7]["root"]) == 64


def test_the_post_page_custody_section_lists_the_post_custody_escaped(archived, tmp_path):
    """config/templates/_post_custody.html, included by a post page as the post page's own template will."""
    db, _ = archived
    db.execute("INSERT INTO verifications (post_id, status, reviewer, created_at) VALUES (?, 'false',"
               " '<script>alert(1)</script>', '2026-01-01T00:00:00Z')", [POST])
    db.conn.commit()
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "_post_custody.html").write_text((CONFIG / "templates" / "_post_custody.html").read_text())
    (templates / "row.html").write_text('{% extends "default:row.html" %}{% block content %}{{ super() }}'
                                        '{% include "_post_custody.html" %}{% endblock %}')
    datasette = Datasette([str(tmp_path / "archive.db")], template_dir=str(templates))
    page = asyncio.run(datasette.client.get(f"/archive/posts/{POST.replace(':', '~3A')}")).text
    section = page[page.index('<section class="archiver-section" id="custody">'):]
    section = section[:section.index("</section>")]
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td>\s*<td>(.*?)</td><td>(.*?)</td></tr>",
                      section, re.S)
    capture_at = db.execute("SELECT fetched_at FROM captures WHERE id = 1").fetchone()[0]
    assert [row[1:4] for row in rows] == [
        ("capture: capture 1", f"archiver archive on {HOST}", __version__),
        ("verdict: verification 1", "reviewer &lt;script&gt;alert(1)&lt;/script&gt;", __version__)]
    assert rows[0][0] == capture_at and rows[1][4] == "status: false"
    assert f"archiver evidence verify {POST}" in section and "<script>alert" not in page
