"""The extractor on the real pages of ../shared/devset, scored by the sets' own scorers
against the targets of issue 13. Skips, saying where it looked, when the set is not there."""

from devset import predictions, require_devset, score


def test_devset_twitter_html_meets_the_targets(tmp_path):
    folder = require_devset("twitter")
    figures = score(folder, predictions(folder / "pages"), tmp_path, "--mode", "html")
    report = figures["report"]
    assert figures["precision"] >= 0.99 and figures["recall"] >= 0.97, report
    for field in ("id_acc", "handle_acc", "name_acc", "date_acc"):
        assert figures[field] >= 0.97, (field, report)
    assert figures["media_acc"] >= 0.95 and figures["text_acc"] >= 0.93, report
    assert figures["neg_fp_pages"] == 0, report


def test_devset_plain_text_gives_the_copied_embeds(tmp_path):
    folder = require_devset("twitter")
    figures = score(folder, predictions(folder / "text"), tmp_path, "--mode", "text")
    report = figures["report"]
    assert figures["precision"] >= 0.97 and figures["recall"] >= 0.95, report
    for field in ("handle_acc", "name_acc", "date_acc", "media_acc", "text_acc"):
        assert figures[field] >= 0.93, (field, report)
    assert figures["neg_fp_pages"] == 0, report


def test_devset_platforms_give_their_posts_and_no_furniture(tmp_path):
    folder = require_devset("platforms")
    figures = score(folder, predictions(folder / "pages"), tmp_path)
    report = figures["report"]
    assert figures["precision"] >= 0.97 and figures["recall"] >= 0.95, report
    assert figures["handle_acc"] >= 0.90 and figures["text_acc"] >= 0.85, report
    assert figures["neg_fp_pages"] == 0, report  # site feeds, footer galleries, sidebar video boxes
