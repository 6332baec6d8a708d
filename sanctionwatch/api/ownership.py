"""The ownership network the API and the pages read: built once per screening snapshot and holdings.

Building it screens nothing but walks every list link, FtM holding and imported row, so it is kept
between requests. It is rebuilt when the snapshot changes (a list update) or when the imported holdings
do (`sanctionwatch ownership import` in another process): each request asks the store for its revision,
one lookup by key in `meta` (OwnershipStore.revision), so that an import is seen by the next request, not after a restart.
"""

from __future__ import annotations

import logging
import threading
import time

from sanctionwatch.ownership.assembly import Network, load_network
from sanctionwatch.ownership.store import OwnershipStore
from sanctionwatch.registry.store import Registry
from sanctionwatch.screening.live import Snapshot

__all__ = ["NetworkCache"]

log = logging.getLogger(__name__)


class NetworkCache:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._store = OwnershipStore(registry.engine)
        self._key: tuple[object, ...] | None = None
        self._network: Network | None = None
        self._lock = threading.Lock()  # the first request after a change builds; the others wait for it

    def get(self, snapshot: Snapshot) -> Network:
        key = (snapshot.version_ids, self._store.revision())
        with self._lock:
            if self._network is None or self._key != key:
                self._network = None  # the old one goes before the new one is built
                started = time.perf_counter()
                self._network = load_network(self.registry, snapshot.screener)
                self._key = key
                log.info(
                    "ownership network built in %.2f s (%d holdings)",
                    time.perf_counter() - started,
                    len(self._network.graph),
                )
            return self._network
