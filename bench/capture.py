"""Capture speed against stand-ins: posts on 20 hosts answering after 200 ms.

    .venv/bin/python bench/capture.py [--posts 1000] [--screenshots 30]
    .venv/bin/python bench/capture.py --reuse-sweep

Each post is a Mastodon status on one of 20 instances (20 host names, one
stand-in reached through HTTPS_PROXY with a test CA, as the tests do), with
one photo on the same instance: two requests a post, each answered after
200 ms (the stand-in runs in a process of its own). Runs `capture` with its default concurrency for half the posts and
then all of them, each in a child process, and prints the time and the peak
memory of each, so that memory can be seen to stay flat in the number of
posts. Target: 1,000 posts in under 30 s. Then times offline embed
screenshots on one core (the process and its Chromium pinned to CPU 0).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from capture_standin import StandIn, jpeg, photo  # noqa: E402
from conftest import Route  # noqa: E402

from archiver.capture.run import capture  # noqa: E402
from archiver.capture.settings import CaptureSettings  # noqa: E402
from archiver.fetch import FetchPolicy  # noqa: E402
from archiver.store.schema import open_db  # noqa: E402

HOSTS = [f"i{n:02d}.social.example" for n in range(20)]
LATENCY = 0.2
PHOTO = jpeg(photo(5))


def status(host: str, number: int) -> bytes:
    return json.dumps({"id": str(number), "created_at": "2024-05-01T10:00:00.000Z", "content": f"<p>Post {number}</p>",
                       "account": {"acct": "fxdesk", "display_name": "Fx Desk"}, "media_attachments": [
                           {"type": "image", "url": f"https://{host}/media/{number}.jpg"}]}).encode()


def answer(host: str, path: str) -> Route | None:
    if path.startswith("/api/v1/statuses/"):
        return Route(status(host, int(path.rsplit("/", 1)[1])), headers={"Content-Type": "application/json"})
    if path.startswith("/media/"):
        return Route(PHOTO, headers={"Content-Type": "image/jpeg"})
    return None


def standin_child(ca_file: str) -> None:
    """The stand-in, in a process of its own (its TLS and threads do not share the capture's GIL)."""
    standin = StandIn(latency=LATENCY)
    standin.fallback = answer
    standin.start(types.SimpleNamespace(setenv=os.environ.__setitem__), Path(ca_file))
    print(standin.proxy_url, flush=True)
    sys.stdin.read()  # until the parent closes it


def capture_child(posts: int) -> dict:
    """One timed capture of `posts` posts; run in its own process for an honest peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(str(Path(tmp) / "archive.db"))
        for number in range(posts):
            host = HOSTS[number % len(HOSTS)]
            db.execute("INSERT INTO posts (id, platform, post_id, url, first_seen, last_seen) VALUES"
                       " (?, 'mastodon', ?, ?, '2024-05-01', '2024-05-01')",
                       [f"mastodon:{host}/{number}", f"{host}/{number}", f"https://{host}/@fxdesk/{number}"])
        db.conn.commit()
        start = time.perf_counter()
        summary = capture(db, warc_dir=Path(tmp) / "warc", settings=CaptureSettings(screenshots=False),
                          policy=FetchPolicy(resolve=lambda host, port: ["93.184.216.34"]))
        elapsed = time.perf_counter() - start
        return {"posts": summary.posts, "seconds": elapsed, "outcomes": summary.outcomes,
                "requests": db.execute("SELECT count(*) FROM captures").fetchone()[0],
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def screenshot_child(count: int) -> dict:
    """Offline embed screenshots of `count` posts of one article, on CPU 0 only."""
    os.sched_setaffinity(0, {0})  # Chromium, started below, inherits it
    from test_verify import embed, page, status_id

    from archiver.archive import archive

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "a.html").write_text(page(*(embed(status_id("2021-07-07", n), media=None)
                                                 for n in range(count))), encoding="utf-8")
        db = open_db(str(Path(tmp) / "archive.db"))
        archive(db, [str(Path(tmp) / "a.html")], warc_dir=Path(tmp) / "warc", report=lambda s, r: None)
        capture(db, [db.execute("SELECT id FROM posts LIMIT 1").fetchone()[0]], warc_dir=Path(tmp) / "warc",
                offline=True)  # starts the browser once, so that the timing below is of screenshots only
        start = time.perf_counter()
        summary = capture(db, warc_dir=Path(tmp) / "warc", offline=True)
        elapsed = time.perf_counter() - start
        made = db.execute("SELECT count(*) FROM captures WHERE kind = 'screenshot'").fetchone()[0]
        return {"screenshots": made - 1, "seconds": elapsed, "posts": summary.posts}


def reuse_sweep() -> None:
    """Precision and recall of each media_reuse threshold on the test set (tests/test_capture_media.py)."""
    from capture_standin import reuse_pairs

    from archiver.capture.media import distance, phash

    scored = [(distance(phash(a), phash(b)), same) for _, a, b, same in reuse_pairs()]
    for threshold in (6, 8, 10, 12, 14, 16, 18, 20):
        called = [same for gap, same in scored if gap <= threshold]
        print(f"distance <= {threshold:2d}: precision {sum(called) / len(called):.3f},"
              f" recall {sum(called) / sum(same for _, same in scored):.3f}")
    print(f"closest different photos: {min(gap for gap, same in scored if not same)}")


def child(*args: str, env: dict | None = None) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True,
                         env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--screenshots", type=int, default=30)
    parser.add_argument("--child", choices=["standin", "capture", "screenshots"])
    parser.add_argument("--ca")
    parser.add_argument("--reuse-sweep", action="store_true", help="Only score the media_reuse thresholds.")
    args = parser.parse_args()
    if args.reuse_sweep:
        reuse_sweep()
        return
    if args.child == "standin":
        standin_child(args.ca)
        return
    if args.child == "capture":
        print(json.dumps(capture_child(args.posts)))
        return
    if args.child == "screenshots":
        print(json.dumps(screenshot_child(args.screenshots)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        ca_file = str(Path(tmp) / "ca.pem")
        standin = subprocess.Popen([sys.executable, __file__, "--child", "standin", "--ca", ca_file],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        env = {**os.environ, "HTTPS_PROXY": standin.stdout.readline().strip(), "REQUESTS_CA_BUNDLE": ca_file,
               "NO_PROXY": ""}
        try:
            runs = [child("--child", "capture", "--posts", str(posts), env=env)
                    for posts in (args.posts // 2, args.posts)]
        finally:
            standin.stdin.close()
            standin.wait()
    for run in runs:
        print(f"{run['posts']:,} posts ({run['requests']:,} requests, {len(HOSTS)} hosts, {LATENCY * 1000:.0f} ms"
              f" latency): {run['seconds']:.1f} s, {run['posts'] / run['seconds']:.0f} posts/s, peak memory"
              f" {run['peak_rss_mb']:.0f} MB; outcomes {run['outcomes']}")
    shots = child("--child", "screenshots", "--screenshots", str(args.screenshots))
    print(f"{shots['screenshots']} offline embed screenshots on one core: {shots['seconds']:.1f} s,"
          f" {shots['screenshots'] / shots['seconds']:.1f} screenshots/s")


if __name__ == "__main__":
    main()
