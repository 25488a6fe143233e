"""media_reuse: is a photo of this post already in the archive, under another
account or from an earlier date? Perceptual hashes (64-bit pHash) within a
Hamming distance count as the same image: re-encoded, resized and slightly
cropped copies stay close, different photos do not (threshold in
CaptureSettings.reuse_distance, tuned by tests/test_capture_media.py)."""

from __future__ import annotations

from .. import Result

MATCHES_KEPT = 10  # a viral photo may be in the archive thousands of times: the detail keeps the earliest
METHOD = "perceptual hash (imagehash pHash, 64 bits) of each photo vs every archived photo, Hamming distance"


def earlier_or_foreign(post: dict, other: dict) -> bool:
    """Another account's post, or an earlier post of the same account."""
    if other["post_id"] == post["id"]:
        return False
    same_account = (other["handle"] or "").lower() == (post["handle"] or "").lower() and \
        other["platform"] == post["platform"]
    return not same_account or bool(other["date"] and post["date"] and other["date"] < post["date"])


def media_reuse(post: dict, photos: int, near: list[dict], threshold: int) -> Result:
    """`photos`: how many photos of this post have a perceptual hash; `near`:
    the archived photos within `threshold` of one of them, each with the
    `photo` (1-based) it is near, its `distance`, and its post_id, platform,
    handle, date and url."""
    if not photos:
        return Result("media_reuse", "skipped", "no photo with a perceptual hash", method=METHOD)
    matches = sorted((m for m in near if earlier_or_foreign(post, m)),
                     key=lambda m: (m["date"] or "9999", m["distance"]))
    if not matches:
        return Result("media_reuse", "pass", f"{photos} photo(s), none already archived under another"
                      " account or an earlier date", {"threshold": threshold}, method=METHOD)
    first = matches[0]
    who = f"@{first['handle']}" if first["handle"] else "another account"
    return Result("media_reuse", "warn", f"photo {first['photo']} is already in the archive: {first['post_id']} "
                  f"by {who}{', ' + first['date'] if first['date'] else ''} (distance {first['distance']}): "
                  "re-used or recycled image", {"threshold": threshold, "matches": matches[:MATCHES_KEPT],
                                                "matched": len(matches)}, first["url"], METHOD)
