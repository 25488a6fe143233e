"""Extraction throughput against a bare lxml.html parse of the same bytes.

    .venv/bin/python bench/extract.py [--pages 300] [--stream 10000]

Prints per-page times for both, their ratio (target: at most 2x), and the
peak resident memory while streaming --stream pages through the extractor
(target: at most 100 MB).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import page  # noqa: E402

from archiver.extract import extract  # noqa: E402


def timed(function, pages: list[bytes]) -> float:
    start = time.perf_counter()
    for data in pages:
        function(data)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--stream", type=int, default=10000)
    args = parser.parse_args()

    # Streaming first, so the peak below is the extractor's and not the timed corpus held in memory.
    start = time.perf_counter()
    for seed in range(args.stream):
        extract(page(seed % 1000 + 10_000))
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    pages = [page(seed) for seed in range(args.pages)]
    size = statistics.mean(map(len, pages)) / 1024
    posts = sum(len(extract(p)["posts"]) for p in pages)  # warm caches (dateparser) once
    lxml_times, extract_times = [], []
    for _ in range(3):
        lxml_times.append(timed(lxml.html.fromstring, pages))
        extract_times.append(timed(extract, pages))
    bare, ours = min(lxml_times), min(extract_times)
    print(f"corpus: {len(pages)} pages, mean {size:.0f} KiB, {posts} cited posts")
    print(f"lxml.html parse: {bare / len(pages) * 1000:.2f} ms/page")
    print(f"extract:         {ours / len(pages) * 1000:.2f} ms/page")
    print(f"ratio:           {ours / bare:.2f}x (target <= 2x)")
    print(f"streamed {args.stream} pages in {elapsed:.1f} s; peak RSS {peak:.0f} MB (target <= 100 MB)")


if __name__ == "__main__":
    main()
