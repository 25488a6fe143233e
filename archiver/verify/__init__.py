"""Automatic verification: checks of each archived post against the facts
encoded in it and against the live web, each row with its evidence and time.

The checks are pure, one module each in `checks/` (a post in, a `Result`
out); network checks take an `HttpClient`, the archive's one HTTP client with
its guard and per-host limits. `run.Verifier` runs them and writes every
result; `summary` derives a post's flags and availability from its checks.
"""

from .checks import ALL_CHECKS, NETWORK_CHECKS, OFFLINE_CHECKS
from .client import HttpClient
from .result import Result
from .run import Verifier, VerifySummary, verify
from .summary import refresh_summary

__all__ = ["ALL_CHECKS", "NETWORK_CHECKS", "OFFLINE_CHECKS", "HttpClient", "Result", "Verifier", "VerifySummary",
           "refresh_summary", "verify"]
