"""Where articles come from: files, directories, standard input, URLs.

Each source yields loaded articles or a failure that names the source; one
bad source never stops the others.
"""

from __future__ import annotations

import functools
import os
import stat
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Callable, Iterator

from .fetch import DEFAULT_MAX_BYTES, FetchError, FetchPolicy

if TYPE_CHECKING:
    import requests


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


def expand(sources: list[str]) -> Iterator[str | Failed]:
    """The sources with each directory replaced by the files below it
    (recursively, in a stable order, hidden ones skipped); `-` and URLs as given."""
    for source in sources:
        if source != "-" and not is_url(source) and os.path.isdir(source):
            empty = True
            for path in files_below(source):
                empty = False
                yield path
            if empty:
                yield Failed(source, "directory holds no files; point at a folder of saved articles")
        else:
            yield source


def files_below(folder: str, seen: set[str] | None = None) -> Iterator[str | Failed]:
    """The files below `folder` in path order, hidden ones skipped, listing one
    directory at a time: memory stays flat however many articles a folder holds.
    Symlinked folders are followed, each real folder once (`seen`), so a link
    to a parent cannot loop; a folder that cannot be listed is a failure."""
    seen = set() if seen is None else seen
    real = os.path.realpath(folder)
    if real in seen:
        return
    seen.add(real)
    try:
        with os.scandir(folder) as listing:
            entries = sorted((entry for entry in listing if not entry.name.startswith(".")), key=lambda e: e.name)
    except OSError as error:
        yield Failed(folder, f"cannot list this folder ({error.strerror or error}); check its permissions")
        return
    for entry in entries:
        try:
            is_dir, is_file = entry.is_dir(), entry.is_file()
        except OSError as error:  # a symlink to itself: too many levels of symbolic links
            yield Failed(entry.path, f"cannot read ({error.strerror or error}); check where it links to")
            continue
        if is_dir:
            yield from files_below(entry.path, seen)
        elif is_file:
            yield entry.path


def file_uris() -> Callable[[str], str]:
    """A function giving a saved article's file: URI, symlinks resolved so a
    file has one URI however it was reached. It resolves each folder once, not
    every path component of every file (a twentieth of a small article's
    ingest); make one per run, so a folder moved between runs is seen."""
    real_folder = functools.lru_cache(maxsize=64)(os.path.realpath)

    def file_uri(path: str) -> str:
        if os.path.islink(path):
            return Path(path).resolve().as_uri()
        folder, name = os.path.split(os.path.abspath(path))
        return Path(real_folder(folder), name).as_uri()

    return file_uri


def read_sources(sources: list[str], policy: FetchPolicy | None = None,
                 session: requests.Session | None = None,
                 stdin: BinaryIO | None = None) -> Iterator[Loaded | Failed]:
    """Every article the sources name, in order; failures are yielded, not raised."""
    policy = policy or FetchPolicy()
    for source in expand(sources):
        if isinstance(source, Failed):
            yield source
        elif source == "-":
            yield read_stream(stdin or sys.stdin.buffer, policy.max_bytes)
        elif is_url(source):
            if session is None:
                from .fetch import make_session  # the HTTP client, loaded for the first URL

                session = make_session()
            yield _read_url(source, session, policy)
        else:
            yield read_file(source, policy.max_bytes)


def read_file(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Loaded | Failed:
    """A saved article, refused above the size cap. The read itself is bounded:
    a device, a pipe or a file still being written has no size to check first
    (`/dev/zero` would be read until memory runs out)."""
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            return Failed(path, f"too large: {size:,} bytes, over the cap of {max_bytes:,} "
                                "(raise it with --max-bytes if this file is an article)")
        with _open_for_reading(path) as handle:
            data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            return Failed(path, f"too large: over the cap of {max_bytes:,} bytes "
                                "(raise it with --max-bytes if this file is an article)")
        data = gunzipped(path, data, max_bytes)
        return data if isinstance(data, Failed) else Loaded(path, data)
    except FileNotFoundError:
        return Failed(path, "no such file or directory; check the path")
    except IsADirectoryError:
        return Failed(path, "is a directory")
    except PermissionError:
        return Failed(path, "permission denied; check the file's permissions")
    except OSError as error:
        return Failed(path, f"cannot read: {error.strerror or error}")


def _open_for_reading(path: str) -> BinaryIO:
    """The file, opened for reading. A named pipe is opened without waiting for
    a writer (open() would block until one comes, for ever if none does): with
    none it reads as empty; a pipe a process writes (`<(command)`) reads as usual."""
    if not stat.S_ISFIFO(os.stat(path).st_mode):
        return open(path, "rb")
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    os.set_blocking(descriptor, True)
    return os.fdopen(descriptor, "rb")


def read_stream(stream: BinaryIO, max_bytes: int = DEFAULT_MAX_BYTES) -> Loaded | Failed:
    """Standard input (source `-`), refused above the size cap."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        return Failed("-", f"too large: over the cap of {max_bytes:,} bytes (raise it with --max-bytes)")
    data = gunzipped("-", data, max_bytes)
    return data if isinstance(data, Failed) else Loaded("-", data)


def _read_url(url: str, session: requests.Session, policy: FetchPolicy) -> Loaded | Failed:
    from .fetch import fetch

    try:
        response = fetch(url, session, policy)
    except FetchError as error:
        return Failed(url, str(error))
    if response.status >= 400:
        return Failed(url, f"HTTP {response.status}; the page is missing or refused")
    body = gunzipped(url, response.body, policy.max_bytes)
    if isinstance(body, Failed):
        return body
    return Loaded(url, body, url=response.final_url, charset=response.charset,
                  content_type=response.content_type)


_GZIP_MAGIC = b"\x1f\x8b\x08"


def gunzipped(source: str, data: bytes, max_bytes: int) -> bytes | Failed:
    """The page a gzip file holds (a saved `.html.gz`, a body a server compressed
    twice), decompressed within the size cap, so a small file cannot expand past
    it; any other data as it is."""
    if not data.startswith(_GZIP_MAGIC):
        return data
    parts = []
    size = 0
    while data:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            part = inflater.decompress(data, max_bytes + 1 - size)
        except zlib.error as error:
            return Failed(source, f"a gzip file that does not decompress ({error}); save the page again")
        size += len(part)
        if size > max_bytes:
            return Failed(source, f"too large once decompressed: over the cap of {max_bytes:,} bytes "
                                  "(raise it with --max-bytes if this file is an article)")
        if not inflater.eof:
            return Failed(source, "a gzip file cut short; save the page again")
        parts.append(part)
        data = inflater.unused_data if inflater.unused_data.startswith(_GZIP_MAGIC) else b""
    return b"".join(parts)
