"""Datasette's table pages, for people: the columns a reviewer reads first,
column descriptions behind a toggle, and no schema dump."""

from __future__ import annotations

import re

from markupsafe import Markup

# The posts table leads with what a reviewer reads; the other columns follow in schema order.
FIRST_COLUMNS = {"posts": ("id", "handle", "text", "status", "flags", "date", "citation_count", "availability")}
_DESCRIPTIONS = re.compile(r'<dl class="column-descriptions">.*?</dl>', re.S)
_SCHEMA = re.compile(r'<pre class="wrapped-sql">\s*CREATE (?:TABLE|VIEW).*?</pre>', re.S | re.I)


def column_order(table: str | None, names: list[str]) -> list[int]:
    """Indexes of `names` in the order the page shows them."""
    first = [name for name in FIRST_COLUMNS.get(table or "", ()) if name in names]
    order = first + [name for name in names if name not in first]
    return [names.index(name) for name in order]


def for_reviewers(page: str) -> Markup:
    """A rendered table page with its column descriptions folded into a toggle
    and its CREATE TABLE statement left out. The page is Datasette's own
    markup (every value in it already escaped)."""
    page = _DESCRIPTIONS.sub(lambda m: '<details class="column-descriptions-toggle"><summary>What the columns'
                                       f' mean</summary>{m.group(0)}</details>', page, count=1)
    return Markup(_SCHEMA.sub("", page))
