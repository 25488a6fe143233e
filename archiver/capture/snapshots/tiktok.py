"""TikTok: the public oEmbed endpoint (caption, author, thumbnail). The video
itself needs yt-dlp (setting `yt_dlp`)."""

from __future__ import annotations

from urllib.parse import quote

from . import Malformed, MediaItem, Snapshot, expect_ok, read_json, unavailable

NAME = "tiktok"
OEMBED = "https://www.tiktok.com/oembed?url="


def embed_url(post: dict) -> str | None:
    return f"https://www.tiktok.com/embed/v2/{post['post_id']}" if post.get("post_id") else None


def parse_oembed(body, endpoint: str, video_url: str) -> Snapshot:
    if not isinstance(body, dict) or "title" not in body or not body.get("author_unique_id") \
            and not body.get("author_name"):
        raise Malformed(f"{endpoint}: the oEmbed answer has no caption nor author")
    media = [MediaItem("video", video_url)]
    if body.get("thumbnail_url"):
        media.insert(0, MediaItem("photo", body["thumbnail_url"], body.get("thumbnail_width"),
                                  body.get("thumbnail_height")))
    return Snapshot("live", endpoint, handle=body.get("author_unique_id"), author_name=body.get("author_name"),
                    text=body.get("title"), media=media)


def plan(post: dict, settings):
    video = post["url"] or f"https://www.tiktok.com/@/video/{post['post_id']}"
    endpoint = OEMBED + quote(video, safe="")
    answer = yield endpoint
    gone = unavailable(answer, endpoint)
    if gone:
        return gone
    expect_ok(answer)
    return parse_oembed(read_json(answer), endpoint, video)
