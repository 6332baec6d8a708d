"""Batch screening as a background job: upload, progress, download; per-row errors; owners only."""

from __future__ import annotations

import json
import time

import httpx

from sanctionwatch.access.roles import Role
from tests.service.conftest import Service

CSV = "id,name,birth_date,country\nc1,Ким Чен Ын,1984-01-08,kp\nc2,Jane Smith,,\nc3,Kim Jong Un,1984-99-99,\n"


def _wait(client: httpx.Client, job_id: str) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = client.get(f"/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job  # type: ignore[no-any-return]
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish: {job}")


def test_upload_screen_and_download_in_input_order(service: Service) -> None:
    with service.client(Role.ANALYST) as client:
        submitted = client.post(
            "/jobs", files={"file": ("customers.csv", CSV.encode())}, data={"output_format": "jsonl"}
        )
        assert submitted.status_code == 202, submitted.text
        job = _wait(client, submitted.json()["id"])
        result = client.get(job["result_url"])
    assert job["status"] == "done"
    assert (job["rows_done"], job["rows_with_hits"], job["rows_failed"]) == (3, 1, 1)
    assert result.headers["content-disposition"].endswith('customers-screened.jsonl"')
    lines = [json.loads(line) for line in result.text.splitlines()]
    assert [line["id"] for line in lines] == ["c1", "c2", "c3"]
    assert lines[0]["hits"][0]["entity_id"] == "ofac-sdn:20157"
    assert lines[1]["hits"] == []
    assert "birth_date" in lines[2]["error"]


def test_csv_output_and_another_callers_job_is_not_found(service: Service) -> None:
    with service.client(Role.ANALYST) as client:
        job_id = client.post(
            "/jobs", files={"file": ("c.csv", CSV.encode())}, data={"output_format": "csv"}
        ).json()["id"]
        job = _wait(client, job_id)
        assert client.get(job["result_url"]).text.startswith("id,rank,entity_id")
    with service.client(Role.APPROVER) as other:
        assert other.get(f"/jobs/{job_id}").status_code == 404
    with service.client(Role.ADMIN) as admin:
        assert admin.get(f"/jobs/{job_id}").status_code == 200


def test_unreadable_uploads_are_refused_with_the_reason(service: Service) -> None:
    with service.client(Role.ANALYST) as client:
        wrong_type = client.post("/jobs", files={"file": ("names.pdf", b"%PDF")})
        wrong_output = client.post(
            "/jobs", files={"file": ("c.csv", CSV.encode())}, data={"output_format": "docx"}
        )
        no_column = client.post("/jobs", files={"file": ("c.csv", b"id,colour\n1,red\n")})
    assert wrong_type.status_code == 400 and "unsupported input format" in wrong_type.json()["detail"]
    assert wrong_output.status_code == 400 and "output_format" in wrong_output.json()["detail"]
    # A file without a name column is accepted, then fails with a message naming the file, not the server's path.
    with service.client(Role.ANALYST) as client:
        job = _wait(client, no_column.json()["id"])
        assert (
            job["status"] == "failed"
            and "c.csv" in job["error"]
            and str(service.jobs_dir) not in job["error"]
        )
        assert client.get(f"/jobs/{job['id']}/result").status_code == 409
