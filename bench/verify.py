"""Offline verification speed: every offline check over an archive of 10,000 posts.

    .venv/bin/python bench/verify.py [--posts 10000]

Builds the archive from generated articles (bench/ingest.py's pages: each post
is cited by one or two articles, so cross-citation has work to do), then times
`archiver verify --offline`. Target: under 10 s for 10,000 posts.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archiver.archive import archive  # noqa: E402
from archiver.store.schema import open_db  # noqa: E402
from archiver.verify import verify  # noqa: E402
from ingest import write_articles  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        write_articles(folder, args.posts // 2, 3)  # 3 citations an article over 2 posts an article
        db = open_db(str(Path(tmp) / "archive.db"))
        archive(db, [str(folder)], warc_dir=Path(tmp) / "warc", report=lambda s, r: None)
        posts = db["posts"].count
        start = time.perf_counter()
        summary = verify(db, warc_dir=Path(tmp) / "warc", offline=True)
        elapsed = time.perf_counter() - start
        print(f"{summary.posts:,} of {posts:,} posts checked offline in {elapsed:.2f} s "
              f"({summary.posts / elapsed:,.0f} posts/s; target: 10,000 in under 10 s)")
        print("outcomes: " + ", ".join(f"{n:,} {o}" for o, n in summary.outcomes.items()))


if __name__ == "__main__":
    main()
