"""`archiver export ... --wacz FILE`: a WACZ package (webrecorder's py-wacz
builds the index, pages list and datapackage.json with every file's hash)
holding the WARC records of the chosen posts and articles, copied byte for
byte so their seals still hold, and, as files next to them (in `logs/`, the
one extra folder py-wacz packages), what proves them: each capture's record
position, hash and Merkle proof with the side of each step, each tree's root
and TSA tokens with their certificates, and the custody log."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlite_utils
from wacz.main import main as wacz_main

from ..store import ArchiveError
from . import custody, merkle
from .records import RecordError, read_record


@dataclass
class Export:
    path: Path
    sha256: str
    captures: int
    posts: list[str]
    articles: list[int]


def _rows(db: sqlite_utils.Database, sql: str, params) -> list[dict]:
    cursor = db.conn.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def _marks(values) -> str:
    return ",".join("?" * len(values))


def export_wacz(db: sqlite_utils.Database, capture_ids: list[int], out: str | Path, *, warc_dir: str | Path,
                now: datetime, actor: str) -> Export:
    """Write the WACZ of `capture_ids` to `out`, and log the export."""
    if not capture_ids:
        raise ArchiveError("nothing to export: the posts and articles named have no captures")
    out = Path(out)
    if not out.parent.is_dir():
        raise ArchiveError(f"cannot write {out}: no folder {out.parent}; create it or choose another path")
    captures = _rows(db, f"SELECT captures.*, evidence_leaves.tree_id, leaf_index, record_sha256, proof FROM captures"
                         f" LEFT JOIN evidence_leaves ON capture_id = captures.id WHERE captures.id IN"
                         f" ({_marks(capture_ids)}) ORDER BY captures.id", capture_ids)
    posts = sorted({row[0] for row in db.conn.execute(
        f"SELECT post_id FROM captures WHERE id IN ({_marks(capture_ids)}) AND post_id IS NOT NULL UNION"
        f" SELECT citations.post_id FROM citations JOIN captures ON captures.article_id = citations.article_id"
        f" WHERE captures.id IN ({_marks(capture_ids)})", capture_ids * 2)})
    articles = sorted({row["article_id"] for row in captures if row["article_id"]})
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        (work / "logs").mkdir()
        placed = _copy_records(captures, Path(warc_dir), work / "data.warc.gz")
        _write_pages(db, captures, work / "pages.jsonl")
        _write_evidence(db, captures, placed, posts, articles, work / "logs")
        with contextlib.redirect_stdout(io.StringIO()) as said:
            status = wacz_main(["create", "-o", str(out), str(work / "data.warc.gz"), "-p", str(work / "pages.jsonl"), "--copy-pages",
                                "-l", str(work / "logs"), "--title", "post-archiver export",
                                "--desc", f"{len(posts)} posts, {len(articles)} articles, {len(captures)} captures"])
        if status:
            raise ArchiveError(f"py-wacz could not write {out}: {said.getvalue().strip()[-300:]}")
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    with db.conn:
        custody.log(db, "export", f"wacz {out.name}", actor=actor, now=now,
                    detail={"file": str(out), "sha256": digest, "posts": posts, "articles": articles,
                            "captures": [row["id"] for row in captures]})
    return Export(out, digest, len(captures), posts, articles)


def _copy_records(captures: list[dict], warc_dir: Path, target: Path) -> dict[int, tuple[int, int]]:
    """Each capture's stored gzip member, unchanged, into one WARC file;
    returns capture id -> (offset, length) in it. A record that no longer
    matches its seal is refused: the package would prove nothing."""
    placed = {}
    with open(target, "wb") as file:
        for row in captures:
            try:
                record = read_record(warc_dir / row["warc_path"], row["warc_offset"])
            except (RecordError, TypeError) as error:
                raise ArchiveError(f"capture {row['id']}: {error}; run 'archiver evidence verify'")
            if row["record_sha256"] and record.sha256 != row["record_sha256"]:
                raise ArchiveError(f"capture {row['id']}: its WARC record no longer matches its seal; "
                                   "run 'archiver evidence verify' to see what changed")
            placed[row["id"]] = (file.tell(), len(record.member))
            file.write(record.member)
    return placed


def _write_pages(db: sqlite_utils.Database, captures: list[dict], path: Path) -> None:
    """pages.jsonl: the article captures, with their titles."""
    lines = [{"format": "json-pages-1.0", "id": "pages", "title": "Articles"}]
    for row in captures:
        if row["kind"] == "article":
            title = db.conn.execute("SELECT title FROM articles WHERE id = ?", [row["article_id"]]).fetchone()
            lines.append({"url": row["url"], "ts": row["fetched_at"], "title": (title and title[0]) or row["url"]})
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")


def _write_evidence(db: sqlite_utils.Database, captures: list[dict], placed: dict, posts: list[str],
                    articles: list[int], logs: Path) -> None:
    entries = []
    for row in captures:
        offset, length = placed[row["id"]]
        entry = {"capture": row["id"], "url": row["url"], "kind": row["kind"], "fetched_at": row["fetched_at"],
                 "page_sha256": row["sha256"], "warc": "archive/data.warc.gz", "offset": offset, "length": length,
                 "record_sha256": row["record_sha256"], "tree": row["tree_id"]}
        if row["tree_id"] is not None:
            proof = json.loads(row["proof"])
            size = db.conn.execute("SELECT size FROM evidence_trees WHERE id = ?", [row["tree_id"]]).fetchone()[0]
            steps = merkle.sides(row["leaf_index"], size, len(proof))
            entry.update(leaf_index=row["leaf_index"], tree_size=size,
                         proof=[{side: node} for side, node in zip(steps, proof)])
        entries.append(entry)
    (logs / "evidence-captures.json").write_text(json.dumps(entries, indent=1), encoding="utf-8")
    trees = []
    tree_ids = sorted({row["tree_id"] for row in captures if row["tree_id"] is not None})
    for tree in _rows(db, f"SELECT * FROM evidence_trees WHERE id IN ({_marks(tree_ids)}) ORDER BY id", tree_ids):
        tokens = []
        for n, stamp in enumerate(_rows(db, "SELECT * FROM evidence_timestamps WHERE tree_id = ? ORDER BY id",
                                        [tree["id"]]), start=1):
            token = {"tsa": stamp["tsa_url"], "status": stamp["status"], "gen_time": stamp["gen_time"]}
            if stamp["status"] == "granted":
                name = f"tree-{tree['id']}-tsa-{n}"
                (logs / f"{name}.tsr").write_bytes(stamp["response"])
                (logs / f"{name}.pem").write_text(stamp["certificates"] or "", encoding="utf-8")
                token.update(response=f"logs/{name}.tsr", certificates=f"logs/{name}.pem")
            else:
                token["last_error"] = stamp["last_error"]
            tokens.append(token)
        trees.append({"tree": tree["id"], "root": tree["root"], "size": tree["size"], "sealed_at": tree["created_at"],
                      "timestamps": tokens})
    (logs / "evidence-trees.json").write_text(json.dumps(trees, indent=1), encoding="utf-8")
    _write_custody(db, captures, posts, logs / "custody.jsonl")


def _write_custody(db: sqlite_utils.Database, captures: list[dict], posts: list[str], path: Path) -> None:
    """The custody rows of the exported posts and captures, and of their trees' timestamps, oldest first."""
    ids = [row["id"] for row in captures]
    trees = sorted({f"tree {row['tree_id']}" for row in captures if row["tree_id"] is not None})
    found = {row["id"]: row for post in posts for row in custody.post_custody(db, post)}
    found.update((row["id"], row) for row in _rows(
        db, f"SELECT * FROM custody WHERE capture_id IN ({_marks(ids)})"
            f" OR (action = 'timestamp' AND subject IN ({_marks(trees)}))", ids + trees))
    path.write_text("".join(json.dumps(dict(found[key], detail=json.loads(found[key]["detail"])),
                                       ensure_ascii=False) + "\n" for key in sorted(found)), encoding="utf-8")
