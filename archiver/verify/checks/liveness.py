"""Liveness and text drift of any platform, from its snapshot: the same check
names as Twitter's oEmbed checks, so the post's history reads the same
("live on ..., gone since ...")."""

from __future__ import annotations

from ...capture.snapshots import Snapshot
from .. import Result, text_drift


def snapshot_liveness(snapshot: Snapshot, method: str) -> Result:
    detail = {"state": snapshot.state, "endpoint": snapshot.endpoint, "handle": snapshot.handle,
              "author_name": snapshot.author_name}
    if snapshot.state == "live":
        return Result("liveness", "pass", "live", detail, snapshot.endpoint, method)
    detail["reason"] = snapshot.reason
    return Result("liveness", "warn", f"unavailable ({snapshot.reason})", detail, snapshot.endpoint, method)


def snapshot_drift(article_text: str | None, snapshot: Snapshot, method: str) -> Result:
    if snapshot.state != "live" or snapshot.text is None:
        return Result("text_drift", "skipped", f"no live text to compare ({snapshot.reason or 'no text'})",
                      method=method)
    result = text_drift(article_text, snapshot.text)
    result.method, result.evidence_url = f"{method} text vs article text, normalised, word diff", snapshot.endpoint
    return result
