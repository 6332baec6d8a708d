"""A screener that follows the registry: rebuilt when the active list versions change.

A long-running service must screen against the lists of today, not those of its start. The index is
rebuilt beside the one in use and swapped in one assignment, so a query in flight finishes on the
version it started with and no query ever sees a half-built index.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from sanctionwatch.registry.store import Registry, VersionInfo
from sanctionwatch.screening.screener import Screener

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Snapshot:
    screener: Screener
    versions: tuple[VersionInfo, ...]  # the active versions it was built from
    built_at: float  # time.time()
    build_seconds: float

    @property
    def version_ids(self) -> tuple[int, ...]:
        return tuple(sorted(v.id for v in self.versions))


class LiveScreener:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()  # one rebuild at a time

    @property
    def snapshot(self) -> Snapshot | None:
        """The index in use, or None before the first build completed."""
        return self._snapshot

    def refresh(self) -> bool:
        """Rebuild if the active versions changed since the last build; True when a new index went in."""
        with self._lock:
            versions = tuple(self.registry.active_versions())
            current = self._snapshot
            if current is not None and current.version_ids == tuple(sorted(v.id for v in versions)):
                return False
            started = time.perf_counter()
            screener = Screener.from_registry(self.registry)
            screener.model  # loaded now, not on the first query  # noqa: B018
            elapsed = time.perf_counter() - started
            self._snapshot = Snapshot(screener, versions, time.time(), elapsed)
            log.info(
                "screening index built in %.1f s from %s",
                elapsed,
                ", ".join(f"{v.source} v{v.number}" for v in versions) or "no active list",
            )
            return True
