"""`sanctionwatch snapshot` and `sanctionwatch spark-screen` as a user runs them (real Spark, local mode)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

import sanctionwatch.cli.spark_submit as entry
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
    # Spark's own settings pass through, as spark-submit's --conf.
    tuned = run(db, *args, "--overwrite", "--conf", "spark.executor.memory=512m", "--json")
    assert json.loads(tuned.stdout)["rows"] == 2

    # Options that cannot be right are refused by name, before Spark starts.
    bad = run(db, *args[:-4], "--column", "full_name", check=False)
    assert bad.returncode != 0 and "--column: 'full_name' is not NAME=VALUE" in bad.stderr
    unknown = run(db, *args, "--overwrite", "--changed-since", "eu=3", check=False)
    assert unknown.returncode != 0 and "--changed-since: 'eu' has no active version" in unknown.stderr
    not_spark = run(db, *args, "--overwrite", "--conf", "executor.memory=512m", check=False)
    assert not_spark.returncode != 0 and "--conf: executor.memory is not a Spark setting" in not_spark.stderr
    no_value = run(db, *args, "--overwrite", "--conf", "spark.executor.memory", check=False)
    assert no_value.returncode != 0 and "--conf: 'spark.executor.memory' is not NAME=VALUE" in no_value.stderr


def test_spark_submit_runs_the_same_command(spark: Any, tmp_path: Path) -> None:
    """The file `spark-submit` is given runs `spark-screen` with the session spark-submit configures."""
    db = tmp_path / "registry.db"
    run(db, "update", "--sample")
    run(db, "snapshot", str(tmp_path / "lists.swsnap"))
    source = tmp_path / "in.csv"
    source.write_text("id,name\nq1,KOREA MINING DEVELOPMENT TRADING CORPORATION\n", encoding="utf-8")
    submit = Path(sys.executable).parent / "spark-submit"
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable}
    proc = subprocess.run(
        [
            str(submit),
            "--master",
            "local[1]",
            "--conf",
            "spark.ui.enabled=false",
            str(Path(entry.__file__)),
            "--input",
            str(source),
            "--output",
            str(tmp_path / "out.parquet"),
            "--snapshot",
            str(tmp_path / "lists.swsnap"),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    summary = json.loads(proc.stdout[proc.stdout.index("{") :])
    assert (summary["rows"], summary["with_hits"]) == (1, 1)


def test_settings_for_a_session_already_running_are_refused(spark: Any) -> None:
    """spark-submit starts the session: settings given afterwards could not reach it, so they are refused."""
    from sanctionwatch.errors import InputError
    from sanctionwatch.spark.run import session

    with pytest.raises(InputError, match=r"already running .*spark.executor.memory.*spark-submit's --conf"):
        session("local[2]", conf={"spark.executor.memory": "512m"})
    assert session("local[2]") is spark  # without settings, the running session is the one used
