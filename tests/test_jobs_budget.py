"""The per-article time budget: an article that takes longer to read becomes
one recorded error naming the source and the budget, and the run moves on."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from click.testing import CliRunner

from archiver.extract.budget import ArticleReader
from archiver.cli import cli

STORY = ('<html><head><link rel="canonical" href="https://fx.example/{n}"></head><body><article><p>Story {n}.</p>'
         '<blockquote class="twitter-tweet"><p>Fictional post {n}</p>&mdash; Fx Desk (@FxDesk) '
         '<a href="https://twitter.com/FxDesk/status/14127431956530462{n:02}">July 7, 2021</a></blockquote>'
         '</article></body></html>')


def slow_page(embeds: int = 50_000) -> str:
    """50,000 embeds, 11 MB: well over 2 s of extraction however fast the extractor, under the size cap."""
    quotes = "".join(f'<blockquote class="twitter-tweet"><p>Fictional post {i}</p>&mdash; Fx (@FxMany) '
                     f'<a href="https://twitter.com/FxMany/status/{1412743195653046279 + i}">July 7, 2021</a>'
                     '</blockquote>' for i in range(embeds))
    return f"<html><body><article><p>A page of many fictional embeds.</p>{quotes}</article></body></html>"


def articles(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "1.html").write_text(STORY.format(n=1), encoding="utf-8")
    (folder / "2-slow.html").write_text(slow_page(), encoding="utf-8")
    (folder / "3.html").write_text(STORY.format(n=3), encoding="utf-8")
    return folder


def test_an_article_over_its_budget_is_a_recorded_error_and_the_job_moves_on(tmp_path):
    folder = articles(tmp_path)
    config = tmp_path / "archiver.toml"
    config.write_text('db = "archive.db"\n[jobs.news]\nsources = ["articles"]\nsteps = ["archive"]\n'
                      'article_budget = 2\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "archiver.cli", "run", "--config", str(config)],
                          capture_output=True, text=True, timeout=120)
    slow = str(folder / "2-slow.html")
    assert done.returncode == 1
    assert (f"archiver: news: {slow}: reading it took longer than the budget of 2 s, so it was stopped; "
            "raise it with --article-budget (article_budget in the job file) if the page is a real article") \
        in done.stderr
    db = sqlite3.connect(tmp_path / "archive.db")
    assert db.execute("SELECT url FROM articles ORDER BY url").fetchall() == [
        ("https://fx.example/1",), ("https://fx.example/3",)]
    assert db.execute("SELECT source, reason LIKE '%budget of 2 s%' FROM run_errors").fetchall() == [(slow, 1)]
    assert db.execute("SELECT status, articles_new, errors FROM runs").fetchall() == [("failed", 2, 1)]


def test_archive_takes_the_budget_as_an_option(tmp_path):
    folder = articles(tmp_path)
    result = CliRunner().invoke(cli, ["archive", "--db", str(tmp_path / "archive.db"), "--article-budget", "2",
                                      "--json", str(folder)])
    assert result.exit_code == 1, result.output
    assert '"articles_new": 2' in result.stdout and "budget of 2 s" in result.stderr


def test_the_reader_gives_the_same_record_in_its_worker_and_in_this_process():
    page = STORY.format(n=5).encode()
    worker = ArticleReader(30)
    try:
        assert worker.read(page, None, None, None) == ArticleReader(0).read(page, None, None, None)
    finally:
        worker.close()
