"""Does the handle printed with a post match the handle in its URL?"""

from __future__ import annotations

from ...extract.platforms import match_url
from ..result import Result


def handle_consistency(post: dict, citations: list[dict]) -> Result | None:
    """The handle printed in `— Name (@handle)` against the handle in the status URL."""
    ref = match_url(post["url"])
    if ref is None or not ref.handle:
        return None
    printed = sorted({h for h in [post["handle"], *(c["shown_handle"] for c in citations)] if h},
                     key=str.lower)
    name, method = "handle_consistency", "printed handle vs handle in the post URL, case-insensitive"
    detail = {"in_url": ref.handle, "printed": printed}
    if not printed:
        return Result(name, "skipped", "no handle printed with the post", detail, method=method)
    other = [h for h in printed if h.lower() != ref.handle.lower()]
    if other:
        shown = ", ".join(f"@{h}" for h in other)
        return Result(name, "warn", f"printed {shown} but the URL is @{ref.handle}'s: renamed account or forged embed",
                      detail, evidence_url=post["url"], method=method)
    return Result(name, "pass", f"printed handle matches the URL (@{ref.handle})", detail, method=method)
