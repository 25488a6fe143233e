"""One bad source never stops a run (issue 14, item 4): a poison URL in a feed,
directly or as a redirect target, and a page that breaks a parser, are
recorded in `run_errors` with the source; every other source is archived and
the exit status is 1."""

from __future__ import annotations

import json

from click.testing import CliRunner

from archiver.cli import cli
from archiver.store.schema import open_db
from conftest import Route

POISON = ["http://[::1/x", "http://a..b/x", f"http://{'a' * 70}.example/x", "http://news.example:99999/x",
          "http://news.example:abc/x"]


def article(n: int) -> bytes:
    return (f'<html><body><article><p>Fictional story {n}.</p><blockquote class="twitter-tweet"><p>Post {n}</p>'
            f'&mdash; Fx Desk (@FxDesk) <a href="https://twitter.com/FxDesk/status/14127431956530462{n:02d}">'
            f'July 7, 2021</a></blockquote></article></body></html>').encode()


def rss(links: list[str]) -> bytes:
    items = "".join(f"<item><title>Story {n}</title><link>{link}</link><guid>story-{n}</guid></item>"
                    for n, link in enumerate(links))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Fx</title>{items}</channel></rss>'.encode()


def archive(db_path: str, *sources: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["archive", "--db", db_path, "--json", "--allow-network", "127.0.0.1/32",
                                      "--per-host-delay", "0", "--retries", "0", *sources])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, json.loads(result.stdout)


def test_a_feed_with_poison_entries_archives_every_good_one_on_every_run(local_server, tmp_path):
    """Regression: `http://[::1/x` or port 99999 in a feed raised ValueError and stopped every later run."""
    good = [local_server.url(f"/a{n}") for n in range(3)]
    for n, url in enumerate(good):
        local_server.routes[f"/a{n}"] = Route(article(n))
    local_server.routes["/redirects-to-poison"] = Route(status=302, headers={"Location": POISON[3]})
    links = [good[0], *POISON[:3], good[1], local_server.url("/redirects-to-poison"), *POISON[3:], good[2]]
    local_server.routes["/feed.xml"] = Route(rss(links), headers={"Content-Type": "application/rss+xml"})
    db_path = str(tmp_path / "archive.db")

    code, summary = archive(db_path, local_server.url("/feed.xml"))
    assert (code, summary["articles_new"], summary["posts_new"]) == (1, 3, 3)
    failed = sorted(error["source"] for error in summary["errors"])
    # feedparser drops the link it cannot parse (`http://[::1/x`): its entry is named; the others reach the fetcher
    assert failed == sorted([*POISON[1:], local_server.url("/redirects-to-poison"),
                             f"{local_server.url('/feed.xml')} entry '{local_server.url('/story-1')}'"])  # guid, as feedparser resolves it
    db = open_db(db_path)
    assert sorted(row["fetch_url"] for row in db["articles"].rows) == good

    code, summary = archive(db_path, local_server.url("/feed.xml"))
    assert (code, summary["articles_read"], len(summary["errors"])) == (1, 0, 6)
    assert db.execute("SELECT count(*) FROM run_errors").fetchone()[0] == 12


def test_a_poison_url_given_directly_is_recorded_and_the_good_ones_are_archived(local_server, tmp_path):
    local_server.routes["/good"] = Route(article(1))
    code, summary = archive(str(tmp_path / "archive.db"), "http://[::1/x", local_server.url("/good"),
                            "http://news.example:99999/x")
    assert (code, summary["articles_new"]) == (1, 1)
    assert sorted((e["source"], e["reason"]) for e in summary["errors"]) == [
        ("http://[::1/x", "refused: 'http://[::1/x' has an unclosed or misplaced '[' in its host; check the URL"),
        ("http://news.example:99999/x", "refused: 'http://news.example:99999/x': the port '99999' is not a number "
                                        "from 1 to 65535; check the URL"),
    ]


def test_a_page_that_breaks_the_parser_is_recorded_and_the_others_are_archived(local_server, tmp_path,
                                                                                 monkeypatch):
    from archiver.extract import budget as archive_module  # where articles are read; in this process with no budget
    extract = archive_module.extract_document

    def breaks_on_the_second(document, url):
        if "story 2." in document.text:
            raise RecursionError("maximum recursion depth exceeded")
        return extract(document, url)

    monkeypatch.setattr(archive_module, "extract_document", breaks_on_the_second)
    for n in (1, 2, 3):
        local_server.routes[f"/a{n}"] = Route(article(n))
        (tmp_path / f"saved{n}.html").write_bytes(article(n))
    sources = [local_server.url(f"/a{n}") for n in (1, 2, 3)] + [str(tmp_path / f"saved{n}.html") for n in (1, 2, 3)]
    code, summary = archive(str(tmp_path / "archive.db"), "--article-budget", "0", *sources)
    assert (code, summary["articles_new"]) == (1, 4)
    reason = ("failed unexpectedly (RecursionError: maximum recursion depth exceeded); skipped, the run goes on; "
              "if this is a real article, please report it")
    assert sorted((e["source"], e["reason"]) for e in summary["errors"]) == [
        (str(tmp_path / "saved2.html"), reason), (local_server.url("/a2"), reason)]
