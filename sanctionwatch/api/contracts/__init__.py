"""The response bodies of Sanctionwatch's own endpoints, as pydantic models: what the OpenAPI document
shows a client, and what FastAPI checks every answer against (an answer that strays from its contract
fails in the tests, schemathesis included, instead of reaching a client). One module per area:
screening, registry, monitoring (customers, alerts, cases, webhooks), service (health, keys),
reconcile; yente's shapes, and the catalog its clients read, are in api/yente.py.

Fields are declared in the order the bodies have always given them: FastAPI writes a model's fields in
declaration order, and drops any key a model does not declare. Keys that an answer may leave out are
optional and left out by `response_model_exclude_unset` on the endpoints that carry them, so the bodies
stay byte for byte what they were (tests/service/test_contracts.py checks every endpoint).
"""

from __future__ import annotations

from sanctionwatch.api.contracts.monitoring import (
    AlertBody,
    AlertDetail,
    CaseAction,
    CaseEventBody,
    CustomerBody,
    CustomerImportResponse,
    DeletedCustomer,
    ImportErrorBody,
    NewWebhookResponse,
    ScreeningRunBody,
    StepAction,
    WebhookBody,
)
from sanctionwatch.api.contracts.reconcile import ReconcileAnswer, ReconcileManifest, ReconcileResponse
from sanctionwatch.api.contracts.registry import (
    ChangedPartyBody,
    FieldChangeBody,
    ListChangesResponse,
    ListedPartyRow,
    ListUploadResponse,
    RecordResponse,
    TimelineResponse,
    VersionBody,
    VersionChangeBody,
    VersionsResponse,
)
from sanctionwatch.api.contracts.screening import (
    EvidenceBody,
    ExplanationBody,
    HitBody,
    JobBody,
    LinkedRecordBody,
    ListVersionRef,
    NameModelBody,
    ScreenResponse,
    TokenPairBody,
)
from sanctionwatch.api.contracts.service import (
    DegradedSource,
    HealthResponse,
    KeyBody,
    KeysResponse,
    NewKeyResponse,
    NotReadyResponse,
    ReadyResponse,
    ReadyVersion,
)

__all__ = [
    "AlertBody",
    "AlertDetail",
    "CaseAction",
    "CaseEventBody",
    "ChangedPartyBody",
    "CustomerBody",
    "CustomerImportResponse",
    "DegradedSource",
    "DeletedCustomer",
    "EvidenceBody",
    "ExplanationBody",
    "FieldChangeBody",
    "HealthResponse",
    "HitBody",
    "ImportErrorBody",
    "JobBody",
    "KeyBody",
    "KeysResponse",
    "LinkedRecordBody",
    "ListChangesResponse",
    "ListUploadResponse",
    "ListVersionRef",
    "ListedPartyRow",
    "NameModelBody",
    "NewKeyResponse",
    "NewWebhookResponse",
    "NotReadyResponse",
    "ReadyResponse",
    "ReadyVersion",
    "ReconcileAnswer",
    "ReconcileManifest",
    "ReconcileResponse",
    "RecordResponse",
    "ScreenResponse",
    "ScreeningRunBody",
    "StepAction",
    "TimelineResponse",
    "TokenPairBody",
    "VersionBody",
    "VersionChangeBody",
    "VersionsResponse",
    "WebhookBody",
]
