"""The response models of our own endpoints (sanctionwatch/api/contracts): every route declares what
its success answers, and declaring it changed no byte of any answer.

A response model is not neutral: FastAPI validates the handler's dict against it, drops the keys it
does not declare, writes the fields in the model's order and encodes the JSON itself. So each handler
is called here, in process, on a seeded registry, and its dict is put through the route's own model
and flags (FastAPI's `serialize_response`, as a request would) and compared, byte for byte, with the
plain JSON encoding the endpoint gave before it had a model.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args
from urllib.parse import urlencode

import pytest
from fastapi import FastAPI, Response, UploadFile
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, iter_route_contexts, serialize_response
from starlette.requests import Request

from sanctionwatch.access.roles import Role
from sanctionwatch.access.users import Users
from sanctionwatch.api.app import create_app
from sanctionwatch.api.contracts import CaseAction, StepAction
from sanctionwatch.api.routers import cases, customers, health, lists, match, reconcile, reports, search
from sanctionwatch.api.security import Principal
from sanctionwatch.api.settings import ServiceSettings
from sanctionwatch.api.state import ServiceState
from sanctionwatch.api.yente import EntityMatchQuery, EntityMatchResponse
from sanctionwatch.cases.workflow import STEPS
from sanctionwatch.matching.tuning import TUNING
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.update import sample_files, update_from_files
from sanctionwatch.service import create_service
from tests.service.conftest import PASSWORD, make_settings, seed_registry

ANALYST = Principal("user", "alice", Role.ANALYST, person="user:alice")
ADMIN = Principal("key", "#1 admin", Role.ADMIN)
CUSTOMERS = (
    "id,name,schema,birth_date,country\n"
    "c1,Kim Jong Un,Person,1984-01-08,kp\n"
    "c2,Foreign Trade Bank of the DPRK,Organization,,kp\n"
    "c3,Ada Lovelace,Person,1815-12-10,gb\n"
    "c4,,Person,,\n"  # no name: rejected, reported by row
)


@dataclass
class Served:
    app: FastAPI
    state: ServiceState

    def request(self, method: str = "GET", *, principal: Principal = ANALYST, **query: str) -> Request:
        """A request as the handlers see it, from a caller the service authenticated."""
        scope = {
            "type": "http", "method": method, "path": "/", "query_string": urlencode(query).encode(),
            "headers": [], "scheme": "http", "server": ("sanctionwatch.test", 80), "app": self.app,
            "state": {"principal": principal},
        }  # fmt: skip
        return Request(scope)

    def unchanged(self, path: str, method: str, body: Any) -> None:
        """The bytes FastAPI sends for `body` through the route's model are those of the plain body."""
        route = _route(self.app, path, method)
        assert route.response_field is not None, f"{method} {path}: no response model"
        sent = asyncio.run(
            serialize_response(
                field=route.response_field,
                response_content=body,
                by_alias=route.response_model_by_alias,
                exclude_unset=route.response_model_exclude_unset,
                exclude_defaults=route.response_model_exclude_defaults,
                exclude_none=route.response_model_exclude_none,
                dump_json=True,
            )
        )
        assert sent == JSONResponse(body).body, f"{method} {path}: the model changed the body"


CONVERTER = re.compile(r":\w+}")


def _routes(app: FastAPI) -> Iterator[tuple[str, APIRoute]]:
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            yield str(context.path), route


def _route(app: FastAPI, path: str, method: str) -> APIRoute:
    return next(r for p, r in _routes(app) if p == path and method in r.methods)


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """The API over the sample lists: OFAC in three versions (the second adds KIM Jong Un, the third
    changes a bank's remarks), the UN list, a user per role, customers imported and alerted."""
    scratch = Path(tempfile.mkdtemp(prefix="sw-contracts-"))
    url = f"sqlite:///{scratch / 'registry.db'}"
    seed_registry(url, scratch)
    changed = scratch / "changed"
    changed.mkdir()
    for path in sample_files()["ofac-sdn"]:
        text = path.read_text(encoding="utf-8").replace("SWIFT/BIC KKBCKPPY;", "SWIFT/BIC KKBCKPP2;")
        (changed / path.name).write_text(text, encoding="utf-8")
    registry = Registry.open(url)
    try:
        update_from_files(registry, sorted(changed.iterdir()))
        for role in Role:
            Users(registry.engine).create(
                "alice" if role is Role.ANALYST else role.value, role.value, PASSWORD
            )
    finally:
        registry.close()
    app = create_app(make_settings(url, scratch))
    state: ServiceState = app.state.service
    state.live.refresh()
    try:
        yield Served(app, state)
    finally:
        state.jobs.shutdown()
        state.registry.close()


def test_every_route_of_ours_declares_its_success_answer() -> None:
    """Walks the routes: each one in the schema shows a schema for its success status (a model, or
    the media type of a file); /metrics is Prometheus text, declared as text/plain."""
    app = create_service(
        ServiceSettings(database="sqlite://", secret="schema-only", jobs_dir=Path(tempfile.mkdtemp()))
    )
    document = app.openapi()
    checked = []
    for routed, route in _routes(app):
        if not route.include_in_schema:
            continue
        path = CONVERTER.sub("}", routed)  # the document writes /ownership/{key:path} as /ownership/{key}
        for method in route.methods:
            status = str(route.status_code or 200)
            content = document["paths"][path][method.lower()]["responses"][status].get("content", {})
            if path == "/metrics":
                assert set(content) == {"text/plain"}, content
                continue
            assert content, f"{method} {path}: no content declared for {status}"
            for media, declared in content.items():
                assert declared.get("schema"), f"{method} {path}: {media} {status} has no schema"
            if "application/json" in content:
                assert route.response_model is not None, f"{method} {path}: no response model"
            checked.append(f"{method} {path}")
    # Every operation in the document was walked (none is reached another way).
    documented = {f"{method.upper()} {path}" for path, ops in document["paths"].items() for method in ops}
    assert {*checked, "GET /metrics"} == documented
    readyz = document["paths"]["/readyz"]["get"]["responses"]
    assert readyz["503"]["content"]["application/json"]["schema"]["$ref"].endswith("/NotReadyResponse")


def test_case_vocabularies_are_the_workflows() -> None:
    assert set(get_args(StepAction)) == set(STEPS)
    assert set(get_args(CaseAction)) == {"opened"} | set(STEPS)


def test_registry_bodies_are_unchanged(served: Served) -> None:
    request = served.request()
    served.unchanged("/lists", "GET", lists.versions(request))
    diff = lists.changes(request, "ofac-sdn", None, None, [], [])
    assert diff["changed"] and diff["changed"][0]["details"], diff  # the third version's remark
    served.unchanged("/lists/{source}/changes", "GET", diff)
    added = lists.changes(request, "ofac-sdn", 1, 2, [], [])
    assert added["added"] and added["from"] == 1, added
    served.unchanged("/lists/{source}/changes", "GET", added)
    first = lists.changes(request, "un", None, None, [], [])
    assert first["from"] is None and first["added"], first
    served.unchanged("/lists/{source}/changes", "GET", first)
    served.unchanged("/changes", "GET", lists.timeline(request, [], []))
    served.unchanged("/catalog", "GET", lists.catalog_body(request))
    served.unchanged("/algorithms", "GET", match.algorithms(request))
    entities = served.state.snapshot().screener.index.entities
    assert entities
    for entity in entities:
        served.unchanged("/records/{entity_id}", "GET", search.record(request, entity.id))
    ready = health.readyz(request)
    assert isinstance(ready, dict)
    served.unchanged("/readyz", "GET", ready)


def test_monitoring_bodies_are_unchanged(served: Served) -> None:
    request = served.request("POST")
    upload = UploadFile(io.BytesIO(CUSTOMERS.encode()), filename="customers.csv")
    imported = customers._import(served.state, upload, "customers.csv", ANALYST.label)
    assert imported["errors"] and imported["screening"]["alerts"], imported
    served.unchanged("/customers", "POST", imported)
    served.unchanged("/customers/{customer_id}", "GET", customers.get_customer(request, "c1", ANALYST))

    alerts = cases.list_alerts(request, ANALYST, None, None, 500)
    assert alerts
    served.unchanged("/alerts", "GET", alerts)
    alert_id = alerts[0]["id"]
    served.unchanged("/alerts/{alert_id}", "GET", cases.get_alert(request, alert_id, ANALYST))
    steps = [
        cases.StepRequest(action="review"),
        cases.StepRequest(action="comment", text="born 1984, same as listed"),
        cases.StepRequest(action="propose", decision="true_match", reason="same name, birth date, country"),
    ]
    for step in steps:
        served.unchanged(
            "/alerts/{alert_id}/steps", "POST", cases.take_step(request, alert_id, step, ANALYST)
        )
    decided = cases.get_alert(request, alert_id, ANALYST)
    assert [e["action"] for e in decided["events"]] == ["opened", "review", "comment", "propose"]
    assert decided["decision"] == "true_match" and decided["status"] == "proposed"

    admin = served.request("POST", principal=ADMIN)
    added = customers.add_webhook(admin, customers.NewWebhook(url="https://93.184.215.14/hooks"), ADMIN)
    served.unchanged("/webhooks", "POST", added)
    served.unchanged("/webhooks", "GET", customers.list_webhooks(admin))


def test_the_report_body_is_unchanged(served: Served) -> None:
    body = reports.report(served.request(), None, None)
    assert body["alerts"]["by_age"] and body["lists"] and body["screenings"]["days"], body
    served.unchanged("/reports", "GET", body)
    served.unchanged("/reports", "GET", reports.report(served.request(), "2026-01-01", "2026-01-02"))


def test_reconciliation_bodies_are_unchanged(served: Served) -> None:
    def serve(request: Request, dataset: str = "default") -> Any:
        return asyncio.run(reconcile.reconcile_dataset(request, Response(), dataset, "sanctionwatch"))

    manifest = asyncio.run(reconcile.reconcile(served.request(), Response(), "sanctionwatch"))
    served.unchanged("/reconcile", "GET", manifest)
    served.unchanged("/reconcile/{dataset}", "GET", serve(served.request(), "ofac-sdn"))
    queries = {"q0": {"query": "Kim Jong Un", "type": "Person"}, "q1": {"query": "Ada Lovelace"}}
    answers = serve(served.request(queries=json.dumps(queries)))
    assert answers["q0"]["result"] and answers["q1"] == {"result": []}, answers
    for path in ("/reconcile", "/reconcile/{dataset}"):
        served.unchanged(path, "GET", answers)
        served.unchanged(path, "POST", answers)
    extend = {
        "ids": [answers["q0"]["result"][0]["id"]],
        "properties": [{"id": "name"}, {"id": "nationality"}],
    }
    extended = serve(served.request(extend=json.dumps(extend)))
    assert extended["rows"][extend["ids"][0]]["name"], extended
    served.unchanged("/reconcile/{dataset}", "GET", extended)
    served.unchanged("/reconcile/{dataset}", "POST", extended)
    request = served.request()
    suggested = {
        "entity": reconcile.suggest_entity(request, "default", "Kim Jong", 0, 10, None),
        "type": reconcile.suggest_type(request, "default", "per", 0, 5),
        "property": reconcile.suggest_property(request, "default", "nat", 0, 5, "Person"),
    }
    for kind, body in suggested.items():
        assert body["result"], (kind, body)
        served.unchanged(f"/reconcile/{{dataset}}/suggest/{kind}", "GET", body)
    proposal = reconcile.extend_property(request, "default", "Person", 3)
    served.unchanged("/reconcile/{dataset}/extend/property", "GET", proposal)


def test_match_answers_are_what_its_schema_says(served: Served) -> None:
    """/match sends its answer without a second validation (for speed): it must be what the schema
    declares all the same, every field of it."""
    query = EntityMatchQuery.model_validate(
        {
            "queries": {
                "q1": {"schema": "Person", "properties": {"name": ["Kim Jong Un"], "birthDate": ["1984"]}}
            }
        }
    )
    answer = asyncio.run(
        match.match(
            served.request("POST"), query, "default", 5, TUNING.threshold, match.DEFAULT_CUTOFF, "best"
        )
    )
    body = json.loads(answer.body)
    assert body["responses"]["q1"]["results"], body
    declared = EntityMatchResponse.model_validate(body)
    assert declared.model_dump(mode="json", by_alias=True, exclude_unset=True) == body
