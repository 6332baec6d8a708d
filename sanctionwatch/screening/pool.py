"""Screening work spread over every core: forked workers that share the index instead of copying it.

The index is large and slow to build, so worker processes are forked after it exists and find it in
a module-level global: the operating system shares its pages copy-on-write and nothing is pickled.
Only the small things travel: chunks of work out, their results back, in submission order.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

__all__ = ["available_cores", "can_fork", "map_in_workers"]

IN_FLIGHT = 3  # chunks queued per worker: keeps workers busy without reading all the input ahead

Chunk = TypeVar("Chunk")
Result = TypeVar("Result")

# Set in the parent just before the pool forks; workers read it, never receive it.
_SHARED: Any = None


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def map_in_workers(
    shared: Any, work: Callable[[Any, Chunk], Result], chunks: Iterable[Chunk], workers: int
) -> Iterator[Result]:
    """`work(shared, chunk)` for every chunk, in `workers` forked processes; results in input order.

    `work` must be a module-level function (or a functools.partial of one): it travels by name.
    A bounded queue keeps memory flat however many chunks there are.
    """
    global _SHARED
    _SHARED = shared
    # Frozen objects are left alone by the collector, so children do not copy pages just to scan them.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pending: deque[Any] = deque()
            for chunk in chunks:
                pending.append(pool.apply_async(_in_worker, (work, chunk)))
                if len(pending) >= workers * IN_FLIGHT:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
    finally:
        _SHARED = None
        gc.unfreeze()


def _in_worker(work: Callable[[Any, Any], Any], chunk: Any) -> Any:
    assert _SHARED is not None, "worker forked before the shared object was set"
    return work(_SHARED, chunk)
