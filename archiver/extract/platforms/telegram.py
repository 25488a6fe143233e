"""Telegram: the widget script's `data-telegram-post`, and `t.me/channel/ID` links."""

from __future__ import annotations

import re

from ..posts import Post, PostRef

NAME = "telegram"
HINTS = ("t.me/", "telegram.me/", "telegram.dog/")
EMBEDS = {"data-telegram-post": ".//@data-telegram-post/.."}

_POST = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)/(?:s/)?"
    r"(?P<channel>[A-Za-z][A-Za-z0-9_]{3,31})/(?P<id>[0-9]{1,12})(?![0-9])",
    re.I,
)
_WIDGET = re.compile(r"^(?P<channel>[A-Za-z][A-Za-z0-9_]{3,31})/(?P<id>[0-9]{1,12})$")
_NOT_CHANNELS = {"share", "joinchat", "addstickers", "addemoji", "proxy", "socks", "login",
                 "iv", "setlanguage", "addtheme", "confirmphone", "invoice"}


# The comments widget (`data-telegram-discussion`) a site puts under its own article, in an
# iframe of the post it discusses: the page's comments, not a post it cites.
_DISCUSSION = re.compile(r"[?&]discussion=1(?:&|$)")


def _ref(channel: str, message_id: str) -> PostRef | None:
    if channel.lower() in _NOT_CHANNELS:
        return None
    return PostRef(NAME, f"{channel}/{message_id}", f"https://t.me/{channel}/{message_id}", channel)


def match_url(url: str) -> PostRef | None:
    match = _POST.match(url)
    if not match or _DISCUSSION.search(url):
        return None
    return _ref(match.group("channel"), match.group("id"))


def parse_embed(element) -> Post | None:
    match = _WIDGET.match((element.get("data-telegram-post") or "").strip())
    if not match:
        return None
    ref = _ref(match.group("channel"), match.group("id"))
    return Post.from_ref(ref) if ref else None
