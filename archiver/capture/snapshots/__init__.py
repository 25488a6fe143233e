"""Snapshots: what a platform's public, login-free endpoint says about a post
now. One module per platform, the same small interface:

- ``NAME``: the platform (``posts.platform``).
- ``plan(post, settings)``: a generator that yields each URL to ask and is
  sent back its answer (a `fetch.Response`), and returns a `Snapshot`. It does
  no I/O itself: the capture run asks (archiver/capture/run.py), tests can
  send it bytes. It raises `Skip` when the post cannot be asked about (no id,
  no token) and `Malformed` when an answer cannot be read.
- ``embed_url(post)``: the post's public embed page, for the live screenshot
  (None when the platform has none without login).
- ``parse_*`` functions: bytes in, plain data out.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from dataclasses import asdict, dataclass, field
from types import ModuleType
from typing import Callable

# What an unavailable answer means, per HTTP status, in the platforms' common usage.
UNAVAILABLE = {404: "deleted, or never existed", 410: "gone", 403: "protected, private or suspended",
               401: "needs a login: protected or private"}


class Skip(Exception):
    """The post cannot be asked about; the message says why and what would enable it."""


class Malformed(ValueError):
    """An answer that cannot be read as the platform's format."""


@dataclass
class MediaItem:
    kind: str  # "photo" or "video"
    url: str
    width: int | None = None
    height: int | None = None
    content_type: str | None = None


@dataclass
class Snapshot:
    state: str  # "live" or "unavailable"
    endpoint: str
    reason: str | None = None
    handle: str | None = None
    author_name: str | None = None
    text: str | None = None
    created_at: str | None = None
    media: list[MediaItem] = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    def media_json(self) -> str:
        return json.dumps([asdict(m) for m in self.media], ensure_ascii=False)


def unavailable(response, endpoint: str) -> Snapshot | None:
    """The snapshot of a post the endpoint says is not there, or None for any other answer."""
    if response.status in UNAVAILABLE:
        return Snapshot("unavailable", endpoint, f"HTTP {response.status}: {UNAVAILABLE[response.status]}")
    return None


def expect_ok(response) -> None:
    """Refuse an answer that is neither a post nor a clear 'not there' (429, 5xx after retries)."""
    if response.status != 200:
        raise Malformed(f"{response.final_url} answered HTTP {response.status}; try again later")


def read_json(response):
    try:
        return json.loads(response.body)
    except ValueError:
        raise Malformed(f"{response.final_url} answered 200 with malformed JSON")


def ask_json(endpoint: str, parse: Callable[[object], Snapshot]):
    """The one-request plan: GET `endpoint`; 401/403/404/410 mean unavailable,
    another status is an error; `parse` reads the JSON of a 200."""
    answer = yield endpoint
    gone = unavailable(answer, endpoint)
    if gone:
        return gone
    expect_ok(answer)
    return parse(read_json(answer))


def thumbnail_and_video(body: dict, video_url: str) -> list[MediaItem]:
    """An oEmbed video's media: its thumbnail (a photo, hashed like any) and the
    video page, which only yt-dlp can download."""
    media = [MediaItem("video", video_url)]
    if body.get("thumbnail_url"):
        media.insert(0, MediaItem("photo", body["thumbnail_url"], body.get("thumbnail_width"),
                                  body.get("thumbnail_height")))
    return media


def _load() -> dict[str, ModuleType]:
    modules = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        modules[module.NAME] = module
    return modules


PLATFORMS: dict[str, ModuleType] = _load()
