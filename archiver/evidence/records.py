"""A capture's WARC record exactly as stored: each record is its own gzip
member, so its bytes run from the capture's offset to the end of that member.
The SHA-256 of those bytes covers the record's headers (URL, date, record id)
as well as the page, and any later change to the file shows in it."""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from pathlib import Path


_CHUNK = 1 << 16


class RecordError(ValueError):
    """A WARC record that cannot be read back; the message says what is wrong."""


@dataclass
class StoredRecord:
    member: bytes  # the gzip member as stored in the WARC file
    payload: bytes  # the page's bytes, as the capture's sha256 covers them

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.member).hexdigest()


def read_record(path: str | Path, offset: int) -> StoredRecord:
    """The gzip member that starts at `offset` in `path`, and its record's payload."""
    try:
        with open(path, "rb") as file:
            file.seek(offset)
            member, data = _read_member(file)
    except OSError as error:
        raise RecordError(f"cannot read {path} ({error.strerror or error})")
    except zlib.error as error:
        raise RecordError(f"the gzip data at offset {offset} of {path} is damaged ({error})")
    try:
        payload = _payload(data)
    except (ValueError, KeyError) as error:
        raise RecordError(f"the WARC record at offset {offset} of {path} cannot be parsed ({error})")
    return StoredRecord(member=member, payload=payload)


def _read_member(file) -> tuple[bytes, bytes]:
    """(compressed bytes, decompressed bytes) of one gzip member; the CRC and
    length in its trailer are checked by zlib."""
    inflater = zlib.decompressobj(zlib.MAX_WBITS + 16)
    member, data = bytearray(), bytearray()
    while not inflater.eof:
        chunk = file.read(_CHUNK)
        if not chunk:
            raise zlib.error("the file ends inside the record")
        data += inflater.decompress(chunk)
        member += chunk
    return bytes(member[:len(member) - len(inflater.unused_data)]), bytes(data)


def _payload(record: bytes) -> bytes:
    """The payload of a WARC record: its block, less the HTTP status line and
    headers in a `response` record. Parsed here rather than with warcio, whose
    reader costs ten times the hashing (bench/evidence.py)."""
    head, found, rest = record.partition(b"\r\n\r\n")
    if not found or not head.startswith(b"WARC/"):
        raise ValueError("no WARC header")
    headers = {}
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers[b"content-length"])
    if len(rest) < length:
        raise ValueError(f"the record ends {length - len(rest)} bytes short of its Content-Length")
    block = rest[:length]
    if headers.get(b"warc-type") == b"response" and headers.get(b"content-type", b"").startswith(b"application/http"):
        _, found, payload = block.partition(b"\r\n\r\n")
        if not found:
            raise ValueError("no end to the HTTP headers")
        return payload
    return block
