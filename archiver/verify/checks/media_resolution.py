"""Where a post's media short links lead: the status that first posted the photo."""

from __future__ import annotations

from ...extract.platforms import match_url
from ...fetch import FetchError
from ..client import HttpClient, not_done
from ..result import Result


def _is_status(url: str) -> bool:
    ref = match_url(url)
    return ref is not None and ref.platform == "twitter"


def media_resolution(post: dict, links: list[str], client: HttpClient) -> Result | None:
    """Where each media short link leads: the status that first posted it."""
    if post["platform"] != "twitter" or not links:
        return None
    name, method = "media_resolution", "GET the short link, follow redirects up to the first status URL"
    resolved, foreign, problems, responses = [], [], [], []
    for link in links:
        url = link if link.startswith("http") else f"https://{link}"
        try:
            response = client.get(url, stop_at=_is_status)
        except FetchError as error:
            problems.append(not_done(name, error, url))
            continue
        responses.append(("media", response))
        ref = match_url(response.final_url) if _is_status(response.final_url) else None
        entry = {"link": link, "chain": [url, *response.redirects], "http_status": response.status,
                 "status_url": ref.url if ref else None, "post_id": ref.post_id if ref else None,
                 "handle": ref.handle if ref else None}
        resolved.append(entry)
        if ref and ref.handle and post["handle"] and ref.handle.lower() != post["handle"].lower():
            foreign.append(entry)
    detail = {"links": resolved}
    if foreign:
        first = foreign[0]
        return Result(name, "warn", f"media first posted by @{first['handle']} ({first['status_url']}), "
                      f"not by @{post['handle']} ({post['url'] or 'no URL'})", detail,
                      evidence_url=first["status_url"], method=method, responses=responses)
    if problems and not resolved:
        problem = problems[0]
        problem.method, problem.detail["media"] = method, links
        return problem
    unresolved = [e["link"] for e in resolved if not e["status_url"]]
    if unresolved:
        return Result(name, "error", f"{', '.join(unresolved)} did not lead to a post", detail, method=method,
                      responses=responses)
    return Result(name, "pass", "media links lead to this account's posts", detail,
                  evidence_url=resolved[0]["status_url"], method=method, responses=responses)


def adoptable_id(post: dict, media: Result | None) -> tuple[str, str] | None:
    """(status id, URL) an id-less post learns from its media links: the first
    status they lead to that is by the same account."""
    if post["post_id"] or media is None:
        return None
    for entry in media.detail.get("links", []):
        same_account = not post["handle"] or (entry["handle"] or "").lower() == post["handle"].lower()
        if entry["post_id"] and same_account:
            return entry["post_id"], entry["status_url"]
    return None
