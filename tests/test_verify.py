"""Automatic checks: offline facts, mocked network answers, merges, and the
rule that checks add evidence but never change a reviewer's verdict."""

from __future__ import annotations

import json
import re
import threading
import time
from datetime import datetime, timezone

import pytest
import requests
import responses
from click.testing import CliRunner

from archiver.archive import archive
from archiver.cli import cli
from archiver.fetch import FetchPolicy, Unreachable
from archiver.store.schema import open_db
from archiver.store import add_verdict
from archiver.verify import verify
from archiver.verify.checks.status_id_time import TWITTER_EPOCH_MS, status_id_time
from archiver.verify.checks.text_drift import text_drift
from archiver.verify.compare import comparable_text

PUBLIC = FetchPolicy(resolve=lambda host, port: ["93.184.216.34"], retries=2, backoff=0.01,
                     max_retry_wait=2.0, read_timeout=1.0, per_host_delay=0.0)
OEMBED = re.compile(r"https://publish\.twitter\.com/oembed\?.*")
AVAILABLE = re.compile(r"https://archive\.org/wayback/available\?.*")
CDX = re.compile(r"https://web\.archive\.org/cdx/search/cdx\?.*")


def status_id(day: str, sequence: int = 0) -> str:
    """A Snowflake id created at noon UTC on `day`."""
    moment = datetime.fromisoformat(day).replace(hour=12, tzinfo=timezone.utc)
    return str(((int(moment.timestamp() * 1000) - TWITTER_EPOCH_MS) << 22) + sequence)


JULY = status_id("2021-07-07")


def embed(status: str, *, text="Water over the bridge deck", handle="FxDesk", url_handle=None,
          date_text="July 7, 2021", media="MeRgE00001") -> str:
    link = f' <a href="https://t.co/{media}">pic.twitter.com/{media}</a>' if media else ""
    return (f'<blockquote class="twitter-tweet"><p lang="en">{text}{link}</p>&mdash; Fx Desk (@{handle}) '
            f'<a href="https://twitter.com/{url_handle or handle}/status/{status}">{date_text}</a></blockquote>')


def page(*embeds: str, title="A fictional article") -> str:
    return (f"<html><head><title>{title}</title></head><body><article><p>A fictional outlet reports.</p>"
            + "".join(embeds) + "</article></body></html>")


@pytest.fixture
def archived(tmp_path):
    """Archive the given pages (name -> HTML or text) and return the open database."""
    db = open_db(str(tmp_path / "archive.db"))

    def make(**pages):
        for name, body in pages.items():
            (tmp_path / name).write_text(body, encoding="utf-8")
        archive(db, [str(tmp_path / name) for name in pages], warc_dir=tmp_path / "warc",
                report=lambda s, r: None)
        return db
    return make


def run_checks(db, tmp_path, *checks, **options):
    options.setdefault("policy", PUBLIC)
    return verify(db, warc_dir=tmp_path / "warc", checks=set(checks) or None, **options)


def latest(db, post_id, check):
    row = db.execute("SELECT outcome, summary, detail, evidence_url FROM checks WHERE post_id = ? AND check_name = ?"
                     " ORDER BY id DESC LIMIT 1", [post_id, check]).fetchone()
    return row and (row[0], row[1], json.loads(row[2]), row[3])


def oembed_html(status: str, text: str, handle="FxDesk") -> str:
    return json.dumps({"url": f"https://twitter.com/{handle}/status/{status}", "author_name": "Fx Desk",
                       "author_url": f"https://twitter.com/{handle}",
                       "html": f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{text}</p>&mdash; Fx Desk '
                               f'(@{handle}) <a href="https://twitter.com/{handle}/status/{status}?ref_src=twsrc">'
                               f'July 7, 2021</a></blockquote>\n'})


# --- offline checks --------------------------------------------------------------------------------

def test_an_embed_printed_two_years_after_its_ids_time_fails_with_both_dates(archived, tmp_path):
    db = archived(**{"a.html": page(embed(JULY, date_text="July 7, 2023"))})
    run_checks(db, tmp_path, offline=True)
    outcome, summary, detail, _ = latest(db, f"twitter:{JULY}", "status_id_time")
    assert outcome == "fail"
    assert "2023-07-07" in summary and "2021-07-07" in summary
    assert detail["printed_date"] == "2023-07-07" and detail["id_time"].startswith("2021-07-07")
    assert db["posts"].get(f"twitter:{JULY}")["flags"] == '["status_id_time"]'


def test_status_id_time_allows_a_day_either_side_and_skips_sequential_ids():
    post = {"platform": "twitter", "post_id": JULY, "date_text": "July 8, 2021", "date": "2021-07-08"}
    assert status_id_time(post).outcome == "pass"
    assert status_id_time({**post, "date": "2021-07-09"}).outcome == "fail"
    assert status_id_time({**post, "post_id": "20"}).outcome == "skipped"
    assert "sequential" in status_id_time({**post, "post_id": "20"}).summary
    assert status_id_time({**post, "date": None}).outcome == "skipped"
    assert status_id_time({**post, "platform": "telegram"}) is None


def test_a_handle_that_differs_from_the_status_url_warns_with_both(archived, tmp_path):
    db = archived(**{"a.html": page(embed(JULY, handle="FxDesk", url_handle="FxOtherDesk"))})
    run_checks(db, tmp_path, offline=True)
    outcome, summary, detail, _ = latest(db, f"twitter:{JULY}", "handle_consistency")
    assert outcome == "warn"
    assert detail == {"in_url": "FxOtherDesk", "printed": ["FxDesk"]}
    assert "@FxDesk" in summary and "@FxOtherDesk" in summary


def test_same_handle_in_other_case_passes(archived, tmp_path):
    db = archived(**{"a.html": page(embed(JULY, handle="fxdesk", url_handle="FxDesk"))})
    run_checks(db, tmp_path, offline=True)
    assert latest(db, f"twitter:{JULY}", "handle_consistency")[0] == "pass"


def test_articles_that_show_one_post_differently_warn_and_name_the_articles(archived, tmp_path):
    db = archived(**{"a.html": page(embed(JULY), title="First"),
                     "b.html": page(embed(JULY, text="Water far over the bridge deck", date_text="July 9, 2021"),
                                    title="Second")})
    run_checks(db, tmp_path, offline=True)
    outcome, summary, detail, _ = latest(db, f"twitter:{JULY}", "cross_citation")
    assert outcome == "warn"
    assert set(detail["differs"]) == {"text", "date"}
    assert len(detail["articles"]) == 2
    assert sorted(v["value"] for v in detail["differs"]["date"]) == ["2021-07-07", "2021-07-09"]
    assert all(v["article_url"].endswith((".html")) for v in detail["differs"]["text"])


def test_offline_run_records_network_checks_as_skipped_with_the_reason(archived, tmp_path):
    db = archived(**{"a.html": page(embed(JULY))})
    summary = run_checks(db, tmp_path, offline=True)
    rows = dict(db.execute("SELECT check_name, outcome FROM checks").fetchall())
    assert rows == {"status_id_time": "pass", "handle_consistency": "pass", "cross_citation": "skipped",
                    "media_resolution": "skipped", "liveness": "skipped", "text_drift": "skipped",
                    "archived_copies": "skipped"}
    assert "offline" in latest(db, f"twitter:{JULY}", "liveness")[1]
    assert summary.posts == 1


def test_with_the_network_down_verify_skips_network_checks_and_finishes(archived, tmp_path):
    db = archived(**{"a.html": page(embed(JULY))})

    def no_dns(host, port):
        raise Unreachable(f"cannot resolve host {host!r}; check the URL and the network")
    summary = run_checks(db, tmp_path, policy=FetchPolicy(resolve=no_dns))
    outcomes = dict(db.execute("SELECT check_name, outcome FROM checks").fetchall())
    assert {outcomes[name] for name in ("media_resolution", "liveness", "text_drift", "archived_copies")} == {"skipped"}
    assert "cannot resolve host 'publish.twitter.com'" in latest(db, f"twitter:{JULY}", "liveness")[1]
    assert summary.outcomes["error"] == 0


def test_cli_verify_exits_0_without_a_network(archived, tmp_path, monkeypatch):
    archived(**{"a.html": page(embed(JULY))})
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # nothing listens: every request fails to connect
    monkeypatch.setenv("NO_PROXY", "")
    result = CliRunner().invoke(cli, ["verify", "--db", str(tmp_path / "archive.db"), "--timeout", "2",
                                      "--retries", "0", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["outcomes"]["error"] == 0 and summary["outcomes"]["skipped"] >= 4


def test_cli_verify_refuses_an_unknown_check_and_an_unknown_post(archived, tmp_path):
    archived(**{"a.html": page(embed(JULY))})
    db_path = str(tmp_path / "archive.db")
    result = CliRunner().invoke(cli, ["verify", "--db", db_path, "--checks", "liveness,astrology"])
    assert result.exit_code == 2 and "astrology" in result.output
    result = CliRunner().invoke(cli, ["verify", "--db", db_path, "--post", "twitter:1"])
    assert result.exit_code == 1 and "no post 'twitter:1'" in result.output


# --- liveness, with history ------------------------------------------------------------------------

@responses.activate
def test_liveness_keeps_every_observation_and_the_post_says_when_it_went(archived, tmp_path):
    db = archived(**{"a.html": page(embed(JULY))})
    responses.get(OEMBED, body=oembed_html(JULY, "Water over the bridge deck"))
    run_checks(db, tmp_path, "liveness", now=lambda: datetime(2021, 7, 9, tzinfo=timezone.utc))
    responses.replace(responses.GET, OEMBED, status=404, json={"error": "not found"})
    run_checks(db, tmp_path, "liveness", now=lambda: datetime(2021, 8, 20, tzinfo=timezone.utc))
    run_checks(db, tmp_path, "liveness", now=lambda: datetime(2021, 8, 27, tzinfo=timezone.utc))
    history = db.execute("SELECT json_extract(detail, '$.state'), json_extract(detail, '$.http_status'), checked_at"
                         " FROM checks WHERE check_name = 'liveness' ORDER BY id").fetchall()
    assert history == [("live", 200, "2021-07-09T00:00:00Z"), ("unavailable", 404, "2021-08-20T00:00:00Z"),
                       ("unavailable", 404, "2021-08-27T00:00:00Z")]
    post = db["posts"].get(f"twitter:{JULY}")
    assert (post["availability"], post["last_live_at"], post["gone_since"]) == (
        "unavailable", "2021-07-09T00:00:00Z", "2021-08-20T00:00:00Z")
    assert db.execute("SELECT count(*) FROM captures WHERE kind = 'oembed' AND post_id = ?",
                      [f"twitter:{JULY}"]).fetchone()[0] == 3


@responses.activate
def test_a_post_gone_in_the_second_it_was_seen_live_is_gone_since_then(archived, tmp_path):
    """Regression: a live and an unavailable answer stamped the same second crashed the summary (min of nothing)."""
    db = archived(**{"a.html": page(embed(JULY))})
    same_second = lambda: datetime(2021, 7, 9, 12, 0, 0, tzinfo=timezone.utc)  # noqa: E731
    responses.get(OEMBED, body=oembed_html(JULY, "Water over the bridge deck"))
    run_checks(db, tmp_path, "liveness", now=same_second)
    responses.replace(responses.GET, OEMBED, status=404, json={"error": "not found"})
    run_checks(db, tmp_path, "liveness", now=same_second)
    post = db["posts"].get(f"twitter:{JULY}")
    assert (post["availability"], post["last_live_at"], post["gone_since"]) == (
        "unavailable", "2021-07-09T12:00:00Z", "2021-07-09T12:00:00Z")


@responses.activate
@pytest.mark.parametrize("answers, outcome, state, words", [
    ([dict(status=403, json={})], "warn", "unavailable", "protected or suspended"),
    ([dict(status=429, headers={"Retry-After": "1"}), dict(body=oembed_html(JULY, "Water over the bridge deck"))],
     "pass", "live", "live"),
    ([dict(status=503), dict(status=502), dict(body=oembed_html(JULY, "Water over the bridge deck"))],
     "pass", "live", "live"),
    ([dict(status=500)] * 3, "error", "error", "HTTP 500"),
    ([dict(body=requests.exceptions.ReadTimeout("read timed out"))], "error", "error", "timed out"),
    ([dict(body="{not json")], "error", "error", "malformed JSON"),
    ([dict(json={"no": "html"})], "error", "error", "malformed JSON"),
])
def test_liveness_answers(archived, tmp_path, answers, outcome, state, words):
    db = archived(**{"a.html": page(embed(JULY))})
    for answer in answers:
        responses.get(OEMBED, **answer)
    started = time.monotonic()
    run_checks(db, tmp_path, "liveness")
    got, summary, detail, _ = latest(db, f"twitter:{JULY}", "liveness")
    assert (got, detail.get("state")) == (outcome, state)
    assert words in summary
    if "Retry-After" in str(answers[0]):
        assert time.monotonic() - started >= 1.0  # the server's Retry-After was honoured


@responses.activate
def test_text_drift_warns_with_a_word_diff_and_ignores_links_entities_and_spacing(archived, tmp_path):
    db = archived(**{"a.html": page(embed(JULY, text="Water  over the bridge &amp; road"))})
    responses.get(OEMBED, body=oembed_html(JULY, "Water over the bridge &amp; road "
                                           '<a href="https://t.co/MeRgE00001">pic.twitter.com/MeRgE00001</a>'))
    run_checks(db, tmp_path, "liveness", "text_drift")
    assert latest(db, f"twitter:{JULY}", "text_drift")[0] == "pass"
    responses.replace(responses.GET, OEMBED, body=oembed_html(JULY, "Water under the bridge &amp; road"))
    run_checks(db, tmp_path, "liveness", "text_drift")
    outcome, _, detail, _ = latest(db, f"twitter:{JULY}", "text_drift")
    assert outcome == "warn"
    assert detail["diff"] == [{"op": "replace", "article": "over", "live": "under"}]


def test_text_comparison_rules():
    assert comparable_text("a&nbsp;b  pic.twitter.com/XyZ https://t.co/Abc") == "a b"
    assert text_drift("Café open", "Cafe\u0301 open").outcome == "pass"  # composed and decomposed é
    assert text_drift(None, "x").outcome == "skipped"


# --- media resolution and the merge ------------------------------------------------------------------

PLAIN = ("A fictional flood report.\n\n"
         "Water over the bridge deck pic.twitter.com/MeRgE00001\n— Fx Desk (@FxDesk) July 7, 2021\n\n"
         "Closing paragraph.\n")


@responses.activate
def test_a_plain_text_post_gets_its_id_from_its_media_link_and_keeps_citation_tag_and_checks(archived, tmp_path):
    db = archived(**{"flood.txt": PLAIN})
    assert [p["id"] for p in db["posts"].rows] == ["twitter:media:MeRgE00001"]
    run_checks(db, tmp_path, offline=True)
    add_verdict(db, "twitter:media:MeRgE00001", "verified", "alice", "matches the footage")
    responses.get("https://pic.twitter.com/MeRgE00001", status=301,
                  headers={"Location": f"https://twitter.com/FxDesk/status/{JULY}/photo/1"})
    run_checks(db, tmp_path, "media_resolution", "status_id_time")
    assert [p["id"] for p in db["posts"].rows] == [f"twitter:{JULY}"]
    post = db["posts"].get(f"twitter:{JULY}")
    assert (post["status"], post["status_by"], post["handle"]) == ("verified", "alice", "FxDesk")
    assert post["url"] == f"https://twitter.com/FxDesk/status/{JULY}"
    assert db.execute("SELECT post_id FROM citations").fetchall() == [(f"twitter:{JULY}",)]
    assert db.execute("SELECT post_id, note FROM verifications").fetchall() == [(f"twitter:{JULY}", "matches the footage")]
    assert db.execute("SELECT DISTINCT post_id FROM checks").fetchall() == [(f"twitter:{JULY}",)]
    outcome, _, detail, _ = latest(db, f"twitter:{JULY}", "media_resolution")
    assert outcome == "pass"
    assert detail["links"][0]["chain"] == ["https://pic.twitter.com/MeRgE00001",
                                           f"https://twitter.com/FxDesk/status/{JULY}/photo/1"]
    assert latest(db, f"twitter:{JULY}", "status_id_time")[0] == "pass"  # now it has an id to check
    assert db.execute("SELECT resolved_url FROM media").fetchone()[0] == f"https://twitter.com/FxDesk/status/{JULY}"


@responses.activate
def test_media_first_posted_by_another_account_warns_with_both_urls(archived, tmp_path):
    db = archived(**{"a.html": page(embed(JULY, text="Water over the bridge https://t.co/ReUsEd0001", media=None))})
    other = status_id("2019-03-01")
    responses.get("https://t.co/ReUsEd0001", status=301, headers={"Location": "https://pic.twitter.com/ReUsEd0001"})
    responses.get("https://pic.twitter.com/ReUsEd0001", status=301,
                  headers={"Location": f"https://twitter.com/FxArchive/status/{other}/photo/1"})
    run_checks(db, tmp_path, "media_resolution")
    outcome, summary, detail, evidence = latest(db, f"twitter:{JULY}", "media_resolution")
    assert outcome == "warn"
    assert summary.startswith("media first posted by @FxArchive")
    assert f"https://twitter.com/FxArchive/status/{other}" in summary and f"FxDesk/status/{JULY}" in summary
    assert detail["links"][0]["chain"] == ["https://t.co/ReUsEd0001", "https://pic.twitter.com/ReUsEd0001",
                                           f"https://twitter.com/FxArchive/status/{other}/photo/1"]
    assert evidence == f"https://twitter.com/FxArchive/status/{other}"


@responses.activate
def test_an_idless_post_whose_photo_belongs_to_another_account_is_not_given_that_id(archived, tmp_path):
    db = archived(**{"flood.txt": PLAIN})
    responses.get("https://pic.twitter.com/MeRgE00001", status=301,
                  headers={"Location": f"https://twitter.com/FxArchive/status/{JULY}/photo/1"})
    run_checks(db, tmp_path, "media_resolution")
    assert [p["id"] for p in db["posts"].rows] == ["twitter:media:MeRgE00001"]
    assert latest(db, "twitter:media:MeRgE00001", "media_resolution")[0] == "warn"


# --- archived copies --------------------------------------------------------------------------------

@responses.activate
def test_archived_copies_record_the_earliest_and_latest_snapshot(archived, tmp_path):
    db = archived(**{"a.html": page(embed(JULY))})
    url = f"https://twitter.com/FxDesk/status/{JULY}"
    responses.get(AVAILABLE, json={"archived_snapshots": {"closest": {
        "available": True, "status": "200", "timestamp": "20210801000000",
        "url": f"http://web.archive.org/web/20210801000000/{url}"}}})
    responses.get(re.compile(CDX.pattern + r"limit=1$"),
                  json=[["timestamp", "original", "statuscode"], ["20210708093000", url, "200"]])
    responses.get(re.compile(CDX.pattern + r"limit=-1$"),
                  json=[["timestamp", "original", "statuscode"], ["20220102030405", url, "200"]])
    run_checks(db, tmp_path, "archived_copies")
    outcome, _, detail, evidence = latest(db, f"twitter:{JULY}", "archived_copies")
    assert outcome == "pass"
    assert detail["earliest"] == {"url": f"https://web.archive.org/web/20210708093000/{url}",
                                  "time": "2021-07-08T09:30:00Z", "http_status": "200"}
    assert detail["latest"]["time"] == "2022-01-02T03:04:05Z"
    assert db["posts"].get(f"twitter:{JULY}")["archived_url"] == evidence == detail["latest"]["url"]
    assert db.execute("SELECT count(*) FROM captures WHERE kind = 'archive'").fetchone()[0] == 3


@responses.activate
def test_no_snapshot_warns_and_malformed_answers_are_errors(archived, tmp_path):
    db = archived(**{"a.html": page(embed(JULY))})
    responses.get(AVAILABLE, json={"archived_snapshots": {}})
    responses.get(CDX, json=[])
    run_checks(db, tmp_path, "archived_copies")
    assert latest(db, f"twitter:{JULY}", "archived_copies")[:2] == ("warn", "no archived copy in the Wayback Machine")
    responses.replace(responses.GET, CDX, body="<html>busy</html>")
    run_checks(db, tmp_path, "archived_copies")
    assert latest(db, f"twitter:{JULY}", "archived_copies")[0] == "error"


@responses.activate
def test_save_page_now_is_asked_only_when_configured_and_only_for_missing_copies(archived, tmp_path):
    db = archived(**{"a.html": page(embed(JULY))})
    responses.get(AVAILABLE, json={"archived_snapshots": {}})
    responses.get(CDX, json=[])
    save = responses.get(re.compile(r"https://web\.archive\.org/save/.*"), status=200, body="<html>saved</html>")
    run_checks(db, tmp_path, "archived_copies")
    assert save.call_count == 0
    run_checks(db, tmp_path, "archived_copies", save_missing=True)
    assert save.call_count == 1
    assert latest(db, f"twitter:{JULY}", "archived_copies")[2]["save_requested"]["http_status"] == 200


# --- human verdicts are never overwritten; concurrency within limits ----------------------------------

@responses.activate
def test_a_reviewers_verdict_survives_failing_checks(archived, tmp_path):
    db = archived(**{"a.html": page(embed(JULY, date_text="July 7, 2023", url_handle="FxOtherDesk"))})
    add_verdict(db, f"twitter:{JULY}", "verified", "alice", "confirmed with the author")
    responses.get(OEMBED, status=404)
    responses.get(AVAILABLE, json={"archived_snapshots": {}})
    responses.get(CDX, json=[])
    responses.get(re.compile(r"https://(t\.co|pic\.twitter\.com)/.*"), status=404)
    run_checks(db, tmp_path)
    post = db["posts"].get(f"twitter:{JULY}")
    assert (post["status"], post["status_by"]) == ("verified", "alice")
    assert db["verifications"].count == 1
    assert set(json.loads(post["flags"])) >= {"status_id_time", "handle_consistency", "liveness"}


@responses.activate
def test_network_checks_run_concurrently_within_the_per_host_limit(archived, tmp_path):
    db = archived(**{"a.html": page(*(embed(status_id("2021-07-07", n), media=None) for n in range(12)))})
    in_flight, peak, lock = [0], [0], threading.Lock()
    three_at_once = threading.Event()

    def slow(request):
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
            if in_flight[0] >= 3:
                three_at_once.set()
        # Held until three run at once, so a loaded machine's slow thread start cannot
        # keep the peak under the limit; after that, long enough for a fourth to show.
        three_at_once.wait(timeout=10)
        time.sleep(0.05)
        with lock:
            in_flight[0] -= 1
        status = re.search(r"status%2F(\d+)", request.url).group(1)
        return 200, {}, oembed_html(status, "Water over the bridge deck")
    responses.add_callback(responses.GET, OEMBED, callback=slow)
    policy = FetchPolicy(resolve=PUBLIC.resolve, per_host_concurrency=3, retries=0)
    run_checks(db, tmp_path, "liveness", policy=policy, workers=8)
    assert peak[0] == 3
    assert db.execute("SELECT count(*) FROM checks WHERE outcome = 'pass'").fetchone()[0] == 12
