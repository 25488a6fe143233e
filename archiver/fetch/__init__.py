"""Fetching: the guard (`guard`), connections pinned to the checked address
(`pinned`), and the client with its deadline, retries and size cap (`client`)."""

from .client import (DEFAULT_MAX_BYTES, MAX_REDIRECTS, RETRY_STATUSES, USER_AGENT, Deadline, FetchPolicy,
                     HostPacer, Response, fetch, make_session, open_stream, retry_wait)
from .errors import FetchError, Refused, Unreachable
from .guard import Target, check_url, parse_url, resolve_host

__all__ = ["DEFAULT_MAX_BYTES", "MAX_REDIRECTS", "RETRY_STATUSES", "USER_AGENT", "Deadline", "FetchError",
           "FetchPolicy", "HostPacer", "Refused", "Response", "Target", "Unreachable", "check_url", "fetch",
           "make_session", "open_stream", "parse_url", "resolve_host", "retry_wait"]
