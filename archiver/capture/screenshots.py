"""Screenshots in headless Chromium (Playwright driving Debian's `chromium`;
Playwright never downloads a browser of its own):

- `embed`: the embed as the article showed it, rendered from the captured
  article bytes with scripts off and every request aborted, so that even a
  deleted post keeps a picture of what readers saw;
- `live`: the post's public embed page, where every request the page makes
  goes through the archive's HTTP client (fetch guard, proxies, limits) and
  nothing else reaches the network.

Each returns PNG bytes, or a string saying why there is no picture.
"""

from __future__ import annotations

import os

from ..extract.document import decode
from ..fetch import FetchError

CHROMIUM = os.environ.get("ARCHIVER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 800, "height": 1000}
TIMEOUT_MS = 15_000


def embed_xpaths(post: dict) -> tuple[str, str] | None:
    """XPaths of the element that shows the post (an embed quoting its link, a
    placeholder or widget naming its id, else the nearest block linking to
    it) and of an iframe of the platform showing it; None when the post has
    nothing to look for (no id, URL or media code)."""
    needle = (post["post_id"] or "").rsplit("/", 1)[-1] or (post["url"] or "").rstrip("/").rsplit("/", 1)[-1]
    if not needle and ":media:" in post["id"]:  # an id-less post: its media link's code
        needle = post["id"].rsplit(":", 1)[-1]
    needle = needle.replace('"', "")
    if not needle:
        return None
    has = f'contains(@href, "{needle}")'
    shown = (f'(//blockquote[.//a[{has}]] | //amp-twitter[contains(@data-tweetid, "{needle}")]'
             f' | //*[contains(@data-tweet-id, "{needle}")] | //script[contains(@data-telegram-post, "{needle}")]'
             f' | //*[self::p or self::figure or self::li][.//a[{has}]])[1]')
    return shown, f'//iframe[contains(@src, "{needle}")]'


class Screenshots:
    """One browser for a run, started on first use. `client` (an HttpClient)
    fetches for live pages; None means offline: no live screenshots."""

    def __init__(self, client=None):
        self.client = client
        self._playwright = self._browser = None
        self._failed: str | None = None
        self._rendered = None  # (key, context, page) of the last article rendered offline

    def _start(self) -> str | None:
        if self._browser or self._failed:
            return self._failed
        if not os.access(CHROMIUM, os.X_OK):
            self._failed = f"no browser at {CHROMIUM}: install Debian's chromium (apt-get install chromium)"
            return self._failed
        try:
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as error:  # a browser that will not start must not stop the run
            self._failed = f"cannot start {CHROMIUM}: {str(error).splitlines()[0][:200]}"
            self.close()
        return self._failed

    def embed(self, html: bytes, post: dict, key=None) -> bytes | str:
        """The post's embed in the article `html`. Consecutive calls with the
        same `key` (the article's capture) reuse the rendered page."""
        failed = self._start()
        if failed:
            return failed
        try:
            document = decode(html)
            if not document.is_html:
                return "the article's capture is plain text: there is no embed to render"
            paths = embed_xpaths(post)
            if paths is None:
                return "the post has neither id nor URL to find it by in the article"
            page = self._article(document.text, key)
            element = page.locator(f"xpath={paths[0]}")
            if element.count() == 0:
                if page.locator(f"xpath={paths[1]}").count():
                    return "the article shows the post in an iframe of its platform, which shows nothing offline"
                return "the article's capture shows no embed or link of this post"
            box = element.first.bounding_box()
            if not box or box["width"] < 1 or box["height"] < 1:
                return "the embed has nothing to show without scripts (an empty placeholder)"
            return element.first.screenshot(timeout=TIMEOUT_MS, animations="disabled")
        except Exception as error:
            self._forget_article()
            return f"rendering failed: {str(error).splitlines()[0][:200]}"

    def _article(self, html: str, key):
        if self._rendered is None or key is None or self._rendered[0] != key:
            self._forget_article()
            context = self._browser.new_context(java_script_enabled=False, viewport=VIEWPORT, offline=True)
            page = context.new_page()
            page.route("**/*", lambda route: route.abort())
            page.set_content(html, wait_until="domcontentloaded", timeout=TIMEOUT_MS)
            self._rendered = (key, context, page)
        return self._rendered[2]

    def _forget_article(self) -> None:
        if self._rendered:
            self._rendered[1].close()
            self._rendered = None

    def live(self, url: str) -> bytes | str:
        failed = self._start()
        if failed:
            return failed
        context = self._browser.new_context(viewport=VIEWPORT, service_workers="block")
        try:
            page = context.new_page()
            page.route("**/*", self._through_client)
            response = page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
            if response is None or response.status != 200:
                return f"the embed page answered HTTP {response.status if response else 'nothing'}"
            return page.screenshot(timeout=TIMEOUT_MS, animations="disabled")
        except Exception as error:
            return f"rendering failed: {str(error).splitlines()[0][:200]}"
        finally:
            context.close()

    def _through_client(self, route) -> None:
        request = route.request
        if request.method != "GET" or not request.url.startswith(("http://", "https://")):
            route.abort()
            return
        try:
            answer = self.client.get(request.url)
        except FetchError:
            route.abort()
            return
        headers = {k: v for k, v in answer.headers.items()
                   if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")}
        route.fulfill(status=answer.status, headers=headers, body=answer.body)

    def close(self) -> None:
        self._forget_article()
        if self._browser:
            self._browser.close()
        if self._playwright:
            self._playwright.stop()
        self._browser = self._playwright = None
