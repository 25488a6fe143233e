"""Instagram: Meta's `instagram_oembed`, only with an app token."""

from __future__ import annotations

from . import _meta

NAME = "instagram"


def embed_url(post: dict) -> str | None:
    return None  # the embed page needs Instagram's scripts and, often, a login


def plan(post: dict, settings):
    return (yield from _meta.plan(post, settings.instagram_token, "instagram_oembed", "ARCHIVER_INSTAGRAM_TOKEN"))
