"""Small hand-made lists for registry tests: the registry must not depend on any parser to be tested."""

from __future__ import annotations

from datetime import date

from sanctionwatch.model import Entity, Identifier, Name
from sanctionwatch.sources.base import ParsedList


def party(
    number: int, *, program: str = "DPRK3", authority: str = "EO 13722", schema: str = "Organization"
) -> Entity:
    return Entity(
        source="test",
        source_id=str(number),
        schema=schema,
        names=[Name(f"PARTY {number}")],
        programs=[program],
        authorities=[authority],
        identifiers=[Identifier("bic", f"BANK{number:04d}KP")],
    )


def publication(entities: list[Entity], day: int = 1) -> ParsedList:
    return ParsedList(source="test", format="test", published=date(2025, 11, day), entities=entities)


def base_list(count: int = 100) -> list[Entity]:
    """Half DPRK3 organizations under EO 13722, half RUSSIA-EO14024 individuals under EO 14024."""
    return [
        party(i) if i % 2 else party(i, program="RUSSIA-EO14024", authority="EO 14024", schema="Person")
        for i in range(1, count + 1)
    ]
