"""`sanctionwatch snapshot` and `sanctionwatch spark-screen` as a user runs them (real Spark, local mode)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]

from tests.cli.runner import run, run_json


def test_a_csv_screened_on_spark_against_a_frozen_snapshot(spark: Any, tmp_path: Path) -> None:
    db = tmp_path / "registry.db"
    run(db, "update", "--sample")
    frozen = run_json(db, "snapshot", str(tmp_path / "lists.swsnap"))
    assert frozen["parties"] > 0 and len(frozen["sha256"]) == 64
    source = tmp_path / "customers.csv"
    source.write_text(
        "customer_id,full_name,birth_date\nc1,KOREA MINING DEVELOPMENT TRADING CORPORATION,\nc2,Anna Mueller,1999-13-45\n",
        encoding="utf-8",
    )
    output = tmp_path / "out.parquet"
    args = ["spark-screen", "--input", str(source), "--output", str(output), "--master", "local[1]",
            "--snapshot", str(tmp_path / "lists.swsnap"), "--column", "customer_id=id", "--column", "full_name=name"]  # fmt: skip
    summary = json.loads(run(db, *args, "--json").stdout)
    assert (summary["rows"], summary["with_hits"], summary["errors"]) == (2, 1, 1)
    assert summary["snapshot"] == frozen["sha256"]
    rows = pq.read_table(output).to_pylist()
    assert {r["id"] for r in rows} == {"c1", "c2"} and {r["snapshot"] for r in rows} == {frozen["sha256"]}

    # The output exists: refused in one line, unless --overwrite.
    again = run(db, *args, check=False)
    assert again.returncode != 0 and f"--output {output}" in again.stderr and "Traceback" not in again.stderr
    assert json.loads(run(db, *args, "--overwrite", "--json").stdout)["rows"] == 2

    # Options that cannot be right are refused by name, before Spark starts.
    bad = run(db, *args[:-4], "--column", "full_name", check=False)
    assert bad.returncode != 0 and "--column: 'full_name' is not NAME=VALUE" in bad.stderr
    unknown = run(db, *args, "--overwrite", "--changed-since", "eu=3", check=False)
    assert unknown.returncode != 0 and "--changed-since: 'eu' has no active version" in unknown.stderr
