"""Media of a snapshot: every photo and video downloaded once, within the
size caps, and described (type, dimensions, perceptual hash) from its bytes."""

from __future__ import annotations

import io
import mimetypes
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image, UnidentifiedImageError

from ..fetch import FetchError, FetchPolicy, Response, check_url
from .settings import CaptureSettings
from .snapshots import MediaItem
from .warc import sha256

# Pillow refuses images over this many pixels (decompression bombs): 16k x 16k.
Image.MAX_IMAGE_PIXELS = 16384 * 16384


@dataclass
class MediaFile:
    item: MediaItem
    response: Response | None  # None: fetched by yt-dlp, kept as a WARC resource record
    body: bytes
    sha256: str
    type: str | None
    size: int
    width: int | None
    height: int | None
    phash: str | None


def phash(image: Image.Image) -> str:
    """The 64-bit DCT perceptual hash (imagehash.phash), as 16 hex digits."""
    return str(imagehash.phash(image))


def distance(a: str, b: str) -> int:
    """Hamming distance of two hex perceptual hashes."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


class PhotoIndex:
    """Every archived photo's perceptual hash, packed (16 bytes a photo), for
    the Hamming-distance scan media_reuse needs: numpy compares a million
    hashes in a few milliseconds."""

    def __init__(self):
        self._hashes = np.zeros(1024, dtype=np.uint64)
        self._ids = np.zeros(1024, dtype=np.int64)
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def add(self, phash_hex: str, media_id: int) -> None:
        if self._size == len(self._hashes):
            self._hashes = np.resize(self._hashes, 2 * self._size)
            self._ids = np.resize(self._ids, 2 * self._size)
        self._hashes[self._size], self._ids[self._size] = int(phash_hex, 16), media_id
        self._size += 1

    def near(self, phash_hex: str, threshold: int) -> list[tuple[int, int]]:
        """(media id, distance) of the photos within `threshold` bits of this hash."""
        gaps = np.bitwise_count(self._hashes[:self._size] ^ np.uint64(int(phash_hex, 16)))
        close = np.flatnonzero(gaps <= threshold)
        return [(int(self._ids[i]), int(gaps[i])) for i in close]


def describe(item: MediaItem, body: bytes, content_type: str | None) -> dict:
    """Type, dimensions and perceptual hash of a downloaded file; a photo's
    come from its decoded pixels, a video's dimensions from the snapshot."""
    mime = (content_type or item.content_type or "").split(";")[0].strip() or None
    if item.kind != "photo":
        return {"type": mime, "width": item.width, "height": item.height, "phash": None}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(body)) as image:
                image.load()
                return {"type": Image.MIME.get(image.format, mime), "width": image.width, "height": image.height,
                        "phash": phash(image)}
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        return {"type": mime, "width": None, "height": None, "phash": None}


def download(items: list[MediaItem], get, settings: CaptureSettings) -> tuple[list[MediaFile], list[str]]:
    """Fetch each item with `get(url, max_bytes)` within the per-file and
    per-post caps. Returns the files and, for each one not kept, why."""
    files, problems, used = [], [], 0
    for item in items:
        room = min(settings.max_file_bytes, settings.max_post_bytes - used)
        if room <= 0:
            problems.append(f"{item.url}: not downloaded, the post's media reached the cap of "
                            f"{settings.max_post_bytes:,} bytes (max_post_bytes)")
            continue
        try:
            response = get(item.url, room)
        except FetchError as error:
            which = "max_file_bytes" if room == settings.max_file_bytes else "what is left of max_post_bytes"
            problems.append(f"{item.url}: {error}" + (f" bytes ({which})" if str(error).startswith("too large") else ""))
            continue
        if response.status != 200:
            problems.append(f"{item.url}: HTTP {response.status}")
            continue
        used += len(response.body)
        files.append(_file(item, response.body, response.content_type, response))
    return files, problems


def _file(item: MediaItem, body: bytes, content_type: str | None, response: Response | None = None) -> MediaFile:
    return MediaFile(item, response, body, sha256(body), size=len(body), **describe(item, body, content_type))


def download_with_yt_dlp(items: list[MediaItem], room: int, policy: FetchPolicy) -> tuple[list[MediaFile], list[str]]:
    """Videos that only yt-dlp can fetch (a watch page, an HLS playlist): one
    file each, at most `room` bytes, through the same proxy. yt-dlp is not a
    dependency: without it, the videos are named as not kept."""
    try:
        import yt_dlp
    except ImportError:
        return [], [f"{len(items)} video(s) need yt-dlp, which is not installed (pip install yt-dlp)"]
    files, problems = [], []
    for item in items:
        try:
            check_url(item.url, policy)
        except FetchError as error:
            problems.append(f"{item.url}: {error}")
            continue
        with tempfile.TemporaryDirectory(prefix="archiver-yt-dlp-") as folder:
            options = {"outtmpl": f"{folder}/video.%(ext)s", "format": "best[ext=mp4]/best", "noplaylist": True,
                       "max_filesize": room, "quiet": True, "noprogress": True, "socket_timeout": policy.read_timeout,
                       "proxy": os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy") or None}
            try:
                with yt_dlp.YoutubeDL(options) as downloader:
                    downloader.download([item.url])
            except Exception as error:  # yt-dlp raises its own errors for every site's troubles
                problems.append(f"{item.url}: yt-dlp failed: {str(error).splitlines()[0][:200]}")
                continue
            kept = sorted(Path(folder).glob("video.*"))
            if not kept:
                problems.append(f"{item.url}: yt-dlp kept no file (over {room:,} bytes, or no video)")
                continue
            body = kept[0].read_bytes()
            files.append(_file(item, body, mimetypes.guess_type(kept[0].name)[0]))
        room -= len(body)
    return files, problems
