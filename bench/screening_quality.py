"""Screening quality on the development benchmark (../shared/bench), through the real CLI.

Runs exactly what the benchmark README prescribes, in a scratch registry:
  sanctionwatch update --source ofac-sdn --file ../shared/data/ofac_sdn_csv_2024/sdn_2024-05-03.csv.gz
  sanctionwatch screen-file dev/queries.csv --output out.jsonl --threshold 0 --limit 5   (threshold-free figures)
  sanctionwatch screen-file dev/queries.csv --output out.jsonl                        (at the default threshold)
and prints evaluate.py's tables for both runs.

Usage: .venv/bin/python -m bench.screening_quality [--bench-dir ../shared/bench] [--set dev]
Targets (issue 3): recall@fpr1 alias >= 0.55, ssb >= 0.95, ssb near-miss alerts <= 0.10; customers <= 1 % at default.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sanctionwatch.screening.screener import Screener
from sanctionwatch.sources.catalog import parse_files

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV_INDEX = SHARED / "data" / "ofac_sdn_csv_2024" / "sdn_2024-05-03.csv.gz"


def dev_screener(index: Path = DEV_INDEX) -> Screener:
    """The dev benchmark's index in memory, for benchmarks that screen in-process (bench.payments_quality):
    the file `main` loads with `sanctionwatch update`, read by the same parser (sanctionwatch.sources' OFAC
    CSV reader, chosen by parse_files from the file's content)."""
    [parsed] = parse_files([index])
    return Screener.from_entities(parsed.entities)


def sanctionwatch(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "sanctionwatch", *args], check=True, env=env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bench-dir", type=Path, default=SHARED / "bench")
    parser.add_argument("--set", default="dev")
    parser.add_argument("--index", type=Path, default=DEV_INDEX)
    args = parser.parse_args()
    queries = args.bench_dir / args.set / "queries.csv"
    answers = args.bench_dir / args.set / "answers.jsonl"
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "SANCTIONWATCH_DB": str(Path(scratch) / "bench.db")}
        sanctionwatch("update", "--source", "ofac-sdn", "--file", str(args.index), "--json", env=env)
        for label, extra in (
            ("threshold-free (--threshold 0 --limit 5)", ["--threshold", "0"]),
            ("default threshold", []),
        ):
            output = Path(scratch) / "out.jsonl"
            started = time.perf_counter()
            sanctionwatch(
                "screen-file", str(queries), "--output", str(output), "--limit", "5", *extra, env=env
            )
            elapsed = time.perf_counter() - started
            print(f"\n== {args.set}, {label}: screen-file took {elapsed:.1f} s (including index build)")
            subprocess.run(
                [sys.executable, str(args.bench_dir / "evaluate.py"), str(answers), str(output)], check=True
            )


if __name__ == "__main__":
    main()
