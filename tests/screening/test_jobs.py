"""Background jobs across restarts: what a dead process left running is failed, with its reason."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from sanctionwatch.db.engine import connect
from sanctionwatch.screening.jobs import Jobs
from sanctionwatch.screening.tables import screening_jobs


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _job(job_id: str, status: str, runner: str) -> dict[str, object]:
    return {
        "id": job_id,
        "owner": "key:#1 test",
        "status": status,
        "runner": runner,
        "input_name": "c.csv",
        "output_format": "jsonl",
        "rows_done": 0,
        "rows_with_hits": 0,
        "rows_failed": 0,
        "created_at": datetime.now(UTC),
    }


def test_jobs_of_a_dead_process_fail_and_others_are_left_alone(tmp_path: Path) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'registry.db'}")
    host = socket.gethostname()
    (tmp_path / "jobs" / "orphan").mkdir(parents=True)
    (tmp_path / "jobs" / "orphan" / "input.csv").write_text("id,name\n1,x\n")
    with engine.begin() as conn:
        conn.execute(insert(screening_jobs), [
            _job("orphan", "running", f"{host}:{_dead_pid()}"),
            _job("queued-orphan", "queued", f"{host}:{_dead_pid()}"),
            _job("alive", "running", f"{host}:1"),  # pid 1 exists
            _job("elsewhere", "running", "another-host:12345"),
        ])  # fmt: skip
    jobs = Jobs(engine, tmp_path / "jobs")
    try:
        states = {job_id: jobs.get(job_id) for job_id in ("orphan", "queued-orphan", "alive", "elsewhere")}
    finally:
        jobs.shutdown()
        engine.dispose()
    assert states["orphan"] is not None and states["orphan"].status == "failed"
    assert "submit the file again" in (states["orphan"].error or "")
    assert states["queued-orphan"] is not None and states["queued-orphan"].status == "failed"
    assert states["alive"] is not None and states["alive"].status == "running"
    assert states["elsewhere"] is not None and states["elsewhere"].status == "running"
    assert not (tmp_path / "jobs" / "orphan" / "input.csv").exists()
