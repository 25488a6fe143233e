"""archiver backfill: posts of pages kept in WARC and WACZ files, read on a Dask cluster."""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[1]
ARCHIVER = Path(sys.executable).parent / "archiver"
SAMPLES = sorted((ROOT / "samples" / "articles").glob("*.html"))
CRAWLED = "2021-07-09T10:00:00Z"


def record_bytes(url: str, body: bytes, content_type: str = "text/html; charset=utf-8",
                 kind: str = "response") -> bytes:
    """One uncompressed WARC record, as a crawler writes it (with its block digest)."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    if kind == "response":
        http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
    else:
        http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example")], is_http_request=True)
    writer.write_record(writer.create_warc_record(url, kind, payload=io.BytesIO(body), http_headers=http,
                                                  warc_headers_dict={"WARC-Date": CRAWLED}))
    return out.getvalue()


def crawl(pages: list[Path], repeat: int = 1) -> list[bytes]:
    """Records of a small crawl: the pages, with what crawls also hold (requests, text, images)."""
    records = [record_bytes("https://news.example/", b"", kind="request"),
               record_bytes("https://news.example/robots.txt", b"User-agent: *\n", "text/plain"),
               record_bytes("https://news.example/logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")]
    for round_ in range(repeat):
        for number, page in enumerate(pages):
            records.append(record_bytes(f"https://news.example/{round_}/{page.name}", page.read_bytes()))
    return records


def tampered(record: bytes) -> bytes:
    """The record with one byte of its page changed, its digest left as it was."""
    at = record.rindex(b"</p>")
    return record[:at] + (b"X" if record[at - 1:at] != b"X" else b"Y") + record[at + 1:]


def write_warc(path: Path, records: list[bytes], gzipped: bool) -> Path:
    with path.open("wb") as out:
        for record in records:
            out.write(gzip.compress(record) if gzipped else record)
    return path


def write_wacz(path: Path, warc: Path) -> Path:
    with zipfile.ZipFile(path, "w") as package:
        package.write(warc, f"archive/{warc.name}", compress_type=zipfile.ZIP_STORED)
        package.writestr("datapackage.json", json.dumps({"profile": "data-package", "wacz_version": "1.1.1"}))
    return path


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([str(ARCHIVER), *args], capture_output=True, text=True, cwd=ROOT)
    if check and done.returncode not in (0, 1):
        raise AssertionError(f"archiver {' '.join(args)}: exit {done.returncode}\n{done.stderr}")
    return done


def content(db: Path) -> dict:
    """What an archive says about posts and where they are cited: what must not depend on how it was made."""
    with sqlite3.connect(db) as conn:
        return {
            "posts": conn.execute("SELECT id, platform, post_id, url, handle, author_name, text, date_text, date"
                                  " FROM posts ORDER BY id").fetchall(),
            "citations": conn.execute(
                "SELECT articles.url, post_id, position, context, shown_text, citations.first_seen FROM citations"
                " JOIN articles ON articles.id = article_id ORDER BY 1, 2").fetchall(),
            "captures": conn.execute("SELECT url, warc_path, warc_offset, sha256, fetched_at FROM captures"
                                     " ORDER BY warc_path, warc_offset").fetchall(),
        }


def posts_of(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, platform, post_id, url, handle, author_name, text, date_text, date"
                            " FROM posts ORDER BY id").fetchall()


@pytest.fixture(scope="module")
def crawl_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("crawl")
    records = crawl(SAMPLES)
    good = write_warc(folder / "news.warc.gz", records, gzipped=True)
    damaged_records = records + [tampered(record_bytes("https://news.example/altered.html", SAMPLES[0].read_bytes()))]
    last = record_bytes("https://news.example/cut.html", SAMPLES[-1].read_bytes())
    damaged = write_warc(folder / "damaged.warc", damaged_records, gzipped=False)
    with damaged.open("ab") as out:
        out.write(last[: len(last) * 2 // 3])  # the crawl died while writing its last record
    package = write_wacz(folder / "news.wacz", write_warc(folder / "packaged.warc.gz", records, gzipped=True))
    return {"warc": good, "damaged": damaged, "wacz": package}


def test_a_backfill_on_two_workers_finds_exactly_the_posts_archive_finds(crawl_files, tmp_path):
    run("archive", "--db", str(tmp_path / "archived.db"), *map(str, SAMPLES))
    done = run("backfill", "--workers", "2", "--db", str(tmp_path / "backfilled.db"), str(crawl_files["warc"]))
    assert done.returncode == 0, done.stderr
    assert "local Dask cluster of 2 worker processes" in done.stderr
    assert posts_of(tmp_path / "backfilled.db") == posts_of(tmp_path / "archived.db")
    assert len(posts_of(tmp_path / "archived.db")) >= 4


def test_a_backfilled_capture_points_at_its_source_record_and_citations_carry_the_crawl_date(crawl_files, tmp_path):
    db = tmp_path / "archive.db"
    run("backfill", "--workers", "1", "--db", str(db), str(crawl_files["warc"]))
    archive = content(db)
    assert archive["citations"] and {row[5] for row in archive["citations"]} == {"2021-07-09T10:00:00Z"}
    for url, warc_path, offset, sha, fetched_at in archive["captures"]:
        assert warc_path == str(crawl_files["warc"]) and fetched_at == CRAWLED
        with crawl_files["warc"].open("rb") as warc:  # the offset is the start of that page's gzip member
            warc.seek(offset)
            member = gzip.GzipFile(fileobj=warc).read1(1 << 20)
        assert member.startswith(b"WARC/1.") and url.encode() in member.split(b"\r\n\r\n")[0]
    assert not (tmp_path / "warc").exists()  # the source archive is the evidence: nothing is copied


def test_a_wacz_package_gives_the_posts_of_its_warc(crawl_files, tmp_path):
    run("backfill", "--workers", "1", "--db", str(tmp_path / "warc.db"), str(crawl_files["warc"]))
    run("backfill", "--workers", "1", "--db", str(tmp_path / "wacz.db"), str(crawl_files["wacz"]))
    assert posts_of(tmp_path / "wacz.db") == posts_of(tmp_path / "warc.db")
    with sqlite3.connect(tmp_path / "wacz.db") as conn:
        paths = {row[0] for row in conn.execute("SELECT warc_path FROM captures")}
    assert paths == {f"{crawl_files['wacz']}#archive/packaged.warc.gz"}


def test_an_altered_record_and_a_truncated_one_are_reported_and_skipped(crawl_files, tmp_path):
    db = tmp_path / "archive.db"
    done = run("backfill", "--workers", "1", "--db", str(db), str(crawl_files["damaged"]))
    assert done.returncode == 1
    assert "WARC-Block-Digest does not match" in done.stderr and "the file is truncated" in done.stderr
    with sqlite3.connect(db) as conn:
        reasons = [row[0] for row in conn.execute("SELECT reason FROM run_errors ORDER BY id")]
        urls = {row[0] for row in conn.execute("SELECT url FROM captures")}
    assert len(reasons) == 2
    assert not urls & {"https://news.example/altered.html", "https://news.example/cut.html"}
    assert len(urls) == len(SAMPLES)  # the good pages of the same file are all there


def test_a_missing_source_is_named_and_the_others_are_read(crawl_files, tmp_path):
    done = run("backfill", "--workers", "1", "--db", str(tmp_path / "a.db"), str(tmp_path / "nope.warc.gz"),
               str(crawl_files["warc"]))
    assert done.returncode == 1 and "nope.warc.gz: no such file" in done.stderr
    assert posts_of(tmp_path / "a.db")


def test_parquet_then_import_parquet_gives_the_same_archive(crawl_files, tmp_path):
    run("backfill", "--workers", "2", "--db", str(tmp_path / "direct.db"), str(crawl_files["warc"]))
    done = run("backfill", "--workers", "2", "--parquet", str(tmp_path / "dataset"), str(crawl_files["warc"]))
    assert done.returncode == 0, done.stderr
    import pyarrow.parquet as pq

    citations = pq.read_table(tmp_path / "dataset" / "citations").to_pylist()
    assert {row["post_id"] for row in citations} >= {row[2] for row in posts_of(tmp_path / "direct.db") if row[2]}
    run("import-parquet", str(tmp_path / "dataset"), "--db", str(tmp_path / "imported.db"))
    assert content(tmp_path / "imported.db") == content(tmp_path / "direct.db")
    run("import-parquet", str(tmp_path / "dataset"), "--db", str(tmp_path / "imported.db"))  # again: nothing new
    assert content(tmp_path / "imported.db") == content(tmp_path / "direct.db")


def test_a_backfill_killed_halfway_and_restarted_ends_with_the_same_archive(tmp_path):
    warc = write_warc(tmp_path / "big.warc.gz", crawl(SAMPLES, repeat=300), gzipped=True)
    slices = ["--slice-mb", "0.05"]
    run("backfill", "--workers", "1", *slices, "--db", str(tmp_path / "whole.db"), str(warc))
    db = tmp_path / "killed.db"
    process = subprocess.Popen([str(ARCHIVER), "backfill", "--workers", "2", *slices, "--db", str(db), str(warc)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        time.sleep(0.2)
        try:
            with sqlite3.connect(db) as conn:
                if conn.execute("SELECT count(*) FROM backfill_slices").fetchone()[0] >= 3:
                    break
        except sqlite3.OperationalError:  # not created yet
            continue
    os.killpg(process.pid, signal.SIGKILL)  # the writer and its Dask workers, at once
    process.wait()
    with sqlite3.connect(db) as conn:
        halfway = conn.execute("SELECT count(*) FROM backfill_slices").fetchone()[0]
    total = len(list(range(0, warc.stat().st_size, 50_000)))
    assert 0 < halfway < total, "the kill came too late to test a restart"
    done = run("backfill", "--workers", "2", *slices, "--db", str(db), str(warc))
    assert done.returncode == 0, done.stderr
    assert f"{halfway} slices done before" in done.stderr or "slices done before" in done.stderr
    assert content(db) == content(tmp_path / "whole.db")
    with sqlite3.connect(db) as conn:  # the killed run is marked by the one that finished its work
        assert conn.execute("SELECT status FROM runs ORDER BY id").fetchall() == [("interrupted",), ("ok",)]


def test_a_warc_list_of_urls_is_read_behind_the_fetch_guard(crawl_files, local_server, tmp_path):
    from conftest import Route

    local_server.routes["/crawl/news.warc.gz"] = Route(crawl_files["warc"].read_bytes(),
                                                       headers={"Content-Type": "application/warc"})
    listing = tmp_path / "warc.paths"
    listing.write_text("# as Common Crawl lists them\ncrawl/news.warc.gz\n", encoding="utf-8")
    base = local_server.url("/")
    refused = run("backfill", "--workers", "1", "--db", str(tmp_path / "refused.db"), "--base-url", base,
                  str(listing))
    assert refused.returncode == 1 and "internal address" in refused.stderr
    done = run("backfill", "--workers", "1", "--db", str(tmp_path / "remote.db"), "--base-url", base,
               "--allow-network", "127.0.0.1/32", str(listing))
    assert done.returncode == 0, done.stderr
    run("backfill", "--workers", "1", "--db", str(tmp_path / "local.db"), str(crawl_files["warc"]))
    assert posts_of(tmp_path / "remote.db") == posts_of(tmp_path / "local.db")
