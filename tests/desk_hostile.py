"""A post, account, article, capture, check and verdict whose every string is
an attack (script, img onerror, svg onload, javascript: URLs, attribute-breaking
quotes), for the desk's escaping tests. Each payload would set window.__pwned."""

from __future__ import annotations

import json

from datasette.utils import tilde_encode

from archiver.store import add_verdict

RUN = "window.__pwned=1"
PAYLOADS = (f"<script>{RUN}</script>", f"<img src=x onerror=\"{RUN}\">", f"<svg onload={RUN}>",
            f"javascript:{RUN}", f"\"><img src=x onerror={RUN} x=\"", f"'><svg/onload={RUN}>")
HOSTILE = " ".join(PAYLOADS)
JS_URL = f"javascript:{RUN}//https://x.com/a/status/1"
POST = "twitter:1412743195653046999"
ACCOUNT = "twitter:fxhostile"
HANDLED = f"telegram:{PAYLOADS[4]}/1"  # a post whose handle and id are an attack too


def add_hostile_rows(db) -> None:
    """Hostile values where the extractor would never put them, written as rows (fixtures, not API)."""
    stamp = "2026-01-01T00:00:00Z"
    db.execute("INSERT INTO articles (id, url, fetch_url, title, site, first_fetched, last_fetched) VALUES"
               " (900, ?, ?, ?, ?, ?, ?)", [JS_URL, JS_URL, HOSTILE, HOSTILE, stamp, stamp])
    db.execute("INSERT INTO captures (id, kind, url, article_id, fetched_at, http_status, content_type, size, sha256,"
               " warc_path, warc_offset) VALUES (900, 'article', ?, 900, ?, 200, ?, 0, ?, ?, 0)",
               [JS_URL, stamp, HOSTILE, HOSTILE, "../" + HOSTILE])
    db.execute("INSERT INTO posts (id, platform, post_id, url, handle, author_name, text, date_text, first_seen,"
               " last_seen, archived_url, flags) VALUES (?, 'twitter', '1412743195653046999', ?, 'FxHostile', ?, ?,"
               " ?, ?, ?, ?, ?)", [POST, JS_URL, HOSTILE, HOSTILE + " https://example.org/ok", HOSTILE, stamp, stamp,
                                   JS_URL, json.dumps([HOSTILE, "cross_citation"])])
    db.execute("INSERT INTO posts (id, platform, post_id, url, handle, author_name, text, first_seen, last_seen)"
               " VALUES (?, 'telegram', ?, ?, ?, ?, ?, ?, ?)",
               [HANDLED, HANDLED.split(":", 1)[1], JS_URL, PAYLOADS[4], PAYLOADS[1], PAYLOADS[0], stamp, stamp])
    db.execute("INSERT INTO accounts (id, platform, handle, display_names, first_seen, last_seen) VALUES"
               " (?, 'twitter', 'FxHostile', ?, ?, ?)", [ACCOUNT, json.dumps([HOSTILE]), stamp, stamp])
    db.execute("INSERT INTO citations (article_id, post_id, position, context, shown_text, capture_id, first_seen,"
               " last_seen) VALUES (900, ?, 1, ?, ?, 900, ?, ?)", [POST, HOSTILE, HOSTILE, stamp, stamp])
    db.execute("INSERT INTO media (post_id, link, code, resolved_url) VALUES (?, ?, 'x', ?)", [POST, HOSTILE, JS_URL])
    differs = {"text": [{"article_id": 900, "article_url": JS_URL, "value": HOSTILE}],
               "author_name": [{"article_id": "\"><script>" + RUN + "</script>", "article_url": JS_URL,
                                "value": HOSTILE}]}
    for name, detail in (("cross_citation", {"differs": differs}),
                         ("text_drift", {"diff": [{"op": HOSTILE, "article": HOSTILE, "live": HOSTILE}],
                                         "article": HOSTILE, "live": HOSTILE}),
                         ("media_resolution", {"links": [{"link": HOSTILE, "chain": [JS_URL, HOSTILE],
                                                          "status_url": JS_URL, "handle": HOSTILE}]}),
                         ("status_id_time", {"id_time": HOSTILE, "date_text": HOSTILE, "days_apart": HOSTILE}),
                         ("archived_copies", {"earliest": {"url": JS_URL, "time": HOSTILE}})):
        db.execute("INSERT INTO checks (post_id, check_name, outcome, summary, detail, evidence_url, checked_at)"
                   " VALUES (?, ?, 'warn', ?, ?, ?, ?)", [POST, name, HOSTILE, json.dumps(detail), JS_URL, stamp])
    db.conn.commit()
    add_verdict(db, POST, "misleading", "alice", note=HOSTILE)
    db.conn.commit()


# Every new page a hostile row shows up on.
PAGES = ("/archive/-/queue?status=misleading", "/archive/posts/twitter~3A1412743195653046999",
         "/archive/accounts/twitter~3Afxhostile", "/archive/articles/900", "/archive/captures/900", "/archive/posts",
         "/archive/failing_checks", "/archive/account_posts?handle=FxHostile",
         "/archive/reviewer_verdicts?reviewer=alice", "/archive/citing_articles?post_id=twitter%3A1412743195653046999",
         "/archive/checks", "/archive/captures", "/archive/articles",
         "/archive/posts/" + tilde_encode(HANDLED),
         "/archive/-/queue")
