"""`archiver evidence verify`: re-read every WARC record of the chosen
captures and check, for each, that its page still has the SHA-256 recorded at
capture time, that the stored record still hashes to its Merkle leaf, that the
leaf's inclusion proof leads to its tree's root, and that every token of that
root verifies (signature, chain to a trusted root, message imprint, time)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils
from cryptography import x509

from ..store import ArchiveError, find_article, find_post_id, first_row, iso
from . import custody, merkle
from .records import RecordError, read_record
from .timestamps import TimestampError, verify_token


@dataclass
class CaptureVerdict:
    capture_id: int
    url: str
    problems: list[str] = field(default_factory=list)  # each one a mismatch: the capture fails
    notes: list[str] = field(default_factory=list)  # what holds, and what is not there yet

    @property
    def ok(self) -> bool:
        return not self.problems

    def line(self) -> str:
        if self.ok:
            return f"capture {self.capture_id} ok: {self.url}; " + "; ".join(self.notes)
        return f"capture {self.capture_id} FAILED: {self.url}: " + "; ".join(self.problems)


def capture_ids(db: sqlite_utils.Database, targets: list[str]) -> list[int]:
    """The captures of each target: an article (its URL, or the URL it was read
    from): its captures and those of the posts it cites; a post (stored id or
    URL): its own and those of the articles citing it. Every capture when
    `targets` is empty."""
    if not targets:
        return [row[0] for row in db.conn.execute("SELECT id FROM captures ORDER BY id")]
    ids: set[int] = set()
    for target in targets:
        article = find_article(db, url=target) or find_article(db, fetch_url=target)
        if article:
            ids.update(row[0] for row in db.conn.execute(
                "SELECT id FROM captures WHERE article_id = ? OR post_id IN"
                " (SELECT post_id FROM citations WHERE article_id = ?)", [article["id"], article["id"]]))
            continue
        try:
            post_id = find_post_id(db, target)
        except ArchiveError:
            raise ArchiveError(f"no post or article {target!r} in the archive; give a stored post id, "
                               "a post URL or an article URL")
        ids.update(row[0] for row in db.conn.execute(
            "SELECT id FROM captures WHERE post_id = ? OR article_id IN"
            " (SELECT article_id FROM citations WHERE post_id = ?)", [post_id, post_id]))
    return sorted(ids)


class _Trees:
    """Each tree's root and the verdicts on its tokens, worked out once for all its captures."""

    def __init__(self, db: sqlite_utils.Database, trust: list[x509.Certificate]):
        self.db, self.trust, self._seen = db, trust, {}

    def get(self, tree_id: int) -> tuple[bytes, int, list[str], list[str]]:
        """(root, size, token problems, token notes)"""
        if tree_id not in self._seen:
            self._seen[tree_id] = self._check(tree_id)
        return self._seen[tree_id]

    def _check(self, tree_id: int):
        tree = first_row(self.db, "SELECT root, size FROM evidence_trees WHERE id = ?", [tree_id])
        root = bytes.fromhex(tree["root"])
        latest = self.db.conn.execute("SELECT max(fetched_at) FROM captures JOIN evidence_leaves ON capture_id ="
                                      " captures.id WHERE tree_id = ?", [tree_id]).fetchone()[0]
        not_before = datetime.strptime(latest, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc) if latest else None
        problems, notes = [], []
        stamps = self.db.conn.execute("SELECT tsa_url, status, response, last_error FROM evidence_timestamps"
                                      " WHERE tree_id = ? ORDER BY id", [tree_id]).fetchall()
        for tsa_url, status, response, last_error in stamps:
            if status != "granted":
                notes.append(f"timestamp from {tsa_url} pending ({last_error or 'not asked yet'})")
                continue
            try:
                when = verify_token(response, root, self.trust, not_before=not_before)
            except TimestampError as error:
                problems.append(f"timestamp from {tsa_url} refused: {error}")
                continue
            notes.append(f"timestamped by {tsa_url} at {iso(when)}")
        if not stamps:
            notes.append("sealed, not timestamped (no TSA configured)")
        return root, tree["size"], problems, notes


def verify_captures(db: sqlite_utils.Database, ids: list[int], warc_dir: str | Path,
                    trust: list[x509.Certificate]) -> list[CaptureVerdict]:
    trees = _Trees(db, trust)
    verdicts = []
    for capture_id in ids:
        capture = first_row(db, "SELECT captures.id, url, sha256, warc_path, warc_offset, tree_id, leaf_index,"
                                " record_sha256, proof FROM captures LEFT JOIN evidence_leaves ON capture_id ="
                                " captures.id WHERE captures.id = ?", [capture_id])
        verdicts.append(_verify_one(capture, Path(warc_dir), trees))
    return verdicts


def _verify_one(capture: dict, warc_dir: Path, trees: _Trees) -> CaptureVerdict:
    verdict = CaptureVerdict(capture["id"], capture["url"])
    if capture["warc_path"] is None:
        verdict.problems.append("no WARC record is recorded for it")
        return verdict
    try:
        record = read_record(warc_dir / capture["warc_path"], capture["warc_offset"])
    except RecordError as error:
        verdict.problems.append(str(error))
        record = None
    if record:
        payload = hashlib.sha256(record.payload).hexdigest()
        if payload != capture["sha256"]:
            verdict.problems.append(f"the page's bytes changed: SHA-256 {payload}, {capture['sha256']} at capture")
        if capture["tree_id"] is not None and record.sha256 != capture["record_sha256"]:
            verdict.problems.append(f"the stored WARC record changed: SHA-256 {record.sha256}, "
                                    f"{capture['record_sha256']} when sealed")
    if capture["tree_id"] is None:
        verdict.notes.append("not sealed yet (its run has not ended, or the record could not be read then)")
        return verdict
    root, size, token_problems, token_notes = trees.get(capture["tree_id"])
    proof = [bytes.fromhex(node) for node in json.loads(capture["proof"])]
    if merkle.root_from_proof(bytes.fromhex(capture["record_sha256"]), capture["leaf_index"], size, proof) != root:
        verdict.problems.append(f"its inclusion proof does not lead to the root of tree {capture['tree_id']}")
    else:
        verdict.notes.append(f"in tree {capture['tree_id']} (root {root.hex()[:16]}…)")
    verdict.problems += token_problems
    verdict.notes += token_notes
    return verdict


def log_verifications(db: sqlite_utils.Database, verdicts: list[CaptureVerdict], now: datetime) -> None:
    """A custody row for each capture verified, with what was found."""
    actor = custody.operator()
    with db.conn:
        custody.log_all(db, [dict(action="verification", subject=f"capture {verdict.capture_id}", actor=actor,
                                  now=now, capture_id=verdict.capture_id,
                                  detail={"ok": verdict.ok, "problems": verdict.problems, "notes": verdict.notes})
                             for verdict in verdicts])
