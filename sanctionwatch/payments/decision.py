"""What screening a payment message concludes: pass or hold, each hit tied to the field it came from.

The decision is what an operator acts on and what an examiner reads later, so it carries everything that
made it: the hits per field (and why each matched), the reasons for a hold in words, the list versions the
message was screened against and the engine version. A message that could not be read, or that was screened
against lists older than the bank allows, is held with that reason: a payment is never passed on doubt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sanctionwatch.screening.query import Hit

__all__ = ["Decision", "FieldHit", "HitKind", "PaymentDecision"]


class Decision(StrEnum):
    PASS = "pass"
    HOLD = "hold"


class HitKind(StrEnum):
    """Why a field raised a hit; each kind holds the message on its own."""

    NAME = "name"  # a party's name matched a listed party
    IDENTIFIER = "identifier"  # a BIC, LEI or other identifier of a party is a listed one (decides alone)
    TEXT_NAME = "text_name"  # a listed name (person, organization, vessel) inside free text
    TEXT_IDENTIFIER = "text_identifier"  # an IMO number, wallet address or BIC inside free text, listed
    EMBARGO = "embargo"  # an address, agent or account located in an embargoed country or region
    OWNERSHIP = "ownership"  # a party's name is an entity blocked (or to review) by ownership or control
    UNREADABLE = "unreadable"  # the message, or one of its fields, could not be read
    STALE_LISTS = "stale_lists"  # the lists screened against are older than the bank allows


@dataclass(frozen=True, slots=True)
class FieldHit:
    field: str  # where in the message: "CdtTrfTxInf[1]/Cdtr", "59F", "B/70", "message"
    kind: HitKind
    why: str  # one line an operator reads: what matched what
    role: str | None = None  # the party's role (PartyRole value) when the field is a party
    value: str | None = None  # the text of the field that matched (the name, the window of free text)
    score: float | None = None
    entity_id: str | None = None  # the listed party (NAME, IDENTIFIER, TEXT_*)
    caption: str | None = None
    code: str | None = None  # the embargo's country or region code (EMBARGO)
    hit: Hit | None = None  # the screening hit behind it, with its explanation

    def key(self) -> str:
        """What makes two hits the same for a release: the field, the kind and what it matched."""
        return f"{self.field}|{self.kind.value}|{self.entity_id or self.code or self.why}"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "kind": self.kind.value, "why": self.why}
        for name in ("role", "value", "entity_id", "caption", "code"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.score is not None:
            out["score"] = round(self.score, 4)
        if self.hit is not None:
            out["source_ids"] = self.hit.source_ids
            out["programs"] = self.hit.programs
            out["matched_name"] = self.hit.matched_name
            out["explanation"] = self.hit.explanation_json()
        return out


@dataclass(slots=True)
class PaymentDecision:
    source: str  # where the message was read ("wire.xml", "batch.fin#2")
    decision: Decision
    message_type: str | None  # None: not even the type could be read
    reference: str | None
    uetr: str | None
    digest: str  # SHA-256 of the message's bytes: the same message, byte for byte
    hits: list[FieldHit] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # why it is held, in words; empty for a pass
    list_versions: list[str] = field(default_factory=list)  # "ofac-sdn/12", ...
    engine_version: str = ""
    screened_at: str = ""  # ISO instant, UTC
    fields_screened: int = 0  # party fields and pieces of free text looked at
    notes: list[str] = field(default_factory=list)  # what the reader saw but did not take
    released_by_case: int | None = None  # passed because a person released these same hits before

    def hits_fingerprint(self) -> str:
        """The hits as a set, for "released once, not held again for the same hits"."""
        return "\n".join(sorted({h.key() for h in self.hits}))

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "decision": self.decision.value,
            "message_type": self.message_type,
            "reference": self.reference,
            "uetr": self.uetr,
            "digest": self.digest,
            "reasons": self.reasons,
            "hits": [h.to_json() for h in self.hits],
            "fields_screened": self.fields_screened,
            "list_versions": self.list_versions,
            "engine_version": self.engine_version,
            "screened_at": self.screened_at,
            "notes": self.notes,
            "released_by_case": self.released_by_case,
        }
