"""Media files: what is read from their bytes, and the perceptual-hash
threshold media_reuse uses, scored on generated copies and different photos."""

from __future__ import annotations

from capture_standin import jpeg, photo, reuse_pairs

from archiver.capture.media import PhotoIndex, describe, distance, phash
from archiver.capture.settings import CaptureSettings
from archiver.capture.snapshots import MediaItem


def score(threshold: int, pairs) -> tuple[float, float]:
    """(precision, recall) of `distance <= threshold` as 'the same photo'."""
    hits = [(same, distance(phash(a), phash(b)) <= threshold) for _, a, b, same in pairs]
    true = sum(same and called for same, called in hits)
    called = sum(called for _, called in hits)
    return true / called if called else 1.0, true / sum(same for same, _ in hits)


def test_the_reuse_threshold_calls_no_different_photo_the_same_and_finds_most_copies():
    pairs = reuse_pairs()
    assert len(pairs) == 64 and sum(same for *_, same in pairs) == 48
    precision, recall = score(CaptureSettings().reuse_distance, pairs)
    assert precision == 1.0
    assert recall >= 0.85  # every re-encoded, resized or brightened copy; most 5% crops (README)


def test_every_reencoded_or_resized_copy_is_within_the_threshold():
    threshold = CaptureSettings().reuse_distance
    copies = [(label, distance(phash(a), phash(b))) for label, a, b, same in reuse_pairs() if same
              and not label.startswith("cropped")]
    assert [label for label, gap in copies if gap > threshold] == []


def test_a_photo_is_described_from_its_pixels_and_a_video_from_its_snapshot():
    data = jpeg(photo(1).resize((320, 240)))
    described = describe(MediaItem("photo", "https://pbs.twimg.com/media/A.jpg?name=orig"), data, "image/jpeg")
    assert described == {"type": "image/jpeg", "width": 320, "height": 240, "phash": phash(photo(1).resize((320, 240)))}
    video = MediaItem("video", "https://video.twimg.com/v.mp4", 1280, 720, "video/mp4")
    assert describe(video, b"\x00" * 10, None) == {"type": "video/mp4", "width": 1280, "height": 720, "phash": None}


def test_bytes_that_are_not_an_image_get_no_dimensions_nor_hash():
    item = MediaItem("photo", "https://pbs.twimg.com/media/A.jpg?name=orig")
    assert describe(item, b"<html>login required</html>", "text/html") == {
        "type": "text/html", "width": None, "height": None, "phash": None}


def test_the_photo_index_finds_every_hash_within_the_distance_as_it_grows():
    index = PhotoIndex()
    for media_id in range(3000):
        index.add(f"{media_id * 0x9E3779B97F4A7C15 % 2**64:016x}", media_id)
    index.add("ffffffffffffff00", 5000)  # 8 bits from the hash asked for
    index.add("fffffffffffff000", 5001)  # 12 bits
    assert len(index) == 3002
    near = index.near("ffffffffffffffff", 12)
    assert (5000, 8) in near and (5001, 12) in near
    assert all(distance(f"{i * 0x9E3779B97F4A7C15 % 2**64:016x}", "ffffffffffffffff") <= 12 for i, _ in near
               if i < 3000)
