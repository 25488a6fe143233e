"""Media of a snapshot: every photo and video downloaded once, within the
size caps, and described (type, dimensions, perceptual hash) from its bytes."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import imagehash
from PIL import Image, UnidentifiedImageError

from ..fetch import FetchError, Response
from .settings import CaptureSettings
from .snapshots import MediaItem
from .warc import sha256

# Pillow refuses images over this many pixels (decompression bombs): 16k x 16k.
Image.MAX_IMAGE_PIXELS = 16384 * 16384


@dataclass
class MediaFile:
    item: MediaItem
    response: Response
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
        files.append(MediaFile(item, response, sha256(response.body), size=len(response.body),
                               **describe(item, response.body, response.content_type)))
    return files, problems
