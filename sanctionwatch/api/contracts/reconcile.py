"""The OpenRefine Reconciliation Service API's bodies (version 0.2), as /reconcile gives them.

The shapes are those yente sends (its "Freebase" models), so that a client written for yente's
/reconcile/{dataset} reads ours unchanged: the manifest, query answers, the three suggest services and
data extension.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, RootModel


class ReconcileType(BaseModel):
    """A FollowTheMoney schema, as the reconciliation API names types."""

    id: str = Field(examples=["Person"])
    name: str = Field(description="The schema's plural label", examples=["People"])
    description: str | None = None


class ReconcileProperty(BaseModel):
    """A FollowTheMoney property a query may give (`pid`), by its qualified name."""

    id: str = Field(examples=["Person:birthDate"])
    name: str = Field(examples=["Birth date"])
    description: str | None = None


class ReconcileView(BaseModel):
    """Where OpenRefine links a candidate: `{{id}}` is replaced by the candidate's id."""

    url: str


class ReconcileServicePath(BaseModel):
    """A service of the manifest: `service_url` + `service_path` (with the caller's ?api_key=)."""

    service_url: str
    service_path: str


class ReconcileSuggestServices(BaseModel):
    entity: ReconcileServicePath
    type: ReconcileServicePath
    property: ReconcileServicePath


class ReconcileChoice(BaseModel):
    id: str
    name: str


class ReconcileExtendSetting(BaseModel):
    """A setting OpenRefine offers per extended column (`limit`, `render`)."""

    name: str
    label: str
    type: str
    default: Any
    help_text: str
    choices: list[ReconcileChoice] = []


class ReconcileExtendServices(BaseModel):
    propose_properties: ReconcileServicePath
    propose_settings: list[ReconcileExtendSetting]


class ReconcileManifest(BaseModel):
    """GET /reconcile/{dataset}: the service manifest OpenRefine reads when the service is added."""

    versions: list[str]
    name: str
    identifierSpace: str  # noqa: N815 (the reconciliation API's own name)
    schemaSpace: str  # noqa: N815
    batchSize: int  # noqa: N815
    defaultTypes: list[ReconcileType]  # noqa: N815
    view: ReconcileView
    suggest: ReconcileSuggestServices
    extend: ReconcileExtendServices


class ReconcileCandidate(BaseModel):
    """A listed party proposed for one query."""

    id: str
    name: str
    description: str | None = Field(description="The schema's label")
    type: list[ReconcileType]
    score: float = Field(description="0..1, as /match scores")
    match: bool = Field(description="At or above the calibrated threshold")


class ReconcileAnswer(BaseModel):
    """The candidates for one query, best first."""

    result: list[ReconcileCandidate]


class ReconcileResponse(RootModel[dict[str, ReconcileAnswer]]):
    """The answer to `queries`: one answer per query, under the query's own key."""


class SuggestedEntity(BaseModel):
    id: str
    name: str
    description: str | None
    type: list[ReconcileType]


class SuggestResponse(BaseModel):
    """What every suggest service answers (the status fields are the Freebase API's, as yente keeps them)."""

    code: str = "/api/status/ok"
    status: str = "200 OK"
    prefix: str


class EntitySuggestResponse(SuggestResponse):
    result: list[SuggestedEntity]


class TypeSuggestResponse(SuggestResponse):
    result: list[ReconcileType]


class PropertySuggestResponse(SuggestResponse):
    result: list[ReconcileProperty]


class ExtendProperty(BaseModel):
    id: str
    name: str


class ExtendProposal(BaseModel):
    """GET /reconcile/{dataset}/extend/property: the properties a type's candidates can be extended by."""

    limit: int
    type: str
    properties: list[ExtendProperty]


class ExtendValue(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    text: str = Field(alias="str")


class ExtendResponse(BaseModel):
    """The answer to `extend`: the columns (`meta`), then per id, per property, its values."""

    meta: list[ExtendProperty]
    rows: dict[str, dict[str, list[ExtendValue]]]
