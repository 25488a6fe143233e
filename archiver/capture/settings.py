"""What a capture run may do: size caps, optional tools, app tokens."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

MIB = 1024 * 1024


@dataclass
class CaptureSettings:
    max_file_bytes: int = 100 * MIB  # one photo or video; larger files are not downloaded
    max_post_bytes: int = 250 * MIB  # all of one post's media together
    screenshots: bool = True
    yt_dlp: bool = False  # download videos of YouTube and TikTok with yt-dlp (off: they are not downloaded)
    # Meta's oEmbed needs an app token ("APP_ID|CLIENT_TOKEN"); secrets come from the environment, not the job file.
    instagram_token: str | None = field(default_factory=lambda: os.environ.get("ARCHIVER_INSTAGRAM_TOKEN"))
    facebook_token: str | None = field(default_factory=lambda: os.environ.get("ARCHIVER_FACEBOOK_TOKEN"))
    reuse_distance: int = 12  # media_reuse: the largest perceptual-hash Hamming distance called "the same image"
