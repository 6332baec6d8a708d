"""Helpers the routers share: the index snapshot, entity lookups, query errors as 400s."""

from __future__ import annotations

from fastapi import HTTPException

from sanctionwatch.api.state import ServiceState
from sanctionwatch.api.yente import DATASET_ALIASES
from sanctionwatch.model import Entity
from sanctionwatch.screening.live import Snapshot


def dataset_sources(state: ServiceState, dataset: str) -> tuple[str, ...]:
    """The sources a dataset name stands for (empty: all active ones); 404 for an unknown name."""
    if dataset in DATASET_ALIASES:
        return DATASET_ALIASES[dataset]
    active = {v.source for v in state.registry.active_versions()}
    if dataset in active:
        return (dataset,)
    known = sorted(set(DATASET_ALIASES) | active)
    raise HTTPException(404, f"unknown dataset {dataset!r}; known: {', '.join(known)}")


def indexed_entity(snapshot: Snapshot, entity_id: str) -> tuple[Entity, list[Entity]] | None:
    """An entity of the index in use and every record of its party (itself first)."""
    index = snapshot.screener.index
    position = index.position_of(entity_id)
    if position is None:
        return None
    records = [index.entities[r.position] for r in index.parties.records(position)]
    return index.entities[position], records
