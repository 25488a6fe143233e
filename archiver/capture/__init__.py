"""The capture stage: evidence of the posts themselves (snapshots from each
platform's public endpoint, their media, screenshots), every byte kept in WARC
files with its SHA-256. `warc` is where those bytes go; the archive stage uses
it too, through the names re-exported here."""

from .warc import GZIP_LEVEL, Evidence, WarcStore, sha256

__all__ = ["GZIP_LEVEL", "Evidence", "WarcStore", "sha256"]
