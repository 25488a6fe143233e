"""Snapshots of every platform from its public endpoint, through stand-ins
reached over HTTPS_PROXY: a live post (liveness, drift, media), a deleted one,
and what is skipped without a token."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest
from capture_standin import PUBLIC, jpeg, photo, standin, warcs_checked  # noqa: F401 (fixtures)

from archiver.capture.run import capture
from archiver.capture.settings import CaptureSettings
from archiver.store.schema import open_db

THUMB = jpeg(photo(21).resize((480, 360)))
DID = "did:plc:fxdesk0000000000000000"
pytestmark = pytest.mark.usefixtures("warcs_checked")


def add_post(db, post_id: str, url: str, handle: str | None, text: str | None) -> str:
    platform, key = post_id.split(":", 1)
    db.execute("INSERT INTO posts (id, platform, post_id, url, handle, text, first_seen, last_seen)"
               " VALUES (?,?,?,?,?,?, '2024-05-01', '2024-05-01')", [post_id, platform, key, url, handle, text])
    db.conn.commit()
    return post_id


def run(db, tmp_path, settings=None):
    return capture(db, warc_dir=tmp_path / "warc", policy=PUBLIC,
                   settings=settings or CaptureSettings(screenshots=False))


def results(db, post_id) -> dict:
    return {name: (outcome, summary) for name, outcome, summary in db.execute(
        "SELECT check_name, outcome, summary FROM checks WHERE post_id = ? ORDER BY id", [post_id])}


def snapshot(db, post_id) -> dict:
    row = db.execute("SELECT state, reason, handle, author_name, text, created_at, media, counts FROM snapshots"
                     " WHERE post_id = ? ORDER BY id DESC", [post_id]).fetchone()
    return dict(zip(["state", "reason", "handle", "author_name", "text", "created_at", "media", "counts"],
                    row[:6] + (json.loads(row[6]), json.loads(row[7]))))


@pytest.fixture
def db(tmp_path):
    return open_db(str(tmp_path / "archive.db"))


def test_a_youtube_video_gets_a_snapshot_liveness_drift_and_its_thumbnail(db, tmp_path, standin):
    post = add_post(db, "youtube:dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", None,
                    "Flood footage from the bridge")
    standin.serve("https://www.youtube.com/oembed?format=json&url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3D"
                  "dQw4w9WgXcQ", json.dumps({
                      "title": "Flood footage from the bridge", "author_name": "Fx Desk Video",
                      "author_url": "https://www.youtube.com/@FxDeskVideo", "thumbnail_width": 480,
                      "thumbnail_height": 360, "thumbnail_url": "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"}))
    standin.serve("https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg", THUMB, content_type="image/jpeg")
    run(db, tmp_path)
    assert results(db, post) == {
        "snapshot": ("pass", "live: 1 photo(s), 1 video(s)"), "liveness": ("pass", "live"),
        "text_drift": ("pass", "the live text matches the article"),
        "media": ("warn", f"1 of 2 file(s) kept ({len(THUMB):,} bytes); 1 video(s) need yt-dlp: off; enable it"
                          " with --yt-dlp"),
        "media_reuse": ("pass", "1 photo(s), none already archived under another account or an earlier date")}
    assert snapshot(db, post)["handle"] == "FxDeskVideo"
    assert db["posts"].get(post)["availability"] == "live"


def test_a_tiktok_video_whose_caption_changed_drifts(db, tmp_path, standin):
    post = add_post(db, "tiktok:7234567890123456789", "https://www.tiktok.com/@fxdesk/video/7234567890123456789",
                    "fxdesk", "Water over the bridge deck tonight")
    standin.serve("https://www.tiktok.com/oembed?url=https%3A%2F%2Fwww.tiktok.com%2F%40fxdesk%2Fvideo%2F"
                  "7234567890123456789", json.dumps({"title": "Water over the old bridge deck tonight",
                                                     "author_name": "Fx Desk", "author_unique_id": "fxdesk"}))
    run(db, tmp_path)
    found = results(db, post)
    assert found["liveness"] == ("pass", "live")
    assert found["text_drift"] == ("warn", "the live text differs from the article in 1 place(s): edited post or"
                                           " altered quote")
    assert snapshot(db, post)["text"] == "Water over the old bridge deck tonight"


def test_a_bluesky_post_by_handle_is_resolved_to_its_did_then_read_from_the_appview(db, tmp_path, standin):
    post = add_post(db, "bluesky:fxdesk.example/3kxyzabc2", "https://bsky.app/profile/fxdesk.example/post/3kxyzabc2",
                    "fxdesk.example", "Bridge closed, water rising")
    standin.serve("https://public.api.bsky.app/xrpc/com.atproto.identity.resolveHandle?handle=fxdesk.example",
                  json.dumps({"did": DID}))
    standin.serve("https://public.api.bsky.app/xrpc/app.bsky.feed.getPostThread?depth=0&parentHeight=0&uri="
                  "at%3A%2F%2Fdid%3Aplc%3Afxdesk0000000000000000%2Fapp.bsky.feed.post%2F3kxyzabc2", json.dumps(
                      {"thread": {"$type": "app.bsky.feed.defs#threadViewPost", "post": {
                          "uri": f"at://{DID}/app.bsky.feed.post/3kxyzabc2", "likeCount": 4, "repostCount": 1,
                          "author": {"did": DID, "handle": "fxdesk.example", "displayName": "Fx Desk"},
                          "record": {"text": "Bridge closed, water rising", "createdAt": "2024-05-01T10:00:00Z"},
                          "embed": {"$type": "app.bsky.embed.images#view", "images": [{
                              "fullsize": f"https://cdn.bsky.app/img/feed_fullsize/plain/{DID}/bafk@jpeg",
                              "aspectRatio": {"width": 480, "height": 360}}]}}}}))
    standin.serve(f"https://cdn.bsky.app/img/feed_fullsize/plain/{DID}/bafk@jpeg", THUMB, content_type="image/jpeg")
    run(db, tmp_path)
    found = results(db, post)
    assert (found["snapshot"][0], found["liveness"][0], found["text_drift"][0], found["media"][0]) == (
        "pass", "pass", "pass", "pass")
    assert snapshot(db, post) == {
        "state": "live", "reason": None, "handle": "fxdesk.example", "author_name": "Fx Desk",
        "text": "Bridge closed, water rising", "created_at": "2024-05-01T10:00:00Z",
        "media": [{"kind": "photo", "url": f"https://cdn.bsky.app/img/feed_fullsize/plain/{DID}/bafk@jpeg",
                   "width": 480, "height": 360, "content_type": None}],
        "counts": {"repostCount": 1, "likeCount": 4}}
    assert db.execute("SELECT width, height FROM media WHERE post_id = ?", [post]).fetchall() == [(480, 360)]


def test_a_deleted_bluesky_post_and_an_unknown_handle_are_unavailable(db, tmp_path, standin):
    gone = add_post(db, f"bluesky:{DID}/3kgone0001", f"https://bsky.app/profile/{DID}/post/3kgone0001", None, None)
    nobody = add_post(db, "bluesky:nobody.example/3knobody01", "https://bsky.app/profile/nobody.example/post/3knobody01",
                      "nobody.example", None)
    standin.serve("https://public.api.bsky.app/xrpc/app.bsky.feed.getPostThread?depth=0&parentHeight=0&uri="
                  "at%3A%2F%2Fdid%3Aplc%3Afxdesk0000000000000000%2Fapp.bsky.feed.post%2F3kgone0001",
                  json.dumps({"error": "NotFound", "message": "Post not found"}), status=400)
    standin.serve("https://public.api.bsky.app/xrpc/com.atproto.identity.resolveHandle?handle=nobody.example",
                  json.dumps({"error": "InvalidRequest", "message": "Unable to resolve handle"}), status=400)
    run(db, tmp_path)
    assert results(db, gone)["liveness"] == ("warn", "unavailable (not found: deleted, or never existed"
                                                     " (NotFound: Post not found))")
    assert results(db, nobody)["liveness"] == ("warn", "unavailable (handle @nobody.example does not resolve"
                                                       " (InvalidRequest: Unable to resolve handle))")


def test_a_mastodon_status_is_read_from_its_instance_with_its_photo(db, tmp_path, standin):
    post = add_post(db, "mastodon:social.example/112233445566778899", "https://social.example/@fxdesk/112233445566778899",
                    "fxdesk@social.example", "Bridge closed. Water rising.")
    standin.serve("https://social.example/api/v1/statuses/112233445566778899", json.dumps({
        "id": "112233445566778899", "created_at": "2024-05-01T10:00:00.000Z", "replies_count": 2,
        "reblogs_count": 5, "favourites_count": 9, "content": "<p>Bridge closed.<br>Water rising.</p>",
        "account": {"acct": "fxdesk", "display_name": "Fx Desk"},
        "media_attachments": [{"type": "image", "url": "https://files.social.example/media/original/a.jpg",
                               "meta": {"original": {"width": 480, "height": 360}}}]}))
    standin.serve("https://files.social.example/media/original/a.jpg", THUMB, content_type="image/jpeg")
    run(db, tmp_path)
    found = results(db, post)
    assert (found["liveness"], found["text_drift"][0], found["media"]) == (
        ("pass", "live"), "pass", ("pass", f"1 file(s) kept ({len(THUMB):,} bytes)"))
    assert snapshot(db, post)["counts"] == {"replies_count": 2, "reblogs_count": 5, "favourites_count": 9}


def test_a_deleted_mastodon_status_is_unavailable(db, tmp_path, standin):
    post = add_post(db, "mastodon:social.example/1", "https://social.example/@fxdesk/1", None, None)
    standin.serve("https://social.example/api/v1/statuses/1", '{"error": "Record not found"}', status=404)
    run(db, tmp_path)
    assert results(db, post)["liveness"] == ("warn", "unavailable (HTTP 404: deleted, or never existed)")
    assert results(db, post)["media"] == ("skipped", "the post is unavailable")


TELEGRAM_PAGE = """<html><body><div class="tgme_widget_message text_not_supported_wrap js-widget_message"
 data-post="fxdesk/42"><div class="tgme_widget_message_author"><a class="tgme_widget_message_owner_name"
 href="https://t.me/fxdesk"><span dir="auto">Fx Desk</span></a></div>
<a class="tgme_widget_message_photo_wrap" style="width:480px;background-image:url('https://cdn4.telesco.pe/file/ph.jpg')"></a>
<div class="tgme_widget_message_text js-message_text" dir="auto">Water over the bridge deck<br/>Stay away</div>
<span class="tgme_widget_message_views">1.2K</span>
<a class="tgme_widget_message_date" href="https://t.me/fxdesk/42"><time datetime="2024-05-01T10:00:00+00:00"
 class="time">10:00</time></a></div></body></html>"""


def test_a_telegram_post_is_read_from_its_embed_page(db, tmp_path, standin):
    post = add_post(db, "telegram:fxdesk/42", "https://t.me/fxdesk/42", "fxdesk", "Water over the bridge deck Stay away")
    standin.serve("https://t.me/fxdesk/42?embed=1", TELEGRAM_PAGE, content_type="text/html")
    standin.serve("https://cdn4.telesco.pe/file/ph.jpg", THUMB, content_type="image/jpeg")
    run(db, tmp_path)
    found = results(db, post)
    assert (found["liveness"], found["text_drift"][0], found["media"][0]) == (("pass", "live"), "pass", "pass")
    assert snapshot(db, post) == {
        "state": "live", "reason": None, "handle": "fxdesk", "author_name": "Fx Desk",
        "text": "Water over the bridge deck\nStay away", "created_at": "2024-05-01T10:00:00+00:00",
        "media": [{"kind": "photo", "url": "https://cdn4.telesco.pe/file/ph.jpg", "width": None, "height": None,
                   "content_type": None}], "counts": {"views": "1.2K"}}


def test_a_deleted_telegram_post_shows_the_embeds_error(db, tmp_path, standin):
    post = add_post(db, "telegram:fxdesk/43", "https://t.me/fxdesk/43", "fxdesk", None)
    standin.serve("https://t.me/fxdesk/43?embed=1", '<html><body><div class="tgme_widget_message_error">'
                  'Post not found</div></body></html>', content_type="text/html")
    run(db, tmp_path)
    assert results(db, post)["liveness"] == ("warn", "unavailable (Post not found)")


def test_an_instagram_post_without_a_token_is_skipped_naming_the_setting(db, tmp_path, standin, monkeypatch):
    monkeypatch.delenv("ARCHIVER_INSTAGRAM_TOKEN", raising=False)
    post = add_post(db, "instagram:CxYz123AbC", "https://www.instagram.com/p/CxYz123AbC/", None, None)
    run(db, tmp_path)
    assert results(db, post) == {
        "snapshot": ("skipped", "Meta's oEmbed needs an app token: set ARCHIVER_INSTAGRAM_TOKEN (APP_ID|CLIENT_TOKEN)"
                                " to enable it"),
        "media": ("skipped", "no snapshot (Meta's oEmbed needs an app token: set ARCHIVER_INSTAGRAM_TOKEN"
                             " (APP_ID|CLIENT_TOKEN) to enable it)")}
    assert standin.requests == []


def test_with_a_token_instagram_is_asked_and_the_token_is_never_kept(db, tmp_path, standin, monkeypatch):
    monkeypatch.setenv("ARCHIVER_INSTAGRAM_TOKEN", "123|s3cret")
    post = add_post(db, "instagram:CxYz123AbC", "https://www.instagram.com/p/CxYz123AbC/", None, None)
    standin.serve("https://graph.facebook.com/v21.0/instagram_oembed?omitscript=true&url=https%3A%2F%2F"
                  "www.instagram.com%2Fp%2FCxYz123AbC%2F&access_token=123%7Cs3cret",
                  json.dumps({"author_name": "fxdesk", "html": "<blockquote>...</blockquote>"}))
    run(db, tmp_path)
    assert results(db, post)["liveness"] == ("pass", "live")
    assert db.execute("SELECT url FROM captures WHERE kind = 'snapshot'").fetchall() == [(
        "https://graph.facebook.com/v21.0/instagram_oembed?omitscript=true&url=https%3A%2F%2Fwww.instagram.com"
        "%2Fp%2FCxYz123AbC%2F&access_token=REDACTED",)]
    warc = b"".join(path.read_bytes() for path in (tmp_path / "warc").glob("*.warc.gz"))
    import gzip
    assert b"s3cret" not in gzip.decompress(warc)


def test_a_malformed_or_rate_limited_answer_is_an_error_that_says_try_again(db, tmp_path, standin):
    post = add_post(db, "mastodon:social.example/2", "https://social.example/@fxdesk/2", None, None)
    standin.serve("https://social.example/api/v1/statuses/2", "<html>maintenance</html>", status=200)
    busy = add_post(db, "mastodon:busy.example/3", "https://busy.example/@fxdesk/3", None, None)
    standin.serve("https://busy.example/api/v1/statuses/3", "slow down", status=429, headers={"Retry-After": "0"})
    run(db, tmp_path)
    assert results(db, post)["snapshot"] == (
        "error", "https://social.example/api/v1/statuses/2 answered 200 with malformed JSON")
    assert results(db, busy)["snapshot"] == (
        "error", "https://busy.example/api/v1/statuses/3 answered HTTP 429; try again later")
    assert standin.asked("busy.example") == ["/api/v1/statuses/3"] * 3  # PUBLIC retries twice
    kept = db.execute("SELECT post_id, http_status FROM captures WHERE kind = 'snapshot' ORDER BY id").fetchall()
    assert sorted(kept) == [(busy, 429), (post, 200)]  # the answers that failed are kept as evidence


YOUTUBE = ("https://www.youtube.com/oembed?format=json&url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3D"
           "dQw4w9WgXcQ")
TIKTOK = "https://www.tiktok.com/oembed?url=https%3A%2F%2Fwww.tiktok.com%2F%40fxdesk%2Fvideo%2F7234567890123456789"


@pytest.mark.parametrize("post, endpoint, status, body, outcome, summary", [
    ("youtube:dQw4w9WgXcQ", YOUTUBE, 404, "Not Found", "warn", "unavailable (HTTP 404: deleted, or never existed)"),
    ("youtube:dQw4w9WgXcQ", YOUTUBE, 401, "Unauthorized", "warn",
     "unavailable (HTTP 401: needs a login: protected or private)"),
    ("youtube:dQw4w9WgXcQ", YOUTUBE, 200, '{"html": ""}', "error", None),
    ("tiktok:7234567890123456789", TIKTOK, 404, "{}", "warn", "unavailable (HTTP 404: deleted, or never existed)"),
    ("tiktok:7234567890123456789", TIKTOK, 200, "[1, 2]", "error", None),
])
def test_deleted_private_and_malformed_oembed_answers(db, tmp_path, standin, post, endpoint, status, body, outcome,
                                                      summary):
    url = {"youtube": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
           "tiktok": "https://www.tiktok.com/@fxdesk/video/7234567890123456789"}[post.split(":")[0]]
    add_post(db, post, url, None, None)
    standin.serve(endpoint, body, status=status)
    run(db, tmp_path)
    check = "liveness" if outcome == "warn" else "snapshot"
    found = results(db, post)[check]
    assert found[0] == outcome
    assert found[1] == summary if summary else "the oEmbed answer has no" in found[1]


def test_an_oversized_snapshot_answer_is_refused_with_the_cap(db, tmp_path, standin):
    from dataclasses import replace

    post = add_post(db, "mastodon:social.example/4", "https://social.example/@fxdesk/4", None, None)
    standin.serve("https://social.example/api/v1/statuses/4", b"{" + b" " * 3000 + b"}")
    capture(db, warc_dir=tmp_path / "warc", policy=replace(PUBLIC, max_bytes=2000),
            settings=CaptureSettings(screenshots=False))
    assert results(db, post)["snapshot"] == ("error", "too large: 3,002 bytes, over the cap of 2,000")


def serve_youtube(standin) -> str:
    standin.serve(YOUTUBE, json.dumps({"title": "Flood footage", "author_name": "Fx Desk Video",
                                       "author_url": "https://www.youtube.com/@FxDeskVideo"}))
    return "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def test_with_yt_dlp_on_but_not_installed_the_video_is_named_not_kept(db, tmp_path, standin, monkeypatch):
    monkeypatch.setitem(sys.modules, "yt_dlp", None)  # import yt_dlp raises ImportError
    post = add_post(db, "youtube:dQw4w9WgXcQ", serve_youtube(standin), None, None)
    run(db, tmp_path, CaptureSettings(screenshots=False, yt_dlp=True))
    assert results(db, post)["media"] == ("warn", "0 of 1 file(s) kept (0 bytes); 1 video(s) need yt-dlp, which is"
                                                  " not installed (pip install yt-dlp)")


def test_with_yt_dlp_on_its_file_is_kept_as_a_resource_record_with_a_media_row(db, tmp_path, standin, monkeypatch):
    asked = []

    class YoutubeDL:  # stands in for yt-dlp (not a dependency): writes what its outtmpl names
        def __init__(self, options):
            self.options = options

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def download(self, urls):
            asked.append((urls, self.options["max_filesize"], self.options["proxy"]))
            Path(self.options["outtmpl"].replace("%(ext)s", "mp4")).write_bytes(b"\x00\x00\x00\x18ftypmp42video")

    monkeypatch.setitem(sys.modules, "yt_dlp", types.SimpleNamespace(YoutubeDL=YoutubeDL))
    post = add_post(db, "youtube:dQw4w9WgXcQ", serve_youtube(standin), None, None)
    run(db, tmp_path, CaptureSettings(screenshots=False, yt_dlp=True, max_file_bytes=5000))
    assert asked == [(["https://www.youtube.com/watch?v=dQw4w9WgXcQ"], 5000, standin.proxy_url)]
    assert results(db, post)["media"] == ("pass", "1 file(s) kept (17 bytes)")
    assert db.execute("SELECT media.kind, media.type, media.size, captures.kind, captures.http_status FROM media"
                      " JOIN captures ON captures.id = media.capture_id").fetchall() == [
        ("video", "video/mp4", 17, "media", None)]
