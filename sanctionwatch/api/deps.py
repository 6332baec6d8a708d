"""Which sources a dataset name in a URL stands for."""

from __future__ import annotations

from fastapi import HTTPException

from sanctionwatch.api.yente import DATASET_ALIASES
from sanctionwatch.model import FTM_SOURCE_PREFIX
from sanctionwatch.screening.live import Snapshot


def dataset_sources(snapshot: Snapshot, dataset: str) -> tuple[str, ...]:
    """The sources a dataset name stands for (empty: all the index holds); 404 for an unknown name.

    Read from the index in use, which knows its lists: no database query on every /match call.
    """
    if dataset in DATASET_ALIASES:
        return DATASET_ALIASES[dataset]
    active = {v.source for v in snapshot.versions}
    if dataset in active:
        return (dataset,)
    if f"{FTM_SOURCE_PREFIX}{dataset}" in active:  # an FtM dataset by its own name, as yente's clients say
        return (f"{FTM_SOURCE_PREFIX}{dataset}",)
    known = sorted(set(DATASET_ALIASES) | active)
    raise HTTPException(404, f"unknown dataset {dataset!r}; known: {', '.join(known)}")
