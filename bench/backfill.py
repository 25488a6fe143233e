"""Backfill speed: records/s on 1 and 2 Dask workers, the writer's ingest rate,
FastWARC against warcio on the same file, and where one worker's time goes
(reading, the byte prefilter, extracting the pages it lets through).

The WARC is made of real pages (the development set in ../shared/devset, read
from there, never copied), repeated to --records records, in two mixes: every
page in turn ("dev mix"), and a news crawl's proportion of one page in 20
citing posts ("realistic": the other 19 are the set's pages that cite none).

    .venv/bin/python bench/backfill.py [--records 20000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
from itertools import cycle
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator as WarcioIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archiver.backfill import backfill  # noqa: E402
from archiver.backfill.ingest import ingest_slice, start_run  # noqa: E402
from archiver.backfill.records import WarcExtent  # noqa: E402
from archiver.backfill.work import extract_slice  # noqa: E402
from archiver.extract import extract_document  # noqa: E402
from archiver.extract.document import decode  # noqa: E402
from archiver.extract.prefilter import may_cite_posts  # noqa: E402
from archiver.store.schema import open_db  # noqa: E402

DEVSET = ROOT.parent / "shared" / "devset"


def dev_pages() -> tuple[list[bytes], list[bytes]]:
    """(pages citing posts, pages citing none) of both development sets."""
    citing, none = [], []
    for name in ("twitter", "platforms"):
        gold = json.loads((DEVSET / name / "gold.json").read_text())
        for path in sorted((DEVSET / name / "pages").glob("*.html")):
            (citing if gold.get(path.stem, {}).get("label") == "positive" else none).append(path.read_bytes())
    return citing, none


def write_warc(path: Path, pages, records: int) -> Path:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for number, body in zip(range(records), pages):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://news.example/{number}.html", "response",
                                                          payload=io.BytesIO(body), http_headers=http))
    return path


def realistic(citing: list[bytes], none: list[bytes]):
    """One citing page in 20."""
    citing, none = cycle(citing), cycle(none)
    while True:
        yield next(citing)
        for _ in range(19):
            yield next(none)


def read_speeds(warc: Path) -> dict:
    """Records/s reading every record's payload: FastWARC, then warcio."""
    from fastwarc.warc import ArchiveIterator

    started = time.perf_counter()
    count = sum(1 for record in ArchiveIterator(open(warc, "rb")) if record.reader.read() is not None)
    fast = count / (time.perf_counter() - started)
    started = time.perf_counter()
    with open(warc, "rb") as stream:
        count = sum(1 for record in WarcioIterator(stream) if record.content_stream().read() is not None)
    slow = count / (time.perf_counter() - started)
    return {"fastwarc": fast, "warcio": slow}


def breakdown(warc: Path, sample: int = 600) -> dict:
    """Where one worker's time goes, per record, on the first `sample` records:
    the prefilter on each page, then extraction of the pages it lets through
    (those with posts, and those it had to let through that have none), and
    `extract_slice` over the whole file in this process (no Dask)."""
    from fastwarc.warc import ArchiveIterator

    with open(warc, "rb") as stream:
        bodies = [record.reader.read() for _, record in zip(range(sample), ArchiveIterator(stream))]  # payloads
    started = time.perf_counter()
    passing = [body for body in bodies if may_cite_posts(body)]
    prefilter = (time.perf_counter() - started) / len(bodies)
    costs = {True: [], False: []}
    for body in passing:
        started = time.perf_counter()
        posts = extract_document(decode(body, "utf-8", "text/html"), "https://news.example/")["posts"]
        costs[bool(posts)].append(time.perf_counter() - started)
    extent = WarcExtent(str(warc), str(warc), 0, warc.stat().st_size)
    started = time.perf_counter()
    records = sum(extract_slice(extent, start, end).records for start, end in extent.slices())
    return {"prefilter_ms": prefilter * 1e3, "passing": len(passing) / len(bodies),
            "citing": len(costs[True]) / len(bodies), "citing_ms": _mean(costs[True]) * 1e3,
            "trap_ms": _mean(costs[False]) * 1e3, "in_process": records / (time.perf_counter() - started)}


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def timed_backfill(warc: Path, workers: int, folder: Path) -> dict:
    """A whole backfill into a fresh archive, the local cluster's start included."""
    db = open_db(str(folder / f"bf-{workers}-{time.monotonic_ns()}.db"))
    started = time.perf_counter()
    summary = backfill([str(warc)], db=db, workers=workers, announce=lambda line: None)
    return {"records": summary.records, "pages": summary.pages,
            "records_per_s": summary.records / (time.perf_counter() - started)}


def worker_peak_memory(warc: Path) -> float:
    """Peak RSS (MB) of a fresh process that reads and extracts every slice of `warc`, as a worker does."""
    script = ("import resource, sys; from archiver.backfill.records import WarcExtent;"
              "from archiver.backfill.work import extract_slice; import os; p = sys.argv[1];"
              "e = WarcExtent(p, p, 0, os.path.getsize(p));"
              "[extract_slice(e, a, b) for a, b in e.slices()];"
              "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", script, str(warc)], capture_output=True, text=True, check=True,
                          cwd=ROOT)
    return int(done.stdout.split()[-1]) / 1024


def ingest_rate(warc: Path, folder: Path) -> float:
    """Pages/s of the single writer alone, on results extracted beforehand."""
    extent = WarcExtent(str(warc), str(warc), 0, warc.stat().st_size)
    results = [extract_slice(extent, start, end) for start, end in extent.slices()]
    db = open_db(str(folder / f"ingest-{time.monotonic_ns()}.db"))
    summary = start_run(db, [str(warc)])
    started = time.perf_counter()
    for result in results:
        ingest_slice(db, result, summary)
    return summary.pages / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--keep", type=Path, help="Write the WARCs here (default: a temporary folder).")
    args = parser.parse_args()
    if not DEVSET.exists():
        sys.exit(f"bench/backfill.py needs the development set at {DEVSET}")
    citing, none = dev_pages()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-backfill-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"{len(citing)} citing and {len(none)} non-citing development pages; {args.records:,} records a WARC; "
          f"files in {folder}")
    mixes = {"dev mix": write_warc(folder / "dev.warc.gz", cycle(citing + none), args.records),
             "realistic (1 in 20 cites)": write_warc(folder / "news.warc.gz", realistic(citing, none), args.records)}
    for name, warc in mixes.items():
        speeds = read_speeds(warc)
        print(f"\n{name}: {warc.stat().st_size / 1e6:,.0f} MB gzipped")
        print(f"  read every payload: FastWARC {speeds['fastwarc']:,.0f} records/s, warcio {speeds['warcio']:,.0f} "
              f"records/s ({speeds['fastwarc'] / speeds['warcio']:.1f}x)")
        parts = breakdown(warc)
        read_ms = 1e3 / speeds["fastwarc"]
        extract_ms = parts["citing"] * parts["citing_ms"] + (parts["passing"] - parts["citing"]) * parts["trap_ms"]
        print(f"  one worker's time per record: reading {read_ms:.2f} ms, prefilter {parts['prefilter_ms']:.2f} ms, "
              f"extracting {extract_ms:.2f} ms ({parts['passing']:.0%} of pages let through: "
              f"{parts['citing']:.0%} cite posts, {parts['citing_ms']:.1f} ms each; "
              f"{parts['passing'] - parts['citing']:.0%} cite none, {parts['trap_ms']:.1f} ms each)")
        print(f"  so at most {1e3 / (read_ms + parts['prefilter_ms'] + extract_ms):,.0f} records/s a core; "
              f"extract_slice in this process (no Dask): {parts['in_process']:,.0f} records/s")
        one = timed_backfill(warc, 1, folder)
        two = timed_backfill(warc, 2, folder)
        print(f"  backfill, 1 worker:  {one['records_per_s']:,.0f} records/s ({one['pages']:,} pages with posts)")
        print(f"  backfill, 2 workers: {two['records_per_s']:,.0f} records/s ({two['records_per_s'] / one['records_per_s']:.2f}x)")
        print(f"  writer alone: {ingest_rate(warc, folder):,.0f} pages/s ingested")
    quarter = write_warc(folder / "quarter.warc.gz", cycle(citing + none), args.records // 4)
    small, large = worker_peak_memory(quarter), worker_peak_memory(mixes["dev mix"])
    print(f"\npeak memory of one worker process: {small:,.0f} MB for {args.records // 4:,} records, "
          f"{large:,.0f} MB for {args.records:,}")


if __name__ == "__main__":
    main()
