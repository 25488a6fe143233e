"""What the row pages of posts, accounts, articles and captures show, read
from the archive for one row. Each function takes the page's Datasette
database and the row's key and returns plain data for its template."""

from __future__ import annotations

from pathlib import Path

from ...store.schema import CREDIBILITY, LATEST_CHECKS, POST_STATUSES
from .cards import CARD_COLUMNS, post_card
from .checks import for_people

LIST_LIMIT = 200
_CARDS = ", ".join(f"posts.{column}" for column in CARD_COLUMNS)


async def _rows(db, sql: str, params) -> list[dict]:
    return [dict(row) for row in (await db.execute(sql, params)).rows]


async def _first(db, sql: str, params) -> dict | None:
    rows = await _rows(db, sql, params)
    return rows[0] if rows else None


async def post_page(db, key: str) -> dict | None:
    post = await _first(db, f"SELECT {_CARDS} FROM posts WHERE id = ?", [key])
    if post is None:
        return None
    return {
        "page": "post", "key": key, "card": post_card(post),
        "verdict": {"query": "tag_post", "id_param": "post_id", "field": "status", "choices": POST_STATUSES,
                    "current": post["status"]},
        "history": await _rows(db, "SELECT created_at, status AS verdict, reviewer, note FROM verifications"
                                   " WHERE post_id = ? ORDER BY id DESC", [key]),
        "media": await _rows(db, "SELECT link, resolved_url FROM media WHERE post_id = ? ORDER BY id", [key]),
        "citations": await _rows(
            db, "SELECT articles.id AS article_id, articles.title, articles.url, articles.site, articles.published,"
                " citations.context, citations.first_seen, citations.removed_at, citations.capture_id"
                " FROM citations JOIN articles ON articles.id = citations.article_id"
                " WHERE citations.post_id = ? ORDER BY citations.first_seen", [key]),
        "checks": for_people(await _rows(
            db, f"SELECT id, check_name, outcome, summary, detail, evidence_url, capture_id, checked_at FROM checks"
                f" WHERE id IN ({LATEST_CHECKS})", [key])),
        "captures": await _rows(db, "SELECT id, kind, url, fetched_at, http_status, sha256 FROM captures"
                                    " WHERE post_id = ? ORDER BY id DESC LIMIT 50", [key]),
    }


async def account_page(db, key: str) -> dict | None:
    account = await _first(db, "SELECT * FROM accounts WHERE id = ?", [key])
    if account is None:
        return None
    posts = await _rows(db, f"SELECT {_CARDS} FROM posts WHERE platform = ? AND handle = ? COLLATE NOCASE"
                            f" ORDER BY date DESC LIMIT {LIST_LIMIT}", [account["platform"], account["handle"]])
    return {
        "page": "account", "key": key, "account": account,
        "verdict": {"query": "tag_account", "id_param": "account_id", "field": "credibility",
                    "choices": CREDIBILITY, "current": account["credibility"]},
        "history": await _rows(db, "SELECT created_at, credibility AS verdict, reviewer, note FROM account_verdicts"
                                   " WHERE account_id = ? ORDER BY id DESC", [key]),
        "posts": [post_card(post) for post in posts], "more_posts": len(posts) == LIST_LIMIT,
        "post_verdicts": await _rows(
            db, "SELECT verifications.post_id, verifications.created_at, verifications.status, verifications.reviewer,"
                " verifications.note FROM posts JOIN verifications ON verifications.post_id = posts.id"
                f" WHERE posts.platform = ? AND posts.handle = ? COLLATE NOCASE ORDER BY verifications.id DESC"
                f" LIMIT {LIST_LIMIT}", [account["platform"], account["handle"]]),
    }


async def article_page(db, key: str) -> dict | None:
    article = await _first(db, "SELECT * FROM articles WHERE id = ?", [key])
    if article is None:
        return None
    cited = await _rows(db, f"SELECT {_CARDS}, citations.context, citations.removed_at FROM citations"
                            " JOIN posts ON posts.id = citations.post_id WHERE citations.article_id = ?"
                            " ORDER BY citations.position", [key])
    return {
        "page": "article", "key": key, "article": article,
        "posts": [{**post_card(row), "context": row["context"], "removed_at": row["removed_at"]} for row in cited],
        "captures": await _rows(db, "SELECT id, kind, url, fetched_at, http_status, sha256 FROM captures"
                                    " WHERE article_id = ? ORDER BY id DESC LIMIT 50", [key]),
    }


async def capture_page(db, key: str) -> dict | None:
    capture = await _first(db, "SELECT captures.*, articles.title AS article_title, articles.url AS article_url"
                               " FROM captures LEFT JOIN articles ON articles.id = captures.article_id"
                               " WHERE captures.id = ?", [key])
    if capture is None:
        return None
    # through the article's citations (indexed by article), not a scan for capture_id
    cited = await _rows(db, "SELECT posts.id, posts.handle, posts.platform FROM citations JOIN posts"
                            " ON posts.id = citations.post_id"
                            " WHERE citations.article_id = ? AND citations.capture_id = ?"
                            f" ORDER BY citations.position LIMIT {LIST_LIMIT}", [capture["article_id"], key])
    return {"page": "capture", "key": key, "capture": capture, "cited": cited,
            "viewable": (capture["content_type"] or "").split(";")[0].strip() in VIEWABLE}


VIEWABLE = {"text/html", "application/xhtml+xml", "text/plain"}
PAGES = {"posts": post_page, "accounts": account_page, "articles": article_page, "captures": capture_page}


def warc_dir(db) -> Path:
    """The archive's WARC folder: `warc/` next to the database file (as `archiver archive` writes it)."""
    return Path(db.path).resolve().parent / "warc"
