"""A WACZ export replays in ReplayWeb.page: its player (the npm package,
fetched by `make replay-assets`) served from 127.0.0.1 with its service
worker, in real headless Chromium, shows the archived article's text."""

from __future__ import annotations

import functools
import os
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from evidence_tsa import authority, tsa  # noqa: F401 (fixtures)
from playwright.sync_api import sync_playwright
from test_evidence_wacz import POST, demo  # noqa: F401 (fixture)

from archiver.cli import cli

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = ROOT / "test-output" / "browser"
PLAYER = """<!doctype html>
<html><head><meta charset="utf-8"><title>Replay</title><script src="ui.js"></script></head>
<body><replay-web-page source="export.wacz" url="{url}" replayBase="./" embed="replayonly"
 style="display:block;width:100%;height:700px"></replay-web-page></body></html>
"""


def replay_assets() -> Path:
    found = sorted(ROOT.glob("build/replaywebpage-*/sw.js"))
    if not found:
        message = "ReplayWeb.page is not fetched: run `make replay-assets` (needs npm)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found[-1].parent


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def player(demo, tmp_path):
    """ReplayWeb.page and the demo post's export, served from 127.0.0.1."""
    assets = replay_assets()
    db, archive_dir = demo
    site = tmp_path / "site"
    site.mkdir()
    result = CliRunner().invoke(cli, ["export", POST, "--wacz", str(site / "export.wacz"),
                                      "--db", str(archive_dir / "archive.db")])
    assert result.exit_code == 0, result.output
    for name in ("ui.js", "sw.js"):
        (site / name).write_bytes((assets / name).read_bytes())
    article = db.execute("SELECT url FROM captures WHERE kind = 'article' AND url LIKE '%river-crossing.html'"
                         ).fetchone()[0]
    (site / "index.html").write_text(PLAYER.format(url=article), encoding="utf-8")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/index.html"
    httpd.shutdown()
    httpd.server_close()


def body_text(frame) -> str:
    """A frame's text; frames come and go while the player starts."""
    try:
        return frame.inner_text("body", timeout=1000)
    except Exception:  # Playwright's Error or TimeoutError: not there yet
        return ""


def test_replaywebpage_replays_the_exported_article(player):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(player)
            shown = ""
            deadline = time.monotonic() + 60
            while "Floodwater cuts the river crossing at Eastmere" not in shown and time.monotonic() < deadline:
                time.sleep(0.5)
                shown = "\n".join(map(body_text, page.frames))
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "wacz-replay.png"))
        finally:
            browser.close()
    assert "Floodwater cuts the river crossing at Eastmere" in shown
    assert "The only road bridge into Eastmere" in shown
