"""The Spark benchmark's pieces at a tiny size: its input file, its process sampler, and its row accounting
of a real Spark run (a spawned process with its own JVM, as the benchmark runs it) against screen-file's.

The lists are the dev benchmark's (OFAC's sdn.csv of 2024-05-03, tests/spark/conftest.py), so the index
builds in seconds; no figure is timed or compared with a target here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]

from bench.screening_speed import batch_in_fork
from bench.spark_speed import (
    COLUMNS,
    Kind,
    ProcessSampler,
    accounting_problems,
    count_spark_output,
    customer_parquet,
    masters_of,
    measure_spark,
    settings_of,
    spark_job,
)
from sanctionwatch.registry.store import Registry
from sanctionwatch.screening.frozen import FrozenSnapshot
from sanctionwatch.screening.screener import Screener

ROWS = 2_000


def test_the_input_is_one_parquet_file_of_screen_file_columns(tmp_path: Path) -> None:
    path = customer_parquet(tmp_path / "rows.parquet", ROWS, seed=7)
    table = pq.read_table(path)
    assert tuple(table.column_names) == COLUMNS
    assert table.num_rows == ROWS
    assert len(set(table.column("id").to_pylist())) == ROWS
    assert all(table.column("name").to_pylist())
    # The same seed, the same rows: both engines read the very same file in the benchmark.
    again = pq.read_table(customer_parquet(tmp_path / "again.parquet", ROWS, seed=7))
    assert again.equals(table)


def test_the_sampler_sees_a_process_tree_and_its_memory(tmp_path: Path) -> None:
    # A child that holds ~200 MB and starts a grandchild: both are found, with their peaks.
    script = (
        "import subprocess, sys, time\n"
        "block = bytearray(200 * 1024 * 1024)\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(3)'])\n"
        "time.sleep(2)\n"
        "child.wait()\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script])
    sampler = ProcessSampler(process.pid, every=0.2)
    sampler.start()
    process.wait()
    sampler.stop()
    root = sampler.peaks[process.pid]
    assert root.kind == Kind.DRIVER
    assert root.peak_mb >= 200
    assert root.cpu_s >= 0
    assert len(sampler.peaks) >= 2  # the grandchild too
    assert sampler.samples >= 5


def test_a_process_is_known_by_what_it_execs_not_by_the_shell_first_seen(tmp_path: Path) -> None:
    # spark-submit's shell scripts exec the JVM: the pid first seen as a shell becomes the JVM. Here a
    # shell sleeps, then execs a Python process that names itself the PySpark daemon.
    program = f"import time; time.sleep(2)  # {sys.executable}"
    shell = f"sleep 1; exec {sys.executable} -c '{program}' pyspark.daemon"
    process = subprocess.Popen(
        [sys.executable, "-c", f"import subprocess; subprocess.run(['sh', '-c', {shell!r}])"]
    )
    sampler = ProcessSampler(process.pid, every=0.2)
    sampler.start()
    process.wait()
    sampler.stop()
    [daemon] = sampler.of_kind(Kind.DAEMON)
    assert daemon.pid != process.pid and daemon.peak_mb > 0


def test_spark_runs_account_for_every_row_as_screen_file_does(
    spark: Any, dev_lists: tuple[str, FrozenSnapshot], tmp_path: Path
) -> None:
    url, frozen = dev_lists
    rows = customer_parquet(tmp_path / "rows.parquet", ROWS)
    registry = Registry.open(url)
    try:
        screener = Screener.from_registry(registry)
    finally:
        registry.close()
    expected_path = tmp_path / "screen-file.parquet"
    summary, _cpu = batch_in_fork(screener, expected_path, 2, rows)
    expected_rows = pq.read_metadata(expected_path).num_rows
    assert summary.rows == ROWS

    # In this process's session (local[2], the tests' own) ...
    in_session = tmp_path / "in-session.parquet"
    timing = spark_job(spark, "local[2]", rows, in_session, frozen.path)
    assert timing.partitions >= 1
    count = count_spark_output(in_session)
    assert accounting_problems(ROWS, count, summary, expected_rows) == []
    assert (count.distinct_rows, count.first_row, count.last_row) == (ROWS, 1, ROWS)
    assert count.with_hits == summary.with_hits
    # ... and the accounting does catch a row that went missing.
    assert accounting_problems(ROWS + 1, count, summary, expected_rows)

    # As the benchmark runs it: a spawned process with its own JVM, its processes sampled.
    spawned = tmp_path / "spawned.parquet"
    measure = measure_spark("local[1]", settings_of("local[1]", None), rows, spawned, frozen.path)
    assert measure.timing.master == "local[1]"
    assert accounting_problems(ROWS, count_spark_output(spawned), summary, expected_rows) == []
    [jvm] = measure.of_kind(Kind.JVM)
    assert jvm.peak_mb > 0
    workers = measure.of_kind(Kind.WORKER)
    assert workers, [(p.kind, p.pid) for p in measure.processes]
    assert all(worker.peak_mb > 0 for worker in workers)


def test_a_local_cluster_executor_asks_for_the_memory_its_worker_offers() -> None:
    assert masters_of("cluster", 512) == {"local-cluster[1,2,512]": 2, "local-cluster[1,1,512]": 1}
    assert masters_of("local", 512, (2,)) == {"local[2]": 2}
    assert settings_of("local-cluster[1,2,512]", "-XX:+UseSerialGC") == {
        "spark.executor.memory": "512m",
        "spark.executor.extraJavaOptions": "-XX:+UseSerialGC",
    }
    assert settings_of("local[2]", None) == {}
