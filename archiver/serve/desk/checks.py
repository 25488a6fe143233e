"""Check results shown for people: what each check compared, side by side,
instead of its JSON. Pure: a checks row (as a dict) in, plain data out."""

from __future__ import annotations

import json

# Checks whose outcome makes a reviewer look first.
SEVERITY = {"fail": 0, "warn": 1, "error": 2, "pass": 3, "skipped": 4}


def _detail(row: dict) -> dict:
    try:
        detail = json.loads(row.get("detail") or "{}")
    except ValueError:
        return {}
    return detail if isinstance(detail, dict) else {}


def comparison(row: dict) -> dict | None:
    """How to show one check's evidence: {"kind": ..., ...} or None when there
    is nothing more to show than its summary."""
    detail, name = _detail(row), row["check_name"]
    if name == "status_id_time" and detail.get("id_time"):
        return {"kind": "pairs", "pairs": [("Time encoded in the id", detail["id_time"]),
                                           ("Date printed with the post", detail.get("date_text") or "none"),
                                           ("Days apart", detail.get("days_apart"))]}
    if name == "handle_consistency" and detail.get("in_url"):
        return {"kind": "pairs", "pairs": [("Handle in the post URL", "@" + detail["in_url"]),
                                           ("Printed", ", ".join("@" + h for h in detail.get("printed", [])))]}
    if name == "cross_citation" and detail.get("differs"):
        return {"kind": "versions", "fields": [
            {"field": field.replace("_", " "),
             "versions": [(v.get("article_id"), v.get("article_url"), v.get("value")) for v in versions]}
            for field, versions in detail["differs"].items()]}
    if name == "text_drift" and detail.get("diff"):
        return {"kind": "drift", "article": detail.get("article"), "live": detail.get("live"),
                "changes": [(c.get("op"), c.get("article"), c.get("live")) for c in detail["diff"]]}
    if name == "media_resolution" and detail.get("links"):
        return {"kind": "chains", "links": [
            {"link": entry.get("link"), "chain": entry.get("chain") or [], "status_url": entry.get("status_url"),
             "handle": entry.get("handle"), "http_status": entry.get("http_status")}
            for entry in detail["links"]]}
    if name == "archived_copies" and (detail.get("earliest") or detail.get("latest")):
        return {"kind": "copies", "copies": [(label, detail[key]) for key, label in
                                             (("earliest", "Earliest"), ("latest", "Latest")) if detail.get(key)]}
    return None


def for_people(rows: list[dict]) -> list[dict]:
    """The latest check results, failing and warning first, each with its comparison."""
    shown = [{**row, "comparison": comparison(row)} for row in rows]
    return sorted(shown, key=lambda row: (SEVERITY.get(row["outcome"], 9), row["check_name"]))
