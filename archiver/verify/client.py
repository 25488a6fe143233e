"""The HTTP client network checks share, and how a request that got no answer is recorded."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Callable
from urllib.parse import urlsplit

import requests

from ..fetch import FetchError, FetchPolicy, HostPacer, Refused, Response, Unreachable, fetch
from .result import Result


class HttpClient:
    """The archive's HTTP client for checks: guard, retries and per-host limits
    come from `fetch`; a host found unreachable is not asked again this run."""

    def __init__(self, session: requests.Session, policy: FetchPolicy, pacer: HostPacer):
        self.session, self.policy, self.pacer = session, policy, pacer
        self._down: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, url: str, stop_at: Callable[[str], bool] | None = None, max_bytes: int | None = None) -> Response:
        """GET within the policy; `max_bytes` lowers its size cap for this one answer (media files)."""
        host = urlsplit(url).hostname or ""
        with self._lock:
            reason = self._down.get(host)
        if reason:
            raise Unreachable(reason)
        try:
            policy = replace(self.policy, max_bytes=max_bytes) if max_bytes else self.policy
            return fetch(url, self.session, policy, None, self.pacer, stop_at)
        except Unreachable as error:
            with self._lock:
                self._down[host] = str(error)
            raise


def not_done(check: str, error: FetchError, url: str) -> Result:
    """A request that did not give an answer: `skipped` when offline or refused, else `error`."""
    if isinstance(error, (Unreachable, Refused)):
        return Result(check, "skipped", f"network unavailable or refused: {error}", {"url": url})
    return Result(check, "error", str(error), {"url": url}, evidence_url=url)
