"""Bad job files: every bad value exits 2 naming the file, line, key and
reason, before anything runs; nothing crashes with a traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from archiver.cli import cli


def run(tmp_path, body: bytes, *extra) -> tuple[int, str]:
    (tmp_path / "src").mkdir(exist_ok=True)
    (tmp_path / "src" / "story.html").write_text("<p>A fictional story.</p>", encoding="utf-8")
    (tmp_path / "afile").write_text("not a folder", encoding="utf-8")
    (tmp_path / "folder.db").mkdir(exist_ok=True)
    path = tmp_path / "archiver.toml"
    path.write_bytes(body)
    result = CliRunner().invoke(cli, ["run", "--config", str(path), *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr.replace(str(tmp_path) + "/", "")


JOB = b'db = "archive.db"\n[jobs.a]\nsources = ["src"]\n'


@pytest.mark.parametrize("line, message", [
    (b"timeout = -5", "archiver.toml:4: jobs.a.timeout: must be more than 0 and at most 3600 (seconds), not -5"),
    (b"timeout = 0", "archiver.toml:4: jobs.a.timeout: must be more than 0 and at most 3600 (seconds), not 0"),
    (b"retries = -1", "archiver.toml:4: jobs.a.retries: must be from 0 to 10, not -1"),
    (b"max_bytes = 0", "archiver.toml:4: jobs.a.max_bytes: must be at least 1 (bytes), not 0"),
    (b"per_host_delay = -3", "archiver.toml:4: jobs.a.per_host_delay: must be from 0 to 3600 (seconds), not -3"),
    (b"workers = 0", "archiver.toml:4: jobs.a.workers: must be from 1 to 64, not 0"),
    (b"per_host_concurrency = 1000", "archiver.toml:4: jobs.a.per_host_concurrency: must be from 1 to 64, not 1000"),
    (b"max_articles = 0", "archiver.toml:4: jobs.a.max_articles: must be at least 1, not 0"),
    (b'schedule = "0 0 31 2 *"', "archiver.toml:4: jobs.a.schedule: bad cron expression '0 0 31 2 *': it never "
                                 "fires in the next 5 years (a date such as February 31st?)"),
    (b'description = "caf\xe9"', "archiver.toml:4: not UTF-8 (byte 0xe9); save the job file as UTF-8"),
    (b'sources = ["src"]', "archiver.toml:4: not valid TOML at column 18: Cannot overwrite a value"),
    (b"timeout = ", "archiver.toml:4: not valid TOML at column 11: Invalid value"),
])
def test_a_bad_value_in_a_job_exits_2_with_file_line_key_and_reason(tmp_path, line, message):
    code, err = run(tmp_path, JOB + line + b"\n")
    assert (code, err) == (2, f"archiver: {message}\n")
    assert not (tmp_path / "archive.db").exists()


def test_invalid_toml_at_the_end_names_the_last_line(tmp_path):
    assert run(tmp_path, JOB + b'checks = ["liveness",\n') == (2, "archiver: archiver.toml:4: not valid TOML at "
                                                                  "the end: Invalid value\n")


@pytest.mark.parametrize("db, reason", [
    ("folder.db", "'folder.db' is a folder; name the archive's file, e.g. 'folder.db/archive.db'"),
    ("afile/archive.db", "cannot create 'afile/archive.db': 'afile' is a file, not a folder"),
    ("archiver.toml", "'archiver.toml' is not a SQLite archive; point db at an archive or at a new file name"),
])
def test_a_db_that_cannot_be_an_archive_exits_2(tmp_path, db, reason):
    code, err = run(tmp_path, JOB.replace(b"archive.db", db.encode()))
    assert (code, err) == (2, f"archiver: archiver.toml:1: db: {reason}\n")


def test_a_db_given_with_the_option_is_checked_too(tmp_path):
    code, err = run(tmp_path, JOB, "--db", str(tmp_path / "afile" / "archive.db"))
    assert (code, err) == (2, "archiver: afile/archive.db: cannot create 'afile/archive.db': 'afile' is a file,"
                              " not a folder; fix db in the job file, or --db\n")


def test_a_missing_folder_for_the_archive_is_created(tmp_path):
    code, err = run(tmp_path, JOB.replace(b"archive.db", b"new/folder/archive.db") + b'steps = ["archive"]\n')
    assert code == 0, err
    assert (tmp_path / "new" / "folder" / "archive.db").is_file()
