"""A post's summary columns (flags, availability, gone since, archived copy), derived from its checks."""

from __future__ import annotations

import json

import sqlite_utils

from ..store.schema import LATEST_CHECKS


def refresh_summary(db: sqlite_utils.Database, post_id: str) -> None:
    """The post's summary columns, derived from its checks: flags (latest
    warn/fail per check), availability and when it was last seen live, since
    when it is gone, and the newest archived copy."""
    sql = db.conn.execute
    latest = sql(f"SELECT check_name, outcome, detail, evidence_url FROM checks WHERE id IN ({LATEST_CHECKS})"
                 " ORDER BY check_name", [post_id]).fetchall()
    flags = [name for name, outcome, _, _ in latest if outcome in ("warn", "fail")]
    archived = next((url for name, outcome, _, url in latest if name == "archived_copies" and outcome == "pass"),
                    None)
    observations = sql("SELECT json_extract(detail, '$.state'), checked_at FROM checks WHERE post_id = ?"
                       " AND check_name = 'liveness' AND json_extract(detail, '$.state') IN ('live', 'unavailable')"
                       " ORDER BY id", [post_id]).fetchall()
    availability = observations[-1][0] if observations else None
    last_live = max((at for state, at in observations if state == "live"), default=None)
    gone_since = None
    if availability == "unavailable":
        # the first unavailable answer after the last live one; one in the same second as it counts too
        gone_since = min((at for state, at in observations if state == "unavailable" and (not last_live or at > last_live)),
                         default=observations[-1][1])
    sql("UPDATE posts SET flags = ?, availability = ?, last_live_at = ?, gone_since = ?,"
        " archived_url = COALESCE(?, archived_url), checked_at = (SELECT max(checked_at) FROM checks WHERE post_id = ?)"
        " WHERE id = ?",
        [json.dumps(flags) if flags else None, availability, last_live, gone_since, archived, post_id, post_id])
