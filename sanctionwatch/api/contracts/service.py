"""The service's own bodies: liveness, readiness, and the API keys (/admin/keys)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from sanctionwatch.access.roles import Role


class HealthResponse(BaseModel):
    """GET /healthz: the process is up."""

    status: Literal["ok"] = Field(examples=["ok"])


class ReadyVersion(BaseModel):
    """An active list version in the index, with its number of parties."""

    source: str
    version: int
    entities: int


class DegradedSource(BaseModel):
    """An official list that is stale or whose checks fail, and why."""

    source: str
    state: Literal["stale", "failing"]
    reason: str
    age_seconds: int | None = Field(description="Age of the newest official file, when known")


class ReadyResponse(BaseModel):
    """GET /readyz, 200: the index is in; which list versions it holds, and the screening work owed.

    `status` is yente's readiness field: "ok" when every list is current, "degraded" while one is stale
    or failing (still 200: screening works on the lists it has), so that a yente client which reads
    `status == "ok"` stops trusting answers on lists that are not current, and one that reads only the
    HTTP status keeps working.
    """

    status: Literal["ok", "degraded"]
    ready: Literal[True]
    index_built_in_seconds: float = Field(description="Rounded to 2 decimals")
    versions: list[ReadyVersion]
    customers_unscreened: int = Field(
        description="Customers stored but not yet screened (an import or a screen killed half-way)"
    )
    degraded: list[DegradedSource] = Field(
        description="Official lists that are stale or failing (registry/freshness.py): still serving, "
        "but not on current lists"
    )


class NotReadyResponse(BaseModel):
    """GET /readyz, 503: the index is still being built."""

    status: Literal["building"]
    ready: Literal[False]
    detail: str


class KeyBody(BaseModel):
    """An API key's record: never the key itself, only its first characters (`prefix`)."""

    id: int
    name: str
    role: Role
    prefix: str
    created_at: str
    revoked_at: str | None
    owner: str | None


class KeysResponse(BaseModel):
    """GET /admin/keys: every key, revoked ones included."""

    keys: list[KeyBody]


class NewKeyResponse(KeyBody):
    """POST /admin/keys: the new key's record and, this once, the key."""

    key: str = Field(description="The key itself: shown once, never stored")
