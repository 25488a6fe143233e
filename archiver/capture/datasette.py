"""The capture stage in Datasette: the captures of a post for its page (the
template `_post_evidence_extra.html` reads `post_captures`), and the images
among them (screenshots, photos) served from the WARC files by capture id."""

from __future__ import annotations

import json
from pathlib import Path

from datasette import hookimpl
from datasette.utils import tilde_decode
from datasette.utils.asgi import Response

from .warc import read_payload

# Only raster types a browser shows without running anything (never SVG or HTML).
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
IMAGE_HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox",
                 "Cache-Control": "max-age=86400"}


async def capture_image(request, datasette):
    """GET /-/capture/ID: the bytes of a screenshot or photo capture, as kept."""
    db = datasette.get_database()
    await datasette.ensure_permissions(request.actor, [("view-database", db.name), "view-instance"])
    rows = await db.execute(
        "SELECT captures.warc_path, captures.warc_offset, CASE captures.kind WHEN 'screenshot' THEN 'image/png'"
        " ELSE media.type END FROM captures LEFT JOIN media ON media.capture_id = captures.id"
        " WHERE captures.id = ? AND captures.kind IN ('screenshot', 'media')", [int(request.url_vars["capture_id"])])
    row = rows.first()
    if row is None or row[2] not in IMAGE_TYPES:
        return Response.text("no screenshot or photo with this capture id", status=404)
    body = read_payload(Path(db.path).parent / "warc", row[0], row[1])
    return Response(body, content_type=row[2], headers=IMAGE_HEADERS)


@hookimpl
def register_routes():
    return [(r"^/-/capture/(?P<capture_id>\d+)$", capture_image)]


async def post_captures(db, post_id: str) -> dict:
    """A post's capture history, newest first: snapshots, screenshots, media files."""
    snapshots = await db.execute(
        "SELECT captured_at, state, reason, handle, author_name, text, created_at, media, counts, capture_id"
        " FROM snapshots WHERE post_id = ? ORDER BY id DESC LIMIT 50", [post_id])
    screenshots = await db.execute(
        "SELECT captures.id, captures.url, captures.fetched_at, captures.sha256, captures.derived_from IS NOT NULL"
        " AS from_article FROM captures WHERE post_id = ? AND kind = 'screenshot' ORDER BY id DESC LIMIT 20",
        [post_id])
    media = await db.execute(
        "SELECT kind, link, capture_id, sha256, type, size, width, height, phash, captured_at FROM media"
        " WHERE post_id = ? AND kind != 'link' ORDER BY id DESC LIMIT 50", [post_id])
    return {"snapshots": [{**dict(row), "media": json.loads(row["media"]), "counts": json.loads(row["counts"])}
                          for row in snapshots.rows],
            "screenshots": [dict(row) for row in screenshots.rows],
            "media": [{**dict(row), "shown": row["type"] in IMAGE_TYPES} for row in media.rows]}


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    if view_name != "row" or table != "posts" or request is None:
        return {}

    async def variables():
        return {"post_captures": await post_captures(datasette.get_database(database),
                                                     tilde_decode(request.url_vars["pks"]))}
    return variables
