"""The review queue: posts waiting for a verdict, failing checks first, then
warnings, then the most-cited, as cards, paged through all of them.

The order is one index (`posts_review_rank`, schema m020), so any page is an
index walk; the total comes from the trigger-kept `post_tallies`.
"""

from __future__ import annotations

from ...store.schema import POST_STATUSES
from .cards import CARD_COLUMNS

PAGE_SIZE = 50
ORDER = "flag_level DESC, citation_count DESC, first_seen DESC"


def page_number(value: str | None) -> int:
    """The page asked for (from 1); anything that is not a positive number is page 1."""
    return int(value) if value and value.isdigit() and 0 < int(value) < 10**7 else 1


def queue_status(value: str | None) -> str:
    return value if value in POST_STATUSES else "unverified"


def queue_sql(size: int = PAGE_SIZE) -> str:
    """One page of the queue (parameters: status, offset), with one row more to tell if a next page exists."""
    return (f"SELECT {', '.join(CARD_COLUMNS)} FROM posts WHERE status = :status ORDER BY {ORDER}"
            f" LIMIT {size + 1} OFFSET :offset")


TOTAL_SQL = "SELECT coalesce(sum(posts), 0) FROM post_tallies WHERE status = :status"
