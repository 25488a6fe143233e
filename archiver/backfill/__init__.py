"""Backfill: the posts cited by pages already kept in web archives (WARC, WACZ),
read on Dask workers and written by one writer, into the archive or Parquet.

records (slices of WARCs) -> work (read and extract, on workers) -> cluster
(Dask) -> ingest (the archive) or parquet (a dataset).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import sqlite_utils

from ..sources import Failed
from . import ingest, parquet
from .cluster import Task, dask_client, run_tasks, tasks
from .ingest import BackfillSummary
from .locate import warc_extents
from .records import SLICE_BYTES
from .work import SliceResult


def backfill(sources: list[str], *, db: sqlite_utils.Database | None = None, parquet_dir: Path | None = None,
             workers: int | None = None, scheduler: str | None = None, all_articles: bool = False,
             base_url: str | None = None, allowed_networks: tuple[str, ...] = (), slice_bytes: int = SLICE_BYTES,
             progress: Callable[[int, int, BackfillSummary], None] | None = None,
             announce: Callable[[str], None] = print) -> BackfillSummary:
    """Read the WARCs that `sources` name and keep the posts their pages cite.

    Into `db` (an archive), or, with `parquet_dir`, into a Parquet dataset.
    Resumable: slices finished by an earlier run are not read again (the
    slices of a WARC depend on `slice_bytes`: resume with the same value).
    `progress(bytes_done, bytes_total, summary)` follows the run.
    """
    if (db is None) == (parquet_dir is None):
        raise ValueError("backfill into an archive (db) or a Parquet dataset (parquet_dir), one of them")
    # Into a dataset, the run is not an archive's run: its counts are only returned.
    summary = ingest.start_run(db, list(sources)) if db is not None else BackfillSummary(run_id=None)
    extents = []
    for item in warc_extents(list(sources), base_url=base_url, allowed_networks=allowed_networks):
        if isinstance(item, Failed):
            summary.errors.append((item.source, item.reason))
            announce(f"archiver: {item.source}: {item.reason}")
        else:
            extents.append(item)
    done = ingest.done_slices(db) if db is not None else parquet.done_slices(parquet_dir)
    todo, summary.slices_skipped = tasks(extents, done, slice_bytes)
    total = sum(task.size for task in todo)
    read = 0

    def write(result: SliceResult) -> None:
        for source, reason in result.problems:
            announce(f"archiver: {source}: {reason}")
        if db is not None:
            ingest.ingest_slice(db, result, summary)
        else:
            parquet.write_slice(parquet_dir, result)
            ingest.count_slice(result, summary)

    def advance(task: Task, result: SliceResult) -> None:
        nonlocal read
        read += task.size
        if progress:
            progress(read, total, summary)

    status = "interrupted"
    try:
        if todo:
            with dask_client(workers, scheduler, announce) as client:
                run_tasks(client, todo, all_articles, write, advance)
        status = "failed" if summary.errors else "ok"
    finally:
        if db is not None:
            ingest.finish_run(db, summary, status)
        else:
            summary.status = status
    return summary


def import_parquet(db: sqlite_utils.Database, folder: Path) -> BackfillSummary:
    """Load a dataset written by `backfill(parquet_dir=...)` into the archive."""
    summary = ingest.start_run(db, [str(folder)])
    done = ingest.done_slices(db)
    status = "interrupted"
    try:
        for result in parquet.read_slices(folder):
            if (result.warc, result.start) in done:
                summary.slices_skipped += 1
                continue
            ingest.ingest_slice(db, result, summary)
        status = "failed" if summary.errors else "ok"
    finally:
        ingest.finish_run(db, summary, status)
    return summary
