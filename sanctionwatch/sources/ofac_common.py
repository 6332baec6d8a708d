"""Entity building shared by the legacy CSV and the SDN.XML parsers.

Both formats describe the same OFAC records, so a party must come out identical whichever
file the registry was fed: names, schema, programs, vessel details and remark facts are all
mapped here, once.
"""

from __future__ import annotations

from sanctionwatch.model import Entity, Identifier, IdKind, Name, NameKind, NameQuality, Schema
from sanctionwatch.sources.countries import country_code
from sanctionwatch.sources.ofac_programs import authorities_for
from sanctionwatch.sources.ofac_remarks import RemarkFacts, append_once

SCHEMAS: dict[str, str] = {
    "individual": Schema.PERSON,
    "vessel": Schema.VESSEL,
    "aircraft": Schema.AIRCRAFT,
    "entity": Schema.ORGANIZATION,
    "": Schema.ORGANIZATION,  # the CSV leaves SDN_Type null for entities
}

ALIAS_KINDS: dict[str, str] = {
    "aka": NameKind.ALIAS,
    "a.k.a.": NameKind.ALIAS,
    "fka": NameKind.FORMER,
    "f.k.a.": NameKind.FORMER,
    "nka": NameKind.NEW,
    "n.k.a.": NameKind.NEW,
}

# OFAC's Title field mixes forms of address and ranks with job descriptions; only the former are titles.
_HONORIFICS = frozenset(
    t.casefold()
    for t in (
        "Doctor",
        "Dr.",
        "Haji",
        "Hajji",
        "Shaykh",
        "Sheikh",
        "Mullah",
        "Maulana",
        "Maulawi",
        "Maulvi",
        "Mawlawi",
        "Hojjatoleslam",
        "Ayatollah",
        "Ustad",
        "Qari",
        "Imam",
        "Sayyid",
        "General",
        "Colonel",
        "Lt. Col.",
        "Brigadier General",
        "Major General",
        "Lieutenant General",
    )
)


def schema_for(sdn_type: str | None) -> str | None:
    """Schema of an OFAC SDN type, None when the type is unknown (the caller reports it)."""
    return SCHEMAS.get((sdn_type or "").strip().casefold())


def person_parts(full: str) -> dict[str, str]:
    """OFAC writes individuals as "FAMILY, Given"; matching by name part needs them apart."""
    family, sep, given = full.partition(",")
    if not sep or not family.strip() or not given.strip():
        return {}
    return {"family": family.strip(), "given": given.strip()}


def make_name(
    full: str, schema: str, kind: str = NameKind.PRIMARY, quality: str = NameQuality.STRONG
) -> Name:
    parts = person_parts(full) if schema == Schema.PERSON else {}
    return Name(" ".join(full.split()), kind=kind, quality=quality, parts=parts)


def add_name(entity: Entity, name: Name) -> None:
    """A name repeated under another kind or quality is still one name for screening."""
    if all(existing.full != name.full for existing in entity.names):
        entity.names.append(name)


def set_programs(entity: Entity, programs: list[str]) -> None:
    entity.programs = sorted(programs)  # OFAC orders them differently in CSV and XML
    entity.authorities = authorities_for(entity.programs)


def add_title(entity: Entity, title: str | None) -> None:
    if not title:
        return
    target = entity.titles if title.strip().casefold() in _HONORIFICS else entity.positions
    append_once(target, title.strip())


def add_property(entity: Entity, key: str, value: str | None) -> None:
    if value and value.strip():
        append_once(entity.properties.setdefault(key, []), value.strip())


def apply_vessel(
    entity: Entity,
    *,
    call_sign: str | None,
    vessel_type: str | None,
    tonnage: str | None,
    gross_tonnage: str | None,
    flag: str | None,
    owner: str | None,
) -> None:
    """The vessel columns of the CSV and <vesselInfo> of the XML carry the same six facts."""
    if call_sign and call_sign.strip():
        append_once(entity.identifiers, Identifier(IdKind.CALL_SIGN, call_sign.strip(), label="Call Sign"))
    add_property(entity, "type", vessel_type)
    add_property(entity, "tonnage", tonnage)
    add_property(entity, "grossRegisteredTonnage", gross_tonnage)
    add_property(entity, "flag", country_code(flag) or flag)
    add_property(entity, "owner", owner)


def apply_facts(entity: Entity, facts: RemarkFacts) -> None:
    """Merge remark facts into the entity; unparsed segments become its remarks."""
    for date in facts.birth_dates:
        append_once(entity.birth_dates, date)
    for attribute in ("birth_places", "nationalities", "citizenships", "countries"):
        target: list[str] = getattr(entity, attribute)
        for value in getattr(facts, attribute):
            append_once(target, value)
    for remark in facts.remarks:
        if remark not in entity.positions and remark not in entity.titles:  # OFAC repeats the title
            append_once(entity.remarks, remark)
    if facts.gender and entity.gender is None:
        entity.gender = facts.gender
    for name in facts.names:
        add_name(entity, make_name(name.full, entity.schema, name.kind, name.quality))
    for identifier in facts.identifiers:
        append_once(entity.identifiers, identifier)
    for link in facts.links:
        append_once(entity.links, link)
    for key, values in facts.properties.items():
        for value in values:
            add_property(entity, key, value)


def resolve_links(entities: list[Entity]) -> None:
    """Point "Linked To: NAME" at the listed party of that name when exactly one has it.

    The legacy remarks name the target but give no id; with the id the registry can follow
    the link. OFAC's closing full stop may have eaten the last dot of a name ("S.A"), so the
    dotted spelling is tried as well. Ambiguous or unknown names stay as names.
    """
    index: dict[str, set[str]] = {}
    for entity in entities:
        for name in entity.names:
            if name.kind == NameKind.PRIMARY:
                index.setdefault(name.full.casefold(), set()).add(entity.source_id)
    for entity in entities:
        for link in entity.links:
            target_name = link.target_name or link.target
            for candidate in (target_name, f"{target_name}."):
                ids = index.get(candidate.casefold())
                if ids and len(ids) == 1:
                    link.target = next(iter(ids))
                    break
