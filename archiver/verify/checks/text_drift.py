"""Has the post's text changed since the article showed it? A word-level diff
against the live text: Twitter's oEmbed, or any platform's snapshot."""

from __future__ import annotations

import difflib

from ...capture.snapshots import Snapshot
from ..compare import comparable_text
from ..result import Result


def text_drift(article_text: str | None, live_text: str | None) -> Result:
    """Live text against the text the article showed, with a word-level diff."""
    name, method = "text_drift", "oEmbed text vs article text, whitespace/entities/t.co normalised, word diff"
    if not article_text:
        return Result(name, "skipped", "the article shows no text for this post", method=method)
    shown, live = comparable_text(article_text).split(), comparable_text(live_text).split()
    changes = [{"op": op, "article": " ".join(shown[i1:i2]), "live": " ".join(live[j1:j2])}
               for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, shown, live, autojunk=False).get_opcodes()
               if op != "equal"]
    if not changes:
        return Result(name, "pass", "the live text matches the article", method=method)
    return Result(name, "warn", f"the live text differs from the article in {len(changes)} place(s): "
                  "edited post or altered quote", {"diff": changes, "article": article_text, "live": live_text},
                  method=method)


def snapshot_drift(article_text: str | None, snapshot: Snapshot, method: str) -> Result:
    if snapshot.state != "live" or snapshot.text is None:
        return Result("text_drift", "skipped", f"no live text to compare ({snapshot.reason or 'no text'})",
                      method=method)
    result = text_drift(article_text, snapshot.text)
    result.method, result.evidence_url = f"{method} text vs article text, normalised, word diff", snapshot.endpoint
    return result
