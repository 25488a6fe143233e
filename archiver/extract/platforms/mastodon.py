"""Mastodon and other fediverse servers: embed iframes and `https://HOST/@user/ID` links.

Any server may host Mastodon, so a link counts only in the exact shape
`/@user/ID` (or `/users/user/statuses/ID`) with the 15 to 20 digit snowflake ids
Mastodon has given statuses since 2017: shorter numbers after `/@name/` are
profiles and articles of other sites (`newsbreak.com/@c/1599769`).
"""

from __future__ import annotations

import re

from ..posts import Post, PostRef

NAME = "mastodon"
HINTS = ("/@", "/statuses/")
EMBEDS: dict[str, str] = {}

_STATUS = re.compile(
    r"^(?:https?://)?(?P<host>(?:[a-z0-9-]+\.)+[a-z]{2,})"
    r"/(?:@(?P<user>[A-Za-z0-9_]{1,30}(?:@(?:[a-z0-9-]+\.)+[a-z]{2,})?)|users/(?P<user2>[A-Za-z0-9_]{1,30})/statuses)"
    r"/(?P<id>[0-9]{15,20})(?:/embed)?/?(?:[?#]\S*)?$",
    re.I,
)
# Hosts where `/@name/123456` means something other than a fediverse status.
_OTHER_PLATFORMS = {"medium.com", "tiktok.com", "youtube.com", "threads.net", "threads.com",
                    "instagram.com", "twitter.com", "x.com", "facebook.com", "bsky.app"}


def match_url(url: str) -> PostRef | None:
    match = _STATUS.match(url.strip())
    if not match:
        return None
    host = match.group("host").lower()
    if host.removeprefix("www.") in _OTHER_PLATFORMS or host.endswith(".medium.com"):
        return None
    user = match.group("user") or match.group("user2")
    post_id = match.group("id")
    # `/@name@server/ID`: a post of another server's account, as the reader's own server shows it.
    handle = user if "@" in user else f"{user}@{host}"
    return PostRef(NAME, f"{host}/{post_id}", f"https://{host}/@{user}/{post_id}", handle)


def parse_embed(element) -> Post | None:
    return None
