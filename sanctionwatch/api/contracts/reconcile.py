"""The OpenRefine Reconciliation Service API's bodies (version 0.2), as /reconcile gives them."""

from __future__ import annotations

from pydantic import BaseModel, Field, RootModel


class ReconcileType(BaseModel):
    """A FollowTheMoney schema, as the reconciliation API names types."""

    id: str
    name: str


class ReconcileView(BaseModel):
    """Where OpenRefine links a candidate: `{{id}}` is replaced by the candidate's id."""

    url: str


class ReconcileManifest(BaseModel):
    """/reconcile without `queries`: the service manifest OpenRefine reads when the service is added."""

    versions: list[str]
    name: str
    identifierSpace: str  # noqa: N815 (the reconciliation API's own name)
    schemaSpace: str  # noqa: N815
    defaultTypes: list[ReconcileType]  # noqa: N815
    view: ReconcileView


class ReconcileCandidate(BaseModel):
    """A listed party proposed for one query."""

    id: str
    name: str
    type: list[ReconcileType]
    score: float = Field(description="0..100, one decimal")
    match: bool = Field(description="At or above the calibrated threshold")


class ReconcileAnswer(BaseModel):
    """The candidates for one query, best first."""

    result: list[ReconcileCandidate]


class ReconcileResponse(RootModel[dict[str, ReconcileAnswer]]):
    """/reconcile with `queries`: one answer per query, under the query's own key."""
