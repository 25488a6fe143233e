"""Telegram: the public embed page `t.me/CHANNEL/ID?embed=1` (server-rendered
HTML: text, channel name, time, photos, videos, views)."""

from __future__ import annotations

import re

import lxml.html

from ...extract.platforms._html import text_lines
from . import Malformed, MediaItem, Snapshot, expect_ok

NAME = "telegram"
_BACKGROUND = re.compile(r"background-image:\s*url\(['\"]?(?P<url>https?://[^'\")]+)")


def embed_url(post: dict) -> str | None:
    return f"https://t.me/{post['post_id']}?embed=1&mode=tme"


def _first(page, xpath: str):
    found = page.xpath(xpath)
    return found[0] if found else None


def parse_embed_page(body: bytes, endpoint: str) -> Snapshot:
    try:
        page = lxml.html.fromstring(body)
    except (lxml.etree.ParserError, ValueError):
        raise Malformed(f"{endpoint}: the embed page is not HTML")
    error = _first(page, "//*[contains(@class, 'tgme_widget_message_error')]")
    if error is not None:
        return Snapshot("unavailable", endpoint, text_lines(error) or "post not found")
    message = _first(page, "//*[contains(concat(' ', @class, ' '), ' tgme_widget_message ')]")
    if message is None:
        raise Malformed(f"{endpoint}: the embed page shows no message")
    text = _first(message, ".//*[contains(concat(' ', @class, ' '), ' tgme_widget_message_text ')]")
    owner = _first(message, ".//*[contains(@class, 'tgme_widget_message_owner_name')]")
    moment = _first(message, ".//time[@datetime]")
    views = _first(message, ".//*[contains(@class, 'tgme_widget_message_views')]")
    media = [MediaItem("photo", match.group("url"))
             for node in message.xpath(".//*[contains(@class, 'tgme_widget_message_photo_wrap')]")
             for match in [_BACKGROUND.search(node.get("style") or "")] if match]
    media += [MediaItem("video", video.get("src"), content_type="video/mp4")
              for video in message.xpath(".//video[@src]") if video.get("src", "").startswith("https://")]
    post_ref = (message.get("data-post") or "").split("/")[0] or None
    counts = {"views": views.text_content().strip()} if views is not None else {}
    return Snapshot("live", endpoint, handle=post_ref, author_name=text_lines(owner) if owner is not None else None,
                    text=text_lines(text) if text is not None else None,
                    created_at=moment.get("datetime") if moment is not None else None, media=media, counts=counts)


def plan(post: dict, settings):
    endpoint = f"https://t.me/{post['post_id']}?embed=1"
    answer = yield endpoint
    expect_ok(answer)
    return parse_embed_page(answer.body, endpoint)
