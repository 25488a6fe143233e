"""Reading web archives a slice at a time: where the WARC bytes are, how a slice
of them is cut into records, and which records are HTML responses worth reading.

A slice is a byte range of a WARC. Every record belongs to the slice its first
byte falls in, so slices can be read by different workers, in any order, and a
killed backfill restarts at the first slice it had not finished. Records are
read with FastWARC (several times warcio's speed); warcio stays the writer.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO, Iterator

from fastwarc.warc import ArchiveIterator, WarcRecordType

from ..fetch import FetchPolicy, open_stream
from ..sources import is_url

GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = b"WARC/1."
SLICE_BYTES = 16 * 1024 * 1024  # about 500 news pages of a gzipped crawl: a few seconds of one worker
_RESYNC_WINDOW = 1024 * 1024


@dataclass(frozen=True)
class WarcExtent:
    """Where one WARC's bytes are: a whole file, or a stored member of a WACZ zip.

    `name` is what captures point at (the file, or `package.wacz#archive/data.warc.gz`);
    `start` is where the WARC's first byte is in `path`; `size` its length;
    `sliceable` is False when the bytes cannot be sought into (a deflated zip
    member, or an http(s) URL, streamed once from the start).
    """

    name: str
    path: str
    start: int
    size: int
    sliceable: bool = True
    member: str | None = None
    allowed_networks: tuple[str, ...] = ()  # for a URL: private networks the fetch guard lets through

    def slices(self, slice_bytes: int = SLICE_BYTES) -> list[tuple[int, int]]:
        """Byte ranges, relative to the WARC's start, that together cover it."""
        if not self.sliceable:
            return [(0, WHOLE)]
        if self.size <= slice_bytes:
            return [(0, self.size)]
        return [(start, min(start + slice_bytes, self.size)) for start in range(0, self.size, slice_bytes)]

    def open(self) -> BinaryIO:
        if is_url(self.path):
            return _stream_url(self.path, self.allowed_networks)
        if self.member is not None and not self.sliceable:
            return zipfile.ZipFile(self.path).open(self.member)
        return open(self.path, "rb")


WHOLE = 2 ** 62  # the end of a slice that is a whole stream of unknown length


def _stream_url(url: str, allowed_networks: tuple[str, ...]) -> BinaryIO:
    """A remote WARC's bytes as they arrive, behind the fetcher's guard."""
    reply = open_stream(url, FetchPolicy(allowed_networks=list(allowed_networks)))
    if reply.status_code != 200:
        reply.close()
        raise OSError(f"{url}: HTTP {reply.status_code}; check the URL")
    reply.raw.decode_content = False  # the gzip members are the WARC itself
    return reply.raw


def wacz_extents(path: str) -> list[WarcExtent]:
    """The WARCs of a WACZ package (`archive/*.warc[.gz]`), located inside the zip."""
    extents = []
    with zipfile.ZipFile(path) as package, open(path, "rb") as raw:
        for info in package.infolist():
            if not info.filename.startswith("archive/") or not info.filename.endswith((".warc", ".warc.gz")):
                continue
            stored = info.compress_type == zipfile.ZIP_STORED
            raw.seek(info.header_offset)
            local = raw.read(30)  # the local file header: its name and extra field lengths vary per member
            data_start = info.header_offset + 30 + int.from_bytes(local[26:28], "little") + \
                int.from_bytes(local[28:30], "little")
            extents.append(WarcExtent(f"{path}#{info.filename}", path, data_start if stored else 0,
                                      info.file_size, sliceable=stored, member=info.filename))
    return extents


@dataclass
class HtmlRecord:
    """An HTML response record: what extraction and the capture row need."""

    offset: int  # of the record in its WARC
    url: str
    date: str | None  # WARC-Date, the crawl time
    record_id: str | None
    status: int | None
    headers: dict
    content_type: str | None
    charset: str | None
    body: bytes


@dataclass
class SliceCount:
    """What reading one slice met, beside the HTML records it gave."""

    records: int = 0
    html: int = 0
    problems: list[tuple[int, str]] = None  # (offset, reason) of records reported and skipped

    def __post_init__(self):
        self.problems = self.problems or []


def _first_record(stream: BinaryIO, start: int, gzipped: bool) -> int | None:
    """The offset of the first record that starts at or after `start`, or None."""
    if start == 0:
        return 0
    stream.seek(start)
    data = stream.read(_RESYNC_WINDOW)
    position = 0
    while True:
        if gzipped:
            found = data.find(GZIP_MAGIC, position)
        else:
            found = data.find(b"\r\n\r\n" + WARC_MAGIC, position)
            found = found + 4 if found >= 0 else found
        if found < 0:
            if len(data) < _RESYNC_WINDOW:
                return None
            start += len(data) - 16
            stream.seek(start)
            data, position = stream.read(_RESYNC_WINDOW), 0
            continue
        if _starts_record(data[found:], gzipped):
            return start + found
        position = found + 1


def _starts_record(data: bytes, gzipped: bool) -> bool:
    if not gzipped:
        return data.startswith(WARC_MAGIC)
    try:
        head = zlib.decompressobj(zlib.MAX_WBITS + 16).decompress(data[:4096], 16)
    except zlib.error:
        return False
    return head.startswith(WARC_MAGIC)


def _is_gzipped(stream: BinaryIO) -> bool:
    stream.seek(0)
    return stream.read(3) == GZIP_MAGIC


class _Window(io.RawIOBase):
    """The bytes [start, start + size) of a file, as a stream of their own."""

    def __init__(self, raw: BinaryIO, start: int, size: int):
        self.raw, self.start, self.size, self.position = raw, start, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, min(self.size, base + offset))
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        wanted = min(len(buffer), self.size - self.position)
        if wanted <= 0:
            return 0
        self.raw.seek(self.start + self.position)
        data = self.raw.read(wanted)
        buffer[:len(data)] = data
        self.position += len(data)
        return len(data)


def read_slice(extent: WarcExtent, start: int, end: int, wanted) -> Iterator[HtmlRecord | SliceCount]:
    """The HTML responses among the records that start in [start, end), then a SliceCount.

    `wanted(body)` says whether a response's bytes are worth keeping (the
    extractor's byte prefilter); records with a bad block digest, or cut short
    at the end of the file, are counted as problems and skipped.
    """
    count = SliceCount()
    with extent.open() as raw:
        if extent.sliceable:
            stream = _Window(raw, extent.start, extent.size)
            first = _first_record(stream, start, _is_gzipped(stream))
            if first is None or first >= end:
                yield count
                return
            stream.seek(first)
        else:  # a stream read once from its start: a deflated zip member, or a URL
            stream = raw
        for record in ArchiveIterator(stream, parse_http=False):
            offset = record.stream_pos
            if offset >= end:
                break
            count.records += 1
            if record.record_type != WarcRecordType.response:
                continue
            problem = _problem(record)
            if problem:
                count.problems.append((offset, problem))
                continue
            record.parse_http(auto_decode="all")  # a gzip or brotli body is read as it was served
            content_type = record.http_content_type
            if not content_type or "html" not in content_type.lower():
                continue
            count.html += 1
            body = record.reader.read()
            if not wanted(body):
                continue
            yield HtmlRecord(offset=offset, url=record.headers.get("WARC-Target-URI", ""),
                             date=record.headers.get("WARC-Date"), record_id=record.headers.get("WARC-Record-ID"),
                             status=record.http_headers.status_code, headers=dict(record.http_headers.items()),
                             content_type=content_type, charset=record.http_charset, body=body)
    yield count


def _problem(record) -> str | None:
    """Why a record cannot be trusted, or None."""
    declared = record.headers.get("Content-Length")
    declared = int(declared) if declared is not None and declared.isdigit() else None
    if declared is not None and record.content_length < declared:
        return _cut_short(record.content_length, declared)
    if "WARC-Block-Digest" in record.headers and not record.verify_block_digest(consume=False):
        kept = len(record.reader.read())  # the block, kept by the check: is it all there?
        if declared is not None and kept < declared:
            return _cut_short(kept, declared)
        return "WARC-Block-Digest does not match the record's bytes; the record was altered or damaged"
    return None


def _cut_short(kept: int, declared: int) -> str:
    return f"record cut short: {kept} of its {declared} bytes; the file is truncated"
