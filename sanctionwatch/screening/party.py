"""Screening one party described by several values: names, birth dates, countries, identifiers.

Callers such as yente clients, OpenRefine and customer records describe a party with lists of
values (a person's name in two scripts, two nationalities, a passport and a national ID). Each
combination is a single screening query; a listed party's score is its best over all of them,
with the explanation of that best combination.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sanctionwatch.model import entity_source
from sanctionwatch.screening.query import Hit, Query, QueryError
from sanctionwatch.screening.screener import Admits

__all__ = ["PartyQuery", "party_key", "party_queries", "screen_party"]

MAX_VALUES = 5  # names, birth dates, countries or identifiers of one kind screened per party
MAX_COMBINATIONS = 25  # name x birth date x country queries per party, at most
FILTER_HEADROOM = 4  # hits asked for per wanted hit when a source filter may drop some


class Screens(Protocol):
    """What party screening needs of screening.screener.Screener."""

    def screen(
        self, query: Query, *, threshold: float | None = None, limit: int = 5, admits: Admits | None = None
    ) -> list[Hit]: ...


@dataclass(slots=True)
class PartyQuery:
    names: Sequence[str] = ()
    schema: str | None = None
    birth_dates: Sequence[str] = ()
    countries: Sequence[str] = ()
    identifiers: Sequence[str] = ()
    id: str | None = None
    # Only hits with a record in one of these sources ("ofac-sdn", "un", ...); empty: any source.
    sources: Collection[str] = field(default_factory=tuple)


def _values(values: Sequence[str]) -> list[str]:
    """Distinct non-empty values, in order, at most MAX_VALUES."""
    return list(dict.fromkeys(v.strip() for v in values if v and v.strip()))[:MAX_VALUES]


def party_queries(party: PartyQuery) -> list[Query]:
    """The single queries that together screen the party (QueryError when it has nothing to screen)."""
    names = _values(party.names)
    identifiers = _values(party.identifiers)
    if not names and not identifiers:
        raise QueryError("name: none given (and no identifier)")
    dates: list[str | None] = [*_values(party.birth_dates)] or [None]
    countries: list[str | None] = [*_values(party.countries)] or [None]
    combined = itertools.islice(itertools.product(names, dates, countries), MAX_COMBINATIONS)
    queries = [Query(name, party.schema, day, country, None, party.id) for name, day, country in combined]
    first_name = names[0] if names else ""
    queries.extend(Query(first_name, party.schema, None, None, value, party.id) for value in identifiers)
    return queries


def party_key(hit: Hit) -> str:
    """The listed party a hit is on, whichever of its records (linked across lists) scored best: the
    first of its record ids, stable while the party's records stay linked."""
    return min(hit.source_ids, default=hit.entity_id)


def screen_party(
    screener: Screens,
    party: PartyQuery,
    *,
    threshold: float | None = None,
    limit: int = 5,
    admits: Admits | None = None,
) -> list[Hit]:
    """The party's hits, best first: each listed party once, with its best score over all queries.

    `admits` (see Screener.screen) keeps only the listed parties a caller's filter lets through.

    Raises QueryError naming the first value that cannot be screened (a malformed date, an unknown
    country), so that a caller sending several values learns which one is at fault.
    """
    asked = limit * FILTER_HEADROOM if party.sources else limit
    best: dict[str, Hit] = {}  # by listed party: one name may hit its OFAC record, an alias its UN one
    for query in party_queries(party):
        found = (
            screener.screen(query, threshold=threshold, limit=max(asked, limit))
            if admits is None
            else screener.screen(query, threshold=threshold, limit=max(asked, limit), admits=admits)
        )
        for hit in found:
            key = party_key(hit)
            current = best.get(key)
            if current is None or hit.score > current.score:
                best[key] = hit
    hits = sorted(best.values(), key=lambda hit: hit.score, reverse=True)
    if party.sources:
        wanted = set(party.sources)
        hits = [h for h in hits if any(entity_source(s) in wanted for s in h.source_ids)]
    return hits[:limit]
