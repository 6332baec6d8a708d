"""Scoring a query against one listed party: name alignment first, then the secondary evidence.

Name score: the query's tokens and the listed name's tokens are aligned one-to-one (best pairs
first, a token may also match two adjacent tokens written together: "Jongun" / "Jong Un"). Each
side's coverage is the rarity-weighted share of its tokens that found a partner, scaled by how
similar the partners are. Unmatched *query* tokens count fully against the match (a different
person shares a family name but has another given name), unmatched *listed* tokens count less
(customers omit middle names; lists add patronymics).

Secondary evidence then moves the score: a birth date that agrees raises it, one that is years
apart lowers it below the alert threshold, a matching identifier decides on its own, and a
person can never be a company.

Every step is recorded in the explanation an analyst reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sanctionwatch.matching import _kernel
from sanctionwatch.matching.evidence import Effect, Evidence, EvidenceFeature, EvidenceKind
from sanctionwatch.matching.index import MatchIndex
from sanctionwatch.matching.tokens import Spelling, token_shape
from sanctionwatch.model import ORGANIZATION_SCHEMAS, DateValue, Entity, Schema

__all__ = ["NameMatch", "birth_date_evidence", "country_evidence", "name_match", "schema_evidence"]

# (The alignment runs in _kernel.pyx, which holds its constants: tuning.py lists them.)


@dataclass(slots=True)
class TokenPair:
    query: str
    listed: str
    similarity: float


@dataclass(slots=True)
class NameMatch:
    score: float
    query_coverage: float
    listed_coverage: float
    pairs: list[TokenPair] = field(default_factory=list)
    unmatched_query: list[str] = field(default_factory=list)
    unmatched_listed: list[str] = field(default_factory=list)
    # Per token: the similarity of its partner (0: none) and its rarity weight, a query token
    # weighing what its partner weighs. What the name model's features are computed from.
    query_credit: list[float] = field(default_factory=list)
    listed_credit: list[float] = field(default_factory=list)
    query_weights: list[float] = field(default_factory=list)
    listed_weights: list[float] = field(default_factory=list)


def align(
    index: MatchIndex,
    query: Sequence[str],
    listed: Sequence[str],
    spelling: Spelling = Spelling.LATIN,
    listed_text: str = "",
) -> NameMatch:
    """Best one-to-one alignment of query and listed tokens (greedy on similarity, rare tokens first).

    Single tokens compete with pairs of two adjacent tokens written together on the other side
    ('Jongun' for 'Jong Un'); the greedy pass takes the most similar first. A query token that found
    its partner weighs what the partner weighs ('Mhmmd' is as common as 'Muhammad', however unknown
    its spelling); unmatched ones keep their own weight. `spelling` is how the query form was spelled
    (NameForm.spelling): a query spelled by us from Hangul or Chinese has no typos, one read from
    Arabic script has no short vowels. (The alignment itself runs compiled: _kernel.align.)
    """
    alignment = _kernel.align(
        index.profile(query), index.profile(listed, listed_text or ""), spelling, token_shape
    )
    return name_match(alignment, query, listed)


def name_match(alignment: _kernel.Alignment, query: Sequence[str], listed: Sequence[str]) -> NameMatch:
    """The kernel's alignment in words: which query words matched which listed words."""
    q_credit, l_credit = alignment.query_credit, alignment.listed_credit
    return NameMatch(
        score=alignment.score,
        query_coverage=alignment.query_coverage,
        listed_coverage=alignment.listed_coverage,
        pairs=[
            TokenPair(
                "".join(query[q_start : q_start + q_count]),
                "".join(listed[l_start : l_start + l_count]),
                round(similarity, 3),
            )
            for q_start, q_count, l_start, l_count, similarity in alignment.pairs
        ],
        unmatched_query=[t for i, t in enumerate(query) if q_credit[i] == 0.0],
        unmatched_listed=[t for j, t in enumerate(listed) if l_credit[j] == 0.0],
        query_credit=q_credit,
        listed_credit=l_credit,
        query_weights=alignment.query_weights,
        listed_weights=alignment.listed_weights,
    )


# ---- secondary evidence ---------------------------------------------------------------------------------


def _year(value: str) -> int | None:
    return int(value[:4]) if len(value) >= 4 and value[:4].isdecimal() else None


def birth_date_evidence(query: str | None, dates: Sequence[DateValue]) -> Evidence | None:
    """Agreement of a birth date with the listed dates, at the precision both sides give."""
    if not query or not dates:
        return None
    year = _year(query)
    if year is None:
        return None
    best: Evidence | None = None
    for listed in dates:
        start, end = _year(listed.value), _year(listed.end) if listed.end else None
        if start is None:
            continue
        low, high = (start, end) if end else (start, start)
        slack = 1 if listed.approximate else 0
        if not low - slack <= year <= high + slack:
            continue
        if len(query) >= 10 and len(listed.value) >= 10 and not listed.end:
            if query[:10] == listed.value[:10]:
                return Evidence(
                    EvidenceFeature.BIRTH_DATE,
                    Effect.RAISES,
                    f"same birth date {listed.value}",
                    EvidenceKind.BIRTH_DATE_SAME,
                )
            continue  # same year, different day: neither confirms nor refutes much
        best = Evidence(
            EvidenceFeature.BIRTH_DATE,
            Effect.RAISES,
            f"birth year {year} fits {_show(listed)}",
            EvidenceKind.BIRTH_YEAR_FITS,
        )
    if best is not None:
        return best
    shown = ", ".join(_show(d) for d in dates[:3])
    nearest = min(abs(year - (_year(d.value) or year)) for d in dates)
    near = nearest <= 2
    return Evidence(
        EvidenceFeature.BIRTH_DATE,
        Effect.LOWERS,
        f"born {query}, listed {shown}",
        EvidenceKind.BIRTH_DATE_NEAR if near else EvidenceKind.BIRTH_DATE_FAR,
    )


def _show(value: DateValue) -> str:
    text = value.value + (f" to {value.end}" if value.end else "")
    return f"circa {text}" if value.approximate else text


def country_evidence(query: str | None, entity: Entity) -> Evidence | None:
    if not query:
        return None
    wanted = query.lower()
    known = {c.lower() for c in (*entity.nationalities, *entity.citizenships, *entity.countries)}
    known.update(a.country.lower() for a in entity.addresses if a.country)
    if not known:
        return None
    if wanted in known:
        return Evidence(
            EvidenceFeature.COUNTRY,
            Effect.RAISES,
            f"country {wanted} is linked to the listed party",
            EvidenceKind.COUNTRY_LINKED,
        )
    return Evidence(
        EvidenceFeature.COUNTRY,
        Effect.LOWERS,
        f"country {wanted} not among {', '.join(sorted(known))}",
        EvidenceKind.COUNTRY_OTHER,
    )


def schema_evidence(query_schema: str | None, query_is_org: bool, entity: Entity) -> Evidence | None:
    """A person is never a company or a vessel: mismatched kinds lower the score sharply."""
    listed = entity.schema
    kind = _kind(query_schema) if query_schema else ("organization" if query_is_org else None)
    if kind is None:
        return None
    if kind == _kind(listed):
        return None
    return Evidence(
        EvidenceFeature.SCHEMA,
        Effect.LOWERS,
        f"query is a {kind}, listed party a {_kind(listed)}",
        EvidenceKind.SCHEMA_OTHER,
    )


def _kind(schema: str) -> str:
    if schema in ORGANIZATION_SCHEMAS:
        return "organization"
    if schema == Schema.PERSON:
        return "person"
    return schema.lower()
