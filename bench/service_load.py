"""Service load benchmark: single-query POST /match calls against a running server on loopback.

Usage: .venv/bin/python -m bench.service_load [--db URL] [--seconds 60] [--concurrency 8] [--workers 2]
       [--no-write]

1. The registry: --db (a registry already holding the lists), or the full registry built as in
   bench.screening_speed (OFAC SDN advanced XML + OFAC consolidated + UN + UK, in a scratch SQLite file).
2. The server: `sanctionwatch serve --workers N` in its own process group (uvicorn), with a fresh analyst
   key; the run starts once every worker answers /readyz (each builds its own index).
3. The load: an aiohttp client in another process, `--concurrency` connections kept alive, each sending
   one yente-style /match request at a time: one example with one name, taken in turn from the 15,211
   rows of ../shared/bench/dev/queries.csv (nearly all different names).
   a. First pass: every name once, from a fresh server (cold caches: every name is new to the worker
      that screens it). Reported, not the target's measure.
   b. Then `--seconds` of the same names in turn again (steady state, as a service that has run for a
      while: names recur, as the same counterparties do). The target is read here.
   Figures: requests/s, latency p50/p90/p99/max (client side, request sent to body read), non-200
   answers, transport errors, and the CPU per request of server and client (they share the cores).
                                                       [target: >= 1,000 req/s, p99 <= 20 ms, 0 errors, 2 cores]
The table is printed and, unless --no-write, appended as a dated section to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import math
import multiprocessing
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx

from bench.screening_speed import (
    LIST_FILES,
    QUERIES,
    RESULTS,
    build_registry,
    command_line,
    cpu_model,
    cpu_reference,
    git_revision,
    nproc,
)

READY_STREAK = 20  # consecutive /readyz answers of 200 before the load starts (every worker ready)


@dataclass(frozen=True, slots=True)
class LoadResult:
    requests: int
    seconds: float
    latencies_ms: list[float]
    bad_status: int
    transport_errors: int

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def request_bodies(limit: int | None = None) -> list[bytes]:
    """One /match body per dev query: a Person (or Company, for queries marked so) example."""
    bodies: list[bytes] = []
    with QUERIES.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            schema = row.get("schema") or "LegalEntity"
            if schema not in ("Person", "Company", "Organization", "Vessel", "LegalEntity"):
                schema = "LegalEntity"
            example = {"schema": schema, "properties": {"name": [row["name"]]}}
            bodies.append(json.dumps({"queries": {"q": example}}).encode())
            if limit is not None and len(bodies) >= limit:
                break
    return bodies


async def _load(
    url: str, key: str, bodies: list[bytes], seconds: float | None, concurrency: int
) -> LoadResult:
    """`concurrency` connections sending the bodies in turn for `seconds`, or each body once (None)."""
    import aiohttp

    latencies: list[float] = []
    bad = errors = 0
    headers = {"Authorization": f"ApiKey {key}", "Content-Type": "application/json"}
    connector = aiohttp.TCPConnector(limit=concurrency)
    deadline = time.perf_counter() + seconds if seconds is not None else math.inf

    async def worker(session: aiohttp.ClientSession, offset: int) -> None:
        nonlocal bad, errors
        position = offset
        while time.perf_counter() < deadline and (seconds is not None or position < len(bodies)):
            body = bodies[position % len(bodies)]
            position += concurrency
            started = time.perf_counter()
            try:
                async with session.post(f"{url}/match/default", data=body, headers=headers) as response:
                    await response.read()
                    if response.status != 200:
                        bad += 1
                        continue
            except aiohttp.ClientError:
                errors += 1
                continue
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(worker(session, i) for i in range(concurrency)))
    elapsed = time.perf_counter() - started
    return LoadResult(len(latencies) + bad, elapsed, latencies, bad, errors)


def _load_in_process(args: tuple[str, str, list[bytes], float | None, int]) -> tuple[LoadResult, float]:
    """The load, and the CPU seconds the client itself spent (it shares the cores with the server)."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    result = asyncio.run(_load(*args))
    after = resource.getrusage(resource.RUSAGE_SELF)
    return result, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def group_cpu_seconds(leader: int) -> float:
    """CPU seconds (user + system) of the server's processes: the leader and its worker children."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state, ppid, pgrp, ... utime (12th), stime (13th).
        if int(fields[2]) == leader:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _wait_ready(url: str, server: subprocess.Popen[bytes], timeout: float = 600) -> None:
    streak = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode} before it was ready")
        try:
            streak = streak + 1 if httpx.get(f"{url}/readyz", timeout=5).status_code == 200 else 0
        except httpx.TransportError:
            streak = 0
        if streak >= READY_STREAK:
            return
        time.sleep(0.05 if streak else 0.5)
    raise SystemExit("the server did not become ready in time")


@contextmanager
def running_server(
    db: str, workers: int, port: int, *, label: str = "bench.service_load", env: dict[str, str] | None = None
) -> Iterator[tuple[str, str, subprocess.Popen[bytes], float]]:
    """`sanctionwatch serve` on `db` in its own process group, with a fresh analyst key: yields the base
    URL, the key, the server process and the seconds until every worker answered /readyz; stopped after."""
    from sanctionwatch.access.keys import ApiKeys
    from sanctionwatch.db.engine import connect

    key = ApiKeys(connect(db)).create(label, "analyst")[1]
    environment = {
        **os.environ,
        "SANCTIONWATCH_DB": db,
        "SANCTIONWATCH_SECRET": "bench-" + "x" * 40,
        **(env or {}),
    }
    started = time.perf_counter()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("sanctionwatch")),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, server)
        yield url, key, server, time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def run(
    db: str, seconds: float, concurrency: int, workers: int, port: int
) -> tuple[LoadResult, LoadResult, float, float, float]:
    """The first pass's and the timed run's results, seconds until the server was ready, and the server's
    and client's CPU seconds during the timed run."""
    with running_server(db, workers, port) as (url, key, server, ready):
        bodies = request_bodies()
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            first, _ = pool.apply(_load_in_process, ((url, key, bodies, None, concurrency),))
            server_before = group_cpu_seconds(server.pid)
            result, client_cpu = pool.apply(_load_in_process, ((url, key, bodies, seconds, concurrency),))
            server_cpu = group_cpu_seconds(server.pid) - server_before
    return first, result, ready, server_cpu, client_cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", help="registry URL holding the lists (default: build the full registry)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--no-write", action="store_true")
    options = parser.parse_args()
    reference = cpu_reference()
    with tempfile.TemporaryDirectory(prefix="sw-load-") as scratch:
        db = options.db
        if db is None:
            db = f"sqlite:///{Path(scratch) / 'registry.db'}"
            print("building the full registry (OFAC SDN + consolidated, UN, UK) ...", flush=True)
            build_registry(db, LIST_FILES)
        first, result, ready, server_cpu, client_cpu = run(
            db, options.seconds, options.concurrency, options.workers, options.port
        )
    rate = result.requests / result.seconds
    per_request = 1000 / max(result.requests, 1)
    rows = [
        (
            f"first pass, {first.requests:,} names once (cold): requests/s; p50 / p99",
            f"{first.requests / first.seconds:,.0f}; {first.percentile(0.5):.1f} / {first.percentile(0.99):.1f} ms",
            "",
        ),
        ("requests/s (single-query /match, steady state)", f"{rate:,.0f}", ">= 1,000"),
        (
            "latency p50 / p90 / p99 / max",
            " / ".join(f"{result.percentile(p):.1f}" for p in (0.5, 0.9, 0.99))
            + f" / {max(result.latencies_ms, default=float('nan')):.1f} ms",
            "p99 <= 20 ms",
        ),
        (
            "timed run: requests, non-200 answers, transport errors (errors: both phases)",
            f"{result.requests:,}, {result.bad_status + first.bad_status}, "
            f"{result.transport_errors + first.transport_errors}",
            "0 errors",
        ),
        (
            "CPU per request: server / client",
            f"{server_cpu * per_request:.2f} / {client_cpu * per_request:.2f} ms",
            "",
        ),
        ("duration; server ready after", f"{result.seconds:.1f} s; {ready:.1f} s", ""),
    ]
    table = ["| measure | result | target |", "|---|---|---|", *(f"| {m} | {r} | {t} |" for m, r, t in rows)]
    header = (
        f"## Service load: POST /match, {date.today().isoformat()}\n\n"
        f"Command: `{command_line('bench.service_load')}` (code {git_revision()}; {options.workers} server workers, "
        f"{options.concurrency} client connections, {options.seconds:.0f} s)\n"
        f"Machine: {nproc()} cores, {cpu_model()}; CPU reference {reference:.2f} s (bench.screening_speed). "
        "Client and server share the cores.\n"
    )
    text = header + "\n" + "\n".join(table) + "\n"
    print(text)
    if not options.no_write:
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write("\n" + text)


if __name__ == "__main__":
    main()
