"""Facebook: Meta's `oembed_post` (or `oembed_video`), only with an app token."""

from __future__ import annotations

from . import _meta

NAME = "facebook"


def embed_url(post: dict) -> str | None:
    return None


def plan(post: dict, settings):
    endpoint = "oembed_video" if "/videos/" in (post["url"] or "") or "watch" in (post["url"] or "") \
        else "oembed_post"
    return (yield from _meta.plan(post, settings.facebook_token, endpoint, "ARCHIVER_FACEBOOK_TOKEN"))
