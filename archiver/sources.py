"""Where articles come from: files, directories, standard input, URLs.

Each source yields loaded articles or a failure that names the source; one
bad source never stops the others.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

import requests

from .fetch import DEFAULT_MAX_BYTES, FetchError, FetchPolicy, fetch, make_session


@dataclass
class Loaded:
    """An article's bytes and what is known about where they came from."""

    source: str
    data: bytes
    url: str | None = None
    charset: str | None = None
    content_type: str | None = None


@dataclass
class Failed:
    source: str
    reason: str


def is_url(source: str) -> bool:
    return "://" in source[:12]


def read_sources(sources: list[str], policy: FetchPolicy | None = None,
                 session: requests.Session | None = None,
                 stdin: BinaryIO | None = None) -> Iterator[Loaded | Failed]:
    """Every article the sources name, in order; failures are yielded, not raised."""
    policy = policy or FetchPolicy()
    for source in sources:
        if source == "-":
            yield _read_stream(source, stdin or sys.stdin.buffer, policy.max_bytes)
        elif is_url(source):
            if session is None:
                session = make_session()
            yield _read_url(source, session, policy)
        elif os.path.isdir(source):
            files = files_in(source)
            if not files:
                yield Failed(source, "directory holds no files; point at a folder of saved articles")
            for path in files:
                yield read_file(str(path), policy.max_bytes)
        else:
            yield read_file(source, policy.max_bytes)


def files_in(directory: str) -> list[Path]:
    """The files below a directory, recursively, in a stable order; hidden ones skipped."""
    return sorted(p for p in Path(directory).rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(directory).parts))


def read_file(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Loaded | Failed:
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            return Failed(path, f"too large: {size:,} bytes, over the cap of {max_bytes:,} "
                                "(raise it with --max-bytes if this file is an article)")
        with open(path, "rb") as handle:
            return Loaded(path, handle.read())
    except FileNotFoundError:
        return Failed(path, "no such file or directory; check the path")
    except IsADirectoryError:
        return Failed(path, "is a directory")
    except PermissionError:
        return Failed(path, "permission denied; check the file's permissions")
    except OSError as error:
        return Failed(path, f"cannot read: {error.strerror or error}")


def _read_stream(source: str, stream: BinaryIO, max_bytes: int) -> Loaded | Failed:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        return Failed(source, f"too large: over the cap of {max_bytes:,} bytes (raise it with --max-bytes)")
    return Loaded(source, data)


def _read_url(url: str, session: requests.Session, policy: FetchPolicy) -> Loaded | Failed:
    try:
        response = fetch(url, session, policy)
    except FetchError as error:
        return Failed(url, str(error))
    if response.status >= 400:
        return Failed(url, f"HTTP {response.status}; the page is missing or refused")
    return Loaded(url, response.body, url=response.final_url, charset=response.charset,
                  content_type=response.content_type)
