"""Background screening jobs: an uploaded file screened while the caller polls for progress.

A job's record (status, rows done) lives in the database, so that any worker process of the service
can report on it; its files live in a directory of their own under the jobs directory. Jobs run one
at a time per process, in a thread, with the batch runner in-process: forking a threaded server is
unsafe, and a queue keeps one large upload from starving the interactive calls of their core.
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, select, update

from sanctionwatch.db.engine import as_utc
from sanctionwatch.errors import InputError
from sanctionwatch.registry.audit import AuditLog
from sanctionwatch.screening.batch import Screener, screen_file
from sanctionwatch.screening.batchio import OUTPUT_FORMATS, input_format
from sanctionwatch.screening.tables import screening_jobs
from sanctionwatch.screening.trail import file_digest
from sanctionwatch.sources.base import SourceFormatError

__all__ = ["Job", "JobStatus", "Jobs"]


class JobError(InputError, ValueError):
    """A job that cannot be started (unreadable format, unknown output format)."""


class JobStatus(StrEnum):
    """Where a screening job stands (the screening_jobs.status column holds these strings)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"  # its result can be downloaded
    FAILED = "failed"  # with the reason in `error`


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    owner: str
    status: JobStatus
    input_name: str
    output_format: str
    rows_done: int
    rows_with_hits: int
    rows_failed: int
    error: str | None
    created_at: datetime
    finished_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status.value,
            "input_name": self.input_name,
            "output_format": self.output_format,
            "rows_done": self.rows_done,
            "rows_with_hits": self.rows_with_hits,
            "rows_failed": self.rows_failed,
            "error": self.error,
            "created_at": self.created_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }


class Jobs:
    def __init__(self, engine: Engine, directory: Path) -> None:
        self.engine = engine
        self.directory = directory
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="screening-job")
        self._runner = f"{socket.gethostname()}:{os.getpid()}"
        self._abandon_orphans()

    def _abandon_orphans(self) -> None:
        """Jobs left queued or running by a process of this host that no longer exists (a restart)
        fail with a reason, instead of being polled forever; their inputs are removed."""
        host = socket.gethostname()
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(screening_jobs.c.id, screening_jobs.c.runner).where(
                    screening_jobs.c.status.in_((JobStatus.QUEUED.value, JobStatus.RUNNING.value))
                )
            ).all()
        for job_id, runner in rows:
            runner_host, _, pid = runner.rpartition(":")
            if runner_host == host and pid.isdigit() and not _alive(int(pid)):
                self._set(
                    job_id,
                    status=JobStatus.FAILED.value,
                    error="the service stopped before the job finished; submit the file again",
                    finished_at=datetime.now(UTC),
                )
                for leftover in (self.directory / job_id).glob("input*"):
                    leftover.unlink(missing_ok=True)

    def submit(
        self,
        owner: str,
        input_name: str,
        write_input: Callable[[Path], None],
        output_format: str,
        screener: Screener,
        *,
        threshold: float | None = None,
        limit: int = 5,
    ) -> Job:
        """Store the input (write_input writes it to the path given) and queue the job."""
        suffix = Path(input_name).suffix.lower()
        try:
            input_format(Path(input_name))
        except SourceFormatError as exc:
            raise JobError(f"file: {exc.message}") from None
        extension = f".{output_format.lower().lstrip('.')}"
        if extension not in OUTPUT_FORMATS:
            raise JobError(f"output_format: {output_format!r}; use one of {', '.join(OUTPUT_FORMATS)}")
        job_id = str(uuid.uuid4())
        folder = self.directory / job_id
        folder.mkdir(parents=True)
        source = folder / f"input{''.join(Path(input_name).suffixes[-2:]) if suffix == '.gz' else suffix}"
        write_input(source)
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            conn.execute(
                insert(screening_jobs).values(
                    id=job_id,
                    owner=owner,
                    status=JobStatus.QUEUED.value,
                    runner=self._runner,
                    input_name=input_name[:300],
                    output_format=extension.lstrip("."),
                    rows_done=0,
                    rows_with_hits=0,
                    rows_failed=0,
                    created_at=now,
                )
            )
        self._pool.submit(
            self._run, job_id, source, folder / f"result{extension}", screener, threshold, limit
        )
        job = self.get(job_id)
        assert job is not None
        return job

    def get(self, job_id: str) -> Job | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(screening_jobs).where(screening_jobs.c.id == job_id)).first()
        return _job(row._mapping) if row else None

    def result_path(self, job: Job) -> Path | None:
        """The finished job's output file (None until it is done)."""
        path = self.directory / job.id / f"result.{job.output_format}"
        return path if job.status is JobStatus.DONE and path.exists() else None

    def delete(self, job: Job) -> None:
        shutil.rmtree(self.directory / job.id, ignore_errors=True)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _set(self, job_id: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(screening_jobs).where(screening_jobs.c.id == job_id).values(**values))

    def _run(
        self, job_id: str, source: Path, target: Path, screener: Screener, threshold: float | None, limit: int
    ) -> None:
        self._set(job_id, status=JobStatus.RUNNING.value)
        shown = self.get(job_id)
        name = shown.input_name if shown else source.name
        try:
            digest = file_digest(source)
            summary = screen_file(
                screener,
                source,
                target,
                threshold=threshold,
                limit=limit,
                workers=1,
                progress=lambda done: self._set(job_id, rows_done=done),
            )
        except Exception as exc:  # the job fails with its reason; the service goes on
            # (The message names the caller's file, not where the service keeps it.)
            message = str(exc).replace(str(source), name)[:2000]
            self._set(job_id, status=JobStatus.FAILED.value, error=message, finished_at=datetime.now(UTC))
            return
        finally:
            source.unlink(missing_ok=True)
        self._set(
            job_id,
            status=JobStatus.DONE.value,
            rows_done=summary.rows,
            rows_with_hits=summary.with_hits,
            rows_failed=summary.errors,
            finished_at=datetime.now(UTC),
        )
        AuditLog(self.engine).record(
            actor=shown.owner if shown else "service",
            action="screening.file",
            subject=f"job {job_id}",
            details={"file": name, "sha256": digest, "rows": summary.rows, "with_hits": summary.with_hits,
                     "bad_rows": summary.errors, "threshold": threshold, "limit": limit},
        )  # fmt: skip


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _job(row: Any) -> Job:
    return Job(
        row["id"],
        row["owner"],
        JobStatus(row["status"]),
        row["input_name"],
        row["output_format"],
        row["rows_done"],
        row["rows_with_hits"],
        row["rows_failed"],
        row["error"],
        as_utc(row["created_at"]),
        as_utc(row["finished_at"]) if row["finished_at"] else None,
    )
