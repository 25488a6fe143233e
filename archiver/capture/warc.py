"""Evidence: the exact bytes of every page the archive reads, in WARC files,
with their SHA-256. A capture row says which WARC record holds which bytes."""

from __future__ import annotations

import hashlib
import io
import os
import zlib
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import GzippingWrapper, WARCWriter

# Headers that describe the transfer, not the bytes we keep (requests has decoded them).
_TRANSFER_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


@dataclass
class Evidence:
    """Where a capture's bytes are kept, and their hash."""

    sha256: str
    size: int
    warc_path: str
    warc_offset: int
    warc_record_id: str


# warcio compresses at level 9: 10 ms for a 200 KiB page, several times the
# page's extraction. Level 4 takes under 2 ms for a file about 17% larger
# (bench/corpus.py pages; level 6, zlib's default, already costs 6 ms).
GZIP_LEVEL = 4


class _GzipMembers(GzippingWrapper):
    """Each record its own gzip member, as warcio writes them, at GZIP_LEVEL."""

    def __init__(self, out):
        self.out = out
        self.compressor = self._new_member()

    @staticmethod
    def _new_member():
        return zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)

    def flush(self) -> None:
        """End the record's gzip member. warcio calls this once per record; the
        file itself is flushed per batch (WarcStore.flush), not per record."""
        self.out.write(self.compressor.flush())
        self.compressor = self._new_member()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class WarcStore:
    """Appends records to one gzipped WARC file per run under `directory`."""

    def __init__(self, directory: str | os.PathLike, started: datetime):
        self.directory = Path(directory)
        self.name = f"archive-{started:%Y%m%dT%H%M%S}-{os.getpid()}.warc.gz"
        self._file = None
        self._writer = None

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._file = open(self.directory / self.name, "ab")
        self._writer = WARCWriter(_GzipMembers(self._file), gzip=False)

    def write(self, url: str, body: bytes, *, fetched_at: datetime, status: int | None = None,
              headers: dict[str, str] | None = None, content_type: str | None = None,
              body_sha256: str | None = None) -> Evidence:
        """Keep `body` as a `response` record (HTTP) or a `resource` record (files).
        `fetched_at` is in UTC; `body_sha256` spares hashing the body again when
        the caller already has its hash. The body's digest is that SHA-256, so
        warcio neither hashes the body again (SHA-1) nor copies it to measure it."""
        if self._writer is None:
            self._open()
        body_sha256 = body_sha256 or sha256(body)
        digest = f"sha256:{body_sha256}"  # hex, as browsertrix writes it; warcio's checker reads it
        warc_headers = {"WARC-Date": fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ"), "WARC-Payload-Digest": digest}
        if status is not None:
            reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
            kept = [(k, v) for k, v in (headers or {}).items() if k.lower() not in _TRANSFER_HEADERS]
            kept.append(("Content-Length", str(len(body))))
            http = StatusAndHeaders(f"{status} {reason}".strip(), kept, protocol="HTTP/1.1")
            record = self._writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                                     http_headers=http, warc_headers_dict=warc_headers)
        else:
            warc_headers["WARC-Block-Digest"] = digest  # a resource record's block is its payload
            record = self._writer.create_warc_record(url, "resource", payload=io.BytesIO(body), length=len(body),
                                                     warc_content_type=content_type or "application/octet-stream",
                                                     warc_headers_dict=warc_headers)
        offset = self._file.tell()
        self._writer.write_record(record)
        return Evidence(sha256=body_sha256, size=len(body), warc_path=self.name, warc_offset=offset,
                        warc_record_id=record.rec_headers.get_header("WARC-Record-ID"))

    def flush(self) -> None:
        """Hand the records to the kernel (they survive a killed process);
        `close` also asks the disk to keep them."""
        if self._file:
            self._file.flush()

    def close(self) -> None:
        if self._file:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None
            self._writer = None


def read_payload(directory: str | os.PathLike, name: str, offset: int) -> bytes:
    """The payload (HTTP body, or resource bytes) of the record at `offset` of a WARC file."""
    from warcio.archiveiterator import ArchiveIterator

    with open(Path(directory) / name, "rb") as file:
        file.seek(offset)
        for record in ArchiveIterator(file):
            return record.content_stream().read()
    raise ValueError(f"{name}: no WARC record at offset {offset}")
