"""Fetching: the guard (`guard`), connections pinned to the checked address
(`pinned`), what a fetch may do (`policy`), and the client with its deadline,
retries and size cap (`client`).

The client's and the guard's names are loaded from their modules when first
asked for: the client imports requests and urllib3, the guard the socket and
IDNA modules, none of which commands reading only local files need.
"""

import importlib

from .errors import FetchError, Refused, Unreachable
from .policy import DEFAULT_MAX_BYTES, FetchPolicy

_LAZY = {
    **dict.fromkeys(("MAX_REDIRECTS", "RETRY_STATUSES", "USER_AGENT", "Deadline", "HostPacer", "Response", "fetch",
                     "make_session", "open_stream", "retry_wait"), ".client"),
    **dict.fromkeys(("Target", "check_url", "parse_url", "resolve_host"), ".guard"),
}

__all__ = ["DEFAULT_MAX_BYTES", "MAX_REDIRECTS", "RETRY_STATUSES", "USER_AGENT", "Deadline", "FetchError",
           "FetchPolicy", "HostPacer", "Refused", "Response", "Target", "Unreachable", "check_url", "fetch",
           "make_session", "open_stream", "parse_url", "resolve_host", "retry_wait"]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
