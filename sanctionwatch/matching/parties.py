"""Records of one party on several lists, so that a screening hit names them all.

The UN designates a DPRK bank; the US, the UK and the EU list it again, each under its own record
number and spelling. A hit should say so ("ofac-sdn:12345", "un:KPe.001", "uk:9090") instead of
showing the same bank three times. Records are linked only by what identifies a party beyond doubt:

- a UN reference: the UN's own record, and the UK's and EU's records that cite it (`unscId`);
- a decisive identifier shared by records of two lists: a vessel's IMO number, a bank's SWIFT/BIC,
  a Legal Entity Identifier, a wallet, a passport (number and issuing country both the same);
- for people, one name written alike (once normalized) together with one full birth date;
- one FtM id in two FtM datasets (`ftm:A`, `ftm:B`): FtM's rule is that an id names one entity.

Names alone never link records: two lists' "KIM Yong Chol" may well be two people. Records of one
list are never linked to each other (a list keeps one record per party), nor a person to a company.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from sanctionwatch.matching.normalize import identifier_key
from sanctionwatch.model import ORGANIZATION_SCHEMAS, Entity, Schema, is_ftm_source

LINKING_IDENTIFIERS = frozenset({"imo", "bic", "lei", "passport", "crypto"})
FULL_DATE = len("1984-01-08")  # a year alone, or a month, is shared by far too many namesakes


@dataclass(frozen=True, slots=True)
class LinkedRecord:
    position: int  # in the entity list the parties were linked over
    reason: str  # what ties it to the party: "UN reference QDi.241", "IMO 9187629"


@dataclass(frozen=True, slots=True)
class Parties:
    """Per entity position, the party it belongs to; per party, its records and how each was linked."""

    party_of: list[int]
    members: dict[int, list[LinkedRecord]]  # only parties of two records or more

    def records(self, position: int) -> list[LinkedRecord]:
        """Every record of the party of `position` (itself first), or just itself."""
        own = LinkedRecord(position, "")
        others = self.members.get(self.party_of[position], [])
        return [own, *(r for r in others if r.position != position)]


def link_parties(entities: Sequence[Entity], names: Sequence[Collection[str]] = ()) -> Parties:
    """Group the records of one party across lists (union-find over the linking keys).

    `names`, per entity position, are its names normalized for comparison (the index's forms).
    """
    parent = list(range(len(entities)))
    reasons: dict[int, str] = {}
    first_with: dict[tuple[str, str, str], int] = {}

    def root(position: int) -> int:
        while parent[position] != position:
            parent[position] = parent[parent[position]]
            position = parent[position]
        return position

    for position, entity in enumerate(entities):
        spellings = names[position] if position < len(names) else ()
        for key, reason in _linking_keys(entity, spellings):
            anchor = first_with.setdefault(key, position)
            if anchor == position or entities[anchor].source == entity.source:
                continue
            a, b = root(anchor), root(position)
            if a != b:
                parent[max(a, b)] = min(a, b)
                reasons.setdefault(position, reason)
                reasons.setdefault(anchor, reason)
    party_of = [root(position) for position in range(len(entities))]
    members: dict[int, list[LinkedRecord]] = {}
    for position, reason in sorted(reasons.items()):  # every record of a linked party has a reason
        members.setdefault(party_of[position], []).append(LinkedRecord(position, reason))
    return Parties(party_of, members)


def _linking_keys(entity: Entity, names: Collection[str]) -> Iterator[tuple[tuple[str, str, str], str]]:
    """(schema family, kind, value) keys that identify the party, each with a reason to show."""
    family = _family(entity.schema)
    if entity.schema == Schema.PERSON:
        # In a fixed order: the first key that links two records gives the reason shown, and sets iterate
        # by hash, which differs from one process to the next.
        for birth in sorted(full_birth_dates(entity)):
            for name in sorted(names):
                yield (family, "name+birth", f"{name}|{birth}"), f"same name and birth date {birth}"
    if is_ftm_source(entity.source):  # FtM: one id is one entity, whichever datasets carry it
        yield ("ftm", "ftm-id", entity.source_id), f"FtM id {entity.source_id}"
    if entity.source == "un":
        yield (family, "un", entity.source_id.upper()), f"UN reference {entity.source_id}"
    for reference in entity.properties.get("unscId", ()):
        yield (family, "un", reference.strip().upper()), f"UN reference {reference.strip()}"
    for identifier in entity.identifiers:
        if identifier.kind not in LINKING_IDENTIFIERS:
            continue
        value = identifier_key(identifier.value)
        if len(value) < 5:  # too short to identify anything
            continue
        if identifier.kind == "passport":
            value = f"{identifier.country or ''}:{value}"
        label = identifier.label or identifier.kind
        yield (family, identifier.kind, value), f"{label} {identifier.value}"


def full_birth_dates(entity: Entity) -> set[str]:
    """The birth dates given to the day: only these, with a name, link a person's records."""
    return {d.value for d in entity.birth_dates if len(d.value) == FULL_DATE}


def _family(schema: str) -> str:
    if schema in ORGANIZATION_SCHEMAS:
        return "organization"
    return schema
