"""What a backfill reads: the WARCs that SOURCE arguments name.

A SOURCE is a WARC or WACZ file (gzipped or not), a folder of them, a glob, an
http(s) URL of a WARC, or a text file listing WARC paths or URLs one a line
(as Common Crawl's `warc.paths` does; relative lines are taken from
`base_url` when given, else from the list's folder).
"""

from __future__ import annotations

import glob
import os
import zipfile
from typing import Iterator
from urllib.parse import urljoin

from ..sources import Failed, files_below, is_url
from .records import WarcExtent, wacz_extents

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc.gz", ".wacz")


def warc_extents(sources: list[str], *, base_url: str | None = None,
                 allowed_networks: tuple[str, ...] = ()) -> Iterator[WarcExtent | Failed]:
    for source in sources:
        if is_url(source):
            yield WarcExtent(source, source, 0, 0, sliceable=False, allowed_networks=allowed_networks)
        elif any(char in source for char in "*?["):
            matches = sorted(glob.glob(source, recursive=True))
            if not matches:
                yield Failed(source, "the pattern matches no file; check the path")
            yield from warc_extents(matches, base_url=base_url, allowed_networks=allowed_networks)
        elif os.path.isdir(source):
            found = [path for path in files_below(source) if path.endswith(WARC_SUFFIXES)]
            if not found:
                yield Failed(source, "the folder holds no .warc, .warc.gz or .wacz file")
            yield from warc_extents(found, base_url=base_url, allowed_networks=allowed_networks)
        elif not os.path.isfile(source):
            yield Failed(source, "no such file; give WARC or WACZ files, folders, globs or a list of them")
        elif source.endswith(".wacz"):
            yield from _wacz(source)
        elif source.endswith(WARC_SUFFIXES):
            yield WarcExtent(source, source, 0, os.path.getsize(source))
        else:
            yield from warc_extents(list(_listed(source, base_url)), base_url=base_url,
                                    allowed_networks=allowed_networks)


def _wacz(path: str) -> Iterator[WarcExtent | Failed]:
    try:
        extents = wacz_extents(path)
    except (OSError, zipfile.BadZipFile) as error:
        yield Failed(path, f"not a readable WACZ package ({error})")
        return
    if not extents:
        yield Failed(path, "the WACZ package holds no archive/*.warc[.gz] file")
    yield from extents


def _listed(path: str, base_url: str | None) -> Iterator[str]:
    """The WARC locations a list file gives, one a line; # comments and blank lines skipped."""
    folder = os.path.dirname(os.path.abspath(path))
    with open(path, encoding="utf-8", errors="replace") as listing:
        for line in listing:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if is_url(line) or os.path.isabs(line):
                yield line
            elif base_url:
                yield urljoin(base_url.rstrip("/") + "/", line)
            else:
                yield os.path.join(folder, line)
