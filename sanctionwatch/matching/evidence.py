"""The vocabularies of secondary evidence: what was compared, which way it moved the score, and the kind
the name model weighs. StrEnums whose values are the strings stored and shown (explanations in alerts,
the API's JSON, name_model.json's evidence weights), so that typing them changed none of those."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Effect", "Evidence", "EvidenceFeature", "EvidenceKind"]


class EvidenceFeature(StrEnum):
    """What of the query a piece of evidence compared with the listed party."""

    BIRTH_DATE = "birth_date"
    COUNTRY = "country"
    SCHEMA = "schema"
    IDENTIFIER = "identifier"


class Effect(StrEnum):
    """Which way a piece of evidence moved the score."""

    RAISES = "raises"
    LOWERS = "lowers"
    DECIDES = "decides"  # an exact identifier: the score is set, whatever the names say


class EvidenceKind(StrEnum):
    """The kinds of secondary evidence the name model weighs, each with a learnt weight (its logit), in
    the order of the model's evidence coefficients (bench/train_scorer.py)."""

    BIRTH_DATE_SAME = "birth_date_same"
    BIRTH_YEAR_FITS = "birth_year_fits"
    BIRTH_DATE_NEAR = "birth_date_near"  # a different year, at most two apart
    BIRTH_DATE_FAR = "birth_date_far"
    COUNTRY_LINKED = "country_linked"
    COUNTRY_OTHER = "country_other"
    SCHEMA_OTHER = "schema_other"  # a person against a company, or the reverse


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of secondary evidence about a (query, listed party) pair."""

    feature: EvidenceFeature
    effect: Effect
    detail: str  # what an analyst reads: "born 1964, listed 1984-01-08"
    kind: EvidenceKind | None = None  # what the name model weighs; None: decided by a rule (identifier)
