"""Which sources a dataset name in a URL stands for."""

from __future__ import annotations

from fastapi import HTTPException

from sanctionwatch.api.yente import DATASET_ALIASES
from sanctionwatch.errors import InputError
from sanctionwatch.screening.live import Snapshot
from sanctionwatch.sources.datasets import sources_of_dataset


def dataset_sources(snapshot: Snapshot, dataset: str, *, parameter: str | None = None) -> tuple[str, ...]:
    """The sources a dataset name stands for (empty: all the index holds); 404 for an unknown name in
    the path, 400 naming the query `parameter` for one given there (`include_dataset`, ...).

    Read from the index in use, which knows its lists: no database query on every /match call.
    """
    if dataset in DATASET_ALIASES:
        return DATASET_ALIASES[dataset]
    active = {v.source for v in snapshot.versions}
    if dataset in active:
        return (dataset,)
    if named := sources_of_dataset(dataset, active):  # by its FtM dataset name, as yente's clients say
        return named
    known = ", ".join(sorted(set(DATASET_ALIASES) | active))
    if parameter is not None:
        raise InputError(f"{parameter}: unknown dataset {dataset!r}; known: {known}")
    raise HTTPException(404, f"unknown dataset {dataset!r}; known: {known}")
