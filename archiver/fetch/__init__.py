"""Fetching: the guard (`guard`), connections pinned to the checked address
(`pinned`), what a fetch may do (`policy`), and the client with its deadline,
retries and size cap (`client`).

The client's names are loaded from `client` when first asked for: it imports
requests and urllib3, which commands reading only local files do not need.
"""

import importlib

from .errors import FetchError, Refused, Unreachable
from .guard import Target, check_url, parse_url, resolve_host
from .policy import DEFAULT_MAX_BYTES, FetchPolicy

_CLIENT = frozenset({"MAX_REDIRECTS", "RETRY_STATUSES", "USER_AGENT", "Deadline", "HostPacer", "Response", "fetch",
                     "make_session", "open_stream", "retry_wait"})

__all__ = ["DEFAULT_MAX_BYTES", "MAX_REDIRECTS", "RETRY_STATUSES", "USER_AGENT", "Deadline", "FetchError",
           "FetchPolicy", "HostPacer", "Refused", "Response", "Target", "Unreachable", "check_url", "fetch",
           "make_session", "open_stream", "parse_url", "resolve_host", "retry_wait"]


def __getattr__(name: str):
    if name in _CLIENT:
        return getattr(importlib.import_module(".client", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
