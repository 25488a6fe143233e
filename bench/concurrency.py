"""Concurrent writers on one archive: N processes archiving M articles each,
while a reader queries the archive the way the review pages do.

    .venv/bin/python bench/concurrency.py [--writers 2,4] [--articles 2000]

Prints, for one writer doing all the work (the baseline, measured in the same
run) and for N writers sharing it: wall time, articles/s, the time each writer
spent waiting for another's write lock (BEGIN IMMEDIATE), and the reader's
worst and p95 query time. Every writer must finish and the counts must be
those of the baseline.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest import write_articles  # noqa: E402

from archiver.archive import ArchiveRun  # noqa: E402
from archiver.store.schema import open_db  # noqa: E402


def writer(db_path: str, folders: list[str], warc_dir: str, results) -> None:
    """One `archiver archive`: puts (articles new, seconds waiting for the lock, wall seconds)."""
    start = time.perf_counter()
    run = ArchiveRun(open_db(db_path), warc_dir=warc_dir, report=lambda source, reason: None)
    summary = run.run(folders)
    assert summary.status == "ok", summary.errors
    results.put((summary.articles_new, run.lock_wait, time.perf_counter() - start))


def read_while(db_path: Path, stop: threading.Event, latencies: list[float]) -> None:
    conn = sqlite3.connect(db_path, timeout=60)
    while not stop.is_set():
        start = time.perf_counter()
        conn.execute("SELECT status, count(*) FROM posts GROUP BY status").fetchall()
        conn.execute("SELECT * FROM articles ORDER BY id DESC LIMIT 50").fetchall()
        latencies.append(time.perf_counter() - start)
        time.sleep(0.01)


def trial(tmp: Path, name: str, groups: list[list[str]]) -> tuple[dict, list[tuple[int, float, float]], float]:
    db_path = tmp / f"{name}.db"
    open_db(str(db_path)).close()
    stop, latencies = threading.Event(), []
    reader = threading.Thread(target=read_while, args=(db_path, stop, latencies))
    reader.start()
    start = time.perf_counter()
    # Processes of their own, not a Pool: a pool's daemonic workers may not
    # start the article reader's process, as `archiver archive` does.
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    writers = [context.Process(target=writer, args=(str(db_path), group, str(tmp / f"{name}-warc"), queue))
               for group in groups]
    for process in writers:
        process.start()
    results = [queue.get() for _ in writers]
    for process in writers:
        process.join()
    wall = time.perf_counter() - start
    stop.set()
    reader.join()
    with sqlite3.connect(db_path) as conn:
        counts = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("articles", "posts", "citations", "accounts")}
    latencies.sort()
    counts["reader p95 ms"] = round(latencies[int(len(latencies) * 0.95)] * 1000, 1) if latencies else None
    counts["reader max ms"] = round(latencies[-1] * 1000, 1) if latencies else None
    return counts, results, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", default="2,4", help="writer counts to try, comma-separated")
    parser.add_argument("--articles", type=int, default=2000, help="articles per writer")
    parser.add_argument("--citations", type=int, default=3)
    args = parser.parse_args()
    for n in [int(value) for value in args.writers.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            folders = []
            for i in range(n):  # each writer its own articles; posts shared, as across outlets
                folder = tmp / f"writer{i}"
                folder.mkdir()
                write_articles(folder, args.articles, args.citations)
                for path in folder.rglob("*.html"):  # distinct canonical URLs per writer
                    path.write_text(path.read_text().replace("https://fx.example/", f"https://fx{i}.example/"))
                folders.append(str(folder))
            expected, [(_, _, baseline)], _ = trial(tmp, "one", [folders])
            counts, results, wall = trial(tmp, "many", [[folder] for folder in folders])
            total = n * args.articles
            print(f"{n} writers x {args.articles:,} articles: {wall:.1f} s wall ({total / wall:,.0f} articles/s); "
                  f"one writer doing it all: {baseline:.1f} s ({total / baseline:,.0f} articles/s)")
            waits = [wait for _, wait, _ in results]
            print(f"  lock waits per writer: {', '.join(f'{w:.1f} s' for w in waits)} "
                  f"(mean {statistics.mean(waits):.1f} s of {statistics.mean(r[2] for r in results):.1f} s)")
            print(f"  reader p95 {counts['reader p95 ms']} ms, max {counts['reader max ms']} ms "
                  f"(one writer: p95 {expected['reader p95 ms']} ms, max {expected['reader max ms']} ms)")
            same = all(counts[t] == expected[t] for t in ("articles", "posts", "citations", "accounts"))
            print(f"  counts {'equal to' if same else 'DIFFER FROM'} one writer's: "
                  + ", ".join(f"{t} {counts[t]:,}" for t in ("articles", "posts", "citations", "accounts")))


if __name__ == "__main__":
    main()
