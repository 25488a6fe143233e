"""Does the date printed in a tweet embed match the time its status id encodes?"""

from __future__ import annotations

from datetime import date, datetime, timezone

from ...store import iso
from ..result import Result

TWITTER_EPOCH_MS = 1288834974657
# Ids from before Snowflake (November 2010) were sequential and stayed under 3e10.
LAST_SEQUENTIAL_ID = 30_000_000_000


def status_id_time(post: dict) -> Result | None:
    """A Twitter/X status id encodes its creation time; the printed date must agree within a day."""
    if post["platform"] != "twitter":
        return None
    name, method = "status_id_time", "(id >> 22) + 1288834974657 = creation time in ms"
    if not post["post_id"]:
        return Result(name, "skipped", "no status id known yet", method=method)
    status = int(post["post_id"])
    if status <= LAST_SEQUENTIAL_ID:
        return Result(name, "skipped", "id from before November 2010: sequential, it carries no time",
                      {"post_id": post["post_id"]}, method=method)
    created = datetime.fromtimestamp(((status >> 22) + TWITTER_EPOCH_MS) / 1000, tz=timezone.utc)
    detail = {"id_time": iso(created), "date_text": post["date_text"], "printed_date": post["date"]}
    if not post["date"]:
        return Result(name, "skipped", "the embed prints no date to compare", detail, method=method)
    days = (date.fromisoformat(post["date"]) - created.date()).days
    detail["days_apart"] = days
    if abs(days) <= 1:
        return Result(name, "pass", f"printed date {post['date']} matches the id's time {iso(created)}",
                      detail, method=method)
    return Result(name, "fail", f"printed date {post['date']} but the id was created {iso(created)} "
                  f"({days:+d} days): misdated or altered embed", detail, method=method)
