"""Monitoring's bodies: customers and their import, alerts and the steps of their cases, webhooks."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from sanctionwatch.monitoring.alerts import Decision, Status

# The case steps a caller can take (cases.workflow.STEPS); the tests hold the two to the same names.
StepAction = Literal["review", "assign", "propose", "confirm", "send_back", "close", "comment"]
# What a case's history records: its opening, then the steps taken.
CaseAction = Literal["opened", StepAction]


class AlertBody(BaseModel):
    """An alert as the queue lists it (monitoring.alerts.alert_json: the CLI's --json gives the same)."""

    id: int
    customer_id: str
    entity_id: str = Field(description="The listed party (its stable id across the lists)")
    caption: str = Field(description="The listed party's name")
    source_ids: list[str] = Field(description="Every list record behind the party")
    score: float = Field(description="Rounded to 4 decimals")
    status: Status
    list_version: str = Field(examples=["ofac-sdn/3"])
    engine_version: str
    trigger: str = Field(description="What screened it: customers (an import), full, delta (a list update)")
    assignee: str | None
    decision: Decision | None
    reason: str | None
    proposed_by: str | None
    confirmed_by: str | None
    created_at: str
    updated_at: str
    age_days: int


class CaseEventBody(BaseModel):
    """One entry of a case's history: who did what, and the status it moved the case from and to
    (`to_status` is null for a step that leaves the status, an assignment or a comment)."""

    at: str
    actor: str
    action: CaseAction
    from_status: Status | None
    to_status: Status | None
    text: str | None


class AlertDetail(AlertBody):
    """One alert (GET /alerts/{id}, and after each case step): the queue's fields, the explanation of
    the hit as it was stored when the alert was raised, both sides' record hashes, and the history."""

    explanation: dict[str, Any] = Field(
        description="The hit as screened: matched_name, caption, matched_record, schema, programs, and "
        "the explanation of its score (as POST /screen gives it)"
    )
    customer_hash: str
    record_hash: str
    revision: int = Field(description="Bumped by every step: what a step compares and sets")
    events: list[CaseEventBody]


class CustomerBody(BaseModel):
    """GET /customers/{id}: the customer as stored, and the hash of its content (a changed customer is
    screened anew)."""

    id: str
    schema_: str = Field(alias="schema", description="Empty when the file did not say")
    names: list[str]
    birth_dates: list[str]
    countries: list[str]
    identifiers: list[str]
    attributes: dict[str, str] = Field(description="The file's other columns, by column name")
    hash: str


class ImportErrorBody(BaseModel):
    """A row of the file that was not imported, and why."""

    row: int
    error: str


class FailedCustomer(BaseModel):
    """A customer that could not be screened, and why."""

    customer_id: str
    error: str


class ScreeningRunBody(BaseModel):
    """One screening of customers (monitoring.rescreen.ScreeningRun.to_json), with the alerts it raised."""

    run: str = Field(description="The run's id, as its audit record and the receipts of it name it")
    trigger: str
    customers_screened: int
    parties: int
    hits: int
    alerts_created: int
    already_alerted: int
    suppressed: int
    failed: list[FailedCustomer]
    seconds: float
    alerts: list[AlertBody]


class CustomerImportResponse(BaseModel):
    """POST /customers: the counts of the import, its first rejected rows, and the screening of the new
    and changed customers that followed."""

    file: str
    added: int
    updated: int
    unchanged: int
    rejected: int
    errors: list[ImportErrorBody] = Field(description="The first 100 rejected rows")
    screening: ScreeningRunBody
    network: list[ScreeningRunBody] = Field(
        default_factory=list,
        description="The checks beyond names that followed: ownership (trigger 'ownership') and values "
        "shared with listed parties (trigger 'shared-value')",
    )


class DeletedCustomer(BaseModel):
    """DELETE /customers/{id}: the customer no longer monitored."""

    deleted: str


class WebhookBody(BaseModel):
    """A registered receiver of new alerts (never its secret)."""

    id: int
    url: str
    created_at: str
    disabled_at: str | None
    active: bool


class NewWebhookResponse(BaseModel):
    """POST /webhooks: the new receiver's id and its HMAC secret, shown this once."""

    id: int
    secret: str
