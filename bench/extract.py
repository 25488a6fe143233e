"""Extraction cost against a bare lxml parse of the same bytes, measured in the same run.

    .venv/bin/python bench/extract.py [--pages DIR ...] [--processes]
    .venv/bin/python bench/extract.py --generated 300 [--stream 10000]
    .venv/bin/python bench/extract.py --embeds 1000,2000,4000,8000
    .venv/bin/python bench/extract.py --shapes 20000 [--depth 2000]

--pages (default: ../shared/devset/twitter/pages and ../shared/devset/platforms/pages
when present, else the generated corpus) prints per-page extraction time against a
bare lxml.html parse of each page (target: at most 2x), the worst pages, and peak
memory. --processes also times `archiver extract` over the folders as one process
against a process that only reads and parses the same files with lxml (target: at
most 2.5x), and `archiver extract --article`, which also reads every page's metadata. --embeds prints the cost per embed of pages with that many tweet embeds
(target: flat within 2x; a 50,000-embed page under the 20 MiB cap in under a minute).
--shapes N times pages of N repeated parts in the shapes that once made extraction
quadratic (a paragraph of N status links, N link blocks, N links to a site whose
host ends in a platform's (fxbox.com, as uproxx.com or netflix.com end in x.com), N embeds without prose, N
URLs in text, N copied attributions, N lines of text without <p> 2,000 elements
deep, N embeds in iframes' srcdoc, N embeds quoted in Markdown, dashes before
runs of N/10 no-break spaces, N data attributes on one element, N undated attributions in an embed, N spaces between
labelled links, a line of N spaces and a dotted word of N dots in text), --depth D
each of the HTML ones under D nested <div>s: each should take seconds, not minutes.
--generated and --stream time the generated corpus and peak memory while streaming.
"""

from __future__ import annotations

import argparse
import html
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import lxml.html

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from corpus import page  # noqa: E402

from archiver.extract import extract  # noqa: E402

DEVSET = HERE.parents[1] / "shared" / "devset"
DEV_PAGES = [DEVSET / "twitter" / "pages", DEVSET / "platforms" / "pages"]
# What the lxml-only process does with every file: read it and parse it.
LXML_ONLY = """
import sys
from pathlib import Path
import lxml.html
for folder in sys.argv[1:]:
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            lxml.html.document_fromstring(path.read_bytes())
"""


def best_of(function, data, repeat: int = 3) -> float:
    """The fastest of `repeat` runs: the figure least disturbed by other work on the machine."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(data)
        times.append(time.perf_counter() - start)
    return min(times)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def compare_pages(pages: list[tuple[str, bytes]]) -> None:
    for _, data in pages:
        extract(data)  # warm caches (regex, dateparser locales) once
    rows = []
    for name, data in pages:
        rows.append((name, best_of(lxml.html.document_fromstring, data), best_of(extract, data)))
    bare = sum(r[1] for r in rows)
    ours = sum(r[2] for r in rows)
    ratios = sorted(((r[2] / r[1], r[0], r[1], r[2]) for r in rows), reverse=True)
    size = sum(len(d) for _, d in pages) / len(pages) / 1024
    print(f"{len(pages)} pages, mean {size:.0f} KiB")
    print(f"lxml.html parse: {bare / len(rows) * 1000:.2f} ms/page")
    print(f"extract:         {ours / len(rows) * 1000:.2f} ms/page")
    print(f"ratio of totals: {ours / bare:.2f}x; median page {statistics.median(r[0] for r in ratios):.2f}x "
          f"(target <= 2x)")
    print("slowest pages against their parse:")
    for ratio, name, parse, extraction in ratios[:5]:
        print(f"  {ratio:5.2f}x  {extraction * 1000:7.2f} ms vs {parse * 1000:7.2f} ms  {name}")
    print(f"peak RSS: {peak_mb():.0f} MB")


def compare_processes(folders: list[Path]) -> None:
    archiver = Path(sys.executable).parent / "archiver"
    # The posts alone (the target's measure), and with each page's metadata (--article).
    commands = {"lxml only": [sys.executable, "-c", LXML_ONLY, *map(str, folders)],
                "archiver extract": [str(archiver), "extract", *map(str, folders)],
                "  with --article": [str(archiver), "extract", "--article", *map(str, folders)]}
    times = {}
    for label, command in commands.items():
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            runs.append(time.perf_counter() - start)
        times[label] = min(runs)
        print(f"{label:>16}: {times[label]:.2f} s (best of 3, whole process)")
    print(f"ratio: {times['archiver extract'] / times['lxml only']:.2f}x (target <= 2.5x); "
          f"with --article {times['  with --article'] / times['lxml only']:.2f}x")


def compare_embeds(counts: list[int]) -> None:
    extract(page(7, target_kib=150, embeds=10))  # warm caches first: the first page pays for them
    for count in counts:
        # Short post texts keep a 50,000-embed page under the 20 MiB input cap.
        data = page(7, target_kib=150, embeds=count, embed_words=4)
        start = time.perf_counter()
        posts = extract(data)["posts"]
        elapsed = time.perf_counter() - start
        parse = best_of(lxml.html.document_fromstring, data, repeat=1)
        print(f"{count:>6} embeds, {len(data) / 2**20:5.1f} MiB: {elapsed:7.2f} s, "
              f"{elapsed / count * 1000:.3f} ms per embed, {len(posts)} posts (lxml parse {parse:.2f} s)")


def _status(n: int) -> str:
    return f"https://twitter.com/fx_bench/status/{1411993338932486146 + n}"


SHAPES = {  # name -> page of n repeated parts (fictional account)
    "links in one paragraph": lambda n: "<article><p>Today: " + "".join(
        f'<a href="{_status(i)}">post {i}</a> ' for i in range(n)) + "</p></article>",
    "platform-named links": lambda n: "<article><p>On " + " and ".join(
        f'<a href="{_status(i)}">X</a>' for i in range(n)) + "</p></article>",
    "link blocks": lambda n: "<article><p>A paragraph of prose, long enough to be the main text here.</p>" + "".join(
        f'<div><a href="{_status(i)}">{_status(i)}</a></div>' for i in range(n)) + "</article>",
    "embeds without prose": lambda n: "".join(
        f'<blockquote class="twitter-tweet"><p>Post {i}</p>&mdash; Fx Bench (@fx_bench) '
        f'<a href="{_status(i)}">July 5, 2021</a></blockquote>' for i in range(n)),
    "a site's own links": lambda n: "<article><p>A paragraph of prose, long enough to be the main text.</p>" + "".join(
        f'<p><a href="https://www.fxbox.com/story-{i}">Story {i}</a></p>' for i in range(n)) + "</article>",
    "URLs in text": lambda n: "<article>" + "".join(f"<p>see {_status(i)}</p>" for i in range(n)) + "</article>",
    "copied attributions": lambda n: "<article>" + "".join(
        f"<p>Post {i} pic.twitter.com/FxBench{i:05d}</p><p>&mdash; Fx Bench (@fx_bench) July 7, 2021</p>"
        for i in range(n // 2)) + "</article>",
    "embeds in srcdoc frames": lambda n: "<article>" + "".join(
        '<iframe srcdoc="' + html.escape(
            f'<blockquote class="twitter-tweet"><p>Post {i}</p>&mdash; Fx Bench (@fx_bench) '
            f'<a href="{_status(i)}">July 5, 2021</a></blockquote>') + '"></iframe>' for i in range(n)) + "</article>",
    "data attributes, one element": lambda n: "<article><p " + " ".join(
        f'data-x{i}="{_status(i)}"' for i in range(n)) + ">A paragraph.</p></article>",
    "undated attributions": lambda n: '<blockquote class="twitter-tweet"><p>' + " \u2014 (@fx_bench)" * n + (
        f'<br>x</p><a href="{_status(0)}">link</a></blockquote>'),
    "spaces between labels": lambda n: f'<p>Follow us: <a href="{_status(0)}">twitter</a>' + " " * n + (
        'x<a href="https://www.youtube.com/watch?v=FxBench0001">youtube</a></p>'),
    "text without <p>, nested": lambda n: "<div>" * 2000 + "".join(
        f"<span>Line {i} of a text written without paragraphs.</span><br>" for i in range(n)) + (
        f'<a href="{_status(0)}">a post</a>' + "</div>" * 2000),
}


# Texts of n repeated parts, read as they are (--depth does not apply).
TEXT_SHAPES = {
    "quoted embeds in Markdown": lambda n: "".join(
        f"> Post {i} [pic.twitter.com/FxBench{i:05d}](https://t.co/FxBench{i:05d})\n>\n"
        f"> — Fx Bench (@fx_bench) [July 7, 2021]({_status(i)})\n\n" for i in range(n)),
    "spaces, a dotted word": lambda n: "Intro line.\na" + " " * n + "b\n" + "a." * n + (
        "\nFx Bench\n@fx_bench\nService resumes at nine.\nJuly 7, 2021\n"),
    "dashes, runs of spaces": lambda n: "".join(
        "\u2014" + "\u00a0" * (n // 10) + f"Fx Bench {i}\u00a0" * 3 + "\n" for i in range(10)),
}


def time_shapes(count: int, depth: int = 0) -> None:
    pages = [(name, f"<html><body>{'<div>' * depth}{make(count)}{'</div>' * depth}</body></html>")
             for name, make in SHAPES.items()] + [(name, make(count)) for name, make in TEXT_SHAPES.items()]
    for name, markup in pages:
        data = markup.encode()
        start = time.perf_counter()
        posts = extract(data)["posts"]
        print(f"{name:>24}: {len(data) / 2**20:5.1f} MiB, {len(posts):>6} posts in {time.perf_counter() - start:6.2f} s")


def stream_generated(count: int) -> None:
    start = time.perf_counter()
    for seed in range(count):
        extract(page(seed % 1000 + 10_000))
    print(f"streamed {count} generated pages in {time.perf_counter() - start:.1f} s; "
          f"peak RSS {peak_mb():.0f} MB (target <= 100 MB)")


def read_pages(folders: list[Path]) -> list[tuple[str, bytes]]:
    return [(path.name, path.read_bytes()) for folder in folders
            for path in sorted(folder.rglob("*")) if path.is_file()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="*", type=Path, help="folders of real pages")
    parser.add_argument("--processes", action="store_true", help="also compare whole processes")
    parser.add_argument("--generated", type=int, help="time this many generated pages instead")
    parser.add_argument("--stream", type=int, default=0, help="stream this many generated pages first")
    parser.add_argument("--embeds", help="comma-separated embed counts")
    parser.add_argument("--shapes", type=int, help="time the once-quadratic page shapes with this many parts")
    parser.add_argument("--depth", type=int, default=0, help="with --shapes: nest each shape this many <div>s deep")
    args = parser.parse_args()

    if args.stream:
        # Streaming first, so the peak is the extractor's and not the timed corpus held in memory.
        stream_generated(args.stream)
    if args.embeds:
        compare_embeds([int(n) for n in args.embeds.split(",")])
        return
    if args.shapes:
        time_shapes(args.shapes, args.depth)
        return
    folders = args.pages or [folder for folder in DEV_PAGES if folder.is_dir()]
    if args.generated or not folders:
        if not args.generated:
            print(f"no real pages at {DEVSET} (nor --pages DIR): timing the generated corpus, "
                  "whose simple pages are not what the 2x target is measured on")
        compare_pages([(f"generated-{seed}", page(seed)) for seed in range(args.generated or 300)])
        return
    compare_pages(read_pages(folders))
    if args.processes:
        compare_processes(folders)


if __name__ == "__main__":
    main()
