"""Instagram and Facebook share Meta's Graph API oEmbed, which needs an app
token ("APP_ID|CLIENT_TOKEN"); without one the snapshot is skipped."""

from __future__ import annotations

from urllib.parse import quote

from . import Malformed, Skip, Snapshot, expect_ok, read_json

GRAPH = "https://graph.facebook.com/v21.0/"


def plan(post: dict, token: str | None, endpoint_name: str, setting: str):
    if not token:
        raise Skip(f"Meta's oEmbed needs an app token: set {setting} (APP_ID|CLIENT_TOKEN) to enable it")
    endpoint = f"{GRAPH}{endpoint_name}?omitscript=true&url={quote(post['url'], safe='')}"
    answer = yield f"{endpoint}&access_token={quote(token, safe='')}"
    if answer.status in (400, 404):  # Graph answers 400 for posts that are gone or private
        return Snapshot("unavailable", endpoint, f"HTTP {answer.status}: deleted, private, or not embeddable")
    expect_ok(answer)
    body = read_json(answer)
    if not isinstance(body, dict) or "html" not in body:
        raise Malformed(f"{endpoint}: the oEmbed answer has no html")
    return Snapshot("live", endpoint, author_name=body.get("author_name"), text=body.get("title"))
