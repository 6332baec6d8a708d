"""What a screening request carries and what a hit reports back: the contract every interface shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


class Hit:
    """One listed party found for a query, with why it scored what it did.

    The explanation is the costliest part of a hit to build, and a flat output (CSV, Parquet, the Spark
    job's table) never shows it: the screener gives `explain`, and the explanation is built the first
    time it is read (then kept). A hit made up by hand (a test, a tool) may give `explanation` itself, or
    none (shown as `{}`). Pickling builds it first: the function it comes from holds the whole index.
    """

    __slots__ = ("_explain", "_explanation", "caption", "entity_id", "matched_name", "programs", "schema",
                 "score", "source_ids")  # fmt: skip

    def __init__(
        self,
        entity_id: str,  # "ofac-sdn:15603"
        score: float,  # calibrated 0..1, comparable across queries
        source_ids: list[str],  # every list record behind the hit, "source:source_id"
        matched_name: str,  # the listed name that matched best
        caption: str,  # the party's primary name
        schema: str,
        programs: list[str] | None = None,
        explanation: Explanation | None = None,
        *,
        explain: Callable[[], Explanation] | None = None,
    ) -> None:
        if explanation is not None and explain is not None:
            raise TypeError("Hit: give explanation or explain, not both")
        self.entity_id = entity_id
        self.score = score
        self.source_ids = source_ids
        self.matched_name = matched_name
        self.caption = caption
        self.schema = schema
        self.programs = [] if programs is None else programs
        self._explanation = explanation
        self._explain = explain

    @property
    def explanation(self) -> Explanation | None:
        if self._explain is not None:
            self._explanation, self._explain = self._explain(), None
        return self._explanation

    @explanation.setter
    def explanation(self, value: Explanation | None) -> None:
        self._explanation, self._explain = value, None

    def _fields(self) -> tuple[Any, ...]:
        return (self.entity_id, self.score, self.source_ids, self.matched_name, self.caption, self.schema,
                self.programs, self.explanation)  # fmt: skip

    def __eq__(self, other: object) -> bool:
        return self._fields() == other._fields() if isinstance(other, Hit) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass it replaces

    def __repr__(self) -> str:
        return (
            f"Hit(entity_id={self.entity_id!r}, score={self.score!r}, source_ids={self.source_ids!r}, "
            f"matched_name={self.matched_name!r}, caption={self.caption!r}, schema={self.schema!r}, "
            f"programs={self.programs!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (Hit, self._fields())

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
