"""The `runs` rows of live processes: each run holds an flock on its own file
beside the archive (`locks/NAME.run-ID.lock`) for as long as it runs. A row
still marked `running` whose lock nobody holds belongs to a run that died
(SIGKILL, power cut) and is marked `interrupted` by the next run."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from . import writing
from .locks import locks_dir, try_exclusive


@dataclass
class RunLock:
    run_id: int
    path: Path | None
    descriptor: int | None

    def release(self) -> None:
        """The run is over (its row says how it ended): drop its lock file."""
        if self.descriptor is not None:
            self.path.unlink(missing_ok=True)
            os.close(self.descriptor)
            self.descriptor = None


def _lock_path(db: sqlite_utils.Database, run_id: int) -> Path | None:
    """Where run `run_id` keeps its lock; None for an archive in memory."""
    file = db.conn.execute("PRAGMA database_list").fetchone()[2]
    return locks_dir(file) / f"{Path(file).name}.run-{run_id}.lock" if file else None


def start_run(db: sqlite_utils.Database, command: str, job: str | None, started_at: str) -> RunLock:
    """Mark the runs that died as interrupted, then record this one as running, under its lock."""
    mark_interrupted_runs(db)
    with writing(db):
        run_id = db.execute("INSERT INTO runs (command, job, started_at, host, pid) VALUES (?,?,?,?,?)",
                            [command, job, started_at, socket.gethostname(), os.getpid()]).lastrowid
    path = _lock_path(db, run_id)
    return RunLock(run_id, path, try_exclusive(path) if path else None)


def finish_run(db: sqlite_utils.Database, lock: RunLock, finished_at: str, status: str, **columns) -> None:
    """Record how the run ended (its status, and any counts of the runs table), then drop its lock."""
    values = {"finished_at": finished_at, "status": status, **columns}
    with writing(db):
        db.execute(f"UPDATE runs SET {', '.join(f'{name} = ?' for name in values)} WHERE id = ?",
                   [*values.values(), lock.run_id])
    lock.release()


def mark_interrupted_runs(db: sqlite_utils.Database) -> list[int]:
    """Runs of this host marked running whose process no longer holds their
    lock, or (lock file never made) whose process is gone: now `interrupted`."""
    dead = []
    for run_id, pid in db.execute("SELECT id, pid FROM runs WHERE status = 'running' AND host = ?",
                                  [socket.gethostname()]).fetchall():
        path = _lock_path(db, run_id)
        if path and path.exists():
            descriptor = try_exclusive(path)
            if descriptor is None:
                continue  # its process is alive and holds it
            path.unlink(missing_ok=True)
            os.close(descriptor)
        elif _alive(pid):
            continue
        dead.append(run_id)
    if dead:
        with writing(db):
            db.execute(f"UPDATE runs SET status = 'interrupted' WHERE status = 'running' AND id IN"
                       f" ({','.join('?' * len(dead))})", dead)
    return dead


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
