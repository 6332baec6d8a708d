"""Which sources a dataset name in a URL stands for."""

from __future__ import annotations

from fastapi import HTTPException

from sanctionwatch.api.state import ServiceState
from sanctionwatch.api.yente import DATASET_ALIASES


def dataset_sources(state: ServiceState, dataset: str) -> tuple[str, ...]:
    """The sources a dataset name stands for (empty: all active ones); 404 for an unknown name."""
    if dataset in DATASET_ALIASES:
        return DATASET_ALIASES[dataset]
    active = {v.source for v in state.registry.active_versions()}
    if dataset in active:
        return (dataset,)
    known = sorted(set(DATASET_ALIASES) | active)
    raise HTTPException(404, f"unknown dataset {dataset!r}; known: {', '.join(known)}")
