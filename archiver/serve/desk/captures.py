"""A capture's evidence: the exact WARC record that holds its bytes, for
download, and the captured page itself, for a safe look.

Records are gzip members (archiver.capture writes one per record), so a
record is the bytes of one member starting at captures.warc_offset. The WARC
file named in the database is only ever looked up inside the archive's WARC
folder (`warc/` next to the database file): a row cannot make the server read
any other file.
"""

from __future__ import annotations

import hashlib
import io
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

_WARC_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.warc(?:\.gz)?$")
_CHUNK = 1 << 16
# The captured page, shown in a sandboxed frame: no scripts, no forms, no plugins,
# no request to any server (images only from data: URLs), framed only by our pages.
VIEW_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
            "form-action 'none'; frame-ancestors 'self'; base-uri 'none'; sandbox")


class EvidenceMissing(Exception):
    """The capture's WARC record cannot be read; the message says why, for people."""


@dataclass
class Record:
    raw: bytes  # the gzip member, byte for byte as stored
    payload: bytes  # the captured bytes (the HTTP body, or the file)
    payload_sha256: str


def warc_file(warc_dir: Path, name: str | None) -> Path:
    """The WARC file `name` inside `warc_dir`; never a path outside it."""
    if not name or not _WARC_NAME.match(name):
        raise EvidenceMissing(f"the capture names no WARC file in the archive's folder ({name!r})")
    folder = warc_dir.resolve()
    path = (folder / name).resolve()
    if path.parent != folder or not path.is_file():
        raise EvidenceMissing(f"WARC file {name} is not in {folder}: was the warc/ folder moved or pruned?")
    return path


def read_member(path: Path, offset: int) -> bytes:
    """The gzip member that starts at `offset` in `path`, compressed, as stored."""
    inflater, taken = zlib.decompressobj(zlib.MAX_WBITS + 16), bytearray()
    with open(path, "rb") as f:
        f.seek(offset)
        while not inflater.eof:
            chunk = f.read(_CHUNK)
            if not chunk:
                raise EvidenceMissing(f"{path.name} ends inside the record at offset {offset}")
            try:
                inflater.decompress(chunk)
            except zlib.error as error:
                raise EvidenceMissing(f"{path.name} has no WARC record at offset {offset} ({error})") from None
            taken += chunk
    return bytes(taken[:len(taken) - len(inflater.unused_data)])


def read_record(warc_dir: Path, name: str | None, offset: int | None) -> Record:
    """The capture's record and its payload, whose SHA-256 the caller compares with captures.sha256."""
    if offset is None or offset < 0:
        raise EvidenceMissing("the capture has no WARC offset")
    raw = read_member(warc_file(warc_dir, name), offset)
    for record in ArchiveIterator(io.BytesIO(raw)):
        payload = record.raw_stream.read()
        return Record(raw, payload, hashlib.sha256(payload).hexdigest())
    raise EvidenceMissing(f"{name} has no WARC record at offset {offset}")


def download_name(capture_id: int) -> str:
    return f"capture-{capture_id}.warc.gz"
