"""Ownership's bodies: a party's standing under each rule with the chain of owners, and the flagged."""

from __future__ import annotations

from pydantic import BaseModel, Field

from sanctionwatch.ownership.aggregate import Standing
from sanctionwatch.ownership.graph import HoldingKind
from sanctionwatch.ownership.rules import Authority


class ChainStepBody(BaseModel):
    """A party in the chain and the owners that counted towards its standing (ChainStep.to_json)."""

    node: str = Field(description="ofac-sdn:9345, customer:C-100, party:<name>")
    name: str
    standing: Standing | None = Field(description="Null: holds a share but is neither listed nor blocked")
    share: float | None = Field(
        description="Percent of the party above that this owner holds; null at the top"
    )
    kind: HoldingKind | None
    source: str | None = Field(description="Where the holding is stated: a list, a dataset, a file row")
    owners: list[ChainStepBody]


class RuleFindingBody(BaseModel):
    """One rule's finding on the party: its standing, the share blocked owners hold and why."""

    authority: Authority
    standing: Standing
    share: float = Field(description="Percent held by blocked owners as the rule counts them")
    reason: str = Field(examples=["blocked: 62.5 % held by blocked persons: 40 % by X (listed); ..."])
    rule: str = Field(description="The rule applied, in its own words")
    chain: ChainStepBody


class OwnershipResponse(BaseModel):
    """GET /ownership/{key}: every rule that finds something (a rule that finds nothing is left out)."""

    node: str
    name: str
    findings: list[RuleFindingBody]


class FlaggedBody(BaseModel):
    node: str
    name: str
    standings: dict[Authority, Standing] = Field(description="Per rule that flags it")


class FlaggedResponse(BaseModel):
    """GET /ownership: every party some rule finds blocked or to review without a list naming it."""

    flagged: list[FlaggedBody]


class OwnershipHitBody(BaseModel):
    """A name matching an entity that an ownership rule blocks (or sends to review) though no list
    names it: POST /screen's `ownership`."""

    node: str
    name: str
    score: float
    matched_name: str
    findings: list[RuleFindingBody]
