"""The Spark job: a table of parties in, a table of results out, screened against one frozen snapshot.

Why it is built this way:
- The lists reach the executors once, as the frozen snapshot file (`screening.frozen`) shipped with
  `SparkContext.addFile`. Each Python worker checks the file's SHA-256 against the one the driver read,
  builds the index once, and keeps it for every later task (PySpark reuses its Python workers), so a
  partition costs its rows, not an index build.
- The driver never collects the input: rows are numbered with `zipWithIndex` (the row number a query
  without an id is known by, as in `screen-file`) and screened inside `mapPartitions`.
- Each input row goes through `parse_row` and `screen_row`, the functions `screen-file` uses, and
  leaves as `hit_rows` lays out screen-file's flat outputs: one row per hit, one row without hit columns
  for a query without hits, an `error` for a row that cannot be screened. Nothing is dropped: every input row gives at least one
  output row, with a `status` (hit, no_hit, error), the snapshot's hash, its list versions and the
  engine's version.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from pyspark import SparkFiles
from pyspark.sql import DataFrame, Row, SparkSession
from pyspark.sql.functions import col
from pyspark.sql.types import DoubleType, IntegerType, StringType, StructField, StructType

from sanctionwatch import __version__
from sanctionwatch.errors import InputError
from sanctionwatch.model import Entity
from sanctionwatch.screening.batch import screen_row
from sanctionwatch.screening.batchio import FIELDS, NEEDED, hit_rows, parse_row
from sanctionwatch.screening.frozen import FrozenSnapshot, describe_frozen, file_digest, read_frozen
from sanctionwatch.screening.query import Hit, Query
from sanctionwatch.screening.screener import Screener

__all__ = ["OUTPUT_SCHEMA", "Status", "screen_dataframe", "ship_snapshot"]


TASKS_PER_CORE = 4  # partitions per core the rows are spread over when the input has fewer


class Status:
    HIT = "hit"
    NO_HIT = "no_hit"
    ERROR = "error"


OUTPUT_SCHEMA = StructType(
    [
        StructField("id", StringType(), False),
        StructField("rank", IntegerType(), True),
        StructField("entity_id", StringType(), True),
        StructField("score", DoubleType(), True),
        StructField("matched_name", StringType(), True),
        StructField("source_ids", StringType(), True),
        StructField("programs", StringType(), True),
        StructField("error", StringType(), True),
        StructField("status", StringType(), False),
        StructField("row", IntegerType(), False),  # the input row's number (1-based, in the table's order)
        StructField("snapshot", StringType(), False),  # the frozen snapshot's SHA-256
        StructField("list_versions", StringType(), False),
        StructField("engine_version", StringType(), False),
    ]
)


@dataclass(frozen=True, slots=True)
class _Settings:
    """What every task needs: small and picklable (the snapshot itself travels as a file)."""

    file_name: str
    digest: str
    list_versions: str
    threshold: float | None
    limit: int
    only: frozenset[str] | None  # a delta re-screen: keep hits on these listed records only


def screen_dataframe(
    frame: DataFrame,
    snapshot: FrozenSnapshot,
    *,
    threshold: float | None = None,
    limit: int = 5,
    columns: Mapping[str, str] | None = None,
    only: Iterable[str] | None = None,
) -> DataFrame:
    """The results of screening every row of `frame` (lazily: nothing runs until they are written),
    against a snapshot `ship_snapshot` has sent to the executors.

    `columns` maps the table's column names to the query fields (`{"customer_name": "name"}`); a mapping
    naming a column the table lacks, or a field that does not exist, is refused. Columns that are no
    query field are not read. `only`: the listed records a delta re-screen keeps hits on.
    """
    if limit < 1:
        raise InputError(f"limit: must be 1 or more, not {limit}")
    selected = _query_columns(frame, columns or {})
    spark = frame.sparkSession
    settings = _Settings(
        Path(snapshot.path).name,
        snapshot.digest,
        snapshot.list_versions,
        threshold,
        limit,
        frozenset(only) if only is not None else None,
    )
    numbered = selected.rdd.zipWithIndex()
    # A task screens one partition: an input of few large files gives fewer partitions than cores
    # (one 4.4 MB Parquet file: one task, bench/RESULTS.md). The numbered rows are spread over several
    # tasks per core, a shuffle that costs far less than an idle core.
    wanted = spark.sparkContext.defaultParallelism * TASKS_PER_CORE
    if numbered.getNumPartitions() < wanted:
        numbered = numbered.repartition(wanted)
    results = numbered.mapPartitions(partial(_screen_partition, settings))
    return spark.createDataFrame(results, OUTPUT_SCHEMA)


def ship_snapshot(spark: SparkSession, uri: str) -> FrozenSnapshot:
    """Send the snapshot file (a local path, or any URI Spark reads: s3://, abfss://, hdfs://, dbfs:/)
    to every executor, and describe it from the driver's copy: its hash and its list versions."""
    spark.sparkContext.addFile(uri)
    return describe_frozen(Path(SparkFiles.get(Path(uri.rstrip("/")).name)))


def _query_columns(frame: DataFrame, columns: Mapping[str, str]) -> DataFrame:
    """The query fields of `frame`, as text, named as `screen-file` names them."""
    present = set(frame.columns)
    for source, field in columns.items():
        if source not in present:
            raise InputError(f"column mapping {source}={field}: the table has no column {source!r}")
        if field not in FIELDS:
            raise InputError(f"column mapping {source}={field}: {field!r} is not one of {', '.join(FIELDS)}")
    renamed = {
        **{c.lower(): c for c in frame.columns if c.lower() in FIELDS},
        **{f: s for s, f in columns.items()},
    }
    if not any(field in renamed for field in NEEDED):
        raise InputError(
            f"the table has none of the columns {', '.join(NEEDED)} (columns: {', '.join(frame.columns)}); "
            "map one with a column mapping"
        )
    return frame.select(*(col(source).cast("string").alias(field) for field, source in renamed.items()))


def _screen_partition(settings: _Settings, rows: Iterator[tuple[Row, int]]) -> Iterator[tuple[Any, ...]]:
    screener = _screener(settings)
    for row, index in rows:
        number = index + 1
        raw = {key: value for key, value in row.asDict().items() if value is not None}
        kept = screen_row(screener, number, parse_row(number, raw), settings.threshold, settings.limit)
        for flat in hit_rows(kept.id, kept.hits, kept.error):
            status = Status.ERROR if flat[7] else (Status.HIT if flat[1] is not None else Status.NO_HIT)
            yield (*flat, status, number, settings.digest, settings.list_versions, __version__)


# -- one index per Python worker process ---------------------------------------------------------

_LOCK = threading.Lock()
_SCREENERS: dict[str, Screener] = {}


def _screener(settings: _Settings) -> _Only | Screener:
    with _LOCK:
        screener = _SCREENERS.get(settings.digest)
        if screener is None:
            path = Path(SparkFiles.get(settings.file_name))
            if file_digest(path) != settings.digest:
                raise InputError(
                    f"{path}: the snapshot file changed since the job started (its SHA-256 differs)"
                )
            _snapshot, entities = read_frozen(path)
            _SCREENERS.clear()  # one snapshot at a time in a worker: an old index is memory nobody needs
            screener = _SCREENERS[settings.digest] = Screener.from_entities(entities)
    return screener if settings.only is None else _Only(screener, settings.only)


class _Only:
    """The screener of a delta re-screen: only the changed records may be hits (the limit counts them)."""

    def __init__(self, screener: Screener, only: frozenset[str]) -> None:
        self.screener = screener
        self.only = only

    def screen(self, query: Query, *, threshold: float | None = None, limit: int = 5) -> list[Hit]:
        return self.screener.screen(query, threshold=threshold, limit=limit, admits=self._admits)

    def _admits(self, records: Sequence[Entity]) -> bool:
        return any(record.id in self.only for record in records)
