"""Is there an archived copy of the post in the Wayback Machine?"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from urllib.parse import quote

from ...fetch import FetchError
from ...store import iso
from ..client import HttpClient, not_done
from ..result import Result

WAYBACK_AVAILABLE = "https://archive.org/wayback/available?url="
WAYBACK_CDX = "https://web.archive.org/cdx/search/cdx?output=json&fl=timestamp,original,statuscode&url="
SAVE_PAGE_NOW = "https://web.archive.org/save/"


def _snapshot(timestamp: str, original: str, status: str | None) -> dict:
    moment = datetime.strptime(timestamp[:14].ljust(14, "0"), "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
    return {"url": f"https://web.archive.org/web/{timestamp}/{original}", "time": iso(moment),
            "http_status": status}


def parse_cdx(body: bytes) -> list[dict]:
    """Snapshots from a CDX API JSON answer (a header row, then one row per capture)."""
    rows = json.loads(body or b"[]")
    if not isinstance(rows, list):
        raise ValueError("CDX answer is not a list")
    return [_snapshot(row[0], row[1], row[2] if len(row) > 2 else None) for row in rows[1:]]


def parse_availability(body: bytes) -> dict | None:
    """The closest snapshot from the Wayback availability API, if any."""
    closest = json.loads(body).get("archived_snapshots", {}).get("closest")
    if closest and closest.get("available"):
        return {"url": closest["url"], "time": _snapshot(closest["timestamp"], "", None)["time"],
                "http_status": closest.get("status")}
    return None


def archived_copies(post: dict, client: HttpClient, save_missing: bool = False) -> Result | None:
    """Earliest and latest Wayback Machine snapshots of the post URL."""
    if not post["url"]:
        return None
    name, method = "archived_copies", "Wayback Machine CDX API (earliest, latest) and availability API"
    target = post["url"].split("://", 1)[-1]
    responses, detail = [], {}
    try:
        available = client.get(WAYBACK_AVAILABLE + quote(target, safe=""))
        earliest = client.get(WAYBACK_CDX + quote(target, safe="") + "&limit=1")
        latest = client.get(WAYBACK_CDX + quote(target, safe="") + "&limit=-1")
    except FetchError as error:
        result = not_done(name, error, post["url"])
        result.method = method
        return result
    responses = [("archive", available), ("archive", earliest), ("archive", latest)]
    failed = [r for r in (available, earliest, latest) if r.status != 200]
    if failed:
        return Result(name, "error", f"Wayback Machine answered HTTP {failed[0].status}; try again later",
                      {"url": failed[0].url}, failed[0].url, method, responses)
    try:
        closest = parse_availability(available.body)
        first, last = parse_cdx(earliest.body), parse_cdx(latest.body)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        return Result(name, "error", "Wayback Machine answered with malformed JSON", {}, available.url, method,
                      responses)
    detail = {"earliest": first[0] if first else closest, "latest": last[-1] if last else closest,
              "closest": closest}
    if detail["latest"]:
        return Result(name, "pass", f"archived copies from {detail['earliest']['time']} to "
                      f"{detail['latest']['time']}", detail, detail["latest"]["url"], method, responses)
    if save_missing:
        try:
            saved = client.get(SAVE_PAGE_NOW + post["url"])
            responses.append(("archive", saved))
            detail["save_requested"] = {"http_status": saved.status, "url": saved.final_url}
        except FetchError as error:
            detail["save_requested"] = {"error": str(error)}
    return Result(name, "warn", "no archived copy in the Wayback Machine", detail, None, method, responses)
