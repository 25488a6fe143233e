"""The size cap holds on the decoded body: a gzip bomb stops at the cap
(issue 14: "a 1 GiB gzip bomb capped at 20 MiB" must keep holding)."""

from __future__ import annotations

import tracemalloc
import zlib

import pytest

from archiver.fetch import FetchError, FetchPolicy, fetch, make_session
from conftest import Route

LOCAL = FetchPolicy(allowed_networks=["127.0.0.1/32"], retries=0, total_timeout=30)


def gzip_bomb(decoded_bytes: int) -> bytes:
    """`decoded_bytes` of zeros, gzipped (about a thousandth of the size)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    block = bytes(1 << 20)
    parts = [packer.compress(block) for _ in range(decoded_bytes >> 20)]
    return b"".join(parts) + packer.flush()


def test_a_gzip_bomb_is_cut_at_the_size_cap_without_holding_more_than_the_cap(local_server):
    bomb = gzip_bomb(256 << 20)  # 256 MiB decoded, 0.25 MiB sent
    local_server.routes["/bomb"] = Route(bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        with pytest.raises(FetchError) as error:
            fetch(local_server.url("/bomb"), make_session(), LOCAL)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(error.value) == "too large: over the cap of 20,971,520 bytes"
    assert peak < 2 * LOCAL.max_bytes


def test_a_declared_length_over_the_cap_is_refused_before_reading(local_server):
    local_server.routes["/big"] = Route(b"x" * 2048)
    with pytest.raises(FetchError) as error:
        fetch(local_server.url("/big"), make_session(), FetchPolicy(allowed_networks=["127.0.0.1/32"], max_bytes=1024))
    assert str(error.value) == "too large: 2,048 bytes, over the cap of 1,024"


def test_a_gzipped_page_under_the_cap_is_decoded(local_server):
    page = b"<p>fictional page</p>" * 1000
    packer = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    local_server.routes["/page"] = Route(packer.compress(page) + packer.flush(),
                                         headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
    assert fetch(local_server.url("/page"), make_session(), LOCAL).body == page
