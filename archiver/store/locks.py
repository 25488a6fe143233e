"""File locks beside the archive, in `<db dir>/locks/`: flocks, which the
kernel drops when their process dies, even by SIGKILL, so a lock never
outlives its holder."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path


def locks_dir(db_path: str | os.PathLike) -> Path:
    return Path(db_path).resolve().parent / "locks"


@contextmanager
def exclusive(path: Path, optional: bool = False):
    """Hold an flock on `path` (created if missing), waiting for any other
    holder; `optional`: go on without it where the file cannot be made (a
    folder the user may read but not write)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except PermissionError:
        if not optional:
            raise
        yield None
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield descriptor
    finally:
        os.close(descriptor)  # closing drops the lock


def try_exclusive(path: Path) -> int | None:
    """An open descriptor holding an flock on `path`, or None when another holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None
    return descriptor
