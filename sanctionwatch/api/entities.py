"""Listed parties as the API shows them: found in the index snapshot, converted once per snapshot."""

from __future__ import annotations

import threading
from typing import Any

from sanctionwatch.api.yente import entity_response
from sanctionwatch.model import Entity
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
        found = indexed_entity(snapshot, entity_id)
        if found is None:
            return None
        shown = entity_response(*found)
        with self._lock:
            if len(self._shown) >= self.MAX_ENTRIES:
                self._shown.clear()
            if self._snapshot is snapshot:
                self._shown[entity_id] = shown
        return shown


def indexed_entity(snapshot: Snapshot, entity_id: str) -> tuple[Entity, list[Entity]] | None:
    """An entity of the index in use and every record of its party (itself first)."""
    index = snapshot.screener.index
    position = index.position_of(entity_id)
    if position is None:
        return None
    records = [index.entities[r.position] for r in index.parties.records(position)]
    return index.entities[position], records


class IncomingLinks:
    """Per index snapshot, which parties link *to* each party: the lists record a link once, on one
    side (a vessel 'owned by' its company), and an analyst reading the company needs the other side."""

    def __init__(self) -> None:
        self._snapshot: Snapshot | None = None
        self._incoming: dict[str, list[tuple[str, str]]] = {}
        self._lock = threading.Lock()

    def of(self, snapshot: Snapshot, entity_id: str) -> list[tuple[str, str]]:
        """(id of the linking party, the relation in the list's words) for every link pointing at the party."""
        with self._lock:
            if self._snapshot is not snapshot:
                incoming: dict[str, list[tuple[str, str]]] = {}
                for entity in snapshot.screener.index.entities:
                    for link in entity.links:
                        incoming.setdefault(f"{entity.source}:{link.target}", []).append(
                            (entity.id, link.kind)
                        )
                self._snapshot, self._incoming = snapshot, incoming
            return list(self._incoming.get(entity_id, ()))
