"""Running the Spark job end to end: a session, the input table, the results written, their counts.

What `sanctionwatch spark-screen` and `spark-submit` (`python -m sanctionwatch.spark`) call. Formats are
named or taken from the path's extension; a table of the catalog is `--input-format table` with its
name as the input. The results are written once (an existing output is refused unless overwrite is
asked for), then read back to count rows by status, so the summary is what was written.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.functions import countDistinct

from sanctionwatch.errors import InputError
from sanctionwatch.screening.frozen import FrozenSnapshot
from sanctionwatch.spark.job import Status, screen_dataframe, ship_snapshot

__all__ = ["INPUT_FORMATS", "OUTPUT_FORMATS", "SparkRun", "read_table", "run_screen", "session"]

INPUT_FORMATS = ("parquet", "csv", "json", "orc", "delta", "table")
OUTPUT_FORMATS = ("parquet", "csv", "json", "orc", "delta")
_EXTENSIONS = {".parquet": "parquet", ".csv": "csv", ".json": "json", ".jsonl": "json", ".orc": "orc"}


@dataclass(frozen=True, slots=True)
class SparkRun:
    input: str
    output: str
    rows: int  # input rows, each in the output at least once
    with_hits: int
    errors: int
    snapshot: FrozenSnapshot
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "output": self.output,
            "rows": self.rows,
            "with_hits": self.with_hits,
            "errors": self.errors,
            "snapshot": self.snapshot.digest,
            "list_versions": self.snapshot.list_versions,
            "seconds": round(self.seconds, 3),
        }


def session(
    master: str | None = None, app_name: str = "sanctionwatch", conf: Mapping[str, str] | None = None
) -> SparkSession:
    """The active session, or a new one; with `master` (local[2], spark://..., yarn) it is built for it.

    In local mode the Python workers run this interpreter, so that they import what the driver imports
    (a cluster sets its own, e.g. PYSPARK_PYTHON in its environment). `conf` is Spark's own settings
    (spark.executor.memory ...); a key outside spark.* is refused, as Spark would only ignore it, and so
    is any setting when a session is already running (spark-submit's own session): it keeps the settings
    it started with, so they go to spark-submit's --conf instead."""
    unknown = sorted(key for key in conf or {} if not key.startswith("spark."))
    if unknown:
        raise InputError(f"--conf: {', '.join(unknown)} is not a Spark setting (spark.*)")
    if conf and SparkSession.getActiveSession() is not None:
        raise InputError(
            f"--conf: a Spark session is already running and keeps its settings ({', '.join(sorted(conf))}): "
            "give them to spark-submit's --conf"
        )
    builder = SparkSession.builder.appName(app_name)
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    if master is not None:
        builder = builder.master(master)
        if master.startswith("local"):
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            builder = builder.config("spark.pyspark.python", os.environ["PYSPARK_PYTHON"]).config(
                "spark.ui.enabled", "false"
            )
    # The console progress bars would mix with the command's own report on stderr.
    spark = builder.config("spark.ui.showConsoleProgress", "false").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    return spark


def read_table(spark: SparkSession, uri: str, fmt: str | None = None) -> DataFrame:
    fmt = fmt or _format_of(uri, "--input-format")
    if fmt not in INPUT_FORMATS:
        raise InputError(f"--input-format: {fmt!r} is not one of {', '.join(INPUT_FORMATS)}")
    try:
        if fmt == "table":
            return spark.table(uri)
        reader = spark.read.format(fmt)
        if fmt == "csv":
            reader = reader.option("header", True).option("encoding", "UTF-8").option("multiLine", True)
        return reader.load(uri)
    except AnalysisException as exc:  # no such path or table, a format Spark does not have
        raise InputError(f"--input {uri}: {_first_line(exc)}") from None


def run_screen(
    spark: SparkSession,
    *,
    input_uri: str,
    output_uri: str,
    snapshot_uri: str,
    input_format: str | None = None,
    output_format: str | None = None,
    threshold: float | None = None,
    limit: int = 5,
    columns: Mapping[str, str] | None = None,
    only: Iterable[str] | None = None,
    overwrite: bool = False,
) -> SparkRun:
    started = time.perf_counter()
    out_format = output_format or _format_of(output_uri, "--output-format", default="parquet")
    if out_format not in OUTPUT_FORMATS:
        raise InputError(f"--output-format: {out_format!r} is not one of {', '.join(OUTPUT_FORMATS)}")
    frame = read_table(spark, input_uri, input_format)
    snapshot = ship_snapshot(spark, snapshot_uri)
    results = screen_dataframe(frame, snapshot, threshold=threshold, limit=limit, columns=columns, only=only)
    writer = results.write.format(out_format).mode("overwrite" if overwrite else "errorifexists")
    if out_format == "csv":
        writer = writer.option("header", True)
    try:
        writer.save(output_uri)
    except AnalysisException as exc:  # the output exists (and --overwrite was not given), or cannot be made
        raise InputError(f"--output {output_uri}: {_first_line(exc)}") from None
    written = spark.read.format(out_format).schema(results.schema)
    if out_format == "csv":
        written = written.option("header", True)
    counts = {
        row["status"]: row["rows"]
        for row in written.load(output_uri)
        .groupBy("status")
        .agg(countDistinct("row").alias("rows"))
        .collect()
    }
    rows = sum(counts.values())
    return SparkRun(
        input_uri,
        output_uri,
        rows,
        counts.get(Status.HIT, 0),
        counts.get(Status.ERROR, 0),
        snapshot,
        time.perf_counter() - started,
    )


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _format_of(uri: str, option: str, *, default: str | None = None) -> str:
    for extension, fmt in _EXTENSIONS.items():
        if uri.lower().rstrip("/").endswith(extension):
            return fmt
    if default is not None:
        return default
    raise InputError(
        f"{option}: cannot tell the format of {uri!r} from its name; give one of {', '.join(INPUT_FORMATS)}"
    )
