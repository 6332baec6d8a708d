"""The monitored customer base over HTTP: import a file (then the new and changed customers are screened
at once), read one customer, remove customers, and the webhooks that receive new alerts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Request, UploadFile
from fastapi import Path as PathParameter
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from sanctionwatch.api.contracts.monitoring import (
    CustomerBody,
    CustomerImportResponse,
    DeletedCustomer,
    NewWebhookResponse,
    WebhookBody,
)
from sanctionwatch.api.costly import Costly
from sanctionwatch.api.security import Admin, Analyst, Principal
from sanctionwatch.api.state import ServiceState, state_of
from sanctionwatch.api.uploads import spooled_upload, upload_name
from sanctionwatch.api.yente import ErrorResponse
from sanctionwatch.monitoring.after_update import network_runs, notify_alerts, unscreened_ids
from sanctionwatch.monitoring.customer_store import Customers
from sanctionwatch.monitoring.rescreen import Monitor
from sanctionwatch.monitoring.webhooks import Webhooks

router = APIRouter(tags=["Customers and monitoring"])
# Ids as the store holds them: at most 200 characters, printable (no NUL, which PostgreSQL refuses).
CustomerId = Annotated[str, PathParameter(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]+$")]
MAX_ERRORS_SHOWN = 100


class NewWebhook(BaseModel):
    url: str = Field(
        ..., min_length=1, max_length=2000, examples=["https://siem.example/hooks/sanctionwatch"]
    )


@router.post(
    "/customers",
    response_model=CustomerImportResponse,
    responses={400: {"model": ErrorResponse}, 413: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
    summary="Import customers (CSV, JSONL, XLSX, Parquet): added or updated by id, then screened",
)
async def import_customers(
    request: Request,
    file: UploadFile = File(..., description="Columns: id, name, aliases, schema, birth_date, country, ..."),
    principal: Principal = Analyst,
    _slot: None = Costly,
) -> dict[str, Any]:
    state = state_of(request)
    state.snapshot()  # 503 while the index is being built: the import screens at once
    name = upload_name(file, "customers.csv")
    return await run_in_threadpool(_import, state, file, name, principal.label)


def _import(state: ServiceState, upload: UploadFile, name: str, actor: str) -> dict[str, Any]:
    with spooled_upload(upload, name, prefix="sw-customers-") as path:
        summary, rejected = Customers(state.registry.engine).import_file(path, actor=actor)
    snapshot = state.snapshot()
    versions = snapshot.list_versions
    # One process: the service's threads make forking workers unsafe here (the CLI uses every core).
    monitor = Monitor(state.registry.engine, snapshot.screener, versions, actor=actor, workers=1)
    new_ids = unscreened_ids(Customers(state.registry.engine))
    run = monitor.screen_new_customers()
    notify_alerts(state.registry, run, versions)
    network = network_runs(state.registry, snapshot.screener, versions, new_ids, actor=actor)
    for extra in network:
        notify_alerts(state.registry, extra, versions)
    return {
        "file": name,
        **summary.to_json(),
        "errors": [{"row": p.row, "error": str(p)} for p in rejected[:MAX_ERRORS_SHOWN]],
        "screening": run.to_json(),
        "network": [extra.to_json() for extra in network],
    }


@router.get(
    "/customers/{customer_id}",
    response_model=CustomerBody,
    responses={404: {"model": ErrorResponse}},
    summary="One customer",
)
def get_customer(
    request: Request, customer_id: CustomerId, _principal: Principal = Analyst
) -> dict[str, Any]:
    customer = Customers(state_of(request).registry.engine).get(customer_id)
    if customer is None:
        raise HTTPException(404, f"no customer {customer_id!r}")
    return {"id": customer.id, **customer.data(), "hash": customer.hash}


@router.delete(
    "/customers/{customer_id}",
    response_model=DeletedCustomer,
    responses={404: {"model": ErrorResponse}},
    summary="Stop monitoring a customer",
)
def delete_customer(
    request: Request, customer_id: CustomerId, principal: Principal = Analyst
) -> dict[str, Any]:
    removed = Customers(state_of(request).registry.engine).delete([customer_id], actor=principal.label)
    if not removed:
        raise HTTPException(404, f"no customer {customer_id!r}")
    return {"deleted": customer_id}


@router.get(
    "/webhooks",
    response_model=list[WebhookBody],
    summary="Where new alerts are posted (never the secrets)",
    dependencies=[Admin],
)
def list_webhooks(request: Request) -> list[dict[str, Any]]:
    return [h.to_json() for h in Webhooks(state_of(request).registry.engine).list()]


@router.post(
    "/webhooks",
    status_code=201,
    response_model=NewWebhookResponse,
    responses={400: {"model": ErrorResponse}},
    summary="Register a receiver; its HMAC secret is in the answer, once",
)
def add_webhook(request: Request, body: NewWebhook, principal: Principal = Admin) -> dict[str, Any]:
    webhook_id, secret = Webhooks(state_of(request).registry.engine).add(body.url, actor=principal.label)
    return {"id": webhook_id, "secret": secret}
