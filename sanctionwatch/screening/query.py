"""What a screening request carries and what a hit reports back: the contract every interface shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sanctionwatch.screening.explanation import Explanation

from sanctionwatch.errors import InputError

__all__ = ["Hit", "Query", "QueryError"]


class QueryError(InputError, ValueError):
    """A query that cannot be screened (no usable name or identifier, malformed date or country)."""


@dataclass(slots=True)
class Query:
    name: str = ""
    schema: str | None = None  # Person, Organization, Company, Vessel, ... or None for any
    birth_date: str | None = None  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    country: str | None = None  # ISO 3166 alpha-2 (nationality, citizenship or residence)
    identifier: str | None = None  # passport, IMO, BIC, registration number, crypto address ...
    id: str | None = None  # the caller's reference, echoed in batch output


@dataclass(slots=True)
class Hit:
    entity_id: str  # "ofac-sdn:15603"
    score: float  # calibrated 0..1, comparable across queries
    source_ids: list[str]  # every list record behind the hit, "source:source_id"
    matched_name: str  # the listed name that matched best
    caption: str  # the party's primary name
    schema: str
    programs: list[str] = field(default_factory=list)
    # Why it scored what it did (None: a hit made up by hand, in a test or a tool, shows `{}`).
    explanation: Explanation | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "score": round(self.score, 4),
            "source_ids": self.source_ids,
            "matched_name": self.matched_name,
            "caption": self.caption,
            "schema": self.schema,
            "programs": self.programs,
            "explanation": self.explanation_json(),
        }

    def explanation_json(self) -> dict[str, Any]:
        """The explanation as every interface shows it (screening.explanation)."""
        return self.explanation.to_json() if self.explanation is not None else {}
