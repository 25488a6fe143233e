"""Throttling of logins, per client address and per reviewer name.

A few mistakes are free; after that each further attempt must wait twice as
long as the one before (since the last failure), up to a ceiling. Refused
attempts are not counted, so a reviewer locked out by someone guessing their
password gets in again once the wait is over. Every password check costs a
PBKDF2 hash, right or wrong, so checks are also capped at CHECKS_PER_WINDOW
a WINDOW per key: a person logs in a few times a day, a flood is cut off.
Pure: the caller passes `now`."""

from __future__ import annotations

from collections import OrderedDict, deque

FREE_FAILURES = 5
LONGEST_WAIT = 300.0  # seconds
REMEMBERED = 10_000  # keys kept; the oldest are forgotten first
CHECKS_PER_WINDOW = 10
WINDOW = 60.0  # seconds


class LoginThrottle:
    def __init__(self, free: int = FREE_FAILURES, longest: float = LONGEST_WAIT, remembered: int = REMEMBERED,
                 checks: int = CHECKS_PER_WINDOW, window: float = WINDOW):
        self.free, self.longest, self.remembered = free, longest, remembered
        self.checks, self.window = checks, window
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()  # key -> (failures, last failure)
        self._checked: OrderedDict[str, deque] = OrderedDict()  # key -> times of its latest checks

    def wait(self, keys: list[str], now: float) -> float:
        """Seconds before an attempt on any of KEYS may be checked; 0 when it may be now."""
        waits = [0.0]
        for key in keys:
            failures, last = self._failures.get(key, (0, now))
            if failures >= self.free:
                waits.append(last + min(self.longest, 2.0 ** (failures - self.free)) - now)
            recent = self._checked.get(key)
            if recent is not None and len(recent) >= self.checks:
                waits.append(recent[0] + self.window - now)
        return max(waits)

    def checked(self, keys: list[str], now: float) -> None:
        """A password is about to be checked for KEYS (whatever the outcome)."""
        for key in keys:
            recent = self._checked.pop(key, None) or deque(maxlen=self.checks)
            recent.append(now)
            self._checked[key] = recent
        while len(self._checked) > self.remembered:
            self._checked.popitem(last=False)

    def failed(self, keys: list[str], now: float) -> None:
        for key in keys:
            failures, _ = self._failures.pop(key, (0, now))
            self._failures[key] = (failures + 1, now)
        while len(self._failures) > self.remembered:
            self._failures.popitem(last=False)

    def succeeded(self, keys: list[str]) -> None:
        for key in keys:
            self._failures.pop(key, None)
