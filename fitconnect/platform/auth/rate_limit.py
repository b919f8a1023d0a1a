"""Failed-login limiting per account and per address (a sliding window, per process)."""

from __future__ import annotations

import time
from collections import defaultdict, deque

from fitconnect.platform.auth.errors import RateLimitedError


class LoginLimiter:
    """At most ``max_failures`` failed logins per key within ``window_s``."""

    def __init__(self, max_failures: int = 5, window_s: float = 300.0) -> None:
        self._max = max_failures
        self._window = window_s
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def check(self, *keys: str) -> None:
        now = time.monotonic()
        for key in keys:
            recent = self._failures[key]
            while recent and now - recent[0] > self._window:
                recent.popleft()
            if len(recent) >= self._max:
                raise RateLimitedError(self._window - (now - recent[0]))

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        for key in keys:
            self._failures[key].append(now)

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)
