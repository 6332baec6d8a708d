"""A hit's explanation: which listed name matched, word for word, and what moved the score.

Typed here, serialized in one place (`Explanation.to_json`): the same JSON goes to the API, the CLI,
batch output files and the alerts stored in the database, so its keys, their order and the rounding
of its figures are a contract (README, "Explanations"). Figures are kept as shown (rounded when the
explanation is built), so that `from_json(to_json())` is the explanation itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sanctionwatch.matching.evidence import Effect, Evidence, EvidenceFeature
from sanctionwatch.matching.score import NameMatch

__all__ = ["Explanation"]

SCORE_DIGITS = 4  # scores and coverages as shown
WEIGHT_DIGITS = 3  # the name model's weights and contributions as shown


@dataclass(frozen=True, slots=True)
class TokenPairShown:
    """A query word and the listed word it matched, and how alike they are (1.0: the same)."""

    query: str
    listed: str
    similarity: float

    def to_json(self) -> dict[str, Any]:
        return {"query": self.query, "listed": self.listed, "similarity": self.similarity}


@dataclass(frozen=True, slots=True)
class EvidenceShown:
    """A piece of secondary evidence, with the weight the name model gave its kind (None: a rule
    decided, as for an exact identifier, and no weight is shown)."""

    feature: EvidenceFeature
    effect: Effect
    detail: str
    weight: float | None = None

    @classmethod
    def of(cls, evidence: Evidence, weights: Mapping[str, float] | None = None) -> EvidenceShown:
        """`weights`: the model's logit per evidence kind (an unweighed kind shows 0.0); None: no weight."""
        if weights is None:
            return cls(evidence.feature, evidence.effect, evidence.detail)
        weight = weights.get(evidence.kind, 0.0) if evidence.kind is not None else 0.0
        return cls(evidence.feature, evidence.effect, evidence.detail, round(weight, WEIGHT_DIGITS))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "feature": self.feature.value,
            "effect": self.effect.value,
            "detail": self.detail,
        }
        if self.weight is not None:
            out["weight"] = self.weight
        return out


@dataclass(frozen=True, slots=True)
class NameExplanation:
    """How the matched listed name aligned with the query name."""

    weak_alias: bool
    name_score: float
    query_coverage: float
    listed_coverage: float
    token_pairs: tuple[TokenPairShown, ...]
    unmatched_query_tokens: tuple[str, ...]
    unmatched_listed_tokens: tuple[str, ...]

    @classmethod
    def of(cls, weak: bool, match: NameMatch) -> NameExplanation:
        return cls(
            weak_alias=weak,
            name_score=round(match.score, SCORE_DIGITS),
            query_coverage=round(match.query_coverage, SCORE_DIGITS),
            listed_coverage=round(match.listed_coverage, SCORE_DIGITS),
            token_pairs=tuple(TokenPairShown(p.query, p.listed, p.similarity) for p in match.pairs),
            unmatched_query_tokens=tuple(match.unmatched_query),
            unmatched_listed_tokens=tuple(match.unmatched_listed),
        )


@dataclass(frozen=True, slots=True)
class NameModelExplanation:
    """The name-model features that weighed most, signed, largest first; and whether the exact-name
    floor applied (its sentence, else None)."""

    strongest_features: Mapping[str, float]
    exact_name: str | None = None

    @classmethod
    def of(cls, contributions: Mapping[str, float], exact_name: str | None) -> NameModelExplanation:
        """`contributions`: the strongest, in the order shown (rounded here)."""
        return cls({name: round(value, WEIGHT_DIGITS) for name, value in contributions.items()}, exact_name)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"strongest_features": dict(self.strongest_features)}
        if self.exact_name is not None:
            out["exact_name"] = self.exact_name
        return out


@dataclass(frozen=True, slots=True)
class LinkedRecord:
    """Another list's record of the same party, and what ties it to the one that matched."""

    source_id: str
    linked_by: str

    def to_json(self) -> dict[str, Any]:
        return {"source_id": self.source_id, "linked_by": self.linked_by}


@dataclass(frozen=True, slots=True)
class Explanation:
    """What an analyst reads about one hit. `name` and `name_model` are None for a hit found by its
    identifier alone; `linked_records` is empty for a party only one list names."""

    matched_name: str
    evidence: tuple[EvidenceShown, ...]
    score: float  # rounded to SCORE_DIGITS, as shown
    name: NameExplanation | None = None
    name_model: NameModelExplanation | None = None
    linked_records: tuple[LinkedRecord, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The explanation as every interface shows it (the keys and their order are the contract)."""
        out: dict[str, Any] = {"matched_name": self.matched_name}
        name = self.name
        if name is not None:
            out["weak_alias"] = name.weak_alias
            out["name_score"] = name.name_score
            out["query_coverage"] = name.query_coverage
            out["listed_coverage"] = name.listed_coverage
            out["token_pairs"] = [p.to_json() for p in name.token_pairs]
            out["unmatched_query_tokens"] = list(name.unmatched_query_tokens)
            out["unmatched_listed_tokens"] = list(name.unmatched_listed_tokens)
        out["evidence"] = [e.to_json() for e in self.evidence]
        out["score"] = self.score
        if self.name_model is not None:
            out["name_model"] = self.name_model.to_json()
        if self.linked_records:
            out["linked_records"] = [r.to_json() for r in self.linked_records]
        return out
