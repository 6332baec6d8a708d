"""Rate limits: one token bucket per caller (API key, user or, for logins, client address)."""

from __future__ import annotations

import threading
import time


class RateLimiter:
    """Allows `rate` requests per second on average and `burst` at once, per key.

    In memory, per process: with several worker processes each enforces the limit on its share.
    """

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last refill)
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Take one request's token if there is one."""
        return self._take(key, spend=True)

    def would_allow(self, key: str) -> bool:
        """Is there a token, without taking it (for limits that only count failures)?"""
        return self._take(key, spend=False)

    def _take(self, key: str, *, spend: bool) -> bool:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if allowed and spend else tokens, now)
            return allowed

    def retry_after(self, key: str) -> int:
        """Seconds until the key may try again (at least 1)."""
        with self._lock:
            tokens, _ = self._buckets.get(key, (self.burst, 0.0))
        return max(1, int((1.0 - tokens) / self.rate + 0.999)) if self.rate > 0 else 60
