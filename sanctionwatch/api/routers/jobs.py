"""Batch screening of an uploaded file, as a background job with progress and a downloadable result."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse

from sanctionwatch.access.roles import Role
from sanctionwatch.api.contracts.screening import JobBody
from sanctionwatch.api.costly import Costly
from sanctionwatch.api.security import Analyst, Principal
from sanctionwatch.api.state import state_of
from sanctionwatch.api.uploads import save_upload, upload_name
from sanctionwatch.api.yente import ErrorResponse
from sanctionwatch.screening.jobs import Job, JobStatus

router = APIRouter(tags=["Screening"])
_MEDIA = {
    "jsonl": "application/x-ndjson",
    "ndjson": "application/x-ndjson",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}


@router.post(
    "/jobs",
    status_code=202,
    response_model=JobBody,
    responses={400: {"model": ErrorResponse}, 413: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
    summary="Upload a file of parties (CSV, JSONL, XLSX, Parquet) to screen in the background",
)
async def submit(
    request: Request,
    file: UploadFile = File(..., description="Columns: id, name, schema, birth_date, country, identifier"),
    output_format: str = Form("jsonl", max_length=8, description="jsonl, csv, xlsx or parquet"),
    threshold: float | None = Form(None, ge=0.0, le=1.0),
    limit: int = Form(5, ge=1, le=100),
    principal: Principal = Analyst,
    _slot: None = Costly,
) -> dict[str, Any]:
    state = state_of(request)
    snapshot = state.snapshot()

    # Copying the upload and writing its record are blocking I/O: off the event loop.
    job = await run_in_threadpool(
        state.jobs.submit,
        principal.label,
        upload_name(file, "upload.csv"),
        partial(save_upload, file),
        output_format,
        snapshot.screener,
        threshold=threshold,
        limit=limit,
    )
    return _shown(job)


def _owned(request: Request, job_id: str, principal: Principal) -> Job:
    job = state_of(request).jobs.get(job_id)
    # Another caller's job is reported as missing, not forbidden: ids are not to be probed.
    if job is None or (job.owner != principal.label and not principal.role.allows(Role.ADMIN)):
        raise HTTPException(404, f"no job {job_id!r}")
    return job


def _shown(job: Job) -> dict[str, Any]:
    body = job.to_json()
    body["result_url"] = f"/jobs/{job.id}/result" if job.status is JobStatus.DONE else None
    return body


@router.get(
    "/jobs/{job_id}",
    response_model=JobBody,
    responses={404: {"model": ErrorResponse}},
    summary="A job's progress",
)
def status(request: Request, job_id: str, principal: Principal = Analyst) -> dict[str, Any]:
    return _shown(_owned(request, job_id, principal))


@router.get(
    "/jobs/{job_id}/result",
    response_class=FileResponse,
    responses={
        200: {
            "description": "The result file, in the format the job was given",
            "content": {
                media: {"schema": {"type": "string", "format": "binary"}} for media in _MEDIA.values()
            },
        },
        404: {"model": ErrorResponse},
        409: {"model": ErrorResponse},
    },
    summary="A finished job's results, one per input row, in input order",
)
def result(request: Request, job_id: str, principal: Principal = Analyst) -> FileResponse:
    job = _owned(request, job_id, principal)
    path = state_of(request).jobs.result_path(job)
    if path is None:
        raise HTTPException(409, f"job {job_id} is {job.status}: no result to download")
    stem = Path(job.input_name).stem
    return FileResponse(
        path, media_type=_MEDIA[job.output_format], filename=f"{stem}-screened.{job.output_format}"
    )
