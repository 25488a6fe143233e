"""Mastodon: the instance's public `GET /api/v1/statuses/ID`."""

from __future__ import annotations

import lxml.html

from ...extract.platforms._html import text_lines
from . import Malformed, MediaItem, Snapshot, ask_json

NAME = "mastodon"


def embed_url(post: dict) -> str | None:
    return f"{post['url'].rstrip('/')}/embed" if post.get("url") else None


def html_text(content: str) -> str:
    """A status's HTML content as the text a reader sees (paragraphs and breaks as new lines)."""
    if not content.strip():
        return ""
    return text_lines(lxml.html.fragment_fromstring(content, create_parent="div"))


def parse_status(body, endpoint: str) -> Snapshot:
    if not isinstance(body, dict) or not isinstance(body.get("account"), dict) or "content" not in body:
        raise Malformed(f"{endpoint}: the answer is not a status")
    account = body["account"]
    media = []
    for attachment in body.get("media_attachments") or []:
        size = ((attachment.get("meta") or {}).get("original") or {})
        kind = {"image": "photo", "video": "video", "gifv": "video"}.get(attachment.get("type"))
        if kind and attachment.get("url"):
            media.append(MediaItem(kind, attachment["url"], size.get("width"), size.get("height"),
                                   "video/mp4" if kind == "video" else None))
    counts = {key: body[key] for key in ("replies_count", "reblogs_count", "favourites_count")
              if isinstance(body.get(key), int)}
    return Snapshot("live", endpoint, handle=account.get("acct"), author_name=account.get("display_name"),
                    text=html_text(body["content"] or ""), created_at=body.get("created_at"), media=media,
                    counts=counts)


def plan(post: dict, settings):
    host, status = post["post_id"].split("/", 1)
    endpoint = f"https://{host}/api/v1/statuses/{status}"
    return (yield from ask_json(endpoint, lambda body: parse_status(body, endpoint)))
