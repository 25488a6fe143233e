"""Two writers on one archive: both finish, nothing is lost, readers keep reading."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from archiver.store.schema import open_db

POOL = 400  # posts shared by both writers' articles: they upsert the same rows


def status_id(n: int) -> int:
    return 1412743195653046279 + (n % POOL) * 4194304


def write_articles(folder: Path, prefix: str, count: int) -> set[int]:
    """Small fictional articles of two embeds each; returns the status ids they cite."""
    folder.mkdir()
    cited = set()
    for i in range(count):
        embeds = []
        for j in (2 * i, 2 * i + 1):
            status = status_id(j + (7 if prefix == "b" else 0))
            cited.add(status)
            embeds.append(f'<blockquote class="twitter-tweet"><p>Fictional post {status}</p>&mdash; Fx Desk '
                          f'(@FxDesk{status % 13}) <a href="https://twitter.com/FxDesk{status % 13}/status/{status}">'
                          f'July 7, 2021</a></blockquote>')
        (folder / f"{i:04}.html").write_text(
            f'<html><head><title>Fictional {prefix}{i}</title><link rel="canonical" href="https://fx.example/'
            f'{prefix}{i}"></head><body><article><p>Story {prefix}{i}.</p>{"".join(embeds)}</article></body></html>',
            encoding="utf-8")
    return cited


def archive_command(db_path: Path, folder: Path) -> list[str]:
    return [sys.executable, "-m", "archiver.cli", "archive", "--db", str(db_path), str(folder)]


class Reader(threading.Thread):
    """Reads the archive the way Datasette does, until told to stop; keeps every error."""

    def __init__(self, db_path: Path):
        super().__init__(daemon=True)
        self.db_path, self.stop, self.reads, self.errors = db_path, threading.Event(), 0, []

    def run(self):
        conn = sqlite3.connect(self.db_path, timeout=5)
        while not self.stop.is_set():
            try:
                conn.execute("SELECT count(*), sum(citation_count) FROM posts").fetchone()
                conn.execute("SELECT * FROM articles ORDER BY id DESC LIMIT 20").fetchall()
                self.reads += 1
            except sqlite3.Error as error:
                self.errors.append(str(error))


def test_two_archive_runs_on_one_archive_both_finish_and_lose_nothing(tmp_path):
    count = 1200
    cited = write_articles(tmp_path / "a", "a", count) | write_articles(tmp_path / "b", "b", count)
    db_path = tmp_path / "archive.db"
    open_db(str(db_path)).close()
    reader = Reader(db_path)
    reader.start()
    writers = [subprocess.Popen(archive_command(db_path, tmp_path / name), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True) for name in ("a", "b")]
    outcomes = [(writer.wait(timeout=300), writer.stderr.read()) for writer in writers]
    reader.stop.set()
    reader.join()
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    db = open_db(str(db_path))
    assert {name: db[name].count for name in ("articles", "captures", "posts", "citations", "accounts")} == {
        "articles": 2 * count, "captures": 2 * count, "posts": len(cited), "citations": 4 * count, "accounts": 13}
    assert db.execute("SELECT sum(citation_count) FROM posts").fetchone()[0] == 4 * count
    assert db.execute("SELECT status, articles_new FROM runs ORDER BY id").fetchall() == [("ok", count)] * 2
    assert reader.errors == [] and reader.reads > 0
