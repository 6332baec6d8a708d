"""The Screener: one registry snapshot, indexed in memory, answering screening queries.

Scores are calibrated on the development benchmark so that one default threshold
(`DEFAULT_THRESHOLD`) separates alerts from non-alerts for every kind of query: at it, about 1 %
of ordinary customers alert while nearly all true variants of listed names do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sanctionwatch.matching.index import ORGANIZATION_SCHEMAS, MatchIndex, identifier_key
from sanctionwatch.matching.names import looks_like_organization, name_forms
from sanctionwatch.matching.score import (
    WEAK_ALIAS,
    Evidence,
    align,
    apply,
    birth_date_evidence,
    country_evidence,
    explain,
    schema_evidence,
)
from sanctionwatch.model import Entity, Schema
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.terms import program_matches
from sanctionwatch.screening.query import Hit, Query, QueryError
from sanctionwatch.sources.countries import country_code

DEFAULT_THRESHOLD = 0.8
CANDIDATES = 30  # name forms scored in full per query form
PREFILTER = 0.4  # name scores below this are not worth the secondary evidence
ESTIMATE_FLOOR = 0.3  # forms whose votes cover less of the query than this are not aligned at all
ESTIMATE_MARGIN = 0.25
MAX_FORMS = 6  # Latin spellings of a query name that are screened
SPELLING_PENALTY = 0.03  # ... nor those this far behind the best-voted form
MAX_NAME_LENGTH = 1000
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_SCHEMAS = {s.value.lower(): s.value for s in Schema}


@dataclass(slots=True)
class _Best:
    score: float
    explanation: dict[str, Any]
    matched_name: str


def validate(query: Query) -> Query:
    """A clean copy of the query, or QueryError naming the field at fault."""
    name = " ".join(
        "".join(ch if ch.isprintable() or ch.isspace() else "" for ch in query.name or "").split()
    )
    identifier = (query.identifier or "").strip() or None
    if not name and not identifier:
        raise QueryError("name: empty (and no identifier given)")
    if len(name) > MAX_NAME_LENGTH:
        raise QueryError(f"name: {len(name)} characters, more than the {MAX_NAME_LENGTH} allowed")
    schema = None
    if query.schema and query.schema.strip():
        schema = _SCHEMAS.get(query.schema.strip().lower())
        if schema is None:
            raise QueryError(f"schema: unknown {query.schema!r}; use one of {', '.join(_SCHEMAS.values())}")
    birth_date = (query.birth_date or "").strip() or None
    if birth_date:
        match = _DATE.match(birth_date)
        if not match or not _real_date(*match.groups()):
            raise QueryError(f"birth_date: {birth_date!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    country = (query.country or "").strip() or None
    if country:
        code = country_code(country)
        if code is None:
            raise QueryError(f"country: {country!r} is not an ISO 3166 country")
        country = code
    return Query(name, schema, birth_date, country, identifier, query.id)


def _real_date(year: str, month: str | None, day: str | None) -> bool:
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return False
    return True


class Screener:
    def __init__(self, index: MatchIndex, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.index = index
        self.threshold = threshold

    @classmethod
    def from_entities(cls, entities: Iterable[Entity]) -> Screener:
        return cls(MatchIndex.build(entities))

    @classmethod
    def from_registry(
        cls, registry: Registry, *, sources: Sequence[str] = (), programs: Sequence[str] = ()
    ) -> Screener:
        """The active versions of the given sources (all by default), optionally only some programmes."""
        entities = registry.iter_entities(sources or None)
        if programs:
            entities = (
                e for e in entities if any(program_matches(p, w) for p in e.programs for w in programs)
            )
        return cls.from_entities(entities)

    def screen(self, query: Query, *, threshold: float | None = None, limit: int = 5) -> list[Hit]:
        """Hits at or above the threshold, best first. Raises QueryError for unusable input."""
        clean = validate(query)
        cutoff = self.threshold if threshold is None else threshold
        best: dict[int, _Best] = {}
        organization = clean.schema in ORGANIZATION_SCHEMAS
        forms = name_forms(clean.name, organization=organization) if clean.name else ()
        query_is_org = organization or any(looks_like_organization(f.tokens) for f in forms)
        for rank, form in enumerate(forms[:MAX_FORMS]):
            # Less likely spellings of a non-Latin name are slightly weaker evidence than the first.
            spelling = 1.0 - SPELLING_PENALTY * min(rank, 1)
            candidates, query_weight = self.index.candidates(form.tokens, CANDIDATES)
            if not candidates:
                continue
            # Votes bound the query coverage from above: skip forms that cannot come close to the best.
            floor = max(ESTIMATE_FLOOR, candidates[0].votes / query_weight - ESTIMATE_MARGIN) * query_weight
            for candidate in candidates:
                if candidate.votes < floor:
                    break
                indexed = self.index.forms[candidate.form]
                name = align(self.index, form.tokens, indexed.tokens)
                if name.score < PREFILTER:
                    continue
                entity = self.index.entities[indexed.entity]
                evidence = [
                    e
                    for e in (
                        schema_evidence(clean.schema, query_is_org, entity),
                        birth_date_evidence(clean.birth_date, entity.birth_dates),
                        country_evidence(clean.country, entity),
                    )
                    if e is not None
                ]
                base = name.score * spelling * (WEAK_ALIAS if indexed.weak else 1.0)
                final = apply(base, evidence)
                current = best.get(indexed.entity)
                if current is None or final > current.score:
                    best[indexed.entity] = _Best(
                        final, explain(indexed.text, indexed.weak, name, evidence, final), indexed.text
                    )
        if clean.identifier:
            self._identifier_hits(clean.identifier, best)
        ranked = sorted(best.items(), key=lambda item: item[1].score, reverse=True)
        return [self._hit(position, found) for position, found in ranked if found.score >= cutoff][:limit]

    def _identifier_hits(self, identifier: str, best: dict[int, _Best]) -> None:
        """An exact identifier (passport, IMO, BIC, wallet) match is decisive whatever the name says."""
        for position in self.index.by_identifier(identifier):
            entity = self.index.entities[position]
            matched = next(i for i in entity.identifiers if i.value and _same_id(i.value, identifier))
            evidence = Evidence(
                "identifier",
                "decides",
                f"{matched.label or matched.kind} {matched.value} matches exactly",
                0.99,
            )
            current = best.get(position)
            score = apply(current.score if current else 0.0, [evidence])
            explanation: dict[str, Any] = (
                dict(current.explanation) if current else {"matched_name": entity.caption, "evidence": []}
            )
            explanation["evidence"] = [*explanation["evidence"], evidence.to_json()]
            explanation["score"] = round(score, 4)
            best[position] = _Best(score, explanation, current.matched_name if current else entity.caption)

    def _hit(self, position: int, found: _Best) -> Hit:
        entity = self.index.entities[position]
        return Hit(
            entity_id=entity.id,
            score=found.score,
            source_ids=[entity.id],
            matched_name=found.matched_name,
            caption=entity.caption,
            schema=entity.schema,
            programs=list(entity.programs),
            explanation=found.explanation,
        )


def _same_id(a: str, b: str) -> bool:
    return identifier_key(a) == identifier_key(b)
