"""Listed parties as the API shows them (yente's entity shape), converted once per index snapshot."""

from __future__ import annotations

import threading
from typing import Any

from sanctionwatch.api.yente import entity_response
from sanctionwatch.screening.live import Snapshot


class EntityJsonCache:
    """Listed parties as the API shows them (FtM properties: costly to build), per index snapshot.

    A snapshot's entities never change, so each is converted once; a new snapshot starts afresh.
    """

    MAX_ENTRIES = 20_000

    def __init__(self) -> None:
        self._snapshot: Snapshot | None = None
        self._shown: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def get(self, snapshot: Snapshot, entity_id: str) -> dict[str, Any] | None:
        with self._lock:
            if self._snapshot is not snapshot:
                self._snapshot, self._shown = snapshot, {}
            shown = self._shown.get(entity_id)
        if shown is not None:
            return shown
        found = snapshot.party(entity_id)
        if found is None:
            return None
        shown = entity_response(*found, dates=snapshot.dates)
        with self._lock:
            if len(self._shown) >= self.MAX_ENTRIES:
                self._shown.clear()
            if self._snapshot is snapshot:
                self._shown[entity_id] = shown
        return shown
