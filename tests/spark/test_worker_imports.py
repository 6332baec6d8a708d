"""What a Spark Python worker imports: the screening path without the file formats and the database layer.

Each worker is a process of its own per core, so every library it loads for nothing is resident memory
multiplied by the cores (issue 21's executor memory per core). The test imports the job's module in a
fresh interpreter, as a worker unpickling the job's function does, and lists what came with it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyspark")

# Libraries of the file formats (pyarrow: Parquet, openpyxl: XLSX) and of the registry's database
# (alembic): screen-file and the registry need them, a worker screening rows does not.
NOT_IN_A_WORKER = ("pyarrow", "openpyxl", "alembic", "sanctionwatch.registry.store", "sanctionwatch.db")


def test_the_job_module_loads_no_file_format_or_database_library() -> None:
    program = "import json, sys\nimport sanctionwatch.spark.job\nprint(json.dumps(sorted(sys.modules)))\n"
    loaded = json.loads(
        subprocess.run([sys.executable, "-c", program], check=True, capture_output=True).stdout
    )
    assert "sanctionwatch.screening.screener" in loaded  # the screening path is there
    assert [name for name in NOT_IN_A_WORKER if name in loaded] == []


def test_writing_a_parquet_file_still_loads_pyarrow_where_it_is_used(tmp_path: Path) -> None:
    program = (
        "import sys, pathlib\n"
        "from sanctionwatch.screening.batchio import open_writer, result_record\n"
        "assert 'pyarrow' not in sys.modules\n"
        f"path = pathlib.Path({str(tmp_path / 'out.parquet')!r})\n"
        "with open_writer(path) as writer:\n"
        "    writer.write(result_record('q1', []))\n"
        "import pyarrow.parquet as pq\n"
        "print(pq.read_table(path).num_rows)\n"
    )
    out = subprocess.run([sys.executable, "-c", program], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "1"
