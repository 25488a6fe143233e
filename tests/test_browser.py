"""What a reviewer sees: a real `archiver serve` on the demo archive and headless
Chromium (Debian's `chromium`, driven by Playwright; .ci/run installs both)."""

from __future__ import annotations

import hashlib
import io
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils
from playwright.sync_api import expect, sync_playwright
from warcio.archiveiterator import ArchiveIterator

from archiver.jobs import load_config, run_job
from archiver.serve.reviewers import add_reviewer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "test-output" / "browser"
MISDATED = "twitter:1711652786795446272"  # samples/articles/harbour-ferry.html: printed 2019, id from 2023


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(db_path: Path, secrets: Path):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "archiver.cli", "serve", "--db", str(db_path), "--port", str(port)],
        env=dict(os.environ, ARCHIVER_REVIEWERS=str(secrets)), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server, f"http://127.0.0.1:{port}"
        except OSError:
            assert server.poll() is None, server.stderr.read().decode()
            time.sleep(0.1)
    raise AssertionError("archiver serve did not start")


@pytest.fixture
def served(tmp_path):
    """`archiver serve` on the demo archive (the shipped job over samples/articles/), with one reviewer."""
    secrets = tmp_path / "reviewers.json"
    add_reviewer("alice", "correct horse battery", secrets)
    db_path = tmp_path / "archive.db"
    config = load_config(ROOT / "config" / "archiver.toml")
    for job in config.jobs.values():
        run_job(job, db_path, report=lambda source, reason: None)
    server, base = start_server(db_path, secrets)
    yield base, sqlite_utils.Database(db_path)
    server.terminate()
    server.wait(10)


@pytest.fixture
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def fits(page, width: int) -> None:
    """No horizontal scroll: the page is no wider than the screen."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.mark.parametrize("width", [1280, 390])
def test_a_reviewer_walks_from_the_queue_to_the_evidence_and_records_a_verdict(served, chromium, width, tmp_path):
    base, db = served
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = lambda page, name: page.screenshot(path=str(SCREENSHOTS / f"{width}-{name}.png"), full_page=True)
    page = chromium.new_page(viewport={"width": width, "height": 900}, accept_downloads=True)

    page.goto(base)
    shot(page, "1-home")
    fits(page, width)
    page.locator(".desk-start a", has_text="Review queue").click()
    expect(page.locator("h1")).to_have_text("Review queue")
    fits(page, width)
    shot(page, "2-queue")
    first = page.locator(".desk-card").first  # the failing post is ranked first
    expect(first).to_have_attribute("data-post-id", MISDATED)
    expect(first.locator(".desk-flags")).to_contain_text("status_id_time")
    first.locator("a.desk-open").click()

    post_url = page.url
    assert post_url == f"{base}/archive/posts/{MISDATED.replace(':', '~3A')}"
    card = page.locator(".desk-card")
    expect(card.locator(".desk-text")).to_contain_text("Eastmere harbour under water this morning")
    expect(card.locator(".desk-handle")).to_have_text("@FxHarbourWatch")
    expect(card.locator(".desk-date")).to_contain_text("March 2, 2019")
    expect(card.locator(".desk-flags")).to_contain_text("status_id_time")
    expect(page.locator("#check-status_id_time")).to_contain_text("Time encoded in the id")
    fits(page, width)
    shot(page, "3-post")

    page.locator("#evidence a", has_text="Capture").first.click()
    expect(page.locator("h1")).to_contain_text("Capture")
    capture_id = int(page.url.rsplit("/", 1)[1])
    stored = db["captures"].get(capture_id)["sha256"]
    expect(page.locator(".desk-hash").first).to_have_text(stored)
    expect(page.locator("iframe.desk-frame")).to_have_attribute("sandbox", "")
    fits(page, width)
    shot(page, "4-capture")
    with page.expect_download() as download:
        page.locator("a.desk-download").click()
    assert download.value.suggested_filename == f"capture-{capture_id}.warc.gz"
    record = next(iter(ArchiveIterator(io.BytesIO(Path(download.value.path()).read_bytes()))))
    assert hashlib.sha256(record.raw_stream.read()).hexdigest() == stored

    page.goto(post_url)
    page.locator("#verdict a", has_text="Log in").click()
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "correct horse battery")
    page.click("input[type=submit]")
    assert page.url == post_url  # back where the reviewer was
    status = page.locator("select[name=status]")
    expect(status).to_have_value("unverified")  # the current status, preselected
    status.select_option("false")
    page.fill("textarea[name=note]", "Footage is from an older flood")
    page.locator("#verdict input[type=submit]").click()
    assert page.url == post_url
    expect(page.locator(".message-info")).to_contain_text("Verdict recorded")
    expect(page.locator(".desk-card .desk-status .badge-false")).to_be_visible()
    history = page.locator("#history")
    expect(history).to_contain_text("Footage is from an older flood")
    expect(history).to_contain_text("alice")
    expect(page.locator("select[name=status]")).to_have_value("false")
    fits(page, width)
    shot(page, "5-recorded")

    for pasted, landing in (("https://x.com/FxHarbourWatch/status/1711652786795446272/photo/1?s=20", post_url),
                            ("1711652786795446272", post_url),
                            ("@FxHarbourWatch", f"{base}/archive/accounts/twitter~3Afxharbourwatch")):
        page.fill(".desk-search input[name=q]", pasted)
        page.press(".desk-search input[name=q]", "Enter")
        page.wait_for_load_state()
        assert page.url == landing, pasted
    expect(page.locator("#posts .desk-card")).to_have_count(1)
    expect(page.locator("#post-verdicts")).to_contain_text("Footage is from an older flood")
    fits(page, width)
    shot(page, "6-account")

    page.goto(f"{base}/archive/posts")  # the status facet counts the new verdict and filters by it
    facet = page.locator("#facet-status")
    expect(facet).to_contain_text("false 1")
    facet.get_by_role("link", name="false", exact=True).click()
    expect(page.locator("h3").first).to_contain_text(re.compile(r'1 row\s+where status = "false"'))
    fits(page, width)
    shot(page, "7-posts-by-status")
    assert db.execute("SELECT status, status_by FROM posts WHERE id = ?", [MISDATED]).fetchone() == ("false", "alice")
