"""Search that takes what fact-checkers paste: a post URL (any form the
extractor knows: x.com, twitter.com, mobile., /statuses/, ?s=20, /photo/1...),
a bare status id, `@handle` or `@prefix`. Those go straight to the post or
the account; anything else is words, for the full-text search."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from ...extract.platforms import PLATFORMS, match_url

_STATUS_ID = re.compile(r"^[0-9]{1,20}$")
_HANDLE = re.compile(r"^@([A-Za-z0-9_.-]{1,64})$")
PLATFORM_NAMES = tuple(platform.NAME for platform in PLATFORMS)
ACCOUNT_LIST_LIMIT = 50


@dataclass(frozen=True)
class Found:
    """Where a pasted text leads: a post, an account, a list of accounts
    (a handle prefix several share), or nothing (`table` None: search words)."""

    table: str | None
    key: str | None = None
    prefix: str | None = None


def candidate_posts(text: str) -> list[str]:
    """The stored ids a pasted text can name, most likely first."""
    text = text.strip()
    ref = match_url(text)
    if ref:
        return [f"{ref.platform}:{ref.post_id}"]
    if _STATUS_ID.match(text):
        return [f"{name}:{text}" for name in PLATFORM_NAMES]
    if ":" in text and text.split(":", 1)[0] in PLATFORM_NAMES:
        return [text]
    return []


def resolve(conn: sqlite3.Connection, text: str) -> Found:
    """What `text` names in the archive at `conn` (a read-only connection)."""
    text = (text or "").strip()
    for key in candidate_posts(text):
        row = conn.execute("SELECT id FROM posts WHERE id = ? UNION ALL SELECT post_id FROM post_aliases"
                           " WHERE alias = ? LIMIT 1", [key, key]).fetchone()
        if row:
            return Found("posts", row[0])
    handle = _HANDLE.match(text)
    if handle:
        name = handle.group(1)
        exact = conn.execute("SELECT id FROM accounts WHERE handle = ? COLLATE NOCASE ORDER BY last_seen DESC"
                             " LIMIT 1", [name]).fetchone()
        if exact:
            return Found("accounts", exact[0])
        pattern = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        matches = conn.execute("SELECT id FROM accounts WHERE handle LIKE ? ESCAPE '\\' LIMIT 2", [pattern]).fetchall()
        if len(matches) == 1:
            return Found("accounts", matches[0][0])
        if matches:
            return Found("accounts", prefix=name)
    return Found(None)
