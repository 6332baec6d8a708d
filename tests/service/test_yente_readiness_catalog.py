"""What yente's clients read from /readyz and /catalog: `status: ok` when ready (our own fields kept, a
degraded or unready service saying so in the same field), and a catalog they may cache and revalidate
(strong ETag, 304 to If-None-Match, a max-age instead of no-store)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from sanctionwatch.access.keys import ApiKeys
from sanctionwatch.access.roles import Role
from sanctionwatch.api.app import create_app
from sanctionwatch.db.engine import connect
from sanctionwatch.registry.freshness import CheckOutcome, record_check
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.update import sample_files, update_from_files
from tests.service.conftest import Service, make_settings

CATALOG_CACHE = "private, max-age=300"


def _ready(client: TestClient) -> httpx.Response:
    deadline = time.monotonic() + 60
    while (ready := client.get("/readyz")).status_code != 200:
        assert time.monotonic() < deadline, ready.text
        time.sleep(0.05)
    return ready


@pytest.fixture
def ofac_only(tmp_path: Path) -> Iterator[tuple[TestClient, str, str]]:
    """The API in process over the sample OFAC list alone: client, viewer key, registry URL."""
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    registry = Registry.open(url)
    try:
        assert all(o.error is None for o in update_from_files(registry, sample_files()["ofac-sdn"]))
    finally:
        registry.close()
    engine = connect(url)
    key = ApiKeys(engine).create("catalog", Role.VIEWER.value)[1]
    engine.dispose()
    with TestClient(create_app(make_settings(url, tmp_path))) as client:
        _ready(client)
        yield client, key, url


def test_readyz_says_ok_as_yente_does_and_keeps_our_fields(ofac_only: tuple[TestClient, str, str]) -> None:
    """The OFAC sample states no date and was loaded just now: nothing is known to be stale."""
    client, _, _ = ofac_only
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["ready"] is True and body["degraded"] == []
    assert {v["source"] for v in body["versions"]} == {"ofac-sdn"}
    assert body["customers_unscreened"] >= 0 and body["index_built_in_seconds"] >= 0


def test_readyz_of_a_degraded_service_says_degraded_not_ok(ofac_only: tuple[TestClient, str, str]) -> None:
    client, _, url = ofac_only
    engine = connect(url)
    record_check(engine, "un", CheckOutcome.FAILED, datetime.now(UTC), reason="mirror unreachable")
    engine.dispose()
    response = client.get("/readyz")
    assert response.status_code == 200  # still screening on the lists it has
    body = response.json()
    assert body["status"] == "degraded"
    [degraded] = body["degraded"]
    assert degraded["source"] == "un" and degraded["state"] == "failing"
    assert "mirror unreachable" in degraded["reason"]


def test_readyz_before_the_index_is_built_says_building(tmp_path: Path) -> None:
    # Without entering the client, the app's startup (which builds the index) never runs.
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'registry.db'}", tmp_path))
    response = TestClient(app).get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "building", "ready": False, "detail": "building the screening index"}


def test_catalog_carries_a_strong_etag_and_a_cache_lifetime(service: Service) -> None:
    with service.client(Role.VIEWER) as client:
        first, second = client.get("/catalog"), client.get("/catalog")
    assert first.status_code == 200 and first.json()["datasets"]
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 2  # strong: no W/ prefix
    assert first.headers["cache-control"] == CATALOG_CACHE
    assert second.headers["etag"] == etag and second.content == first.content


@pytest.mark.parametrize(
    "header",
    ["{etag}", "W/{etag}", '"something-else", {etag}', "*"],
    ids=["exact", "weak-form", "in-a-list", "wildcard"],
)
def test_catalog_answers_304_when_the_client_holds_it(service: Service, header: str) -> None:
    with service.client(Role.VIEWER) as client:
        etag = client.get("/catalog").headers["etag"]
        response = client.get("/catalog", headers={"If-None-Match": header.format(etag=etag)})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag and response.headers["cache-control"] == CATALOG_CACHE


def test_catalog_with_another_etag_is_sent_whole(service: Service) -> None:
    with service.client(Role.VIEWER) as client:
        response = client.get("/catalog", headers={"If-None-Match": '"not-the-catalog"'})
    assert response.status_code == 200 and response.json()["datasets"]


def test_catalog_revalidation_still_needs_a_key(service: Service) -> None:
    with service.client(Role.VIEWER) as client:
        etag = client.get("/catalog").headers["etag"]
    response = httpx.get(f"{service.url}/catalog", headers={"If-None-Match": etag})
    assert response.status_code == 401
    assert "etag" not in response.headers and response.headers["cache-control"] == "no-store"


def test_catalog_etag_changes_when_a_list_is_added(ofac_only: tuple[TestClient, str, str]) -> None:
    client, key, url = ofac_only
    headers = {"Authorization": f"ApiKey {key}"}
    before = client.get("/catalog", headers=headers)
    assert "un" not in {d["name"] for d in before.json()["datasets"]}
    registry = Registry.open(url)
    try:
        assert all(o.error is None for o in update_from_files(registry, sample_files()["un"]))
    finally:
        registry.close()
    after = client.get("/catalog", headers={**headers, "If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert "un" in {d["name"] for d in after.json()["datasets"]}
    assert after.headers["etag"] != before.headers["etag"]
