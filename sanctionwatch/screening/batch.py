"""Screen a whole file: read queries, screen them on every core, write the results in input order.

The workers (screening.pool) share the index; chunks of a few hundred queries go out, and their
results come back already encoded for the output (a JSON line, or flat rows), so the parent only writes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Protocol

from sanctionwatch.screening.batchio import (
    Encoded,
    Record,
    Row,
    RowError,
    encode,
    hit_rows,
    open_writer,
    output_format,
    read_queries,
    result_record,
)
from sanctionwatch.screening.pool import available_cores, can_fork, map_in_workers
from sanctionwatch.screening.query import Hit, Query, QueryError

__all__ = ["BatchSummary", "RowResult", "screen_file", "screen_row"]


class Screener(Protocol):
    """All the runner needs of `screening.screener.Screener`, so it neither imports nor pins the engine."""

    def screen(self, query: Query, *, threshold: float | None = None, limit: int = 5) -> list[Hit]: ...


CHUNK_SIZE = 250  # queries per task: big enough to amortize the round trip, small enough to balance load

Chunk = list[Row]


@dataclass(frozen=True, slots=True)
class RowResult:
    """One row as screened, the hits as objects: for a caller that keeps more than the output file
    (the receipts of every row). `query` is the row as read, also when it was refused (`error`); None
    when the row could not be read as a query at all."""

    row: int
    id: str  # the caller's id, else the row number: what the output echoes
    query: Query | None
    hits: list[Hit]
    error: str | None


@dataclass(frozen=True, slots=True)
class BatchSummary:
    rows: int
    with_hits: int
    errors: int
    elapsed: float  # seconds, reading and writing included
    workers: int  # processes that screened (1: in this process)


def screen_file(
    screener: Screener,
    input_path: Path,
    output_path: Path,
    *,
    threshold: float | None = None,
    limit: int = 5,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
    on_result: Callable[[RowResult], None] | None = None,
) -> BatchSummary:
    """Screen every record of `input_path` into `output_path`, one result per record, in input order.

    `workers=None` uses every available core, but a file that fits in one chunk is screened in this
    process (forking costs more than it saves). `progress` receives the number of rows written so
    far after each chunk. `on_result` receives every row's `RowResult`, in input order (the workers
    then send the hits back as objects too). A bad input file or output name raises before any output
    exists.
    """
    started = time.perf_counter()
    fmt = output_format(output_path)
    rows = read_queries(input_path)
    chunks = _chunked(rows, chunk_size)
    wanted = available_cores() if workers is None else max(1, workers)
    settings = (threshold, limit, fmt, on_result is not None)
    used, results = _screened(screener, chunks, settings, wanted, auto=workers is None)
    count = with_hits = errors = 0
    with open_writer(output_path) as writer:
        for outcomes in results:
            for encoded, has_hits, failed, kept in outcomes:
                writer.write_encoded(encoded)
                if on_result is not None and kept is not None:
                    on_result(kept)
                with_hits += has_hits
                errors += failed
            count += len(outcomes)
            if progress is not None:
                progress(count)
    return BatchSummary(count, with_hits, errors, time.perf_counter() - started, used)


def _chunked(rows: Iterable[Row], size: int) -> Iterator[Chunk]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


Settings = tuple[float | None, int, str, bool]  # threshold, limit, output format, keep the RowResults?
# One row's result as a worker sends it back: encoded for the output, with hits?, an error?, the row
# as screened (when kept)
Outcome = tuple[Encoded, bool, bool, RowResult | None]


def _screened(
    screener: Screener, chunks: Iterator[Chunk], settings: Settings, workers: int, *, auto: bool
) -> tuple[int, Iterator[list[Outcome]]]:
    """How many processes will screen, and the result records chunk by chunk in input order."""
    if workers > 1 and auto:
        first = next(chunks, None)
        second = next(chunks, None)
        ahead = [c for c in (first, second) if c is not None]
        chunks = _chain(ahead, chunks)
        if len(ahead) < 2:
            workers = 1
    if workers <= 1 or not can_fork():
        return 1, (_screen_rows(screener, chunk, settings) for chunk in chunks)
    return workers, map_in_workers(screener, partial(_screen_chunk, settings=settings), chunks, workers)


def _chain(ahead: list[Chunk], rest: Iterator[Chunk]) -> Iterator[Chunk]:
    yield from ahead
    yield from rest


def _screen_chunk(screener: Screener, chunk: Chunk, *, settings: Settings) -> list[Outcome]:
    return _screen_rows(screener, chunk, settings)


def _screen_rows(screener: Screener, chunk: Chunk, settings: Settings) -> list[Outcome]:
    """Screen and encode a chunk: the output's encoding is done here too, in parallel in the workers."""
    threshold, limit, fmt, keep = settings
    outcomes: list[Outcome] = []
    for row, query in chunk:
        kept = screen_row(screener, row, query, threshold, limit)
        outcomes.append(
            (encoded_row(fmt, kept), bool(kept.hits), kept.error is not None, kept if keep else None)
        )
    return outcomes


def encoded_row(fmt: str, kept: RowResult) -> Encoded:
    """A screened row as format `fmt` puts it down; a flat format's rows without the hits' explanations."""
    if fmt == "jsonl":
        return encode(fmt, kept_record(kept))
    return hit_rows(kept.id, kept.hits, kept.error)


def screen_row(
    screener: Screener, row: int, query: Query | QueryError, threshold: float | None, limit: int
) -> RowResult:
    """One row screened, its hits kept as objects: what screen-file writes, and the Spark job too."""
    if isinstance(query, QueryError):
        error = query if isinstance(query, RowError) else RowError(row, str(query))
        return RowResult(row, error.id, error.query, [], str(error))
    try:
        hits = screener.screen(query, threshold=threshold, limit=limit)
    except QueryError as exc:  # the screener's own checks, should they be stricter than the reader's
        error = RowError(row, str(exc), id=query.id)
        return RowResult(row, error.id, query, [], str(error))
    return RowResult(row, query.id or str(row), query, hits, None)


def kept_record(kept: RowResult) -> Record:
    """The output record of a screened row."""
    if kept.error is not None:
        return {"id": kept.id, "hits": [], "error": kept.error}
    return result_record(kept.id, kept.hits)
