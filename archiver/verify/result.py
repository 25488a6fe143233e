"""The record of one check on one post, as every check returns it."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..fetch import Response
from ..store.schema import CHECK_OUTCOMES


@dataclass
class Result:
    """One run of one check on one post."""

    check: str
    outcome: str
    summary: str
    detail: dict = field(default_factory=dict)
    evidence_url: str | None = None
    method: str | None = None
    responses: list[tuple[str, Response]] = field(default_factory=list)  # (capture kind, response) to keep

    def __post_init__(self):
        assert self.outcome in CHECK_OUTCOMES, self.outcome
