"""The end of every run that captured something: each capture gets its
custody row, then a Merkle tree is built over the SHA-256 of every capture's
stored WARC record, each capture keeps its inclusion proof, and the root is
timestamped by each configured TSA, one request per TSA whatever the number
of captures. A TSA that fails leaves its root pending; the next run asks
again. Nothing here can fail the archive: problems are reported and kept."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

import requests
import sqlite_utils

from ..fetch import FetchError, FetchPolicy
from ..store import iso
from . import custody, merkle
from .records import RecordError, read_record
from .timestamps import TimestampError, request_token


@dataclass
class SealOutcome:
    tree_id: int | None = None
    leaves: int = 0
    granted: list[str] = field(default_factory=list)  # "TSA URL (tree N)"
    pending: list[tuple[str, str]] = field(default_factory=list)  # (TSA URL, reason)
    unreadable: list[tuple[int, str]] = field(default_factory=list)  # (capture id, reason)


# Captures not yet under a tree that this run may seal: its own, and those
# left by runs that ended without sealing (never one of a run still going).
_UNSEALED = """
SELECT id, warc_path, warc_offset FROM captures
WHERE warc_path IS NOT NULL AND NOT EXISTS (SELECT 1 FROM evidence_leaves WHERE capture_id = captures.id)
  AND (warc_path = :warc OR NOT EXISTS (SELECT 1 FROM runs WHERE status = 'running' AND id != :run
                                        AND started_at <= captures.fetched_at))
ORDER BY id
"""


def seal_run(db: sqlite_utils.Database, *, run_id: int, warc_dir: str | Path, warc_name: str,
             tsa_urls: list[str], session: requests.Session, policy: FetchPolicy,
             now: Callable[[], datetime], report: Callable[[str, str], None] = lambda source, reason: None,
             ) -> SealOutcome:
    """Seal run `run_id`'s captures (those in its WARC file `warc_name`) and
    timestamp the root, and retry the roots still pending at these TSAs."""
    outcome = SealOutcome()
    with db.conn:
        custody.log_captures(db, run_id, warc_name)
        custody.log_orphan_captures(db, run_id)
        outcome.tree_id, outcome.leaves = _build_tree(db, run_id, Path(warc_dir), warc_name, now(), outcome)
    for tsa_url in tsa_urls:
        if outcome.tree_id is not None:
            db.conn.execute("INSERT OR IGNORE INTO evidence_timestamps (tree_id, tsa_url, status) VALUES (?,?,?)",
                            [outcome.tree_id, tsa_url, "pending"])
        pending = db.conn.execute("SELECT evidence_timestamps.id, tree_id, root FROM evidence_timestamps JOIN"
                                  " evidence_trees ON evidence_trees.id = tree_id WHERE status = 'pending'"
                                  " AND tsa_url = ? ORDER BY tree_id", [tsa_url]).fetchall()
        db.conn.commit()
        for stamp_id, tree_id, root in pending:
            _timestamp(db, stamp_id, tree_id, bytes.fromhex(root), tsa_url, session, policy, now, run_id, outcome)
    for tsa_url, reason in outcome.pending:
        report(tsa_url, f"timestamp pending: {reason}; it is asked again at the next run")
    for capture_id, reason in outcome.unreadable:
        report(f"capture {capture_id}", f"not sealed: {reason}")
    return outcome


def _build_tree(db: sqlite_utils.Database, run_id: int, warc_dir: Path, warc_name: str, moment: datetime,
                outcome: SealOutcome) -> tuple[int | None, int]:
    sealed = []
    for capture_id, warc_path, offset in db.conn.execute(_UNSEALED, {"warc": warc_name, "run": run_id}).fetchall():
        try:
            record = read_record(warc_dir / warc_path, offset)
        except RecordError as error:
            outcome.unreadable.append((capture_id, str(error)))
            continue
        sealed.append((capture_id, record.sha256, len(record.member)))
    if not sealed:
        return None, 0
    tree = merkle.build([bytes.fromhex(sha) for _, sha, _ in sealed])
    tree_id = db.conn.execute("INSERT INTO evidence_trees (run_id, root, size, created_at) VALUES (?,?,?,?)",
                              [run_id, tree.root.hex(), len(sealed), iso(moment)]).lastrowid
    db.conn.executemany(
        "INSERT INTO evidence_leaves (capture_id, tree_id, leaf_index, record_sha256, record_length, proof)"
        " VALUES (?,?,?,?,?,?)",
        [(capture_id, tree_id, index, sha, length, json.dumps([node.hex() for node in proof]))
         for index, ((capture_id, sha, length), proof) in enumerate(zip(sealed, tree.proofs))])
    return tree_id, len(sealed)


def _timestamp(db: sqlite_utils.Database, stamp_id: int, tree_id: int, root: bytes, tsa_url: str,
               session: requests.Session, policy: FetchPolicy, now: Callable[[], datetime], run_id: int,
               outcome: SealOutcome) -> None:
    try:
        token = request_token(tsa_url, root, session, policy)
    except (TimestampError, FetchError) as error:
        with db.conn:
            db.conn.execute("UPDATE evidence_timestamps SET attempts = attempts + 1, last_error = ?,"
                            " last_attempt_at = ? WHERE id = ?", [str(error), iso(now()), stamp_id])
        outcome.pending.append((tsa_url, f"tree {tree_id}: {error}"))
        return
    with db.conn:
        db.conn.execute("UPDATE evidence_timestamps SET status = 'granted', response = ?, certificates = ?,"
                        " gen_time = ?, attempts = attempts + 1, last_error = NULL, last_attempt_at = ?"
                        " WHERE id = ?", [token.response, token.certificates, iso(token.gen_time), iso(now()),
                                          stamp_id])
        custody.log(db, "timestamp", f"tree {tree_id}", actor=custody.run_actor(db, run_id), now=now(),
                    run_id=run_id, detail={"tsa": tsa_url, "root": root.hex(), "gen_time": iso(token.gen_time)})
    outcome.granted.append(f"{tsa_url} (tree {tree_id})")
