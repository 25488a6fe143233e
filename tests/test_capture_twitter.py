"""Capturing a tweet: oEmbed and syndication snapshots, its photos and video,
hashes, media re-use, screenshots; against stand-ins reached through HTTPS_PROXY."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from urllib.parse import quote

import pytest
from capture_standin import PUBLIC, jpeg, photo, standin, warcs_checked  # noqa: F401 (fixtures)
from click.testing import CliRunner
from test_verify import archived, embed, page, status_id  # noqa: F401 (fixture)

from archiver.capture.run import capture
from archiver.capture.settings import CaptureSettings
from archiver.capture.snapshots.twitter import OEMBED, syndication_token, syndication_url
from archiver.cli import cli

JULY = status_id("2021-07-07")
URL = f"https://twitter.com/FxDesk/status/{JULY}"
TEXT = "Water over the bridge deck"
VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40  # stands in for an mp4
NO_SCREENSHOTS = CaptureSettings(screenshots=False)
pytestmark = pytest.mark.usefixtures("warcs_checked")


def tweet_json(status=JULY, handle="FxDesk", text=TEXT, media=(), created="2021-07-07T12:00:00.000Z") -> str:
    return json.dumps({"__typename": "Tweet", "id_str": status, "text": text, "created_at": created,
                       "favorite_count": 12, "conversation_count": 3,
                       "user": {"screen_name": handle, "name": "Fx Desk"}, "mediaDetails": list(media)})


def photo_detail(name: str, width=640, height=480) -> dict:
    return {"type": "photo", "media_url_https": f"https://pbs.twimg.com/media/{name}.jpg",
            "original_info": {"width": width, "height": height}}


VIDEO_DETAIL = {"type": "video", "original_info": {"width": 1280, "height": 720}, "video_info": {"variants": [
    {"content_type": "application/x-mpegURL", "url": "https://video.twimg.com/ext_tw_video/1/pl/a.m3u8"},
    {"content_type": "video/mp4", "bitrate": 256000, "url": "https://video.twimg.com/ext_tw_video/1/vid/480x270/low.mp4"},
    {"content_type": "video/mp4", "bitrate": 2176000, "url": "https://video.twimg.com/ext_tw_video/1/vid/1280x720/best.mp4"},
]}}


def serve_tweet(standin, status=JULY, handle="FxDesk", media=(), **options) -> None:
    url = f"https://twitter.com/{handle}/status/{status}"
    standin.serve(OEMBED + quote(url, safe=""), json.dumps({
        "author_name": "Fx Desk", "author_url": f"https://twitter.com/{handle}",
        "html": f'<blockquote class="twitter-tweet"><p>{TEXT}</p>&mdash; Fx Desk (@{handle}) '
                f'<a href="{url}">July 7, 2021</a></blockquote>'}))
    standin.serve(syndication_url(status), tweet_json(status, handle, media=media, **options))


def run(db, tmp_path, settings=NO_SCREENSHOTS, **options):
    return capture(db, warc_dir=tmp_path / "warc", settings=settings, policy=PUBLIC, **options)


def checks_of(db, post_id):
    return dict(db.execute("SELECT check_name, outcome FROM checks WHERE post_id = ? ORDER BY id", [post_id]))


def test_the_syndication_token_is_the_embeds_formula():
    # values of ((Number(id) / 1e15) * Math.PI).toString(36).replace(/(0+|\.)/g, '') in node
    assert [syndication_token(i) for i in ("20", "1412345678901234567", "1629307668568633344")] == [
        "6dq1a2xwd93", "3f9j6xplo4", "3y6mctgwzxo"]


def test_a_tweet_with_two_photos_and_a_video_ends_with_three_media_rows_two_hashes_and_screenshots(
        archived, tmp_path, standin):
    db = archived(**{"a.html": page(embed(JULY, media=None))})
    first, second = jpeg(photo(1)), jpeg(photo(2))
    serve_tweet(standin, media=[photo_detail("AAA"), photo_detail("BBB"), VIDEO_DETAIL])
    standin.serve("https://pbs.twimg.com/media/AAA.jpg?name=orig", first, content_type="image/jpeg")
    standin.serve("https://pbs.twimg.com/media/BBB.jpg?name=orig", second, content_type="image/jpeg")
    standin.serve("https://video.twimg.com/ext_tw_video/1/vid/1280x720/best.mp4", VIDEO, content_type="video/mp4")
    standin.serve(f"https://platform.twitter.com/embed/Tweet.html?dnt=true&id={JULY}",
                  f"<html><body><h1>Fx Desk</h1><p>{TEXT}</p></body></html>", content_type="text/html")
    summary = run(db, tmp_path, settings=CaptureSettings())
    rows = db.execute("SELECT kind, link, sha256, type, size, width, height, phash IS NOT NULL FROM media"
                      " WHERE sha256 IS NOT NULL ORDER BY id").fetchall()
    assert rows == [
        ("photo", "https://pbs.twimg.com/media/AAA.jpg?name=orig", hashlib.sha256(first).hexdigest(), "image/jpeg",
         len(first), 640, 480, 1),
        ("photo", "https://pbs.twimg.com/media/BBB.jpg?name=orig", hashlib.sha256(second).hexdigest(), "image/jpeg",
         len(second), 640, 480, 1),
        ("video", "https://video.twimg.com/ext_tw_video/1/vid/1280x720/best.mp4", hashlib.sha256(VIDEO).hexdigest(),
         "video/mp4", len(VIDEO), 1280, 720, 0)]
    post_id = f"twitter:{JULY}"
    assert checks_of(db, post_id) == {"snapshot": "pass", "liveness": "pass", "text_drift": "pass", "media": "pass",
                                      "media_reuse": "pass", "embed_screenshot": "pass", "live_screenshot": "pass"}
    article = db.execute("SELECT id, url FROM captures WHERE kind = 'article'").fetchone()
    shots = db.execute("SELECT url, content_type, derived_from FROM captures WHERE kind = 'screenshot'"
                       " ORDER BY id").fetchall()
    assert shots == [(article[1], "image/png", article[0]),
                     (f"https://platform.twitter.com/embed/Tweet.html?dnt=true&id={JULY}", "image/png", None)]
    snapshot = db.execute("SELECT state, handle, text, created_at, counts FROM snapshots").fetchall()
    assert snapshot == [("live", "FxDesk", TEXT, "2021-07-07T12:00:00.000Z",
                         '{"favorite_count": 12, "conversation_count": 3}')]
    assert db["posts"].get(post_id)["availability"] == "live"
    assert summary.outcomes["error"] == 0
    assert list((tmp_path / "warc").glob("*.warc.gz"))  # each passes warcio check (warcs_checked)


def test_the_same_photo_reencoded_and_resized_under_another_account_is_warned_a_different_one_is_not(
        archived, tmp_path, standin):
    other = status_id("2019-03-01")
    db = archived(**{"old.html": page(embed(other, handle="FxArchive", date_text="March 1, 2019", media=None)),
                     "new.html": page(embed(JULY, media=None))})
    original = photo(7)
    serve_tweet(standin, other, "FxArchive", media=[photo_detail("OLD")], created="2019-03-01T12:00:00.000Z")
    standin.serve("https://pbs.twimg.com/media/OLD.jpg?name=orig", jpeg(original), content_type="image/jpeg")
    serve_tweet(standin, media=[photo_detail("NEW", 480, 360), photo_detail("DIF")])
    standin.serve("https://pbs.twimg.com/media/NEW.jpg?name=orig", jpeg(original.resize((480, 360)), quality=55),
                  content_type="image/jpeg")
    standin.serve("https://pbs.twimg.com/media/DIF.jpg?name=orig", jpeg(photo(8)), content_type="image/jpeg")
    run(db, tmp_path, post_ids=[f"twitter:{other}"])
    run(db, tmp_path, post_ids=[f"twitter:{JULY}"])
    outcome, summary, detail, evidence = db.execute(
        "SELECT outcome, summary, detail, evidence_url FROM checks WHERE check_name = 'media_reuse'"
        " AND post_id = ?", [f"twitter:{JULY}"]).fetchone()
    assert outcome == "warn"
    assert summary.startswith(f"photo 1 is already in the archive: twitter:{other} by @FxArchive, 2019-03-01")
    assert [m["photo"] for m in json.loads(detail)["matches"]] == [1]  # the different photo matched nothing
    assert evidence == f"https://twitter.com/FxArchive/status/{other}"
    assert db.execute("SELECT outcome FROM checks WHERE check_name = 'media_reuse' AND post_id = ?",
                      [f"twitter:{other}"]).fetchone() == ("pass",)


def test_a_deleted_tweet_is_unavailable_and_its_history_says_since_when(archived, tmp_path, standin):
    db = archived(**{"a.html": page(embed(JULY, media=None))})
    serve_tweet(standin)
    run(db, tmp_path, now=lambda: datetime(2021, 7, 9, tzinfo=timezone.utc))
    standin.serve(syndication_url(JULY), json.dumps({"__typename": "TweetTombstone", "tombstone": {
        "text": {"text": "This Post was deleted by the Post author. Learn more"}}}))
    run(db, tmp_path, now=lambda: datetime(2021, 8, 20, tzinfo=timezone.utc))
    post = db["posts"].get(f"twitter:{JULY}")
    assert (post["availability"], post["last_live_at"], post["gone_since"]) == (
        "unavailable", "2021-07-09T00:00:00Z", "2021-08-20T00:00:00Z")
    assert db.execute("SELECT summary FROM checks WHERE check_name = 'liveness' ORDER BY id").fetchall() == [
        ("live",), ("unavailable (This Post was deleted by the Post author.)",)]
    assert db.execute("SELECT state FROM snapshots ORDER BY id").fetchall() == [("live",), ("unavailable",)]
    assert db.execute("SELECT count(*) FROM captures WHERE kind = 'snapshot'").fetchone() == (4,)  # never overwritten


@pytest.mark.parametrize("status, body, outcome, summary", [
    (404, "", "warn", "unavailable (HTTP 404: deleted, or never existed)"),
    (403, "", "warn", "unavailable (HTTP 403: protected, private or suspended)"),
    (200, "<html>busy</html>", "error", None),
])
def test_deleted_protected_and_malformed_answers(archived, tmp_path, standin, status, body, outcome, summary):
    db = archived(**{"a.html": page(embed(JULY, media=None))})
    serve_tweet(standin)
    standin.serve(syndication_url(JULY), body, status=status)
    if status == 403:
        standin.routes.pop(next(k for k in standin.routes if k[0] == "publish.twitter.com"))
    run(db, tmp_path)
    check = "liveness" if outcome == "warn" else "snapshot"
    row = db.execute("SELECT outcome, summary FROM checks WHERE check_name = ?", [check]).fetchone()
    assert row[0] == outcome
    if summary:
        assert row[1] == summary
    else:
        assert "malformed JSON" in row[1]


def test_a_429_with_retry_after_is_asked_again_and_then_captured(archived, tmp_path, standin):
    from conftest import Route

    db = archived(**{"a.html": page(embed(JULY, media=None))})
    serve_tweet(standin)
    key = ("cdn.syndication.twimg.com", syndication_url(JULY).split(".com", 1)[1])
    standin.routes[key] = Route(b"slow down", 429, {"Retry-After": "1"}, then=standin.routes[key])
    run(db, tmp_path)
    assert checks_of(db, f"twitter:{JULY}")["liveness"] == "pass"
    assert standin.asked("cdn.syndication.twimg.com").count(key[1]) == 2


def test_oversized_media_is_not_kept_and_the_caps_are_named(archived, tmp_path, standin):
    db = archived(**{"a.html": page(embed(JULY, media=None))})
    serve_tweet(standin, media=[photo_detail("BIG"), photo_detail("SMALL")])
    standin.serve("https://pbs.twimg.com/media/BIG.jpg?name=orig", b"x" * 5000, content_type="image/jpeg")
    standin.serve("https://pbs.twimg.com/media/SMALL.jpg?name=orig", jpeg(photo(3).resize((64, 48))),
                  content_type="image/jpeg")
    run(db, tmp_path, settings=CaptureSettings(screenshots=False, max_file_bytes=4000))
    outcome, summary = db.execute("SELECT outcome, summary FROM checks WHERE check_name = 'media'").fetchone()
    assert outcome == "warn" and "1 of 2 file(s) kept" in summary
    assert "BIG.jpg?name=orig: too large: 5,000 bytes, over the cap of 4,000 bytes (max_file_bytes)" in summary
    run(db, tmp_path, settings=CaptureSettings(screenshots=False, max_post_bytes=10))
    summary = db.execute("SELECT summary FROM checks WHERE check_name = 'media' ORDER BY id DESC").fetchone()[0]
    assert "over the cap of 10 bytes (what is left of max_post_bytes)" in summary


def test_offline_every_step_is_skipped_exit_0_and_the_embed_is_still_screenshotted(archived, tmp_path, standin):
    archived(**{"a.html": page(embed(JULY, media=None))})
    result = CliRunner().invoke(cli, ["capture", "--db", str(tmp_path / "archive.db"), "--offline", "--json"])
    assert result.exit_code == 0, result.output
    import sqlite3

    db = sqlite3.connect(tmp_path / "archive.db")
    rows = db.execute("SELECT check_name, outcome, summary FROM checks ORDER BY id").fetchall()
    assert [(name, outcome) for name, outcome, _ in rows] == [
        ("snapshot", "skipped"), ("media", "skipped"), ("embed_screenshot", "pass"), ("live_screenshot", "skipped")]
    assert all("offline" in summary for name, outcome, summary in rows if outcome == "skipped")
    assert db.execute("SELECT count(*) FROM captures WHERE kind = 'screenshot'").fetchone() == (1,)
    assert standin.requests == []


def test_an_unreachable_network_skips_every_step_and_exits_0(archived, tmp_path, monkeypatch):
    archived(**{"a.html": page(embed(JULY, media=None))})
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "")
    result = CliRunner().invoke(cli, ["capture", "--db", str(tmp_path / "archive.db"), "--timeout", "2",
                                      "--retries", "0", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["outcomes"]["error"] == 0 and summary["outcomes"]["pass"] == 1  # the embed screenshot
    assert summary["outcomes"]["skipped"] == 3
