"""Verified API keys remembered for a few seconds, so that a busy client costs one database lookup
per key and interval instead of one per request (the lookup was a fifth of a /match call's time).

A key revoked through this process's API is forgotten at once; revoked in another worker process
or with the CLI, it is refused at the latest `ttl` seconds later.

It also holds the digests of every active key (re-read at most once per `ttl`), so that a presented
key can be told a guess without a database lookup (`may_be_valid`): what keeps guessing cheap for the
service once an address has used up its bad-key budget, without refusing that address's real keys.
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
        self._issued: frozenset[str] = frozenset()  # digests of the active keys, as last read
        self._issued_until = 0.0  # when they are to be read again
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

    def may_be_valid(self, key: str) -> bool:
        """Could this be an active key? Answered from memory, never by looking the key up: the keys
        verified lately and the digests of the active keys, which are re-read (one query, whoever asks
        and however often) once they are `ttl` seconds old.

        False is certain enough to refuse a key from an address that guesses: a key created in
        another process within the last `ttl` seconds may be missing, and is refused there for at
        most that long (as a revocation elsewhere takes up to `ttl` to apply). True only means that
        `verify` must decide.
        """
        digest = key_digest(key)
        now = time.monotonic()
        with self._lock:
            cached = self._seen.get(digest)
            if cached is not None and cached[0] > now and cached[1] is not None:
                return True
            issued, fresh = self._issued, self._issued_until > now
        if not fresh:
            issued = self.keys.active_digests()
            with self._lock:
                self._issued, self._issued_until = issued, now + self.ttl
        return digest in issued

    def forget(self) -> None:
        """After a revocation: every key is looked up again."""
        with self._lock:
            self._seen.clear()
            self._generation += 1
            self._issued_until = 0.0
