"""Bluesky: the public AppView, `app.bsky.feed.getPostThread` for the post's
at:// URI; a handle is first resolved to its DID
(`com.atproto.identity.resolveHandle`)."""

from __future__ import annotations

from urllib.parse import quote

from . import Malformed, MediaItem, Snapshot, expect_ok, read_json

NAME = "bluesky"
APPVIEW = "https://public.api.bsky.app/xrpc/"
RESOLVE = APPVIEW + "com.atproto.identity.resolveHandle?handle="
THREAD = APPVIEW + "app.bsky.feed.getPostThread?depth=0&parentHeight=0&uri="


def _actor_key(post: dict) -> tuple[str, str]:
    actor, key = post["post_id"].rsplit("/", 1)
    return actor, key


def embed_url(post: dict) -> str | None:
    actor, key = _actor_key(post)
    return f"https://embed.bsky.app/embed/{actor}/app.bsky.feed.post/{key}" if actor.startswith("did:") else None


def _not_found(response) -> str | None:
    """The AppView says 400 {"error": "NotFound"} (or similar) for posts and handles that are not there."""
    if response.status != 400:
        return None
    try:
        body = read_json(response)
    except Malformed:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return f"{error}: {body.get('message') or ''}".strip(": ") if error else None


def parse_resolution(body) -> str:
    did = body.get("did") if isinstance(body, dict) else None
    if not isinstance(did, str) or not did.startswith("did:"):
        raise Malformed("resolveHandle answered without a DID")
    return did


def _media(embed: dict) -> list[MediaItem]:
    kind = (embed or {}).get("$type", "")
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        return _media(embed.get("media"))
    if kind.startswith("app.bsky.embed.images"):
        return [MediaItem("photo", image["fullsize"], (image.get("aspectRatio") or {}).get("width"),
                          (image.get("aspectRatio") or {}).get("height"))
                for image in embed.get("images") or [] if image.get("fullsize")]
    if kind.startswith("app.bsky.embed.video") and embed.get("playlist"):
        return [MediaItem("video", embed["playlist"], content_type="application/vnd.apple.mpegurl")]
    return []


def parse_thread(body, endpoint: str) -> Snapshot:
    thread = body.get("thread") if isinstance(body, dict) else None
    if not isinstance(thread, dict):
        raise Malformed(f"{endpoint}: the answer has no thread")
    kind = thread.get("$type", "")
    if kind.endswith("#notFoundPost"):
        return Snapshot("unavailable", endpoint, "not found: deleted, or never existed")
    if kind.endswith("#blockedPost"):
        return Snapshot("unavailable", endpoint, "blocked")
    post = thread.get("post")
    if not isinstance(post, dict) or not isinstance(post.get("record"), dict):
        raise Malformed(f"{endpoint}: the thread has no post record")
    author = post.get("author") or {}
    counts = {key: post[key] for key in ("replyCount", "repostCount", "likeCount", "quoteCount")
              if isinstance(post.get(key), int)}
    return Snapshot("live", endpoint, handle=author.get("handle"), author_name=author.get("displayName"),
                    text=post["record"].get("text"), created_at=post["record"].get("createdAt"),
                    media=_media(post.get("embed")), counts=counts)


def plan(post: dict, settings):
    actor, key = _actor_key(post)
    if not actor.startswith("did:"):
        resolve = RESOLVE + quote(actor, safe="")
        answer = yield resolve
        missing = _not_found(answer)
        if missing:
            return Snapshot("unavailable", resolve, f"handle @{actor} does not resolve ({missing})")
        expect_ok(answer)
        actor = parse_resolution(read_json(answer))
    endpoint = THREAD + quote(f"at://{actor}/app.bsky.feed.post/{key}", safe="")
    answer = yield endpoint
    missing = _not_found(answer)
    if missing:
        return Snapshot("unavailable", endpoint, f"not found: deleted, or never existed ({missing})")
    expect_ok(answer)
    return parse_thread(read_json(answer), endpoint)
