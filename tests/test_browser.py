"""What a reviewer sees: a real `archiver serve` and headless Chromium (Debian's
`chromium`, driven by Playwright; .ci/run installs both)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from archiver.archive import archive
from archiver.reviewers import add_reviewer
from archiver.schema import open_db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-output" / "browser"
SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "articles"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    """`archiver serve` on an archive of the bundled samples, with one reviewer."""
    secrets = tmp_path / "reviewers.json"
    add_reviewer("alice", "correct horse battery", secrets)
    db = open_db(str(tmp_path / "archive.db"))
    archive(db, [str(SAMPLES)], warc_dir=tmp_path / "warc", report=lambda s, r: None)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "archiver.cli", "serve", "--db", str(tmp_path / "archive.db"), "--port", str(port)],
        env=dict(os.environ, ARCHIVER_REVIEWERS=str(secrets)), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            assert server.poll() is None, server.stderr.read().decode()
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}", db
    server.terminate()
    server.wait(10)


def test_a_reviewer_logs_in_tags_a_post_false_and_sees_badge_and_history(served):
    base, db = served
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{base}/-/login")
        page.fill("input[name=username]", "alice")
        page.fill("input[name=password]", "correct horse battery")
        page.click("input[type=submit]")
        page.goto(f"{base}/archive/review_queue")
        expect(page.locator("h1")).to_contain_text("Review queue")
        first = page.locator("table.rows-and-columns tbody tr").first
        post_id = first.locator("td").first.inner_text().strip()
        page.goto(f"{base}/archive/posts/{post_id.replace(':', '~3A').replace('/', '~2F')}")
        page.select_option("select[name=status]", "false")
        page.fill("textarea[name=note]", "Footage is from an older flood")
        page.click("#verdict input[type=submit]")
        expect(page.locator(".message-info")).to_contain_text("Verdict recorded")
        page.goto(f"{base}/archive/posts/{post_id.replace(':', '~3A').replace('/', '~2F')}")
        history = page.locator("#history")
        expect(history).to_contain_text("Footage is from an older flood")
        expect(history).to_contain_text("alice")
        expect(history.locator(".badge-false")).to_have_count(1)
        expect(page.locator("td.col-status .badge-false")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "tagged-post.png"), full_page=True)
        page.goto(f"{base}/archive/posts")  # the status facet counts the new verdict and filters by it
        facet = page.locator("#facet-status")
        expect(facet.locator(".facet-info-name")).to_have_text(re.compile(r"^\s*status\s+\d+\s*$"))
        expect(facet).to_contain_text("false 1")
        facet.get_by_role("link", name="false", exact=True).click()
        expect(page.locator("h3").first).to_contain_text(re.compile(r'1 row\s+where status = "false"'))
        page.screenshot(path=str(SCREENSHOTS / "posts-by-status.png"), full_page=True)
        browser.close()
    assert db.execute("SELECT status, status_by FROM posts WHERE id = ?", [post_id]).fetchone() == ("false", "alice")
