"""`archiver verify` does not record again a check skipped for the same reason
as its last row (36 rows became 234, 189 of them "skipped", in the issue)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from archiver.archive import archive
from archiver.store.schema import open_db
from archiver.verify import verify

PAGE = ('<html><body><article><p>A fictional outlet.</p><blockquote class="twitter-tweet"><p>Fictional flood'
        '</p>&mdash; Fx Desk (@FxDesk) <a href="https://twitter.com/FxDesk/status/1412743195653046279">July 7, 2021'
        '</a></blockquote></article></body></html>')


def test_a_check_skipped_for_the_same_reason_is_counted_but_not_recorded_again(tmp_path):
    (tmp_path / "a.html").write_text(PAGE, encoding="utf-8")
    db = open_db(str(tmp_path / "archive.db"))
    archive(db, [str(tmp_path / "a.html")], warc_dir=tmp_path / "warc", report=lambda s, r: None)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    first = verify(db, warc_dir=tmp_path / "warc", offline=True, now=lambda: start)
    rows = db["checks"].count
    again = verify(db, warc_dir=tmp_path / "warc", offline=True, now=lambda: start + timedelta(days=1))
    skipped = [(row["check_name"], row["summary"]) for row in db["checks"].rows_where("outcome = 'skipped'")]
    assert sorted(skipped) == [("archived_copies", "offline: network checks not run (--offline)"),
                               ("cross_citation", "cited by only one article"),
                               ("liveness", "offline: network checks not run (--offline)"),
                               ("media_resolution", "offline: network checks not run (--offline)"),
                               ("text_drift", "offline: network checks not run (--offline)")]
    assert (first.outcomes["skipped"], first.skipped_again) == (5, 0)
    assert (again.outcomes["skipped"], again.skipped_again) == (5, 5)
    assert again.as_dict()["skipped_again"] == 5 and "5 skipped as last time" in again.skipped_again_note()
    assert db["checks"].count == rows + 2  # only the checks that ran: status_id_time, handle_consistency
    assert db["posts"].get("twitter:1412743195653046279")["checked_at"] == "2026-01-02T00:00:00Z"


def test_a_skip_for_a_new_reason_is_recorded(tmp_path):
    (tmp_path / "a.html").write_text(PAGE, encoding="utf-8")
    db = open_db(str(tmp_path / "archive.db"))
    archive(db, [str(tmp_path / "a.html")], warc_dir=tmp_path / "warc", report=lambda s, r: None)
    verify(db, warc_dir=tmp_path / "warc", offline=True)
    db.execute("UPDATE checks SET summary = 'an older reason' WHERE check_name = 'liveness'")  # a fixture, not an API
    db.conn.commit()
    again = verify(db, warc_dir=tmp_path / "warc", offline=True)
    assert again.skipped_again == 4
    assert [row["summary"] for row in db["checks"].rows_where("check_name = 'liveness'", order_by="id")] == [
        "an older reason", "offline: network checks not run (--offline)"]
