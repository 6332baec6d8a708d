"""One real Spark session (local mode, two workers) for the Spark job's tests, and the dev benchmark's lists.

PySpark and a Java runtime are installed by `test.sh` (the `dev` extra; `scripts/system-packages.sh`);
either missing fails loudly in CI and skips elsewhere.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.update import update_from_files
from sanctionwatch.screening.frozen import FrozenSnapshot, freeze


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    try:
        from sanctionwatch.spark.run import session
    except ImportError as exc:
        _unavailable(f"PySpark is not installed: {exc}")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        _unavailable("no Java runtime for PySpark (apt-get install default-jre-headless)")
    spark = session("local[2]", "sanctionwatch-tests")
    try:
        yield spark
    finally:
        spark.stop()


@pytest.fixture(scope="session")
def dev_lists(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> tuple[str, FrozenSnapshot]:
    """The dev benchmark's index (OFAC's sdn.csv of 2024-05-03) in a registry, and frozen."""
    folder = tmp_path_factory.mktemp("dev-lists")
    url = f"sqlite:///{folder / 'registry.db'}"
    registry = Registry.open(url)
    try:
        [outcome] = update_from_files(registry, [shared_data / "ofac_sdn_csv_2024" / "sdn_2024-05-03.csv.gz"])
        assert outcome.error is None, outcome.error
        frozen = freeze(registry, folder / "lists.swsnap")
    finally:
        registry.close()
    return url, frozen
