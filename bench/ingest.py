"""Ingest benchmark: parse + store + activate the full OFAC SDN advanced XML, time and peak memory.

Usage: .venv/bin/python -m bench.ingest [--file PATH] [--db URL]
Default file: ../shared/data/ofac_sdn_advanced_xml/sdn_advanced_2025-11-19.xml.bz2 into a fresh SQLite file.
Targets (issue 2): <= 30 s and <= 1 GB peak RSS. Prints one line of figures per phase.
"""

from __future__ import annotations

import argparse
import platform
import resource
import tempfile
import time
from pathlib import Path

from sanctionwatch.registry.store import Registry
from sanctionwatch.sources.catalog import parse_files

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = ROOT.parent / "shared" / "data" / "ofac_sdn_advanced_xml" / "sdn_advanced_2025-11-19.xml.bz2"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.db or f"sqlite:///{Path(scratch) / 'bench.db'}"
        registry = Registry.open(url)
        started = time.perf_counter()
        [parsed] = parse_files([args.file])
        parsed_at = time.perf_counter()
        result = registry.ingest(parsed, force=True)
        done = time.perf_counter()
        registry.close()
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    print(
        f"file: {args.file.name} ({args.file.stat().st_size / 1e6:.1f} MB compressed), backend: {url.split(':')[0]}"
    )
    print(
        f"parties: {result.version.entity_count}, version {result.version.number}, active={result.version.active}"
    )
    print(f"parse: {parsed_at - started:.2f} s")
    print(f"store+activate: {done - parsed_at:.2f} s")
    print(f"total ingest: {done - started:.2f} s (target <= 30 s)")
    print(f"peak RSS: {peak_rss_mb():.0f} MB (target <= 1024 MB)")


if __name__ == "__main__":
    main()
