"""Backfill results as a Parquet dataset, for runs too big for one SQLite file.

DIR/pages/, DIR/citations/ and DIR/posts/ hold one file per slice (readable
by DuckDB, Spark or pyarrow as one dataset each: `read_parquet('DIR/citations/*.parquet')`);
DIR/_slices.jsonl lists the slices done, with their counts and problems. A
slice's files are written before its line, under names fixed by the slice, so
a killed backfill rewrites a half-written slice instead of duplicating it.
`import_parquet` loads such a dataset into an archive with the writer of a
plain backfill, so both give the same archive.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from .work import Page, SliceResult

_TABLES = ("pages", "citations", "posts")
_PAGE_COLUMNS = ("url", "crawled_at", "warc_offset", "warc_record_id", "status", "content_type", "size", "sha256")
_ARTICLE_COLUMNS = ("url", "title", "site", "language", "published")
_POST_COLUMNS = ("platform", "post_id", "url", "handle", "author_name", "date_text", "date", "text")


def slice_name(warc: str, start: int) -> str:
    return hashlib.sha1(f"{warc}\0{start}".encode()).hexdigest()[:20]


def done_slices(folder: Path) -> set[tuple[str, int]]:
    return {(line["warc"], line["start"]) for line in _slice_lines(folder)}


def _slice_lines(folder: Path) -> Iterator[dict]:
    listing = folder / "_slices.jsonl"
    if not listing.exists():
        return
    with listing.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:  # a line cut short by a kill: that slice is redone
                    continue


def write_slice(folder: Path, result: SliceResult) -> None:
    """Write one slice's rows, then mark it done."""
    name = slice_name(result.warc, result.start)
    pages, citations, posts = [], [], {}
    for page in result.pages:
        pages.append(_page_row(result.warc, page))
        for post in page.record["posts"]:
            row = post.to_dict()
            citations.append({"warc": result.warc, "warc_offset": page.warc_offset, "article_url": page.record.get("url")
                              or page.url, **{key: _cell(value) for key, value in row.items()}})
            posts.setdefault((row["platform"], row["post_id"] or row["url"]), {c: row.get(c) for c in _POST_COLUMNS})
    for table, rows in zip(_TABLES, (pages, citations, list(posts.values()))):
        (folder / table).mkdir(parents=True, exist_ok=True)
        if rows:
            pq.write_table(pa.Table.from_pylist(rows), folder / table / f"{name}.parquet")
    line = {"warc": result.warc, "start": result.start, "end": result.end, "records": result.records,
            "html": result.html, "pages": len(result.pages), "problems": result.problems}
    with (folder / "_slices.jsonl").open("a", encoding="utf-8") as listing:
        listing.write(json.dumps(line, ensure_ascii=False) + "\n")
        listing.flush()
        os.fsync(listing.fileno())


def _page_row(warc: str, page: Page) -> dict:
    row = {"warc": warc, **{column: getattr(page, column) for column in _PAGE_COLUMNS},
           "headers": json.dumps(page.headers, ensure_ascii=False)}
    row.update({f"article_{column}": page.record.get(column) for column in _ARTICLE_COLUMNS})
    return row


def _cell(value):
    """Lists stay lists (Parquet list<string>); anything else nested is kept as JSON text."""
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def read_slices(folder: Path) -> Iterator[SliceResult]:
    """The slices of a dataset as the writer of a backfill takes them."""
    for line in _slice_lines(folder):
        name = slice_name(line["warc"], line["start"])
        citations: dict[int, list[dict]] = {}
        for row in _rows(folder / "citations" / f"{name}.parquet"):
            citations.setdefault(row.pop("warc_offset"), []).append(row)
        pages = []
        for row in _rows(folder / "pages" / f"{name}.parquet"):
            posts = sorted(citations.get(row["warc_offset"], []), key=lambda post: post.get("position") or 0)
            record = {column: row[f"article_{column}"] for column in _ARTICLE_COLUMNS} | {"posts": posts}
            pages.append(Page(**{column: row[column] for column in _PAGE_COLUMNS},
                              headers=json.loads(row["headers"]), record=record))
        yield SliceResult(line["warc"], line["start"], line["end"], line["records"], line["html"], pages,
                          [tuple(problem) for problem in line["problems"]])


def _rows(path: Path) -> list[dict]:
    return pq.read_table(path).to_pylist() if path.exists() else []
