"""Hostile text never runs on the desk's pages, in real Chromium: every string
of a post, account, article, capture, check and verdict is an attack that would
set window.__pwned (tests/desk_hostile.py), and a captured page full of scripts
and beacons is shown in its sandboxed frame without running or calling out."""

from __future__ import annotations

import pytest
import sqlite_utils
from playwright.sync_api import sync_playwright

from archiver.archive import archive
from archiver.serve.reviewers import add_reviewer
from archiver.store.schema import open_db
from desk_hostile import PAGES, RUN, add_hostile_rows
from test_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, start_server


@pytest.fixture
def hostile_site(tmp_path, local_server):
    secrets = tmp_path / "reviewers.json"
    add_reviewer("alice", "correct horse battery", secrets)
    beacon = local_server.url("/beacon")
    (tmp_path / "trap.html").write_text(
        f'<html><head><title>Fictional trap</title><link rel="stylesheet" href="{beacon}.css">'
        f'<script>{RUN}; parent.__pwned=1; top.__pwned=1</script></head><body><article>'
        f'<p>A fictional page that tries everything.</p><img src="{beacon}.png" onerror="top.__pwned=1">'
        f'<form action="{beacon}"><input name=q></form><iframe src="{beacon}.html"></iframe>'
        f'<blockquote class="twitter-tweet"><p>Fictional trap post</p>&mdash; Fx Trap (@FxTrap) '
        f'<a href="https://twitter.com/FxTrap/status/1412743195653046888">July 7, 2021</a></blockquote>'
        f'</article></body></html>', encoding="utf-8")
    db = open_db(str(tmp_path / "archive.db"))
    archive(db, [str(tmp_path / "trap.html")], warc_dir=tmp_path / "warc", report=lambda s, r: None)
    add_hostile_rows(db)
    trap = db.execute("SELECT id FROM captures WHERE url LIKE '%trap.html'").fetchone()[0]
    server, base = start_server(tmp_path / "archive.db", secrets)
    yield base, trap, local_server
    server.terminate()
    server.wait(10)


def test_hostile_text_never_runs_or_becomes_a_link_on_any_desk_page(hostile_site):
    base, trap, beacons = hostile_site
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for logged_in in (False, True):
            if logged_in:
                page.goto(f"{base}/-/login")
                page.fill("input[name=username]", "alice")
                page.fill("input[name=password]", "correct horse battery")
                page.press("input[name=password]", "Enter")
                page.wait_for_load_state()
            for path in (*PAGES, f"/archive/captures/{trap}"):
                page.goto(base + path)
                page.wait_for_load_state("load")
                page.wait_for_timeout(100)  # let an onerror or onload fire, if anything could
                assert page.evaluate("window.__pwned") is None, path
                assert page.locator("a[href^='javascript:' i]").count() == 0, path
                hovered = page.locator("text=/onerror|onload/").first
                if hovered.count():
                    hovered.hover()
                assert page.evaluate("window.__pwned") is None, path
        page.goto(f"{base}/archive/posts/twitter~3A1412743195653046999")
        page.screenshot(path=str(SCREENSHOTS / "hostile-post.png"), full_page=True)
        page.goto(f"{base}/archive/captures/{trap}")
        frame = page.frame_locator("iframe.desk-frame")
        assert frame.locator("p").first.inner_text() == "A fictional page that tries everything."
        page.screenshot(path=str(SCREENSHOTS / "hostile-capture.png"), full_page=True)
        browser.close()
    assert dialogs == []
    assert beacons.paths() == []  # the captured page made no request: scripts, images, styles, frames all off
