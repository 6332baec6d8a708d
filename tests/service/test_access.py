"""Access control, walked over every endpoint: who may call what, and what happens otherwise."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sanctionwatch.access.roles import Role
from sanctionwatch.api.middleware import RedactSecrets
from sanctionwatch.service import create_service
from tests.service.conftest import Service, make_settings, seed_registry, start_server

# Every route of the service and the least role it needs (None: open to all). The test below fails
# when a route is added without being listed here: each new endpoint gets a decision.
EXPECTED: dict[tuple[str, str], Role | None] = {
    ("GET", "/healthz"): None,
    ("GET", "/readyz"): None,
    ("GET", "/openapi.json"): Role.VIEWER,
    ("GET", "/metrics"): Role.VIEWER,
    ("POST", "/match/{dataset}"): Role.ANALYST,
    ("GET", "/search/{dataset}"): Role.VIEWER,
    ("GET", "/entities/{entity_id}"): Role.VIEWER,
    ("GET", "/entities/{entity_id}/adjacent"): Role.VIEWER,
    ("GET", "/entities/{entity_id}/adjacent/{property_name}"): Role.VIEWER,
    ("GET", "/records/{entity_id}"): Role.VIEWER,
    ("GET", "/lists"): Role.VIEWER,
    ("GET", "/lists/{source}/changes"): Role.VIEWER,
    ("GET", "/changes"): Role.VIEWER,
    ("GET", "/catalog"): Role.VIEWER,
    ("GET", "/algorithms"): Role.VIEWER,
    ("POST", "/screen"): Role.ANALYST,
    ("POST", "/jobs"): Role.ANALYST,
    ("GET", "/jobs/{job_id}"): Role.ANALYST,
    ("GET", "/jobs/{job_id}/result"): Role.ANALYST,
    ("GET", "/reconcile"): Role.ANALYST,
    ("POST", "/reconcile"): Role.ANALYST,
    ("GET", "/reconcile/{dataset}"): Role.ANALYST,
    ("POST", "/reconcile/{dataset}"): Role.ANALYST,
    ("GET", "/reconcile/{dataset}/suggest/entity"): Role.ANALYST,
    ("GET", "/reconcile/{dataset}/suggest/type"): Role.ANALYST,
    ("GET", "/reconcile/{dataset}/suggest/property"): Role.ANALYST,
    ("GET", "/reconcile/{dataset}/extend/property"): Role.ANALYST,
    ("GET", "/alerts"): Role.ANALYST,
    ("GET", "/alerts/{alert_id}"): Role.ANALYST,
    ("POST", "/alerts/{alert_id}/steps"): Role.ANALYST,  # confirm and send back: approver (the workflow says)
    ("GET", "/cases/{alert_id}/export.pdf"): Role.ANALYST,  # whoever may read a case; the export is audited
    ("POST", "/customers"): Role.ANALYST,
    ("GET", "/customers/{customer_id}"): Role.ANALYST,
    ("DELETE", "/customers/{customer_id}"): Role.ANALYST,
    ("POST", "/payments/screen"): Role.ANALYST,
    ("GET", "/payments"): Role.ANALYST,
    ("GET", "/payments/{payment_id}"): Role.ANALYST,
    ("GET", "/ownership"): Role.ANALYST,
    ("GET", "/ownership/{key:path}"): Role.ANALYST,
    ("GET", "/reports"): Role.ANALYST,  # who reads the alerts reads their figures
    ("GET", "/reports.csv"): Role.ANALYST,
    ("GET", "/reports.xlsx"): Role.ANALYST,
    ("GET", "/webhooks"): Role.ADMIN,
    ("POST", "/webhooks"): Role.ADMIN,
    ("GET", "/admin/keys"): Role.ADMIN,
    ("POST", "/admin/keys"): Role.ADMIN,
    ("DELETE", "/admin/keys/{key_id}"): Role.ADMIN,
    ("POST", "/admin/lists/{name}"): Role.ADMIN,
    # The analyst pages (session login; an API key is no browser session).
    ("GET", "/ui/login"): None,
    ("POST", "/ui/login"): None,
    ("POST", "/ui/logout"): Role.VIEWER,
    ("GET", "/ui/"): Role.VIEWER,
    ("GET", "/ui/entities/{entity_id}"): Role.VIEWER,
    ("GET", "/ui/changes"): Role.VIEWER,
    ("GET", "/ui/alerts"): Role.ANALYST,
    ("GET", "/ui/alerts/{alert_id}"): Role.ANALYST,
    ("POST", "/ui/alerts/{alert_id}/steps"): Role.ANALYST,
    ("GET", "/ui/payments"): Role.ANALYST,
    ("GET", "/ui/payments/{payment_id}"): Role.ANALYST,
    ("GET", "/ui/ownership/{key:path}"): Role.ANALYST,
    ("GET", "/ui/reports"): Role.ANALYST,
    ("GET", "/"): None,  # a redirect to /ui/, which asks for a login
}
# A request that passes validation for each API route, so that only access decides the status.
CALLS: dict[tuple[str, str], dict[str, object]] = {
    ("POST", "/match/{dataset}"): {
        "url": "/match/default",
        "json": {"queries": {"q": {"schema": "Person", "properties": {"name": ["Kim Jong Un"]}}}},
    },
    ("GET", "/search/{dataset}"): {"url": "/search/default?q=kim"},
    ("GET", "/entities/{entity_id}"): {"url": "/entities/ofac-sdn:20157"},
    ("GET", "/entities/{entity_id}/adjacent"): {"url": "/entities/ofac-sdn:20157/adjacent"},
    ("GET", "/entities/{entity_id}/adjacent/{property_name}"): {
        "url": "/entities/ofac-sdn:20157/adjacent/addressEntity"
    },
    ("GET", "/records/{entity_id}"): {"url": "/records/ofac-sdn:20157"},
    ("GET", "/lists/{source}/changes"): {"url": "/lists/ofac-sdn/changes"},
    ("POST", "/screen"): {"url": "/screen", "json": {"name": "Kim Jong Un"}},
    ("POST", "/jobs"): {"url": "/jobs", "files": {"file": ("q.csv", b"id,name\n1,Kim Jong Un\n")}},
    ("GET", "/jobs/{job_id}"): {"url": "/jobs/00000000-0000-0000-0000-000000000000"},
    ("GET", "/jobs/{job_id}/result"): {"url": "/jobs/00000000-0000-0000-0000-000000000000/result"},
    ("POST", "/reconcile"): {"url": "/reconcile", "data": {"queries": '{"q0": {"query": "Kim Jong Un"}}'}},
    ("GET", "/reconcile/{dataset}"): {"url": "/reconcile/ofac-sdn"},
    ("POST", "/reconcile/{dataset}"): {
        "url": "/reconcile/ofac-sdn",
        "data": {"queries": '{"q0": {"query": "Kim Jong Un"}}'},
    },
    ("GET", "/reconcile/{dataset}/suggest/entity"): {"url": "/reconcile/default/suggest/entity?prefix=kim"},
    ("GET", "/reconcile/{dataset}/suggest/type"): {"url": "/reconcile/default/suggest/type?prefix=per"},
    ("GET", "/reconcile/{dataset}/suggest/property"): {
        "url": "/reconcile/default/suggest/property?prefix=na"
    },
    ("GET", "/reconcile/{dataset}/extend/property"): {
        "url": "/reconcile/default/extend/property?type=Person"
    },
    ("GET", "/alerts/{alert_id}"): {"url": "/alerts/999999"},
    ("POST", "/alerts/{alert_id}/steps"): {"url": "/alerts/999999/steps", "json": {"action": "review"}},
    ("GET", "/cases/{alert_id}/export.pdf"): {"url": "/cases/999999/export.pdf"},
    ("POST", "/customers"): {
        "url": "/customers",
        "files": {"file": ("c.csv", b"id,name\nx-1,Maria Schmidt\n")},
    },
    ("GET", "/customers/{customer_id}"): {"url": "/customers/nobody"},
    ("DELETE", "/customers/{customer_id}"): {"url": "/customers/nobody"},
    # Screened, not recorded: the shared service's hold queue stays empty.
    ("POST", "/payments/screen"): {"url": "/payments/screen?record=false", "content": b"no payment"},
    ("GET", "/payments/{payment_id}"): {"url": "/payments/999999"},
    ("GET", "/ownership/{key:path}"): {"url": "/ownership/ofac-sdn:20157"},
    ("POST", "/webhooks"): {"url": "/webhooks", "json": {"url": "http://127.0.0.1:9/hook"}},
    ("POST", "/admin/keys"): {"url": "/admin/keys", "json": {"name": "made in test", "role": "viewer"}},
    ("DELETE", "/admin/keys/{key_id}"): {"url": "/admin/keys/999999"},
    # A file the layout refuses (400 for an admin): the shared service's lists stay as seeded.
    ("POST", "/admin/lists/{name}"): {"url": "/admin/lists/deny", "files": {"file": ("d.csv", b"id,name\n")}},
}
API_ROUTES = [route for route, role in EXPECTED.items() if not route[1].startswith("/ui") and route[1] != "/"]


def _methods_and_paths(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every (method, path) of an app, looking into included routers."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _methods_and_paths(included.routes, prefix + route.include_context.prefix)
        else:
            for method in getattr(route, "methods", None) or ():
                if method != "HEAD":
                    yield method, prefix + route.path


def test_every_route_has_an_access_decision(service: Service) -> None:
    app = create_service(make_settings(service.database, service.jobs_dir.parent))
    assert set(_methods_and_paths(app.routes)) == set(EXPECTED)


def _call(client: httpx.Client, route: tuple[str, str]) -> httpx.Response:
    spec = dict(CALLS.get(route, {"url": route[1]}))
    url = str(spec.pop("url"))
    return client.request(route[0], url, **spec)  # type: ignore[arg-type]


@pytest.mark.parametrize("route", API_ROUTES, ids=[f"{m} {p}" for m, p in API_ROUTES])
def test_role_matrix(service: Service, route: tuple[str, str]) -> None:
    needed = EXPECTED[route]
    with service.client() as anonymous:
        status = _call(anonymous, route).status_code
        assert (status == 401) == (needed is not None), f"anonymous got {status}"
    for role in Role:
        with service.client(role) as client:
            response = _call(client, route)
        allowed = needed is None or role.allows(needed)
        if allowed:
            assert response.status_code not in (401, 403), (
                f"{role.value}: {response.status_code} {response.text}"
            )
            assert response.status_code < 500
        else:
            assert response.status_code == 403, f"{role.value}: {response.status_code}"
            assert needed is not None and needed.value in response.json()["detail"]


def test_missing_malformed_and_unknown_keys_are_refused(service: Service) -> None:
    for header in ("", "ApiKey", "ApiKey sw_not-a-real-key", "Basic dXNlcjpwYXNz", "ApiKey " + "x" * 5000):
        response = httpx.get(f"{service.url}/lists", headers={"Authorization": header} if header else {})
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "ApiKey"


def test_bearer_is_accepted_like_apikey(service: Service) -> None:
    response = httpx.get(
        f"{service.url}/lists", headers={"Authorization": f"Bearer {service.keys[Role.VIEWER]}"}
    )
    assert response.status_code == 200


def test_a_revoked_key_is_refused_at_once(service: Service) -> None:
    with service.client(Role.ADMIN) as admin:
        created = admin.post("/admin/keys", json={"name": "short-lived", "role": "analyst"}).json()
        key = created["key"]
        assert key.startswith("sw_") and created["prefix"] == key[:10]
        assert (
            httpx.get(f"{service.url}/lists", headers={"Authorization": f"ApiKey {key}"}).status_code == 200
        )
        assert admin.delete(f"/admin/keys/{created['id']}").json()["revoked_at"] is not None
        listed = admin.get("/admin/keys").json()["keys"]
    assert httpx.get(f"{service.url}/lists", headers={"Authorization": f"ApiKey {key}"}).status_code == 401
    assert all("key" not in k and "key_hash" not in k for k in listed)


def test_open_endpoints_need_no_key(service: Service) -> None:
    assert httpx.get(f"{service.url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{service.url}/readyz").json()
    assert ready["ready"] is True
    assert {v["source"] for v in ready["versions"]} == {"ofac-sdn", "un"}


def test_security_headers_on_every_response(service: Service) -> None:
    for response in (httpx.get(f"{service.url}/healthz"), httpx.get(f"{service.url}/lists")):
        headers = response.headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["cache-control"] == "no-store"
        assert headers["referrer-policy"] == "no-referrer"


def test_cors_allows_no_foreign_origin_by_default(service: Service) -> None:
    response = httpx.options(
        f"{service.url}/match/default",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in response.headers


def test_rate_limit_answers_429_with_retry_after(tmp_path_factory: pytest.TempPathFactory) -> None:
    scratch = tmp_path_factory.mktemp("limited")
    url = f"sqlite:///{scratch / 'registry.db'}"
    seed_registry(url, scratch)
    from sanctionwatch.access.keys import ApiKeys
    from sanctionwatch.db.engine import connect

    key = ApiKeys(connect(url)).create("burst", "viewer")[1]
    running = start_server(make_settings(url, scratch, rate_per_second=1, rate_burst=3))
    try:
        statuses = [
            httpx.get(f"{running.url}/lists", headers={"Authorization": f"ApiKey {key}"}) for _ in range(6)
        ]
    finally:
        running.stop()
    assert [r.status_code for r in statuses[:3]] == [200, 200, 200]
    limited = [r for r in statuses if r.status_code == 429]
    assert limited and int(limited[0].headers["retry-after"]) >= 1


def test_keys_are_masked_in_log_lines() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/reconcile?api_key=sw_SECRETSECRET&queries=x", "1.1", 200),
        None,
    )
    RedactSecrets().filter(record)
    line = record.getMessage()
    assert "sw_SECRETSECRET" not in line and "api_key=***" in line
    header = logging.LogRecord(
        "sanctionwatch", logging.INFO, __file__, 1, "auth ApiKey sw_TOPSECRET used", None, None
    )
    RedactSecrets().filter(header)
    assert "sw_TOPSECRET" not in header.getMessage()
