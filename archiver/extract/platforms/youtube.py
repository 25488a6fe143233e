"""YouTube: embed iframes, `lite-youtube` and AMP players, watch/short/live links."""

from __future__ import annotations

import re

from ..posts import Post, PostRef

NAME = "youtube"
HINTS = ("youtube.com/", "youtu.be/", "youtube-nocookie.com/")
EMBEDS = {"lite-youtube": ".//lite-youtube[@videoid]", "data-youtube-id": ".//@data-youtube-id/..",
          "amp-youtube": ".//amp-youtube[@data-videoid]"}

_VIDEO = re.compile(
    r"^(?:https?:)?(?://)?(?:(?:www|m|music)\.)?"
    r"(?:youtube\.com/(?:watch/?\?(?:[^#\s]*?&)?v=|watch/|embed/|shorts/|live/|v/)"
    r"|youtube-nocookie\.com/embed/|youtu\.be/)"
    r"(?P<id>[A-Za-z0-9_-]{11})(?![A-Za-z0-9_-])",
    re.I,
)
_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_NOT_VIDEOS = {"videoseries", "live_stream"}  # a playlist's player, a channel's live player


def _ref(video_id: str) -> PostRef | None:
    if video_id in _NOT_VIDEOS:
        return None
    return PostRef(NAME, video_id, f"https://www.youtube.com/watch?v={video_id}")


def match_url(url: str) -> PostRef | None:
    match = _VIDEO.match(url)
    return _ref(match.group("id")) if match else None


def parse_embed(element) -> Post | None:
    video_id = (element.get("videoid") or element.get("data-youtube-id") or element.get("data-videoid") or "").strip()
    ref = _ref(video_id) if _ID.match(video_id) else None
    return Post.from_ref(ref) if ref else None
