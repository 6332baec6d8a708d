"""Spark speed (issue 21): the Spark job in local mode beside `screen-file`, on the same Parquet file.

Usage: PYTHONPATH=$PWD .venv/bin/python -m bench.spark_speed [--rows 1000000] [--repeat 1] [--db PATH]
       [--seed N] [--mode local|cluster] [--executor-memory MB]
       [--executor-java-options OPTS] [--cores 1,2|2] [--no-write]

1. The lists: the files of bench.screening_speed's LIST_FILES (OFAC SDN advanced XML, OFAC Consolidated,
   UN, UK) ingested into a scratch SQLite registry (in a child process, as that bench does; --db keeps
   it in a file and reuses it), then frozen (`screening.frozen.freeze`) into the snapshot file the job
   ships. The per-worker index build is timed here, in this process: `read_frozen` + `Screener.from_entities`,
   what every Spark Python worker does once before its first row.
2. The rows: --rows customers of bench.monitoring_speed's generator (`ordinary_customers`, --seed),
   written as ONE Parquet file with screen-file's columns id, name, schema, birth_date, country (the
   first birth date and country a customer has, else null), in row groups of ROW_GROUP_ROWS rows so that
   Spark can split the file between its cores (a Parquet split is made of whole row groups).
3. Side by side, on that one file, in this order (and reversed in every other round with --repeat):
   a. `screen_file(Screener.from_registry(...), rows.parquet, out.parquet, workers=2)` in a fresh fork of
      this process (bench.screening_speed.batch_in_fork): wall time = screen_file's own elapsed time
      (reading + screening + writing; the index is built before, not counted);
   b. the Spark job in a fresh process (one JVM per run), session("local[2]") (with --mode cluster:
      "local-cluster[1,2,MB]", an executor JVM apart from the driver's, as on a cluster, with a heap
      of --executor-memory MB, default 512): wall time = read_table +
      ship_snapshot + screen_dataframe + write Parquet, i.e. everything the job does once the session is
      up, the index builds in the Python workers included; the session start is reported apart;
   c. the same with session("local[1]") (--mode cluster: "local-cluster[1,1,MB]").
   rows/s = input rows / wall time; ratio = Spark's rows/s / screen-file's.
   [target: Spark local[2] >= 80 % of screen-file's throughput]
4. Memory of each Spark run: a thread of this process reads /proc every SAMPLE_EVERY seconds for the
   descendants of the run's process: the JVM (driver and executor in one, local mode), the PySpark
   daemon, and the Python workers it forks (one per running task, reused across tasks). Per process:
   the largest VmRSS sampled and VmHWM (the kernel's own peak of resident memory, which catches what
   falls between two samples), last read while the process lived; CPU = utime + stime at the last sample.
   [target: executor memory per core <= 1 GB: one Python worker per core, plus the JVM's share]
5. The accounting, read back with pyarrow (not Spark): every Spark output has exactly one status per
   input row (distinct `row` == input rows, numbered 1..N), and as many rows with hits, and as many
   output rows, as screen-file's output. Equality row by row is tests/spark's job.
The CPU reference (bench.screening_speed.cpu_reference) is printed at start and end. The table, and an
extrapolation to a 64-core cluster screening 200 million rows, are printed and, unless --no-write,
appended as a dated section to bench/RESULTS.md. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from bench.monitoring_speed import ordinary_customers
from bench.screening_speed import (
    LIST_FILES,
    RESULTS,
    SEED,
    Row,
    batch_in_fork,
    build_registry,
    command_line,
    cpu_model,
    cpu_reference,
    git_revision,
    nproc,
    render,
    timed,
)
from sanctionwatch.registry.store import Registry
from sanctionwatch.screening.batch import BatchSummary
from sanctionwatch.screening.frozen import FrozenSnapshot, freeze, read_frozen
from sanctionwatch.screening.screener import Screener

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

ROWS = 1_000_000
ROW_GROUP_ROWS = 50_000
SAMPLE_EVERY = 0.5  # seconds between two reads of /proc
RATIO_TARGET = 0.80
MEMORY_TARGET_MB = 1024.0  # per core
CLUSTER_CORES = 64
CLUSTER_ROWS = 200_000_000
COLUMNS = ("id", "name", "schema", "birth_date", "country")
_TICKS = os.sysconf("SC_CLK_TCK")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- the rows --------------------------------------------------------------------------------------


def customer_parquet(path: Path, rows: int, seed: int = SEED) -> Path:
    """`rows` generated customers as one Parquet file of screen-file's columns, in row groups."""
    columns: dict[str, list[str | None]] = {name: [] for name in COLUMNS}
    for customer in ordinary_customers(rows, seed):
        columns["id"].append(customer.id)
        columns["name"].append(customer.name)
        columns["schema"].append(customer.schema or None)
        columns["birth_date"].append(customer.birth_dates[0] if customer.birth_dates else None)
        columns["country"].append(customer.countries[0] if customer.countries else None)
    table = pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})
    pq.write_table(table, path, row_group_size=ROW_GROUP_ROWS)
    return path


# ---- memory and CPU of a Spark run's processes ----------------------------------------------------


class Kind:
    DRIVER = "driver (Python)"
    JVM = "JVM"  # the driver's (in local mode also the executor)
    EXECUTOR = "executor JVM"  # a JVM started by a JVM: local-cluster's executor
    DAEMON = "PySpark daemon"
    WORKER = "Python worker"
    OTHER = "other"


@dataclass(slots=True)
class ProcessPeak:
    pid: int
    kind: str
    rss_mb: float = 0.0  # the largest VmRSS sampled
    hwm_mb: float = 0.0  # VmHWM at the last read: the kernel's peak RSS
    cpu_s: float = 0.0  # utime + stime at the last read

    @property
    def peak_mb(self) -> float:
        return max(self.rss_mb, self.hwm_mb)


class ProcessSampler(threading.Thread):
    """Reads /proc every `every` seconds for `root` and its descendants, keeping each one's peaks."""

    def __init__(self, root: int, every: float = SAMPLE_EVERY) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.every = every
        self.peaks: dict[int, ProcessPeak] = {}
        self.samples = 0
        self._done = threading.Event()

    def run(self) -> None:
        while True:
            self.sample()
            if self._done.wait(self.every):
                return

    def stop(self) -> None:
        self._done.set()
        self.join()

    def sample(self) -> None:
        parents = _parents()
        kinds: dict[int, str] = {}
        for pid in _descendants(self.root, parents):
            kind = kinds[pid] = _kind(pid, self.root, parents.get(pid, 0), kinds)
            figures = _figures(pid)
            if figures is None:  # ended meanwhile
                continue
            rss, hwm, cpu = figures
            peak = self.peaks.setdefault(pid, ProcessPeak(pid, kind))
            if kind != Kind.OTHER:  # first seen as the shell that then exec'd the JVM: it is the JVM now
                peak.kind = kind
            peak.rss_mb = max(peak.rss_mb, rss)
            peak.hwm_mb = max(peak.hwm_mb, hwm)
            peak.cpu_s = max(peak.cpu_s, cpu)
        self.samples += 1

    def of_kind(self, kind: str) -> list[ProcessPeak]:
        return sorted((p for p in self.peaks.values() if p.kind == kind), key=lambda p: p.pid)


def _parents() -> dict[int, int]:
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None:
                parents[int(entry.name)] = int(stat[1])
    return parents


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state, ppid, ...), or None if it ended."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def _descendants(root: int, parents: dict[int, int]) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _kind(pid: int, root: int, parent: int, kinds: dict[int, str]) -> str:
    if pid == root:
        return Kind.DRIVER
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return Kind.OTHER
    program = Path(argv[0].decode(errors="replace")).name if argv else ""
    if program == "java":
        if b"org.apache.spark.launcher.Main" in argv:
            return Kind.OTHER  # spark-class's short-lived JVM that only prints the real JVM's command line
        return Kind.EXECUTOR if kinds.get(parent) == Kind.JVM else Kind.JVM
    if program.startswith("python"):
        if kinds.get(parent) == Kind.DAEMON:
            return Kind.WORKER  # forked by the daemon: its cmdline is the daemon's
        if b"pyspark.daemon" in argv:
            return Kind.DAEMON
        if kinds.get(parent) in (Kind.JVM, Kind.EXECUTOR):
            return Kind.WORKER  # started by the JVM itself (no daemon)
    return Kind.OTHER


def _figures(pid: int) -> tuple[float, float, float] | None:
    """VmRSS and VmHWM (MB), CPU seconds of a process; None if it ended."""
    stat = _stat(pid)
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    if stat is None:
        return None
    memory = {
        line.split(":")[0]: int(line.split()[1]) / 1024
        for line in lines
        if line.startswith(("VmRSS", "VmHWM"))
    }
    cpu = (int(stat[11]) + int(stat[12])) / _TICKS
    return memory.get("VmRSS", 0.0), memory.get("VmHWM", 0.0), cpu


# ---- one Spark run, in a process of its own ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SparkTiming:
    master: str
    session_s: float  # starting the session (JVM included when it is new)
    job_s: float  # read_table + ship_snapshot + screen_dataframe + write Parquet
    partitions: int  # of the input


def spark_job(
    spark: SparkSession, master: str, input_path: Path, output_path: Path, snapshot: Path
) -> SparkTiming:
    """The job as `run_screen` runs it, without its read-back: the input read, the snapshot shipped, every
    row screened and the results written as Parquet. Returns when the write has finished."""
    from sanctionwatch.spark.job import screen_dataframe, ship_snapshot
    from sanctionwatch.spark.run import read_table

    started = time.perf_counter()
    frame = read_table(spark, str(input_path))
    partitions = frame.rdd.getNumPartitions()  # planned from the file's splits: no job runs
    shipped = ship_snapshot(spark, str(snapshot))
    screen_dataframe(frame, shipped).write.parquet(str(output_path))
    return SparkTiming(master, 0.0, time.perf_counter() - started, partitions)


def _spark_child(
    master: str,
    settings: dict[str, str],
    input_path: Path,
    output_path: Path,
    snapshot: Path,
    sender: Connection,
) -> None:
    """A Spark run in a fresh process: its own JVM, its own Python workers, nothing warmed before it."""
    try:
        from sanctionwatch.spark.run import session

        started = time.perf_counter()
        spark = session(master, f"sanctionwatch-bench-{master}", conf=settings)
        session_s = time.perf_counter() - started
        try:
            timing = spark_job(spark, master, input_path, output_path, snapshot)
        finally:
            spark.stop()
        sender.send(SparkTiming(timing.master, session_s, timing.job_s, timing.partitions))
    except BaseException:  # the parent reports it, whatever it is
        sender.send(traceback.format_exc())


@dataclass(slots=True)
class SparkMeasure:
    timing: SparkTiming
    processes: list[ProcessPeak]
    samples: int

    def of_kind(self, kind: str) -> list[ProcessPeak]:
        return [p for p in self.processes if p.kind == kind]


def measure_spark(
    master: str, settings: dict[str, str], input_path: Path, output_path: Path, snapshot: Path
) -> SparkMeasure:
    """The Spark job in a spawned process (a fresh interpreter, then its JVM), its processes sampled."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_spark_child, args=(master, settings, input_path, output_path, snapshot, sender)
    )
    child.start()
    assert child.pid is not None
    sampler = ProcessSampler(child.pid)
    sampler.start()
    try:
        while not receiver.poll(1.0):
            if not child.is_alive():
                raise RuntimeError(f"Spark run ({master}) exited with code {child.exitcode}")
        answer = receiver.recv()
    finally:
        sampler.stop()
        child.join()
    if isinstance(answer, str):
        raise RuntimeError(f"Spark run ({master}) failed:\n{answer}")
    return SparkMeasure(answer, sorted(sampler.peaks.values(), key=lambda p: p.pid), sampler.samples)


# ---- the accounting -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SparkCount:
    output_rows: int
    distinct_rows: int  # input rows with a status
    first_row: int
    last_row: int
    with_hits: int  # input rows with status hit
    errors: int  # input rows with status error
    per_task: tuple[int, ...]  # input rows in each part file (one per task that had rows): the balance


def count_spark_output(path: Path) -> SparkCount:
    """What the Spark job wrote, read back with pyarrow (Spark's _SUCCESS and .crc files are skipped)."""
    parts = sorted(path.glob("part-*.parquet"))
    per_task = tuple(
        int(pc.count_distinct(pq.read_table(part, columns=["row"]).column("row")).as_py()) for part in parts
    )
    table = pq.read_table(path, columns=["row", "status"])
    rows = table.column("row")
    status = table.column("status")

    def distinct_with(value: str) -> int:
        return int(pc.count_distinct(pc.filter(rows, pc.equal(status, value))).as_py())

    return SparkCount(
        table.num_rows,
        int(pc.count_distinct(rows).as_py()),
        int(pc.min(rows).as_py()),
        int(pc.max(rows).as_py()),
        distinct_with("hit"),
        distinct_with("error"),
        per_task,
    )


def accounting_problems(
    rows: int, spark: SparkCount, screen_file: BatchSummary, screen_file_rows: int
) -> list[str]:
    """What breaks the row contract or differs from screen-file (empty when all holds)."""
    problems = []
    if (spark.distinct_rows, spark.first_row, spark.last_row) != (rows, 1, rows):
        problems.append(
            f"{spark.distinct_rows:,} input rows with a status, numbered {spark.first_row}..{spark.last_row}, "
            f"for {rows:,} input rows"
        )
    if spark.with_hits != screen_file.with_hits:
        problems.append(f"{spark.with_hits:,} rows with hits, screen-file {screen_file.with_hits:,}")
    if spark.errors != screen_file.errors:
        problems.append(f"{spark.errors:,} rows in error, screen-file {screen_file.errors:,}")
    if spark.output_rows != screen_file_rows:
        problems.append(f"{spark.output_rows:,} output rows, screen-file {screen_file_rows:,}")
    return problems


def worker_build(snapshot: Path) -> tuple[float, float]:
    """Seconds to read the snapshot and to build the index from it: what a Python worker does once."""
    (_frozen, entities), read_s = timed(lambda: read_frozen(snapshot))
    _screener, index_s = timed(lambda: Screener.from_entities(entities))
    return read_s, index_s


# ---- the run ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Round:
    screen_file: BatchSummary | None = None
    screen_file_cpu: float = 0.0
    screen_file_rows: int = 0
    spark: dict[str, SparkMeasure] = field(default_factory=dict)
    counts: dict[str, SparkCount] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)


SCREEN_FILE = "screen-file"
# The two masters a run compares, by mode: the 2-core one first. `local` runs driver and executor in one
# JVM; `cluster` is Spark's own local-cluster master: a driver JVM (with an in-process standalone master
# and worker) and one executor JVM of its own, as on a real cluster, so that the executor's memory is
# measured apart from the driver's. Its last figure is the executor's heap in MB (spark.executor.memory,
# --executor-memory): the JVM needs little of its own, since the rows are screened in the Python workers.
MODES = ("local", "cluster")
EXECUTOR_MEMORY_MB = 512


def settings_of(master: str, java_options: str | None) -> dict[str, str]:
    """A local-cluster master's worker offers its last figure in MB: the executor asks for all of it
    (Spark's default ask, 1 GB, would not fit a smaller worker), with the executor JVM's options if any."""
    if not master.startswith("local-cluster["):
        return {}
    settings = {"spark.executor.memory": f"{master.rstrip(']').split(',')[-1]}m"}
    if java_options:
        settings["spark.executor.extraJavaOptions"] = java_options
    return settings


def masters_of(mode: str, executor_mb: int, cores: tuple[int, ...] = (2, 1)) -> dict[str, int]:
    """The 2-core and the 1-core master of a mode (or those of `cores`), with their cores."""
    if mode == "local":
        return {f"local[{n}]": n for n in cores}
    return {f"local-cluster[1,{n},{executor_mb}]": n for n in cores}


def run_round(
    number: int,
    screener: Screener,
    input_path: Path,
    snapshot: Path,
    scratch: Path,
    masters: dict[str, int],
    java_options: str | None = None,
) -> Round:
    result = Round()
    order = [SCREEN_FILE, *masters]
    if number % 2:
        order.reverse()
    result.order = order
    for what in order:
        if what == SCREEN_FILE:
            output = scratch / f"screen-file-{number}.parquet"
            _log(f"round {number + 1}: screen_file, workers=2 ...")
            result.screen_file, result.screen_file_cpu = batch_in_fork(screener, output, 2, input_path)
            result.screen_file_rows = pq.read_metadata(output).num_rows
            output.unlink()
        else:
            output = scratch / f"spark-{masters[what]}-{number}.parquet"
            _log(f"round {number + 1}: Spark job, {what} ...")
            result.spark[what] = measure_spark(
                what, settings_of(what, java_options), input_path, output, snapshot
            )
            result.counts[what] = count_spark_output(output)
            shutil.rmtree(output)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=ROWS, help="generated customer rows")
    parser.add_argument("--repeat", type=int, default=1, help="rounds, the order reversed every other one")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--db", type=Path, default=None, help="SQLite file to keep the registry in; reused if it exists"
    )
    parser.add_argument(
        "--mode",
        choices=sorted(MODES),
        default="local",
        help="local: local[2] and local[1]; cluster: local-cluster masters, the executor in a JVM of its own",
    )
    parser.add_argument(
        "--executor-memory",
        type=int,
        default=None,
        help=f"--mode cluster: the executor JVM's heap in MB (default {EXECUTOR_MEMORY_MB})",
    )
    parser.add_argument(
        "--executor-java-options",
        default=None,
        help="--mode cluster: spark.executor.extraJavaOptions, e.g. '-XX:+UseSerialGC'",
    )
    parser.add_argument(
        "--cores",
        choices=("1,2", "2"),
        default="1,2",
        help="2: the 2-core Spark run only (no scaling figure), to measure the targets in half the time",
    )
    parser.add_argument("--no-write", action="store_true", help=f"do not append to {RESULTS.name}")
    args = parser.parse_args()
    if args.rows < 1 or args.repeat < 1:
        parser.error("--rows and --repeat must be 1 or more")
    for given, option in (
        (args.executor_memory, "--executor-memory"),
        (args.executor_java_options, "--executor-java-options"),
    ):
        if given is not None and args.mode != "cluster":
            parser.error(f"{option}: only --mode cluster starts an executor JVM of its own")
    if args.executor_memory is not None and args.executor_memory < 256:
        parser.error("--executor-memory: at least 256 (MB)")
    cores = (2, 1) if args.cores == "1,2" else (2,)
    masters = masters_of(args.mode, args.executor_memory or EXECUTOR_MEMORY_MB, cores)
    command = command_line("bench.spark_speed")
    machine = (
        f"{nproc()} cores, {cpu_model()}, {platform.python_implementation()} {platform.python_version()}"
    )
    revision = git_revision()
    print(f"command: {command}\nmachine: {machine}; code: {revision}", flush=True)
    load_start = os.getloadavg()[0]
    reference_start = cpu_reference()
    print(f"CPU reference: {reference_start:.2f} s (10 M-step pure-Python loop, best of 3)\n", flush=True)
    run_started = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="sw-spark-") as scratch_dir:
        scratch = Path(scratch_dir)
        db_path = args.db or scratch / "registry.db"
        url = f"sqlite:///{db_path}"
        if args.db is None or not db_path.exists():
            _log("building the registry (OFAC SDN + Consolidated, UN, UK) ...")
            with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
                _built, registry_s = timed(lambda: pool.submit(build_registry, url, LIST_FILES).result())
            registry_note = f"built in {registry_s:.0f} s (child process)"
        else:
            registry_note = f"reused {db_path}"
        registry = Registry.open(url)
        try:
            _log("freezing the lists ...")
            frozen, freeze_s = timed(lambda: freeze(registry, scratch / "lists.swsnap"))
            _log(f"generating {args.rows:,} customer rows ...")
            input_path, generate_s = timed(
                lambda: customer_parquet(scratch / "rows.parquet", args.rows, args.seed)
            )
            _log("timing a Python worker's index build (read_frozen + Screener.from_entities) ...")
            read_s, index_s = worker_build(frozen.path)
            _log("building screen-file's index (Screener.from_registry) ...")
            screener, registry_index_s = timed(lambda: Screener.from_registry(registry))
        finally:
            registry.close()

        rounds = [
            run_round(n, screener, input_path, frozen.path, scratch, masters, args.executor_java_options)
            for n in range(args.repeat)
        ]
        figures = Figures(
            rows=args.rows,
            masters=masters,
            rounds=rounds,
            frozen=frozen,
            worker_build_s=read_s + index_s,
            read_s=read_s,
            index_s=index_s,
            registry_index_s=registry_index_s,
            freeze_s=freeze_s,
            generate_s=generate_s,
            input_mb=input_path.stat().st_size / 1e6,
            snapshot_mb=frozen.path.stat().st_size / 1e6,
            row_groups=pq.read_metadata(input_path).num_row_groups,
            registry_note=registry_note,
        )
    reference_end = cpu_reference()
    rows = figures.table()
    rows.append(
        Row(
            "whole benchmark run",
            f"{time.perf_counter() - run_started:.0f} s",
            note=f"1-min load average {load_start:.2f} at start, {os.getloadavg()[0]:.2f} at end "
            "(other work on the machine inflates wall-clock figures)",
        )
    )
    rows.append(
        Row(
            "CPU reference: 10 M-step pure-Python loop, best of 3",
            f"{reference_start:.2f} s at start, {reference_end:.2f} s at end",
            note="shared machines vary from hour to hour: compare runs only at similar values",
        )
    )
    table = render(rows)
    extrapolation = figures.extrapolation()
    memory = figures.memory_note()
    print()
    print(table)
    print()
    print(memory)
    print()
    print(extrapolation)
    problems = figures.problems()
    if not args.no_write:
        section = (
            f"\n## Spark job beside screen-file (issue 21): {args.rows:,} rows, {date.today().isoformat()}\n\n"
            f"Targets (2 cores): Spark {figures.two} >= {RATIO_TARGET:.0%} of screen-file's throughput, measured side "
            "by side in one run; executor memory per core <= 1 GB.\n"
            f"Machine: {machine}. Code: {revision}. CPU reference {reference_start:.2f} s at start, "
            f"{reference_end:.2f} s at end.\n"
            f"Command: `{command}`\n\n"
            f"{table}\n\n{memory}\n\n{extrapolation}\n"
        )
        existing = RESULTS.read_text(encoding="utf-8")
        RESULTS.write_text(existing.rstrip("\n") + "\n" + section, encoding="utf-8")
        print(f"\nappended to {RESULTS.relative_to(RESULTS.parents[1])}")
    if problems:
        raise SystemExit("row accounting failed:\n" + "\n".join(problems))


# ---- the figures -----------------------------------------------------------------------------------------


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


@dataclass(slots=True)
class Figures:
    rows: int
    masters: dict[str, int]  # master: its cores, the 2-core one first
    rounds: list[Round]
    frozen: FrozenSnapshot
    worker_build_s: float
    read_s: float
    index_s: float
    registry_index_s: float
    freeze_s: float
    generate_s: float
    input_mb: float
    snapshot_mb: float
    row_groups: int
    registry_note: str

    @property
    def two(self) -> str:
        return next(m for m, cores in self.masters.items() if cores == 2)

    @property
    def one(self) -> str | None:
        """The 1-core master, None when only the 2-core one ran (--cores 2)."""
        return next((m for m, cores in self.masters.items() if cores == 1), None)

    def screen_file_s(self) -> float:
        return statistics.median(r.screen_file.elapsed for r in self.rounds if r.screen_file)

    def job_s(self, master: str) -> float:
        return statistics.median(r.spark[master].timing.job_s for r in self.rounds)

    def problems(self) -> list[str]:
        found: list[str] = []
        for number, round_ in enumerate(self.rounds, 1):
            assert round_.screen_file is not None
            for master, count in round_.counts.items():
                found.extend(
                    f"round {number}, {master}: {problem}"
                    for problem in accounting_problems(
                        self.rows, count, round_.screen_file, round_.screen_file_rows
                    )
                )
        return found

    def table(self) -> list[Row]:
        out = [
            Row(
                "lists (frozen snapshot)",
                f"{self.frozen.parties:,} parties",
                note=f"{self.frozen.list_versions}; registry {self.registry_note}; freeze {self.freeze_s:.1f} s, "
                f"{self.snapshot_mb:.1f} MB, sha256 {self.frozen.digest[:12]}…",
            ),
            Row(
                "index build in a Python worker",
                f"{self.worker_build_s:.2f} s",
                note=f"read_frozen {self.read_s:.2f} s + Screener.from_entities {self.index_s:.2f} s, timed in the "
                f"bench's process; screen-file's Screener.from_registry {self.registry_index_s:.2f} s (not in its time)",
            ),
            Row(
                "input",
                f"{self.rows:,} rows",
                note=f"one Parquet file, {self.input_mb:.1f} MB, {self.row_groups} row groups of <= {ROW_GROUP_ROWS:,}; "
                f"bench.monitoring_speed's generator ({self.generate_s:.0f} s, not timed below)",
            ),
        ]
        for number, round_ in enumerate(self.rounds, 1):
            label = f"round {number}: " if len(self.rounds) > 1 else ""
            summary = round_.screen_file
            assert summary is not None
            base = self.rows / summary.elapsed
            out.append(
                Row(
                    f"{label}screen-file, workers=2",
                    f"{summary.elapsed:.1f} s, {base:,.0f} rows/s",
                    "",
                    f"read+screen+write Parquet, fresh fork; {summary.with_hits:,} rows with hits, "
                    f"{summary.errors} errors, {round_.screen_file_rows:,} output rows; CPU {round_.screen_file_cpu:.0f} s "
                    f"({round_.screen_file_cpu / summary.elapsed:.2f} cores busy)",
                )
            )
            for master in self.masters:
                measure = round_.spark[master]
                count = round_.counts[master]
                rate = self.rows / measure.timing.job_s
                ratio = rate / base
                target = f"{ratio:.0%} of screen-file"
                if master == self.two:
                    target += f" (>= {RATIO_TARGET:.0%}: {_met(ratio >= RATIO_TARGET)})"
                cpu = {
                    kind: sum(p.cpu_s for p in measure.of_kind(kind))
                    for kind in (Kind.JVM, Kind.EXECUTOR, Kind.WORKER, Kind.DAEMON)
                }
                problems = accounting_problems(self.rows, count, summary, round_.screen_file_rows)
                out.append(
                    Row(
                        f"{label}Spark {master}",
                        f"{measure.timing.job_s:.1f} s, {rate:,.0f} rows/s",
                        target,
                        f"read+ship+screen+write Parquet; session start {measure.timing.session_s:.1f} s apart; "
                        f"{measure.timing.partitions} input partitions, rows per task "
                        f"{' + '.join(f'{n:,}' for n in count.per_task)}; "
                        f"{len(measure.of_kind(Kind.WORKER))} Python workers; CPU (sampled) JVM {cpu[Kind.JVM]:.0f} s, "
                        + (
                            f"executor JVM {cpu[Kind.EXECUTOR]:.0f} s, "
                            if measure.of_kind(Kind.EXECUTOR)
                            else ""
                        )
                        + f"Python workers {cpu[Kind.WORKER]:.0f} s; accounting: {count.distinct_rows:,} rows with a status "
                        f"({count.output_rows:,} output rows), {count.with_hits:,} with hits, {count.errors} errors: "
                        + ("as screen-file" if not problems else "PROBLEM: " + "; ".join(problems)),
                    )
                )
        for master, cores in self.masters.items():
            measures = [r.spark[master] for r in self.rounds]
            workers = [p for m in measures for p in m.of_kind(Kind.WORKER)]
            executors = [p for m in measures for p in m.of_kind(Kind.EXECUTOR)]
            drivers = [p for m in measures for p in m.of_kind(Kind.JVM)]
            worker_mb = max((p.peak_mb for p in workers), default=0.0)
            driver_mb = max((p.peak_mb for p in drivers), default=0.0)
            if executors:  # an executor JVM of its own: the driver's JVM is not executor memory
                jvm_mb = max(p.peak_mb for p in executors)
                jvm = f"executor JVM peak {jvm_mb:,.0f} MB / {cores} (the driver's JVM, {driver_mb:,.0f} MB, apart)"
            else:  # local mode: one JVM is driver and executor
                jvm_mb = driver_mb
                jvm = f"JVM (driver and executor) peak {jvm_mb:,.0f} MB / {cores}"
            per_core = worker_mb + jvm_mb / cores
            out.append(
                Row(
                    f"memory, Spark {master}",
                    f"{per_core:,.0f} MB per core",
                    f"<= 1 GB: {_met(per_core <= MEMORY_TARGET_MB)}",
                    f"largest Python worker peak {worker_mb:,.0f} MB + {jvm}; "
                    "Python workers' peaks: " + ", ".join(f"{p.peak_mb:,.0f}" for p in workers) + " MB",
                )
            )
        if self.one is None:
            out.append(
                Row("scaling 1 -> 2 cores", "not measured", "", "--cores 2: the 1-core run was left out")
            )
            return out
        one, two = self.job_s(self.one), self.job_s(self.two)
        out.append(
            Row(
                f"scaling {self.one} -> {self.two}",
                f"{one / two:.2f}x",
                "2.00x if linear",
                f"wall time {self.one} {one:.1f} s / {self.two} {two:.1f} s (medians)",
            )
        )
        return out

    def memory_note(self) -> str:
        samples = sum(m.samples for r in self.rounds for m in r.spark.values())
        return (
            f"Memory: each Spark run's process tree was read from /proc every {SAMPLE_EVERY} s ({samples} reads in "
            "all). A process's peak is the larger of its largest sampled VmRSS and its VmHWM (the kernel's "
            "high-water mark of resident memory) at its last read. In local mode one JVM is driver and executor; "
            "with a local-cluster master the executor is a JVM of its own, started by the driver's JVM (which "
            "holds the standalone master and worker), as on a cluster. The PySpark daemon forks one Python worker "
            "per running task and reuses it, each building its own index once. Per core = the largest Python "
            "worker's peak + the executor's JVM's peak (in local mode: the one JVM's) / cores (one worker per "
            "core); the daemon and the driver's Python process are not executor memory and are left out. "
            "RSS counts pages shared with the daemon (the workers fork from it) in each worker."
        )

    def extrapolation(self) -> str:
        build = self.worker_build_s
        steady = {m: self.rows / max(self.job_s(m) - build, 1e-9) for m in self.masters}
        if self.one is None:
            return "No extrapolation to a cluster: it needs the 1-core run (--cores 2 left it out)."
        one, two = steady[self.one], steady[self.two]
        per_core = two / 2
        cluster = CLUSTER_CORES * per_core
        hours = (build + CLUSTER_ROWS / cluster) / 3600
        line = one + (CLUSTER_CORES - 1) * (two - one)
        text = (
            f"Extrapolation to a {CLUSTER_CORES}-core cluster screening {CLUSTER_ROWS / 1e6:,.0f} million rows. "
            f"Steady rate once the indexes are built (rows / (job wall time - one worker's index build of "
            f"{build:.1f} s), medians): {self.one} {one:,.0f} rows/s, {self.two} {two:,.0f} rows/s, i.e. "
            f"{per_core:,.0f} rows/s per core at 2 cores ({per_core / one:.0%} of the single core's rate). "
            f"Assuming linear scaling per core at that measured 2-core rate, the index built once per Python "
            f"worker (one per core, all in parallel at the start: {build:.1f} s of wall time, {CLUSTER_CORES} x "
            f"{build:.1f} s of CPU), and no I/O, network or scheduling limits (input read and output written as "
            f"fast as on one local disk, no skew between partitions): {cluster:,.0f} rows/s, "
            f"{CLUSTER_ROWS / 1e6:,.0f} M rows in {hours * 60:,.0f} min ({hours:.2f} h)."
        )
        if two < 2 * one:
            if line > 0:
                hours_line = (build + CLUSTER_ROWS / line) / 3600
                text += (
                    f" If instead every core beyond the first adds only what the second added here "
                    f"({two - one:,.0f} rows/s, the line through the two measurements), {CLUSTER_CORES} cores give "
                    f"{line:,.0f} rows/s and {hours_line * 60:,.0f} min: the pessimistic bound, since on this "
                    "2-core machine the second worker also competes with the JVM's own threads and with other "
                    "users of the machine."
                )
            else:
                text += " The second core added nothing here: this machine says nothing about scaling."
        return text


if __name__ == "__main__":
    main()
