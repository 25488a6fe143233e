"""Is the post still online? Twitter/X posts are asked of the public oEmbed
endpoint; every platform's snapshot (archiver capture) answers the same
check names, so the post's history reads the same ("live on ..., gone since ...")."""

from __future__ import annotations

import json
from urllib.parse import quote

from ...capture.snapshots import Snapshot
from ...extract import extract_posts
from ...fetch import FetchError
from ..client import HttpClient, not_done
from ..result import Result

OEMBED = "https://publish.twitter.com/oembed?omit_script=true&dnt=true&url="


def liveness(post: dict, client: HttpClient) -> tuple[Result | None, str | None]:
    """Ask Twitter's public oEmbed endpoint whether the post is online.
    Returns the result and, when live, the post text it shows now."""
    if post["platform"] != "twitter":
        return None, None
    name, method = "liveness", "publish.twitter.com oEmbed"
    if not post["post_id"]:
        return Result(name, "skipped", "no status id known yet", method=method), None
    url = OEMBED + quote(post["url"], safe="")
    try:
        response = client.get(url)
    except FetchError as error:
        result = not_done(name, error, url)
        result.method, result.detail["state"] = method, "error"
        return result, None
    kept = [("oembed", response)]
    detail = {"state": "error", "http_status": response.status, "oembed_url": url}
    if response.status == 200:
        try:
            data = json.loads(response.body)
            shown = data["html"]
        except (ValueError, KeyError, TypeError):
            return Result(name, "error", "oEmbed answered 200 with malformed JSON", detail, url, method, kept), None
        live_posts = [p for p in extract_posts(shown) if p.platform == "twitter"]
        detail.update(state="live", author_name=data.get("author_name"), author_url=data.get("author_url"))
        return (Result(name, "pass", "live", detail, url, method, kept),
                live_posts[0].text if live_posts else None)
    if response.status in (404, 403, 410):
        why = {404: "deleted, or never existed", 403: "protected or suspended account", 410: "gone"}
        detail["state"] = "unavailable"
        return Result(name, "warn", f"unavailable (HTTP {response.status}: {why[response.status]})", detail, url,
                      method, kept), None
    return Result(name, "error", f"oEmbed answered HTTP {response.status}; try again later", detail, url, method,
                  kept), None


def snapshot_liveness(snapshot: Snapshot, method: str) -> Result:
    detail = {"state": snapshot.state, "endpoint": snapshot.endpoint, "handle": snapshot.handle,
              "author_name": snapshot.author_name}
    if snapshot.state == "live":
        return Result("liveness", "pass", "live", detail, snapshot.endpoint, method)
    detail["reason"] = snapshot.reason
    return Result("liveness", "warn", f"unavailable ({snapshot.reason})", detail, snapshot.endpoint, method)
