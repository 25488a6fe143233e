"""TikTok: the public oEmbed endpoint (caption, author, thumbnail). The video
itself needs yt-dlp (setting `yt_dlp`)."""

from __future__ import annotations

from urllib.parse import quote

from . import Malformed, Snapshot, ask_json, thumbnail_and_video

NAME = "tiktok"
OEMBED = "https://www.tiktok.com/oembed?url="


def embed_url(post: dict) -> str | None:
    return f"https://www.tiktok.com/embed/v2/{post['post_id']}" if post.get("post_id") else None


def parse_oembed(body, endpoint: str, video_url: str) -> Snapshot:
    if not isinstance(body, dict) or "title" not in body or not (body.get("author_unique_id")
                                                                 or body.get("author_name")):
        raise Malformed(f"{endpoint}: the oEmbed answer has no caption nor author")
    return Snapshot("live", endpoint, handle=body.get("author_unique_id"), author_name=body.get("author_name"),
                    text=body.get("title"), media=thumbnail_and_video(body, video_url))


def plan(post: dict, settings):
    video = post["url"] or f"https://www.tiktok.com/@/video/{post['post_id']}"
    endpoint = OEMBED + quote(video, safe="")
    return (yield from ask_json(endpoint, lambda body: parse_oembed(body, endpoint, video)))
