"""Ingest throughput: generated local articles into a fresh archive.

    .venv/bin/python bench/ingest.py [--articles 100000] [--citations 3] [--full-pages] [--budget-overhead]

Prints articles/s (target: at least 2,000 on one core) and the CPU time per
article (steadier than wall time on a shared machine), the rate of a second
run over the same files (nothing changed: nothing to extract), database size, WARC
size, and peak resident memory, which must stay flat in the number of articles
(compare --articles 10000 with 100000). The articles are small pages of
`--citations` embeds each; `--full-pages` uses bench/corpus.py's 100-300 KiB
pages instead, where parsing and compressing the WARC record dominate.
`--budget-overhead` prints instead what reading each article in the time
budget's worker process costs, against reading it in this process.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import page  # noqa: E402

from archiver.archive import archive  # noqa: E402
from archiver.extract.budget import DEFAULT_ARTICLE_BUDGET  # noqa: E402
from archiver.store.schema import open_db  # noqa: E402


def write_articles(folder: Path, count: int, citations: int, full_pages: bool = False) -> None:
    """Small article pages, each citing `citations` posts (shared across articles, as in real news)."""
    for i in range(count):
        sub = folder / f"{i // 1000:04}"
        sub.mkdir(exist_ok=True)
        if full_pages:
            (sub / f"{i}.html").write_bytes(page(i))
            continue
        embeds = []
        for j in range(citations):
            status = 1412743195653046279 + ((i * citations + j) % (count * 2)) * 4194304
            embeds.append(
                f'<p>Paragraph {j} introducing a fictional post.</p>'
                f'<blockquote class="twitter-tweet"><p lang="en">Fictional post {status} '
                f'<a href="https://t.co/B{status % 10**8:08}">pic.twitter.com/B{status % 10**8:08}</a></p>'
                f'&mdash; Fx Account (@FxAcct{status % 997}) <a href="https://twitter.com/FxAcct{status % 997}/status/'
                f'{status}">July 7, 2021</a></blockquote>')
        (sub / f"{i}.html").write_text(
            f'<!DOCTYPE html><html lang="en"><head><title>Fictional article {i}</title>'
            f'<link rel="canonical" href="https://fx.example/{i}">'
            f'<meta property="article:published_time" content="2021-07-08T00:00:00Z"></head><body><article>'
            f'<h1>Fictional article {i}</h1>' + "".join(embeds) + "<p>Closing paragraph.</p></article></body></html>",
            encoding="utf-8")


def size_of(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else path.stat().st_size


def budget_overhead(articles: int, citations: int, full_pages: bool, rounds: int = 3) -> None:
    """Wall time per article with the per-article budget (a worker process
    reads each article) and without (this process reads them), alternated
    over fresh archives so both see the same machine."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        write_articles(folder, articles, citations, full_pages)
        times: dict[float, list[float]] = {0: [], DEFAULT_ARTICLE_BUDGET: []}
        for trial in range(rounds):
            for budget in times:
                db = open_db(str(Path(tmp) / f"{trial}-{budget}.db"))
                start = time.perf_counter()
                summary = archive(db, [str(folder)], warc_dir=Path(tmp) / "warc", report=lambda s, r: None,
                                  article_budget=budget)
                times[budget].append((time.perf_counter() - start) / summary.articles_new * 1000)
        inline, budgeted = (sorted(times[budget]) for budget in times)
        print(f"{articles:,} articles, {rounds} rounds; ms per article, min / median: "
              f"read in this process {inline[0]:.3f} / {statistics.median(inline):.3f}, "
              f"in the budget's worker process {budgeted[0]:.3f} / {statistics.median(budgeted):.3f} "
              f"(overhead {budgeted[0] - inline[0]:+.3f} / {statistics.median(budgeted) - statistics.median(inline):+.3f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--citations", type=int, default=3)
    parser.add_argument("--full-pages", action="store_true")
    parser.add_argument("--budget-overhead", action="store_true",
                        help="compare reading articles in a worker process (the time budget) and in this one")
    args = parser.parse_args()
    if args.budget_overhead:
        budget_overhead(args.articles, args.citations, args.full_pages)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        write_articles(folder, args.articles, args.citations, args.full_pages)
        db_path = Path(tmp) / "archive.db"
        db = open_db(str(db_path))
        start, cpu_start = time.perf_counter(), time.process_time()
        summary = archive(db, [str(folder)], warc_dir=Path(tmp) / "warc", report=lambda s, r: None)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        start = time.perf_counter()
        again = archive(db, [str(folder)], warc_dir=Path(tmp) / "warc", report=lambda s, r: None)
        rerun = time.perf_counter() - start
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{summary.articles_new:,} articles, {db['citations'].count:,} citations, "
              f"{db['posts'].count:,} posts in {elapsed:.1f} s")
        print(f"throughput: {summary.articles_new / elapsed:,.0f} articles/s (target >= 2,000); "
              f"CPU {cpu / summary.articles_new * 1000:.2f} ms per article")
        print(f"second run over the same files: {again.articles_unchanged / rerun:,.0f} articles/s")
        print(f"database: {size_of(db_path) / 2**20:.1f} MiB; WARC: {size_of(Path(tmp) / 'warc') / 2**20:.1f} MiB")
        print(f"peak RSS: {peak:.0f} MB")


if __name__ == "__main__":
    main()
