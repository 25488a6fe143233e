"""Evidence at scale: a run that captures 10,000 articles, sealed and
timestamped by two local RFC 3161 TSAs (openssl ts -reply, a test CA), then
`archiver evidence verify --all` over every capture.

    .venv/bin/python bench/evidence.py [--articles 10000] [--full-pages]

Prints the requests each TSA received (target: exactly one per run), the
time of the run and of its sealing, and the time to verify every capture
(target: under 10 s for 10,000), next to the time of only re-reading and
hashing every stored record, measured in the same run as the baseline.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import archiver.archive  # noqa: E402
from archiver.evidence.records import read_record  # noqa: E402
from archiver.evidence.timestamps import load_trust  # noqa: E402
from archiver.evidence.verify import capture_ids, log_verifications, verify_captures  # noqa: E402
from archiver.fetch import FetchPolicy  # noqa: E402
from archiver.store.schema import open_db  # noqa: E402
from archiver.store import utc_now  # noqa: E402
from evidence_tsa import TimestampServer, make_authority  # noqa: E402
from ingest import write_articles  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--full-pages", action="store_true", help="100-300 KiB pages instead of small ones")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = tmp / "articles"
        folder.mkdir()
        write_articles(folder, args.articles, 3, full_pages=args.full_pages)
        first, second = make_authority(tmp / "tsa-a", "Bench A"), make_authority(tmp / "tsa-b", "Bench B")
        servers = [TimestampServer(first).start(), TimestampServer(second).start()]
        sealing = []
        seal = archiver.archive.seal_run

        def timed_seal(*a, **k):
            start = time.perf_counter()
            outcome = seal(*a, **k)
            sealing.append(time.perf_counter() - start)
            return outcome

        archiver.archive.seal_run = timed_seal
        db = open_db(str(tmp / "archive.db"))
        start = time.perf_counter()
        summary = archiver.archive.archive(db, [str(folder)], warc_dir=tmp / "warc", report=lambda s, r: None,
                                           policy=FetchPolicy(allowed_networks=["127.0.0.1/32"]),
                                           tsa_urls=[server.url for server in servers])
        run_time = time.perf_counter() - start
        captures = db["captures"].count
        print(f"run: {summary.articles_new:,} articles, {captures:,} captures in {run_time:.1f} s, of which "
              f"sealing and timestamping {sealing[0]:.2f} s")
        print("requests per TSA: " + ", ".join(str(len(server.requests)) for server in servers)
              + " (target: 1 each)")
        rows = db.execute("SELECT warc_path, warc_offset FROM captures ORDER BY id").fetchall()
        start = time.perf_counter()
        for warc, offset in rows:
            hashlib.sha256(read_record(tmp / "warc" / warc, offset).member).hexdigest()
        baseline = time.perf_counter() - start
        trust = load_trust([first.root_pem, second.root_pem])
        start = time.perf_counter()
        verdicts = verify_captures(db, capture_ids(db, []), tmp / "warc", trust)
        log_verifications(db, verdicts, utc_now())
        elapsed = time.perf_counter() - start
        failed = sum(not verdict.ok for verdict in verdicts)
        print(f"evidence verify --all (with its custody rows): {len(verdicts):,} captures in {elapsed:.2f} s ({failed} failed; target: "
              f"under 10 s); re-reading and hashing the records alone: {baseline:.2f} s "
              f"({elapsed / baseline:.1f}x)")
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
