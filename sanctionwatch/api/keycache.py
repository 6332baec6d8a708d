"""Verified API keys remembered for a few seconds, so that a busy client costs one database lookup
per key and interval instead of one per request (the lookup was a fifth of a /match call's time).

A key revoked through this process's API is forgotten at once; revoked in another worker process
or with the CLI, it is refused at the latest `ttl` seconds later.
"""

from __future__ import annotations

import threading
import time

from sanctionwatch.access.keys import ApiKey, ApiKeys, key_digest

KEY_CACHE_SECONDS = 5.0
_MAX_ENTRIES = 10_000  # keys presented, valid or not; beyond it the memory is cleared


class KeyCache:
    def __init__(self, keys: ApiKeys, ttl: float = KEY_CACHE_SECONDS) -> None:
        self.keys = keys
        self.ttl = ttl
        self._seen: dict[str, tuple[float, ApiKey | None]] = {}  # digest -> (expires, record or None)
        self._generation = 0  # bumped by forget(): a lookup begun before it must not be remembered
        self._lock = threading.Lock()

    def verify(self, key: str) -> ApiKey | None:
        digest = key_digest(key)
        now = time.monotonic()
        with self._lock:
            cached = self._seen.get(digest)
            generation = self._generation
        if cached is not None and cached[0] > now:
            return cached[1]
        record = self.keys.verify(key)
        with self._lock:
            if generation == self._generation:
                if len(self._seen) >= _MAX_ENTRIES:
                    self._seen.clear()
                self._seen[digest] = (now + self.ttl, record)
        return record

    def forget(self) -> None:
        """After a revocation: every key is looked up again."""
        with self._lock:
            self._seen.clear()
            self._generation += 1
