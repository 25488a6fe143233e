"""Do the articles citing one post show it the same way?"""

from __future__ import annotations

from ...extract.dates import parse_date
from ...extract.posts import collapse
from ..compare import comparable_text
from ..result import Result


def cross_citation(citations: list[dict]) -> Result:
    """The same post shown differently by different articles."""
    name, method = "cross_citation", "text, printed date and author name compared across citing articles"
    articles = {c["article_id"] for c in citations}
    if len(articles) < 2:
        return Result(name, "skipped", "cited by only one article", {"articles": len(articles)}, method=method)
    values = {
        "text": lambda c: comparable_text(c["shown_text"]) or None,
        "date": lambda c: parse_date(c["shown_date_text"]) or c["shown_date_text"],
        "author_name": lambda c: collapse(c["shown_author_name"]),
    }
    differs = {}
    for key, value_of in values.items():
        shown = [(c, value_of(c)) for c in citations]
        if len({v for _, v in shown if v is not None}) > 1:
            differs[key] = [{"article_id": c["article_id"], "article_url": c["article_url"], "value": v}
                            for c, v in shown if v is not None]
    detail = {"articles": sorted(articles), "differs": differs}
    if differs:
        return Result(name, "warn", f"{len(articles)} articles show different {', '.join(differs)}", detail,
                      method=method)
    return Result(name, "pass", f"{len(articles)} articles show the same post", detail, method=method)
