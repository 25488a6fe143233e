"""Twitter/X: the public oEmbed answer and the syndication JSON that embeds
read (`cdn.syndication.twimg.com/tweet-result`): created time, full text,
user, counts, `mediaDetails` (photos and video variants), and tombstones for
posts that are gone."""

from __future__ import annotations

import collections
import math
from urllib.parse import quote

from . import Malformed, MediaItem, Skip, Snapshot, expect_ok, read_json, unavailable

NAME = "twitter"
OEMBED = "https://publish.twitter.com/oembed?omit_script=true&dnt=true&url="
SYNDICATION = "https://cdn.syndication.twimg.com/tweet-result?id={id}&lang=en&token={token}"
EMBED = "https://platform.twitter.com/embed/Tweet.html?dnt=true&id={id}"


def _js_number_to_string(value: float, radix: int) -> str:
    """`Number.prototype.toString(radix)` of a positive float, digit for digit
    as V8 writes it (fraction digits until the value is exact), after
    yt-dlp's `js_number_to_string` (public domain)."""
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    digits: collections.deque = collections.deque()
    fraction, integer = math.modf(value)
    delta = max(math.nextafter(0.0, math.inf), math.ulp(value) / 2)
    if fraction >= delta:
        digits.append(".")
    while fraction >= delta:
        delta *= radix
        fraction, digit = math.modf(fraction * radix)
        digits.append(int(digit))
        if (fraction > 0.5 or (fraction == 0.5 and int(digit) & 1)) and fraction + delta > 1:
            for index in reversed(range(1, len(digits))):  # round up, carrying through the fraction
                if digits[index] + 1 < radix:
                    digits[index] += 1
                    break
                digits.pop()
            else:
                integer += 1
            break
    integer, digit = divmod(int(integer), radix)
    digits.appendleft(digit)
    while integer > 0:
        integer, digit = divmod(integer, radix)
        digits.appendleft(digit)
    return "".join(d if d == "." else alphabet[d] for d in digits)


def syndication_token(status_id: str) -> str:
    """The token embeds send: `((Number(id) / 1e15) * Math.PI).toString(36).replace(/(0+|\\.)/g, '')`."""
    return _js_number_to_string(int(status_id) / 1e15 * math.pi, 36).replace("0", "").replace(".", "")


def syndication_url(status_id: str) -> str:
    return SYNDICATION.format(id=status_id, token=syndication_token(status_id))


def embed_url(post: dict) -> str | None:
    return EMBED.format(id=post["post_id"]) if post.get("post_id") else None


def _best_video(detail: dict) -> MediaItem | None:
    variants = [v for v in (detail.get("video_info") or {}).get("variants") or []
                if v.get("content_type") == "video/mp4" and v.get("url")]
    if not variants:
        return None
    best = max(variants, key=lambda v: v.get("bitrate") or 0)
    size = detail.get("original_info") or {}
    return MediaItem("video", best["url"], size.get("width"), size.get("height"), "video/mp4")


def parse_syndication(body: dict, endpoint: str) -> Snapshot:
    """A snapshot from the syndication JSON: a tweet, or a tombstone."""
    if not isinstance(body, dict):
        raise Malformed(f"{endpoint}: the syndication answer is not an object")
    if body.get("__typename") == "TweetTombstone" or "tombstone" in body:
        text = ((body.get("tombstone") or {}).get("text") or {}).get("text") or "tombstone"
        return Snapshot("unavailable", endpoint, text.removesuffix(" Learn more").strip())
    user = body.get("user") or {}
    if not body.get("id_str") or "text" not in body:
        raise Malformed(f"{endpoint}: the syndication answer has no tweet (no id_str or text)")
    media = []
    for detail in body.get("mediaDetails") or []:
        if detail.get("type") == "photo" and detail.get("media_url_https"):
            size = detail.get("original_info") or {}
            media.append(MediaItem("photo", detail["media_url_https"] + "?name=orig", size.get("width"),
                                   size.get("height")))
        elif detail.get("type") in ("video", "animated_gif"):
            media.append(_best_video(detail))
    counts = {key: body[key] for key in ("favorite_count", "conversation_count", "retweet_count", "reply_count")
              if isinstance(body.get(key), int)}
    return Snapshot("live", endpoint, handle=user.get("screen_name"), author_name=user.get("name"),
                    text=body["text"], created_at=body.get("created_at"), media=[m for m in media if m],
                    counts=counts)


def parse_oembed(body: dict, endpoint: str) -> Snapshot:
    """A thinner snapshot from the oEmbed answer alone: author and the embed's HTML text."""
    from ...extract import extract_posts

    if not isinstance(body, dict) or not isinstance(body.get("html"), str):
        raise Malformed(f"{endpoint}: the oEmbed answer has no html")
    shown = [p for p in extract_posts(body["html"]) if p.platform == NAME]
    handle = (body.get("author_url") or "").rstrip("/").rsplit("/", 1)[-1] or None
    return Snapshot("live", endpoint, handle=handle, author_name=body.get("author_name"),
                    text=shown[0].text if shown else None)


def plan(post: dict, settings):
    """oEmbed (is it public?) then the syndication JSON (what it says, its media)."""
    if not post.get("post_id"):
        raise Skip("no status id known yet")
    oembed_url = OEMBED + quote(post["url"] or f"https://twitter.com/i/status/{post['post_id']}", safe="")
    oembed = yield oembed_url
    endpoint = syndication_url(post["post_id"])
    syndication = yield endpoint
    if syndication.status == 200 and syndication.body.strip() not in (b"", b"{}"):
        return parse_syndication(read_json(syndication), endpoint)
    gone = unavailable(syndication, endpoint) or unavailable(oembed, oembed_url)
    if gone:
        return gone
    expect_ok(oembed)
    return parse_oembed(read_json(oembed), oembed_url)
