"""Entity building shared by the OFAC parsers (legacy CSV, SDN.XML, ENHANCED XML, advanced XML).

The formats describe the same OFAC records, so a party must come out identical whichever
file the registry was fed: names, schema, programs, id-list facts, addresses, vessel details,
relationship kinds and remark facts are all mapped here, once.
"""

from __future__ import annotations

from sanctionwatch.model import (
    Address,
    Entity,
    Identifier,
    IdKind,
    LinkKind,
    Name,
    NameKind,
    NameQuality,
    Schema,
)
from sanctionwatch.sources.countries import country_code
from sanctionwatch.sources.dates import parse_date
from sanctionwatch.sources.ofac_programs import authorities_for
from sanctionwatch.sources.ofac_remarks import RemarkFacts, append_once, make_identifier, parse_segment

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

# OFAC's relationship types (advanced ProfileRelationships, ENHANCED <relationship>) -> link kinds.
LINK_KINDS: dict[str, LinkKind] = {
    "Associate Of": LinkKind.ASSOCIATE,
    "Linked To": LinkKind.ASSOCIATE,
    "Acting for or on behalf of": LinkKind.ACTING_FOR,
    "Owned or Controlled By": LinkKind.OWNED_BY,
    # A vessel is "property in the interest of" the designated owner or beneficiary.
    "Property in the interest of": LinkKind.OWNED_BY,
    "Owns, controls, or operates": LinkKind.OWNER_OF,
    "Family member of": LinkKind.FAMILY,
    "Leader or official of": LinkKind.LEADER_OF,
    # From a person to the company it heads.
    "Principal Executive Officer": LinkKind.LEADER_OF,
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


def add_id_fact(
    facts: RemarkFacts, id_type: str, number: str, *, country: str | None, note: str | None
) -> bool:
    """One id-list entry (SDN.XML <id>, an ENHANCED feature or document): True when it became an identifier.

    It is an identifier when its type names one, else a remark-style fact (website, directive,
    gender...). A type neither table knows stays an identifier of kind "other" under its own
    label: OFAC put it in the id list, so dropping or demoting it would lose a matchable value.
    """
    identifier = make_identifier(id_type, number, country=country, note=note)
    if identifier is not None:
        append_once(facts.identifiers, identifier)
        return True
    if parse_segment(facts, f"{id_type} {number}"):
        return False
    append_once(
        facts.identifiers,
        Identifier(IdKind.OTHER, number, country=country_code(country), label=id_type, note=note or None),
    )
    return True


def add_address(
    entity: Entity,
    *,
    street: str | None,
    city: str | None,
    region: str | None,
    postal_code: str | None,
    country_name: str | None,
    country: str | None = None,
) -> None:
    """An OFAC address as one line in OFAC's order, its country also a country of the party; empty ones are skipped.

    `country` is the ISO code when the caller knows it otherwise; by default it is read from the name.
    """
    parts = [p for p in (street, city, region, postal_code, country_name) if p]
    if not parts:
        return
    code = country or country_code(country_name)
    entity.addresses.append(
        Address(
            full=", ".join(parts),
            street=street,
            city=city,
            region=region,
            postal_code=postal_code,
            country=code,
        )
    )
    if code:
        append_once(entity.countries, code)


def add_birth_date(entity: Entity, raw: str | None) -> None:
    """OFAC's date text ("1962", "circa 1960", "12 Jan 1971"); an unreadable one stays visible as a remark."""
    parsed = parse_date(raw)
    if parsed is not None:
        append_once(entity.birth_dates, parsed)
    elif raw:
        append_once(entity.remarks, f"DOB {raw}")


def add_country(entity: Entity, attribute: str, name: str | None) -> None:
    """A nationality or citizenship written as a country name, kept as its ISO code."""
    code = country_code(name)
    if code:
        append_once(getattr(entity, attribute), code)


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
