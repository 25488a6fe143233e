"""`archiver extract` as a user runs it: sources, formats, and errors that name the input."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from archiver.cli import cli
from conftest import Route

PAGES = Path(__file__).parent / "fixtures" / "pages"
TWEET_PAGE = (PAGES / "twitter_blockquotes.html").read_bytes()


def run(*args, stdin: bytes | None = None):
    result = CliRunner().invoke(cli, ["extract", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_jsonl_gives_one_post_per_line_with_every_key(tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(TWEET_PAGE)
    code, out, err = run(str(page))
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and err == ""
    assert [r["post_id"] for r in rows] == ["1412743195653046279", "1412833792619446371", "1413105583518646279"]
    assert all(list(r) == ["source", "platform", "post_id", "url", "handle", "author_name", "date_text",
                           "date", "text", "media", "links", "context", "position"] for r in rows)
    assert {r["source"] for r in rows} == {str(page)}


def test_json_format_is_one_array(tmp_path):
    (tmp_path / "a.html").write_bytes(TWEET_PAGE)
    code, out, _ = run("--format", "json", str(tmp_path / "a.html"))
    assert code == 0 and len(json.loads(out)) == 3


def test_directory_is_read_recursively_and_names_each_file(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html").write_bytes(TWEET_PAGE)
    (tmp_path / "a.txt").write_text("Intro.\n\nRoad closed pic.twitter.com/CCCC000001\n"
                                    "— Fx Desk (@FxDesk) July 7, 2021\n", encoding="utf-8")
    code, out, _ = run(str(tmp_path))
    sources = [json.loads(line)["source"] for line in out.splitlines()]
    assert code == 0
    assert sources == [str(tmp_path / "a.txt")] + [str(tmp_path / "sub" / "b.html")] * 3


def test_stdin_is_read_with_a_dash():
    code, out, _ = run("-", stdin=TWEET_PAGE)
    assert code == 0 and [json.loads(line)["source"] for line in out.splitlines()] == ["-"] * 3


def test_article_flag_prints_the_article_record(tmp_path):
    (tmp_path / "a.html").write_bytes(TWEET_PAGE)
    code, out, _ = run("--article", str(tmp_path / "a.html"))
    [record] = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert (record["url"], record["site"], record["published"], len(record["posts"])) == (
        "https://gazette.example/world/2021/jul/07/storm", "Sample Gazette", "2021-07-08", 3)


def test_article_flag_dates_a_page_citing_nothing_where_a_byline_dates_it(tmp_path):
    """--article asks for every page's record: the date search (htmldate) runs for
    pages citing no post too, which the archive's default leaves to the fast path."""
    (tmp_path / "a.html").write_bytes(
        b"<html><head><title>Fx</title></head><body><article><p class='byline'><span class='date'>July 8, 2021"
        b"</span></p><p>The fictional council met on Monday and agreed.</p></article></body></html>")
    code, out, _ = run("--article", str(tmp_path / "a.html"))
    assert code == 0 and [json.loads(line)["published"] for line in out.splitlines()] == ["2021-07-08"]


def test_bad_inputs_each_get_one_line_and_the_good_ones_still_come_out(tmp_path):
    good = tmp_path / "good.html"
    good.write_bytes(TWEET_PAGE)
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 40)
    garbage = tmp_path / "garbage.txt"
    garbage.write_bytes(bytes([1, 2, 3, 4, 5, 6, 7, 0x0e, 0x0f, 0x10]) * 500)
    huge = tmp_path / "huge.html"
    huge.write_bytes(b"<html><body>" + b"<p>padding</p>" * (50 * 1024 * 1024 // 14) + b"</body></html>")
    missing = tmp_path / "missing.html"
    code, out, err = run(str(missing), str(empty), str(binary), str(garbage), str(huge), str(good))
    lines = err.splitlines()
    assert code == 1
    assert len(out.splitlines()) == 3
    assert len(lines) == 5
    assert lines[0].startswith(f"archiver: {missing}: no such file")
    assert lines[1].startswith(f"archiver: {empty}: empty input")
    assert lines[2].startswith(f"archiver: {binary}: binary data")
    assert lines[3].startswith(f"archiver: {garbage}: unreadable bytes")
    assert lines[4].startswith(f"archiver: {huge}: too large")


def test_a_page_that_breaks_the_extractor_is_named_and_the_others_still_come_out(tmp_path, monkeypatch):
    import archiver.cli

    real = archiver.cli.extract_document

    def breaks_on_the_first(document, url=None, **options):
        if "Breaks" in document.text:
            raise RuntimeError("a fictional bug")
        return real(document, url, **options)

    monkeypatch.setattr(archiver.cli, "extract_document", breaks_on_the_first)
    broken = tmp_path / "a-broken.html"
    broken.write_bytes(b"<html><body><p>Breaks</p></body></html>")
    good = tmp_path / "b-good.html"
    good.write_bytes(TWEET_PAGE)
    code, out, err = run(str(tmp_path))
    assert code == 1 and len(out.splitlines()) == 3
    assert err.startswith(f"archiver: {broken}: failed unexpectedly (RuntimeError: a fictional bug); skipped")


def test_a_page_without_a_body_whose_title_reads_like_an_attribution_is_read(tmp_path):
    """Regression (found by fuzzing the dev pages): the title's text has no block around it."""
    page = tmp_path / "title-only.html"
    page.write_bytes("<html><head><title>Ferry back \u2014 Fx Desk (@FxDesk) July 7, 2021</title></head></html>".encode())
    assert run(str(page)) == (0, "", "")


def test_size_cap_is_configurable(tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(TWEET_PAGE)
    code, _, err = run("--max-bytes", "1000", str(page))
    assert code == 1 and "over the cap of 1,000" in err
    code, out, _ = run("--max-bytes", str(len(TWEET_PAGE)), str(page))
    assert code == 0 and len(out.splitlines()) == 3


def test_a_source_without_a_size_is_read_only_up_to_the_cap(tmp_path, monkeypatch):
    # A device, a pipe or a file still being written tells no size before it is read (/dev/zero
    # never ends): here a page whose size reads as 0, as a device's does.
    page = tmp_path / "page.html"
    page.write_bytes(TWEET_PAGE)
    monkeypatch.setattr("archiver.sources.os.path.getsize", lambda path: 0)
    code, out, err = run("--max-bytes", "1000", str(page))
    assert code == 1 and out == ""
    assert err.strip() == (f"archiver: {page}: too large: over the cap of 1,000 bytes "
                           "(raise it with --max-bytes if this file is an article)")


def test_a_gzipped_page_is_read_within_the_size_cap_once_decompressed(tmp_path):
    saved = tmp_path / "page.html.gz"
    saved.write_bytes(gzip.compress(TWEET_PAGE))
    two_members = tmp_path / "members.html.gz"
    two_members.write_bytes(gzip.compress(TWEET_PAGE[:500]) + gzip.compress(TWEET_PAGE[500:]))
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"<p>" + b"a" * 2_000_000))
    cut = tmp_path / "cut.html.gz"
    cut.write_bytes(gzip.compress(TWEET_PAGE)[:200])
    code, out, err = run("--max-bytes", "1000000", str(saved), str(two_members), str(bomb), str(cut))
    assert code == 1
    assert [json.loads(line)["source"] for line in out.splitlines()] == [str(saved)] * 3 + [str(two_members)] * 3
    assert err.splitlines() == [
        f"archiver: {bomb}: too large once decompressed: over the cap of 1,000,000 bytes "
        "(raise it with --max-bytes if this file is an article)",
        f"archiver: {cut}: a gzip file cut short; save the page again"]


def test_url_is_fetched_when_its_network_is_allowed(local_server):
    local_server.routes["/story"] = Route(TWEET_PAGE)
    code, out, err = run("--allow-network", "127.0.0.1/32", local_server.url("/story"))
    assert code == 0, err
    assert [json.loads(line)["source"] for line in out.splitlines()] == [local_server.url("/story")] * 3


def test_private_address_is_refused_by_default(local_server):
    local_server.routes["/story"] = Route(TWEET_PAGE)
    code, out, err = run(local_server.url("/story"))
    assert code == 1 and out == ""
    assert "refused" in err and "internal address 127.0.0.1" in err
    assert local_server.requests == []


def test_url_that_times_out_is_named_and_the_others_still_run(local_server, tmp_path):
    local_server.routes["/slow"] = Route(TWEET_PAGE, delay=3)
    good = tmp_path / "good.html"
    good.write_bytes(TWEET_PAGE)
    code, out, err = run("--allow-network", "127.0.0.1/32", "--timeout", "0.5",
                         local_server.url("/slow"), str(good))
    assert code == 1
    assert err.startswith(f"archiver: {local_server.url('/slow')}: timed out")
    assert len(out.splitlines()) == 3


def test_http_error_status_is_reported(local_server):
    code, _, err = run("--allow-network", "127.0.0.1/32", local_server.url("/gone"))
    assert code == 1 and "HTTP 404" in err


def test_non_http_scheme_is_refused():
    code, _, err = run("file:///etc/passwd")
    assert code == 1 and "only http and https" in err


def test_http_charset_decodes_a_page_without_meta_charset(local_server):
    page = ('<html><body><article><p>Intro.</p><blockquote class="twitter-tweet"><p>مرحبا بالعالم</p>'
            '&mdash; Fx (@FxDesk) <a href="https://twitter.com/FxDesk/status/1412743195653046279">'
            'July 7, 2021</a></blockquote></article></body></html>')
    local_server.routes["/ar"] = Route(page.encode("cp1256"), headers={"Content-Type": "text/html; charset=windows-1256"})
    code, out, err = run("--allow-network", "127.0.0.1/32", local_server.url("/ar"))
    assert code == 0, err
    assert json.loads(out)["text"] == "مرحبا بالعالم"


def test_extract_reads_an_articles_metadata_only_when_it_prints_it(tmp_path):
    """The posts alone need no published date: htmldate, which loads slowly and reads
    the pages the fast path cannot date, runs only for --article."""
    page = tmp_path / "page.html"  # dated nowhere the fast path reads
    page.write_bytes(b'<html><head><title>Fx</title></head><body><article><p>The fictional ferry runs.</p>'
                     b'<blockquote class="twitter-tweet"><p>Ferry back</p>&mdash; Fx Desk (@FxDesk) <a href='
                     b'"https://twitter.com/FxDesk/status/1412743195653046279">July 7, 2021</a></blockquote>'
                     b'</article></body></html>')
    program = ("import sys; from archiver.cli import cli\n"
               "try:\n    cli(['extract', *sys.argv[1:]])\nexcept SystemExit:\n    pass\n"
               "print('htmldate' in sys.modules, file=sys.stderr)")
    for flags, loaded in (([], "False"), (["--article"], "True")):
        done = subprocess.run([sys.executable, "-c", program, *flags, str(page)], capture_output=True, text=True,
                              check=True)
        assert done.stderr.strip() == loaded and len(done.stdout.splitlines()) == 1


def test_extract_does_not_load_the_archive_the_checks_or_the_fetcher_for_local_files(tmp_path):
    """`archiver extract` over a folder of saved pages imports only what extraction
    needs: the archive (sqlite-utils, numpy), the checks (cryptography) and the
    HTTP client are most of a short run's time otherwise."""
    page = tmp_path / "page.html"
    page.write_text('<html><body><p>Fictional.</p></body></html>', encoding="utf-8")
    program = ("import sys; from archiver.cli import cli\n"
               "try:\n    cli(['extract', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
               "print(' '.join(m for m in ('archiver.store', 'archiver.verify', 'archiver.capture', "
               "'archiver.progress', 'sqlite_utils', 'requests', 'bs4', 'dateparser', "
               "'multiprocessing') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", program, str(page)], capture_output=True, text=True, check=True)
    assert loaded.stdout == "\n"  # the names of the modules loaded, here none


def test_a_file_name_with_a_newline_or_bytes_that_are_not_utf8_stays_one_line_of_valid_text(tmp_path):
    """Regression: a newline in a name forged an `archiver:` line on stderr, and a
    name's byte 0x81 made the JSON line on stdout invalid UTF-8."""
    page = b'<p>See <a href="https://twitter.com/FxDesk/status/1412743195653046279">the post</a>.</p>'
    (tmp_path / "a\narchiver: forged.html").write_bytes(b"")  # empty: an error naming it
    (tmp_path / "b\udc81.html").write_bytes(page)
    result = subprocess.run([sys.executable, "-m", "archiver.cli", "extract", str(tmp_path)], capture_output=True)
    assert result.stderr.decode().splitlines() == [
        f"archiver: {tmp_path}/a\\narchiver: forged.html: empty input: nothing to extract; "
        "check that the file was saved completely"]
    [row] = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert row["source"] == f"{tmp_path}/b\ufffd.html"


def test_a_named_pipe_without_a_writer_is_empty_input_and_the_files_after_it_are_read(tmp_path):
    """Regression: open() of a FIFO waits for a writer, for ever if none comes."""
    import os

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    (tmp_path / "page.html").write_bytes(TWEET_PAGE)
    result = subprocess.run([sys.executable, "-m", "archiver.cli", "extract", str(pipe), str(tmp_path / "page.html")],
                            capture_output=True, timeout=60)
    assert result.stderr.decode().startswith(f"archiver: {pipe}: empty input")
    assert len(result.stdout.decode().splitlines()) == 3
