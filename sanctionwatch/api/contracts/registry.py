"""The registry's bodies: list versions, what changed between them, and a listed party's record."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from sanctionwatch.model import Entity
from sanctionwatch.registry.diff import ChangeWeight
from sanctionwatch.registry.tables import VersionStatus


class VersionBody(BaseModel):
    """One stored version of a list (registry.store.VersionInfo.to_json)."""

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
    """GET /lists: every version of every list."""

    versions: list[VersionBody]


class ListUploadResponse(BaseModel):
    """POST /admin/lists/{name}: the new version of an internal list (registry.store.IngestResult.to_json),
    and the new alerts the customers' delta re-screen raised when it was activated."""

    source: str
    version: int
    published: str | None
    entities: int
    added: int
    removed: int
    changed: int
    active: bool
    status: VersionStatus
    status_reason: str | None
    unchanged: bool
    left_out: dict[str, int] = Field(description="Records the parser left out on purpose, by reason")
    new_alerts: int


class ListedPartyRow(BaseModel):
    """A party added or removed between two versions."""

    source_id: str
    name: str
    schema_: str = Field(alias="schema")
    programs: list[str]
    authorities: list[str]


class FieldChangeBody(BaseModel):
    """The values of one field that a changed party gained and lost, as an analyst reads them."""

    field: str
    added: list[str]
    removed: list[str]
    weight: ChangeWeight = Field(
        description="form: same values written otherwise (case, spacing, order); screening: what screening "
        "compares (names, birth, countries, identifiers, addresses, schema, gender); record: the rest"
    )


class ChangedPartyBody(BaseModel):
    """A party present in both versions whose record changed: the fields, then each field's values."""

    source_id: str
    name: str
    schema_: str = Field(alias="schema")
    programs: list[str]
    weight: ChangeWeight = Field(description="The weightiest of the fields' weights")
    fields: list[str]
    details: list[FieldChangeBody]


class ListChangesResponse(BaseModel):
    """GET /lists/{source}/changes: a one-sentence summary, then the parties added, removed and changed
    between version `from` (null for a list's first version) and version `to`."""

    model_config = ConfigDict(populate_by_name=True)

    summary: str
    source: str
    from_: int | None = Field(alias="from")
    to: int
    added: list[ListedPartyRow]
    removed: list[ListedPartyRow]
    changed: list[ChangedPartyBody]


class VersionChangeBody(BaseModel):
    """One version against the one before it (`previous`, null for the first): counts of parties."""

    source: str
    version: int
    previous: int | None
    published: str | None
    added: int
    removed: int
    changed: int


class TimelineResponse(BaseModel):
    """GET /changes: every version against the one before it, newest publication first."""

    timeline: list[VersionChangeBody]


class RecordResponse(BaseModel):
    """GET /records/{id}: the party's record as Sanctionwatch normalized it (model.Entity, every field),
    and the ids of the records in every list that are the same party (itself included)."""

    entity: Entity
    party_records: list[str]
