"""The response bodies of Sanctionwatch's own endpoints, as pydantic models: what the OpenAPI document
shows a client, and what FastAPI checks every answer against (an answer that strays from its contract
fails in the tests, schemathesis included, instead of reaching a client).

Fields are declared in the order the bodies have always given them: FastAPI writes a model's fields in
declaration order. Keys that an answer may leave out (a hit found by its identifier alone has no name
alignment) are optional here and left out by `response_model_exclude_unset` on the endpoints that
carry them, so the bodies stay byte for byte what they were. (yente's shapes are in api/yente.py.)
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from sanctionwatch.access.roles import Role
from sanctionwatch.matching.evidence import Effect, EvidenceFeature
from sanctionwatch.registry.tables import VersionStatus
from sanctionwatch.screening.jobs import JobStatus


class TokenPairBody(BaseModel):
    query: str
    listed: str
    similarity: float = Field(description="1.0: the same word; rounded to 3 decimals")


class EvidenceBody(BaseModel):
    feature: EvidenceFeature
    effect: Effect
    detail: str
    weight: float | None = Field(
        None, description="The name model's weight for this kind of evidence; absent when a rule decided"
    )


class NameModelBody(BaseModel):
    strongest_features: dict[str, float] = Field(description="Signed contributions, strongest first")
    exact_name: str | None = Field(None, description="Present when the whole listed name matched")


class LinkedRecordBody(BaseModel):
    source_id: str
    linked_by: str


class ExplanationBody(BaseModel):
    """screening.explanation.Explanation as JSON. The name fields and `name_model` are absent for a
    hit found by its identifier alone; `linked_records` is absent when one list names the party."""

    matched_name: str
    weak_alias: bool | None = None
    name_score: float | None = None
    query_coverage: float | None = None
    listed_coverage: float | None = None
    token_pairs: list[TokenPairBody] | None = None
    unmatched_query_tokens: list[str] | None = None
    unmatched_listed_tokens: list[str] | None = None
    evidence: list[EvidenceBody]
    score: float
    name_model: NameModelBody | None = None
    linked_records: list[LinkedRecordBody] | None = None


class HitBody(BaseModel):
    entity_id: str = Field(examples=["ofac-sdn:15603"])
    score: float = Field(description="Calibrated 0..1, comparable across queries")
    source_ids: list[str] = Field(description="Every list record behind the hit")
    matched_name: str
    caption: str
    schema_: str = Field(alias="schema")
    programs: list[str]
    explanation: ExplanationBody


class ListVersionRef(BaseModel):
    source: str
    version: int


class ScreenResponse(BaseModel):
    threshold: float
    hits: list[HitBody]
    list_versions: list[ListVersionRef] = Field(description="The list versions screened against")


class VersionBody(BaseModel):
    source: str
    version: int
    published: str | None
    fetched: str
    entities: int
    active: bool
    status: VersionStatus
    status_reason: str | None
    format: str
    files: list[dict[str, Any]]


class VersionsResponse(BaseModel):
    versions: list[VersionBody]


class JobBody(BaseModel):
    id: str
    status: JobStatus
    input_name: str
    output_format: str
    rows_done: int
    rows_with_hits: int
    rows_failed: int
    error: str | None
    created_at: str
    finished_at: str | None
    result_url: str | None = Field(description="Where the result is, once the job is done")


class HealthResponse(BaseModel):
    status: str = Field(examples=["ok"])


class KeyBody(BaseModel):
    id: int
    name: str
    role: Role
    prefix: str
    created_at: str
    revoked_at: str | None
    owner: str | None


class KeysResponse(BaseModel):
    keys: list[KeyBody]


class NewKeyResponse(KeyBody):
    key: str = Field(description="The key itself: shown once, never stored")


class DeletedCustomer(BaseModel):
    deleted: str
