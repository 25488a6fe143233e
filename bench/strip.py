"""Copies of saved pages without their classes and ids, or their landmarks, to score as they are.

    .venv/bin/python bench/strip.py SRC DST --strip classes,landmarks   (or hashes)

Writes each page of SRC to DST as `bench/inject.py --strip` reads it (embeds keep
their markup). Scored against the dev set's gold, the copies show how much of
extraction rests on class words and landmarks, which are meant to be signs only:

    .venv/bin/python bench/strip.py ../shared/devset/twitter/pages /tmp/bare --strip landmarks
    .venv/bin/archiver extract /tmp/bare > /tmp/raw.jsonl
    python3 ../shared/devset/to_pred.py /tmp/raw.jsonl > /tmp/pred.jsonl
    python3 ../shared/devset/twitter/score.py /tmp/pred.jsonl --mode html
"""

from __future__ import annotations

import argparse
from pathlib import Path

from inject import stripped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--strip", type=lambda v: set(v.split(",")), required=True,
                        help="classes (and ids), landmarks, both (classes,landmarks), or hashes")
    args = parser.parse_args()
    args.target.mkdir(parents=True, exist_ok=True)
    for path in sorted(p for p in args.source.iterdir() if p.is_file()):
        (args.target / path.name).write_bytes(stripped(path.read_bytes(), args.strip))


if __name__ == "__main__":
    main()
