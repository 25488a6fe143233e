"""Offline screenshots of the embeds an article showed, in real Chromium:
made where there is something to see, skipped with the reason otherwise."""

from __future__ import annotations

from test_verify import PLAIN, archived, embed, page, status_id  # noqa: F401 (fixture)

from archiver.capture.run import capture

JULY = status_id("2021-07-07")
IFRAME = '<iframe src="https://www.youtube.com/embed/Fx0Sample01" width="560" height="315"></iframe>'
WIDGET = ('<script async src="https://telegram.org/js/telegram-widget.js" data-telegram-post="fxdesk/42"'
          ' data-width="100%"></script>')


def screenshots(db, tmp_path) -> dict:
    capture(db, warc_dir=tmp_path / "warc", offline=True)
    return {post: (outcome, summary) for post, outcome, summary in db.execute(
        "SELECT post_id, outcome, summary FROM checks WHERE check_name = 'embed_screenshot'")}


def test_a_blockquote_is_screenshotted_and_iframes_and_script_widgets_are_skipped_with_the_reason(archived,
                                                                                                   tmp_path):
    db = archived(**{"a.html": page(embed(JULY, media=None), IFRAME, WIDGET)})
    found = screenshots(db, tmp_path)
    assert found[f"twitter:{JULY}"][0] == "pass"
    assert found["youtube:Fx0Sample01"] == (
        "skipped", "the article shows the post in an iframe of its platform, which shows nothing offline")
    assert found["telegram:fxdesk/42"] == (
        "skipped", "the embed has nothing to show without scripts (an empty placeholder)")
    assert db.execute("SELECT count(*) FROM captures WHERE kind = 'screenshot'").fetchone() == (1,)


def test_a_plain_text_article_gets_no_screenshot(archived, tmp_path):
    db = archived(**{"flood.txt": PLAIN})
    assert screenshots(db, tmp_path) == {
        "twitter:media:MeRgE00001": ("skipped", "the article's capture is plain text: there is no embed to render")}


def test_a_second_run_does_not_render_the_same_article_capture_again(archived, tmp_path):
    db = archived(**{"a.html": page(embed(JULY, media=None))})
    screenshots(db, tmp_path)
    capture(db, warc_dir=tmp_path / "warc", offline=True)
    assert db.execute("SELECT outcome FROM checks WHERE check_name = 'embed_screenshot' ORDER BY id").fetchall() == [
        ("pass",), ("skipped",)]
