"""The custody log: one append-only row for every capture, check run,
verdict, timestamp, export and verification, saying what was done, when
(UTC), by whom (a reviewer's login, or the job or command and the host) and
with which version of the tool. Verdict rows are written by triggers on the
verdict logs (archiver/store/schema.py), so every way of recording a verdict,
the web UI included, leaves one."""

from __future__ import annotations

import getpass
import json
import socket
from datetime import datetime

import sqlite_utils

from .. import __version__
from ..store import iso


def host() -> str:
    return socket.gethostname()


def operator() -> str:
    """Who runs a command by hand: the system user and the host."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown user"
    return f"{user} on {host()}"


# The actor of a run, from its `runs` row: its job, else the command that started it.
_RUN_ACTOR = "(CASE WHEN runs.job IS NOT NULL THEN 'job ' || runs.job ELSE 'archiver ' || runs.command END) || ' on ' || ?"


def log(db: sqlite_utils.Database, action: str, subject: str, *, actor: str, now: datetime,
        post_id: str | None = None, capture_id: int | None = None, run_id: int | None = None,
        detail: dict | None = None) -> None:
    log_all(db, [dict(action=action, subject=subject, actor=actor, now=now, post_id=post_id, capture_id=capture_id,
                      run_id=run_id, detail=detail)])


def log_all(db: sqlite_utils.Database, entries: list[dict]) -> None:
    """Several rows at once; each entry has `log`'s arguments."""
    db.conn.executemany(
        "INSERT INTO custody (at, action, subject, post_id, capture_id, run_id, actor, tool_version, detail)"
        " VALUES (?,?,?,?,?,?,?,?,?)",
        [[iso(entry["now"]), entry["action"], entry["subject"], entry.get("post_id"), entry.get("capture_id"),
          entry.get("run_id"), entry["actor"], __version__,
          json.dumps(entry.get("detail") or {}, ensure_ascii=False, sort_keys=True)] for entry in entries])


def log_captures(db: sqlite_utils.Database, run_id: int, warc_name: str) -> int:
    """A row for each capture a run wrote to its WARC file `warc_name` (each
    run writes a file of its own), at the capture's time. Returns how many."""
    return db.conn.execute(
        "INSERT INTO custody (at, action, subject, post_id, capture_id, run_id, actor, tool_version, detail)"
        f" SELECT captures.fetched_at, 'capture', 'capture ' || captures.id, captures.post_id, captures.id, runs.id,"
        f" {_RUN_ACTOR}, ?, json_object('url', captures.url, 'kind', captures.kind, 'sha256', captures.sha256,"
        " 'warc', captures.warc_path, 'article_id', captures.article_id)"
        " FROM captures JOIN runs ON runs.id = ? WHERE captures.warc_path = ?"
        " AND NOT EXISTS (SELECT 1 FROM custody WHERE custody.capture_id = captures.id AND action = 'capture')"
        " ORDER BY captures.id",
        [host(), __version__, run_id, warc_name]).rowcount


def log_orphan_captures(db: sqlite_utils.Database, run_id: int) -> int:
    """A row for each capture with none yet: written by a run that died before
    sealing, or before this log existed. Who made it is not known."""
    return db.conn.execute(
        "INSERT INTO custody (at, action, subject, post_id, capture_id, run_id, actor, tool_version, detail)"
        " SELECT captures.fetched_at, 'capture', 'capture ' || captures.id, captures.post_id, captures.id, NULL,"
        " 'unknown: the run that made it ended before sealing it; logged by run ' || ?, ?,"
        " json_object('url', captures.url, 'kind', captures.kind, 'sha256', captures.sha256,"
        " 'warc', captures.warc_path, 'article_id', captures.article_id)"
        " FROM captures WHERE NOT EXISTS"
        " (SELECT 1 FROM custody WHERE custody.capture_id = captures.id AND action = 'capture') ORDER BY captures.id",
        [run_id, __version__]).rowcount


def log_checks(db: sqlite_utils.Database, check_ids: list[int], run_id: int) -> None:
    """A row for each check result, by the run that made it; one statement for
    a batch, a fraction of the cost of a row at a time (bench/verify.py)."""
    if check_ids:
        db.conn.execute(
            "INSERT INTO custody (at, action, subject, post_id, capture_id, run_id, actor, tool_version, detail)"
            " SELECT checks.checked_at, 'check', 'check ' || checks.id, checks.post_id, checks.capture_id, runs.id,"
            f" {_RUN_ACTOR}, ?, json_object('check', checks.check_name, 'outcome', checks.outcome)"
            " FROM checks JOIN runs ON runs.id = ? WHERE checks.id IN (SELECT value FROM json_each(?))"
            " ORDER BY checks.id",
            [host(), __version__, run_id, json.dumps(check_ids)])


def run_actor(db: sqlite_utils.Database, run_id: int) -> str:
    return db.conn.execute(f"SELECT {_RUN_ACTOR} FROM runs WHERE id = ?", [host(), run_id]).fetchone()[0]


POST_CUSTODY = """
SELECT * FROM custody WHERE id IN (
  SELECT id FROM custody WHERE post_id IN (SELECT :post UNION SELECT alias FROM post_aliases WHERE post_id = :post)
  UNION SELECT id FROM custody WHERE capture_id IN (
    SELECT id FROM captures WHERE post_id = :post
    UNION SELECT id FROM captures WHERE article_id IN (SELECT article_id FROM citations WHERE post_id = :post))
  UNION SELECT custody.id FROM custody, json_each(custody.detail, '$.posts') AS exported
    WHERE custody.action = 'export' AND exported.value = :post)
ORDER BY id
"""


def post_custody(db: sqlite_utils.Database, post_id: str) -> list[dict]:
    """Every custody row about a post: its own captures, checks and verdicts,
    the captures of the articles citing it, and the exports that hold it."""
    cursor = db.conn.execute(POST_CUSTODY, {"post": post_id})
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor]
