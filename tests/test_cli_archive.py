"""`archiver archive`, `tag` and `stats` as an operator runs them, and the README that documents them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
from click.testing import CliRunner

from archiver.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "articles"


def invoke(*args, env=None):
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_archive_the_samples_then_tag_by_url_and_read_the_stats(tmp_path):
    db = str(tmp_path / "a.db")
    code, out, err = invoke("archive", "--db", db, "--json", str(SAMPLES))
    summary = json.loads(out)
    assert code == 0, err
    assert (summary["articles_new"], summary["posts_new"], summary["errors"]) == (4, 8, [])
    code, _, err = invoke("tag", "https://x.com/EastmereVolsFx/status/1711350796907446279", "false",
                          "--reviewer", "alice", "--note", "photo is from 2019", "--db", db)
    assert code == 0, err
    code, out, _ = invoke("stats", "--db", db, "--json")
    figures = json.loads(out)
    assert figures["tables"]["posts"] == 8 and figures["posts_by_status"]["false"] == 1


def test_archiver_db_environment_variable_names_the_archive(tmp_path):
    db = tmp_path / "env.db"
    code, _, _ = invoke("archive", str(SAMPLES / "border-report.txt"), env={"ARCHIVER_DB": str(db)})
    assert code == 0 and db.exists()


def test_tag_refuses_an_unknown_post_and_an_unknown_status(tmp_path):
    db = str(tmp_path / "a.db")
    invoke("archive", "--db", db, str(SAMPLES))
    code, _, err = invoke("tag", "twitter:999", "verified", "--reviewer", "alice", "--db", db)
    assert code == 1 and "no post 'twitter:999' in the archive" in err
    code, _, err = invoke("tag", "twitter:1711350796907446279", "fake", "--reviewer", "alice", "--db", db)
    assert code == 2 and "'fake' is not one of" in err


def test_archive_exits_1_and_names_a_missing_source(tmp_path):
    code, _, err = invoke("archive", "--db", str(tmp_path / "a.db"), str(tmp_path / "nope.html"),
                          str(SAMPLES / "border-report.txt"))
    assert code == 1
    assert f"archiver: {tmp_path / 'nope.html'}: no such file" in err
    assert "1 failed sources" in err


def test_every_cli_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#+ `archiver ([a-z-]+)", readme, re.M))
    assert documented == set(cli.list_commands(click.Context(cli)))


def test_a_db_that_cannot_be_an_archive_is_a_usage_error_naming_why(tmp_path):
    """Regression: a --db that is not SQLite, or under a file, ended in a traceback."""
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("reviewer notes, not an archive\n")
    (tmp_path / "plain").write_text("a file, not a folder\n")
    article = tmp_path / "a.txt"
    article.write_text("A fictional paragraph.\n")
    cases = [(["archive", str(article), "--db", str(not_sqlite)], "is not a SQLite archive"),
             (["stats", "--db", str(not_sqlite)], "is not a SQLite archive"),
             (["archive", str(article), "--db", str(tmp_path / "plain" / "a.db")], "is a file, not a folder")]
    for args, reason in cases:
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, (args, result.output)
        assert "Invalid value for '--db'" in result.output and reason in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not_sqlite.read_text() == "reviewer notes, not an archive\n"


def test_every_command_runs_as_python_dash_m_archiver_cli():
    """Regression: `if __name__ == "__main__"` sat before the capture command, so `python -m archiver.cli
    capture` ran the group before capture was defined and answered 'No such command'."""
    import subprocess
    import sys

    for name in cli.list_commands(click.Context(cli)):
        done = subprocess.run([sys.executable, "-m", "archiver.cli", name, "--help"], capture_output=True, text=True)
        assert done.returncode == 0, (name, done.stderr)
