"""The captures of a post in Datasette: images served from the WARC files by
capture id, and the post page's section, escaped."""

from __future__ import annotations

import asyncio
import hashlib

from test_verify import archived, embed, page, status_id  # noqa: F401 (fixture)

from archiver.capture.datasette import post_captures
from archiver.capture.run import capture
from archiver.serve import make_datasette

JULY = status_id("2021-07-07")
POST = f"twitter:{JULY}"


def served(db, tmp_path):
    capture(db, warc_dir=tmp_path / "warc", offline=True)
    db.execute("INSERT INTO snapshots (post_id, endpoint, state, author_name, text, media, counts, captured_at)"
               " VALUES (?, 'https://cdn.syndication.twimg.com/tweet-result?id=1', 'live', 'Fx <b>Desk</b>',"
               " '<script>alert(1)</script>', '[]', '{\"favorite_count\": 3}', '2021-07-09T00:00:00Z')", [POST])
    db.conn.commit()
    return make_datasette(tmp_path / "archive.db")


def test_a_screenshot_is_served_as_the_png_kept_and_nothing_else_is(archived, tmp_path):
    db = archived(**{"a.html": page(embed(JULY, media=None))})
    ds = served(db, tmp_path)
    shot, digest = db.execute("SELECT id, sha256 FROM captures WHERE kind = 'screenshot'").fetchone()
    article = db.execute("SELECT id FROM captures WHERE kind = 'article'").fetchone()[0]
    response = asyncio.run(ds.client.get(f"/-/capture/{shot}"))
    assert (response.status_code, response.headers["content-type"]) == (200, "image/png")
    assert hashlib.sha256(response.content).hexdigest() == digest
    assert response.headers["x-content-type-options"] == "nosniff"
    assert asyncio.run(ds.client.get(f"/-/capture/{article}")).status_code == 404  # an article is not an image


def test_the_post_section_shows_screenshots_and_snapshots_escaped(archived, tmp_path):
    db = archived(**{"a.html": page(embed(JULY, media=None))})
    ds = served(db, tmp_path)

    async def render():
        await ds.invoke_startup()
        data = await post_captures(ds.get_database("archive"), POST)
        return data, await ds.render_template("_post_evidence_extra.html", {"post_captures": data})
    data, html = asyncio.run(render())
    shot = db.execute("SELECT id FROM captures WHERE kind = 'screenshot'").fetchone()[0]
    assert [s["id"] for s in data["screenshots"]] == [shot]
    assert f'<img src="/-/capture/{shot}"' in html and "The embed as the article showed it" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "Fx &lt;b&gt;Desk&lt;/b&gt;" in html and "favorite_count 3" in html


def test_the_post_page_still_renders_with_the_capture_plugin_beside_the_review_one(archived, tmp_path):
    db = archived(**{"a.html": page(embed(JULY, media=None))})
    ds = served(db, tmp_path)
    response = asyncio.run(ds.client.get(f"/archive/posts/{POST.replace(':', '~3A')}"))
    assert response.status_code == 200
    assert "Cited by" in response.text and "screenshot" in response.text  # the review sections and the captures
