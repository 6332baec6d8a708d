"""Rate limits: one token bucket per caller (API key, user or, for logins, client address); and
concurrency limits: a few slots for the requests that cost far more than the others."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sanctionwatch.errors import UnavailableError


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


class BusyError(UnavailableError):
    """Every slot of a concurrency limit is taken: the service answers 503 with Retry-After."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ConcurrencyLimit:
    """At most `slots` requests inside at once, per process; the next is refused at once, not queued.

    Refused rather than queued: waiting requests would still hold their connections and, once let in,
    still pile up CPU work on the process that answers the cheap, frequent calls (a thread running
    Python holds the interpreter lock that the event loop needs too). A refused client is told when
    to come back (`retry_after` seconds). `slots` 0 refuses every such request.
    """

    def __init__(self, slots: int, *, what: str, retry_after: int = 5) -> None:
        self._slots = threading.BoundedSemaphore(slots) if slots > 0 else None
        self.what = what
        self.retry_after = retry_after

    @contextmanager
    def held(self) -> Iterator[None]:
        """One slot for the duration of the block; BusyError when none is free."""
        if self._slots is None or not self._slots.acquire(blocking=False):
            raise BusyError(f"too many {self.what} at once: retry in a few seconds", self.retry_after)
        try:
            yield
        finally:
            self._slots.release()
