"""Spreading a backfill over Dask workers: a local cluster of one process per
core by default, or any existing cluster by its scheduler's address.

Workers only read and extract slices (`work.extract_slice`); their results
stream back, a bounded number in flight so memory stays flat, to the one
writer here, which ingests them into the archive or the Parquet dataset.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from .records import SLICE_BYTES, WHOLE, WarcExtent
from .work import SliceResult, extract_slice


@dataclass(frozen=True)
class Task:
    extent: WarcExtent
    start: int
    end: int

    @property
    def size(self) -> int:
        """Bytes this slice covers, for the progress bar (0 when a stream's length is unknown)."""
        return 0 if self.end == WHOLE else self.end - self.start


def tasks(extents: Iterable[WarcExtent], done: set[tuple[str, int]],
          slice_bytes: int = SLICE_BYTES) -> tuple[list[Task], int]:
    """The slices still to read, and how many were done by an earlier run."""
    todo, skipped = [], 0
    for extent in extents:
        for start, end in extent.slices(slice_bytes):
            if (extent.name, start) in done:
                skipped += 1
            else:
                todo.append(Task(extent, start, end))
    return todo, skipped


@contextmanager
def dask_client(workers: int | None, scheduler: str | None, announce: Callable[[str], None]) -> Iterator:
    """A Dask client: on the cluster at `scheduler`, or on a local cluster of `workers` processes."""
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            announce(f"backfill: on the Dask cluster at {scheduler} "
                     f"({len(client.scheduler_info()['workers'])} workers; dashboard {client.dashboard_link})")
            yield client
        return
    workers = workers or os.cpu_count() or 1
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0",
                      silence_logs=40) as cluster, Client(cluster) as client:
        announce(f"backfill: local Dask cluster of {workers} worker processes; dashboard {client.dashboard_link}")
        yield client


def run_tasks(client, todo: list[Task], all_articles: bool, write: Callable[[SliceResult], None],
              progress: Callable[[Task, SliceResult], None], in_flight: int | None = None) -> None:
    """Run every task on the cluster, writing each result as it arrives (any order)."""
    from distributed import as_completed

    limit = in_flight or 2 * max(1, len(client.scheduler_info()["workers"]))
    queue = iter(todo)
    running = {}
    completed = as_completed()

    def submit_next() -> bool:
        task = next(queue, None)
        if task is None:
            return False
        future = client.submit(extract_slice, task.extent, task.start, task.end, all_articles, pure=False)
        running[future.key] = task
        completed.add(future)
        return True

    for _ in range(limit):
        if not submit_next():
            break
    for future in completed:
        task = running.pop(future.key)
        result = future.result()
        future.release()
        write(result)
        progress(task, result)
        submit_next()
