"""The long commands as a person runs them: in a terminal (a pseudo-terminal), not a pipe.

Regression: `make demo` and `archiver run` crashed with "bool() undefined when
iterable == total == None" whenever stderr was a terminal (issue 12).
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARCHIVER = Path(sys.executable).parent / "archiver"
SAMPLES = ROOT / "samples" / "articles"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def in_terminal(command: list[str], cwd: Path = ROOT, timeout: float = 120) -> tuple[int, str]:
    """Run COMMAND with stdin, stdout and stderr on a new pseudo-terminal; its exit status and screen output."""
    main, child = pty.openpty()
    # A new pseudo-terminal is 0x0; a person's is not (and tqdm draws nothing 0 columns wide).
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    process = subprocess.Popen(command, stdin=child, stdout=child, stderr=child, cwd=cwd, close_fds=True,
                               env={**os.environ, "TERM": "xterm"})
    os.close(child)
    output, deadline = b"", time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: every copy of the terminal's other end is closed
                break
            if not chunk:
                break
            output += chunk
        elif process.poll() is not None:
            break
    else:
        process.kill()
        pytest.fail(f"{command} did not finish in {timeout} s:\n{output.decode(errors='replace')}")
    os.close(main)
    return process.wait(timeout=10), output.decode("utf-8", errors="replace")


def screen_text(output: str) -> str:
    """What is left readable once colours and carriage-return redraws are dropped."""
    return ANSI.sub("", output).replace("\r\n", "\n")


def demo_job(tmp_path: Path) -> Path:
    """The shipped job file, pointed at the bundled samples, writing into TMP_PATH."""
    config = tmp_path / "archiver.toml"
    config.write_text(f'db = "{tmp_path / "archive.db"}"\n[jobs.samples]\nsources = ["{SAMPLES}"]\n'
                      'steps = ["archive", "verify"]\noffline = true\n', encoding="utf-8")
    return config


def archived_counts(db: Path) -> dict:
    done = subprocess.run([str(ARCHIVER), "stats", "--json", "--db", str(db)], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout)["tables"]


def test_archiver_run_in_a_terminal_shows_progress_and_a_summary_that_counts_posts_and_checks(tmp_path):
    status, output = in_terminal([str(ARCHIVER), "run", "--config", str(demo_job(tmp_path))])
    text = screen_text(output)
    assert status == 0, text
    assert "Traceback" not in text
    assert "samples: articles" in text  # the progress bar, drawn on the terminal
    assert re.search(r"job samples; run \d+ ok: 4 articles read \(4 new, 0 changed, 0 unchanged\), 8 new posts, "
                     r"0 failed sources; 8 posts, 43 checks: 7 pass, 1 warn, 1 fail, 34 skipped", text), text
    assert archived_counts(tmp_path / "archive.db")["posts"] == 8


def test_archiver_archive_and_verify_in_a_terminal_show_progress_bars(tmp_path):
    db = tmp_path / "archive.db"
    status, output = in_terminal([str(ARCHIVER), "archive", "--db", str(db), str(SAMPLES)])
    text = screen_text(output)
    assert status == 0, text
    assert "archive: articles" in text
    assert "4 articles read (4 new" in text
    status, output = in_terminal([str(ARCHIVER), "verify", "--offline", "--db", str(db)])
    text = screen_text(output)
    assert status == 0, text
    assert "verify: posts" in text
    assert "8 posts, 43 checks: 7 pass, 1 warn, 1 fail, 34 skipped" in text
    counts = archived_counts(db)
    assert (counts["articles"], counts["posts"]) == (4, 8)


def test_a_failing_source_is_named_in_the_terminal_without_breaking_the_bar(tmp_path):
    db = tmp_path / "archive.db"
    status, output = in_terminal([str(ARCHIVER), "archive", "--db", str(db), str(SAMPLES),
                                  str(tmp_path / "missing.html")])
    text = screen_text(output)
    assert status == 1, text
    assert "missing.html" in text and "Traceback" not in text
    assert archived_counts(db)["articles"] == 4


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_demo_in_a_terminal_archives_the_samples(tmp_path):
    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        pytest.skip("make demo uses the project's .venv; these tests run from another environment")
    db = tmp_path / "demo.db"
    status, output = in_terminal(["make", "demo", f"DB={db}"])
    text = screen_text(output)
    assert status == 0, text
    assert "8 posts, 43 checks: 7 pass, 1 warn, 1 fail, 34 skipped" in text
    assert "archiver serve" in text
    assert archived_counts(db)["posts"] == 8
