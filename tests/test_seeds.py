"""The two real article texts the project started from (../shared/seeds)."""

from pathlib import Path

import pytest

from archiver.extract import extract

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
FIRST = SEEDS / "000_10953b9a9339c1bf.txt"
SECOND = SEEDS / "002_825279b04542353c.txt"
pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")


def summary(posts):
    return [(p.handle, p.author_name, p.date_text, p.date, p.media, p.post_id) for p in posts]


def test_first_seed_gives_its_four_posts_and_nothing_for_the_photo_credit():
    posts = extract(FIRST.read_bytes())["posts"]
    assert summary(posts) == [
        ("bsarwary", "BILAL SARWARY", "July 7, 2021", "2021-07-07", ["pic.twitter.com/zZgGQv02QV"], None),
        ("tariqghazniwal", "Tariq Ghazniwal", "July 8, 2021", "2021-07-08", ["pic.twitter.com/IhNtHvCrxh"], None),
        ("bsarwary", "BILAL SARWARY", "July 7, 2021", "2021-07-07", ["pic.twitter.com/2IohmxmifK"], None),
        ("bsarwary", "BILAL SARWARY", "July 8, 2021", "2021-07-08", ["pic.twitter.com/oi8HH5gDVo"], None),
    ]
    assert posts[0].text == ("Footage shows Taliban fighters in parts of Qalay Naw city, the capital of "
                             "Badghis province. pic.twitter.com/zZgGQv02QV")
    assert posts[1].text == "Breaking: #ANDSF surrendered to Taliban in #Badghis pic.twitter.com/IhNtHvCrxh"
    assert posts[3].text.endswith("including women and children. pic.twitter.com/oi8HH5gDVo")
    assert [p.position for p in posts] == [1, 2, 3, 4]
    assert all(p.platform == "twitter" for p in posts)


def test_second_seed_keeps_the_persian_text_byte_for_byte():
    raw = SECOND.read_text(encoding="utf-8")
    persian = raw[raw.index("نیروهای"): raw.index("pic.twitter.com/8VdQJd4oF2")].strip()
    record = extract(SECOND.read_bytes())
    [post] = record["posts"]
    assert post.text == persian + " pic.twitter.com/8VdQJd4oF2"
    assert (post.handle, post.author_name, post.date_text, post.date) == (
        "TariqArian3", "Tariq Arian", "July 7, 2021", "2021-07-07")
    assert post.media == ["pic.twitter.com/8VdQJd4oF2"]


def test_second_seed_article_is_dated_by_its_dateline():
    assert extract(SECOND.read_bytes())["published"] == "2021-07-08"
