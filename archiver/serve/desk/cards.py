"""A post as a person reads it: who posted it, when, what it says, what the
checks found, whether it is still online and where a copy is kept. Pure: a
posts row (as a dict) in, plain data out; the templates escape everything."""

from __future__ import annotations

import json

from .links import account_id

# The posts columns a card needs (the queue selects only these).
CARD_COLUMNS = ("id", "platform", "post_id", "url", "handle", "author_name", "text", "date_text", "date",
                "status", "status_by", "status_at", "availability", "last_live_at", "gone_since", "archived_url",
                "flags", "flag_level", "citation_count", "first_seen")
PLATFORM_NAMES = {"twitter": "X / Twitter", "telegram": "Telegram", "youtube": "YouTube", "instagram": "Instagram",
                  "facebook": "Facebook", "tiktok": "TikTok", "bluesky": "Bluesky", "mastodon": "Mastodon"}


def flag_names(flags: str | None) -> list[str]:
    """The check names in posts.flags (a JSON list), or [] for anything else."""
    try:
        names = json.loads(flags or "[]")
    except ValueError:
        return []
    return [str(name) for name in names] if isinstance(names, list) else []


def liveness(availability: str | None, last_live_at: str | None, gone_since: str | None) -> str:
    """'live on 2021-07-09, gone since 2021-08-20', from the post's summary columns."""
    live = f"live on {last_live_at[:10]}" if last_live_at else None
    if availability == "unavailable":
        gone = f"gone since {gone_since[:10]}" if gone_since else "gone"
        return f"{live}, {gone}" if live else gone
    if availability == "live":
        return live or "live"
    return "not checked online yet"


def post_card(post: dict) -> dict:
    """What the card shows of a posts row; absent values are None, never 'None'."""
    flags = flag_names(post.get("flags"))
    return {
        "id": post["id"],
        "platform": PLATFORM_NAMES.get(post["platform"], post["platform"]),
        "author_name": post.get("author_name"),
        "handle": post.get("handle"),
        "account_id": account_id(post["platform"], post.get("handle")),
        "date": post.get("date_text") or post.get("date"),
        "iso_date": post.get("date") if post.get("date") != post.get("date_text") else None,
        "text": post.get("text"),
        "url": post.get("url"),
        "status": post.get("status") or "unverified",
        "status_by": post.get("status_by"),
        "status_at": post.get("status_at"),
        "flags": flags,
        "severity": {2: "fail", 1: "warn"}.get(post.get("flag_level") or 0, "warn" if flags else None),
        "liveness": liveness(post.get("availability"), post.get("last_live_at"), post.get("gone_since")),
        "availability": post.get("availability"),
        "archived_url": post.get("archived_url"),
        "citation_count": post.get("citation_count") or 0,
    }
