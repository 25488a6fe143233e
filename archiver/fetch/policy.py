"""What the fetcher may do: size cap, timeouts, retries, politeness, the
private networks it may reach. Plain data, without the HTTP client, so that
reading local files (`archiver extract FOLDER`) does not load requests."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Callable

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass
class FetchPolicy:
    """What the fetcher may do. Private addresses are refused unless allowed here."""

    max_bytes: int = DEFAULT_MAX_BYTES
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 120.0
    allowed_networks: list[str] = field(default_factory=list)
    retries: int = 3
    backoff: float = 1.0
    max_retry_wait: float = 60.0
    per_host_delay: float = 0.0
    per_host_concurrency: int = 2
    resolve: Callable[[str, int], list[str]] | None = None  # None: the system's resolver (guard.resolve_host)

    @classmethod
    def with_timeout(cls, timeout: float, **options) -> "FetchPolicy":
        """A policy from the one timeout a person sets: the deadline of a whole
        fetch, redirects and retries included; connecting gives up sooner."""
        return cls(connect_timeout=min(timeout, 10.0), read_timeout=timeout, total_timeout=timeout, **options)

    def allows(self, address: ipaddress._BaseAddress) -> bool:
        return any(address in ipaddress.ip_network(net, strict=False) for net in self.allowed_networks)
