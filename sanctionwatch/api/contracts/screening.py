"""Screening's bodies: POST /screen (hits with their explanation) and the batch jobs."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from sanctionwatch.api.contracts.ownership import OwnershipHitBody
from sanctionwatch.matching.evidence import Effect, EvidenceFeature
from sanctionwatch.screening.jobs import JobStatus


class TokenPairBody(BaseModel):
    """One word of the query aligned with one word of the listed name."""

    query: str
    listed: str
    similarity: float = Field(description="1.0: the same word; rounded to 3 decimals")


class EvidenceBody(BaseModel):
    """One piece of evidence besides the name (birth date, country, identifier, kind) and its effect."""

    feature: EvidenceFeature
    effect: Effect
    detail: str
    weight: float | None = Field(
        None, description="The name model's weight for this kind of evidence; absent when a rule decided"
    )


class NameModelBody(BaseModel):
    """What the learned name model made of the alignment: its strongest contributions."""

    strongest_features: dict[str, float] = Field(description="Signed contributions, strongest first")
    exact_name: str | None = Field(None, description="Present when the whole listed name matched")


class LinkedRecordBody(BaseModel):
    """Another list's record of the same party, and what links the two."""

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
    """One listed party that scored at or above the threshold, with the explanation of its score."""

    entity_id: str = Field(examples=["ofac-sdn:15603"])
    score: float = Field(description="Calibrated 0..1, comparable across queries")
    source_ids: list[str] = Field(description="Every list record behind the hit")
    matched_name: str
    caption: str
    schema_: str = Field(alias="schema")
    programs: list[str]
    explanation: ExplanationBody


class ListVersionRef(BaseModel):
    """A list version by its source and number."""

    source: str
    version: int


class ScreenResponse(BaseModel):
    """POST /screen: the threshold applied, the hits best first, and the list versions screened against."""

    threshold: float
    hits: list[HitBody]
    ownership: list[OwnershipHitBody] = Field(
        default_factory=list,
        description="Entities an ownership or control rule blocks, or sends to review, though no list names them",
    )
    list_versions: list[ListVersionRef] = Field(description="The list versions screened against")
    receipt: dict[str, Any] | None = Field(
        None,
        description="With ?receipt=true: the signed receipt (format sanctionwatch-receipt/1). Saved as canonical "
        "JSON (keys sorted, no whitespace, UTF-8) and a newline, it is the file `sanctionwatch receipt verify` checks",
    )


class JobBody(BaseModel):
    """A batch job's progress (POST /jobs, GET /jobs/{id}); `result_url` once it is done."""

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
