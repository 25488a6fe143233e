"""YouTube: the public oEmbed endpoint (title, channel, thumbnail). The video
itself needs yt-dlp (setting `yt_dlp`)."""

from __future__ import annotations

from urllib.parse import quote

from . import Malformed, Snapshot, ask_json, thumbnail_and_video

NAME = "youtube"
OEMBED = "https://www.youtube.com/oembed?format=json&url="


def embed_url(post: dict) -> str | None:
    return f"https://www.youtube-nocookie.com/embed/{post['post_id']}" if post.get("post_id") else None


def parse_oembed(body, endpoint: str, watch_url: str) -> Snapshot:
    if not isinstance(body, dict) or not (body.get("title") or body.get("author_name")):
        raise Malformed(f"{endpoint}: the oEmbed answer has no title nor author")
    handle = (body.get("author_url") or "").rstrip("/").rsplit("/", 1)[-1].lstrip("@") or None
    return Snapshot("live", endpoint, handle=handle, author_name=body.get("author_name"), text=body.get("title"),
                    media=thumbnail_and_video(body, watch_url))


def plan(post: dict, settings):
    watch = f"https://www.youtube.com/watch?v={post['post_id']}"
    endpoint = OEMBED + quote(watch, safe="")
    return (yield from ask_json(endpoint, lambda body: parse_oembed(body, endpoint, watch)))
