"""The Content-Security-Policy in a real browser: Datasette's own pages keep
working under it (no violation on any page a reviewer uses), and no other site
can frame the archive (issue 14, item 11). A real `archiver serve`, headless
Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect, sync_playwright

from conftest import Route
from test_browser import CHROMIUM, CHROMIUM_ARGS, served  # noqa: F401  (served: the archive and its server)

RECORD_VIOLATIONS = ("window.violations = [];"
                     "document.addEventListener('securitypolicyviolation',"
                     " e => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));")


@pytest.fixture
def chromium(served):  # noqa: F811
    """(the server's base URL, a headless Chromium, the id of an archived post)."""
    base, db = served
    post = db.execute("SELECT id FROM posts ORDER BY id LIMIT 1").fetchone()[0]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield base, browser, post
        browser.close()


def test_datasette_pages_run_under_the_policy_without_a_violation(chromium):
    base, browser, post = chromium
    page = browser.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{base}/-/login")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "correct horse battery")
    page.click("input[type=submit]")
    seen = {}
    for path in ("/", "/archive", "/archive/posts", f"/archive/posts/{post.replace(':', '~3A')}",
                 "/archive/review_queue", "/archive?sql=select+count(*)+from+posts", "/-/logout"):
        page.goto(base + path)
        page.wait_for_load_state("load")
        seen[path] = page.evaluate("window.violations")
    assert page.locator(".CodeMirror").count() == 0  # /-/logout is the last page
    page.goto(f"{base}/archive?sql=select+1")
    assert page.locator(".CodeMirror").count() == 1  # the SQL editor's scripts ran
    page.goto(f"{base}/archive/posts")
    expect(page.locator("th.col-handle .dropdown-menu-icon")).to_have_count(1)  # table.js's column menus
    seen["posts again"] = page.evaluate("window.violations")
    assert seen == {path: [] for path in seen}
    assert [text for text in console if "Content Security Policy" in text] == []


def test_another_site_cannot_frame_the_archive(chromium, local_server):
    base, browser, _ = chromium
    local_server.routes["/frame.html"] = Route(f'<iframe src="{base}/archive/posts"></iframe>'.encode())
    page = browser.new_page()
    with page.expect_console_message(lambda message: "frame-ancestors 'none'" in message.text):
        page.goto(local_server.url("/frame.html"))
    [framed] = [frame for frame in page.frames if frame != page.main_frame]
    assert "Posts" not in framed.content()
