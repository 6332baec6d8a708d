"""OFAC's ENHANCED XML format (SDN_ENHANCED.XML, CONS_ENHANCED.XML; root <sanctionsData>) -> entities.

Why a third OFAC XML parser: the Sanctions List Service publishes this schema (ENHANCED_XML) beside
the classic SDN.XML and the advanced format, and it is the classic records made explicit: every
name with its translations into other scripts, identity documents with issuing authority and
validity, typed features with their comments, sanctions lists with their publication dates,
legal authorities and typed relationships. A registry fed the enhanced file must hold the same
parties as one fed the classic file of the same day, so every fact the classic file also carries
goes through the same builders (`ofac_common`, `ofac_remarks`): the entity id is the classic
<uid>, names are OFAC's "LAST, First" formatted names, features that the classic file lists in
<idList> are read as id-list entries, birth dates from the same text, programmes the same.

What only this format carries, and where it goes:

* names in non-Latin scripts (each translation of a name is a `Name` of the same kind, with its
  ISO 15924 script);
* relationships with their type (a `Link` to the related entity's id; the classic file only has
  "Linked To: NAME" in its remarks, which is parsed as before when present);
* feature comments and a reliability other than "Confirmed" (the identifier's note, or a remark);
* identity documents' issuing authority, place and validity (the identifier's note);
* the sanctions lists with their publication dates (`lists`, `listed_on` = the earliest),
  sanctions types (`properties["provisions"]`) and legal authorities as written
  (`properties["legalBasis"]`; `authorities` stay those of the programmes, as from the classic file).

Completeness: the format states no entry count (the classic <Record_Count>), so a cut download is
caught by well-formedness only; a file without <dataAsOf> or without any <entity> is refused.
Element types the mapping does not know (an entity type, alias type, address part) are refused
with the file and line, never dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from lxml import etree

from sanctionwatch.model import Entity, Link, LinkKind, NameKind, NameQuality
from sanctionwatch.sources.base import ParsedList, SourceFormatError
from sanctionwatch.sources.countries import country_code
from sanctionwatch.sources.ofac_common import (
    ALIAS_KINDS,
    LINK_KINDS,
    add_address,
    add_birth_date,
    add_country,
    add_id_fact,
    add_name,
    add_title,
    apply_facts,
    apply_vessel,
    make_name,
    resolve_links,
    schema_for,
    set_programs,
)
from sanctionwatch.sources.ofac_remarks import RemarkFacts, append_once, parse_remarks
from sanctionwatch.sources.script_codes import name_script
from sanctionwatch.sources.xmlsafe import child_text, children, iter_elements, localname

FORMAT = "ofac-enhanced-xml"
_ROOTS = ("sanctionsData",)

# Features the classic file gives as elements of their own, not as <idList> entries.
_VESSEL_FEATURES = {
    "Vessel Call Sign": "call_sign",
    "VESSEL TYPE": "vessel_type",
    "Vessel Tonnage": "tonnage",
    "Vessel Gross Registered Tonnage": "gross_tonnage",
    "Vessel Flag": "flag",
    "Vessel Owner": "owner",
}
_ADDRESS_PARTS = {
    "ADDRESS1": "street",
    "ADDRESS2": "street",
    "ADDRESS3": "street",
    "CITY": "city",
    "STATE/PROVINCE": "region",
    "REGION": "region",
    "POSTAL CODE": "postal_code",
}
_LATIN = "Latin"


class _InvalidError(Exception):
    """Raised deep in the mapping; `parse` turns it into a SourceFormatError with file and line."""

    def __init__(self, element: etree._Element, message: str) -> None:
        super().__init__(message)
        self.element = element
        self.message = message


def parse(paths: Sequence[Path], source: str = "ofac-sdn") -> ParsedList:
    """Parse one SDN_ENHANCED.XML or CONS_ENHANCED.XML (plain, gzip or bzip2); one file is one publication."""
    if len(paths) != 1:
        raise SourceFormatError(
            paths[0] if paths else "<none>", f"expected exactly one XML file, got {len(paths)}"
        )
    path = Path(paths[0])
    published: date | None = None
    entities: list[Entity] = []
    seen: set[str] = set()
    try:
        for element in iter_elements(path, ("dataAsOf", "entity"), root=_ROOTS):
            if localname(element.tag) == "dataAsOf":
                published = _data_as_of(element)
                continue
            entity = _entity(element, source)
            if entity.source_id in seen:
                raise _InvalidError(element, f"entity id {entity.source_id} appears twice")
            seen.add(entity.source_id)
            entities.append(entity)
    except _InvalidError as exc:
        line = exc.element.sourceline if isinstance(exc.element.sourceline, int) else None
        raise SourceFormatError(path, exc.message, line=line, element=localname(exc.element.tag)) from None
    if published is None:
        raise SourceFormatError(path, "no <publicationInfo>/<dataAsOf>: the publication date is unknown")
    if not entities:
        raise SourceFormatError(path, "no <entity>: an OFAC list is never empty, so the file is incomplete")
    resolve_links(entities)
    return ParsedList(source=source, format=FORMAT, published=published, entities=entities, files=[path])


def _data_as_of(element: etree._Element) -> date:
    raw = (element.text or "").strip()
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise _InvalidError(element, f"dataAsOf {raw!r} is not an ISO date") from None


def _items(element: etree._Element, list_name: str, item_name: str) -> list[etree._Element]:
    return [item for wrapper in children(element, list_name) for item in children(wrapper, item_name)]


def _one(element: etree._Element, name: str) -> etree._Element | None:
    found = children(element, name)
    return found[0] if found else None


def _is_true(element: etree._Element, name: str) -> bool:
    return child_text(element, name) == "true"


def _entity(element: etree._Element, source: str) -> Entity:
    entity_id = element.get("id") or ""
    if not entity_id.isdecimal():
        raise _InvalidError(element, f"entity without a numeric id (got {entity_id!r})")
    info = _one(element, "generalInfo")
    entity_type = child_text(info, "entityType") if info is not None else None
    schema = schema_for(entity_type) if entity_type else None
    if schema is None:
        raise _InvalidError(
            info if info is not None else element,
            f"unknown <entityType> {entity_type!r} for entity {entity_id}",
        )
    entity = Entity(source=source, source_id=str(int(entity_id)), schema=schema)
    _add_names(entity, element)
    if not any(name.kind == NameKind.PRIMARY for name in entity.names):
        raise _InvalidError(element, f"entity {entity_id} has no primary name")
    set_programs(entity, [p for p in _texts(element, "sanctionsPrograms", "sanctionsProgram") if p])
    _add_listings(entity, element)
    facts = RemarkFacts()
    for feature in _items(element, "features", "feature"):
        _add_feature(entity, facts, feature)
    for document in _items(element, "identityDocuments", "identityDocument"):
        _add_document(facts, document)
    facts_from_remarks = parse_remarks(child_text(info, "remarks") if info is not None else None)
    for address in _items(element, "addresses", "address"):
        _add_address(entity, address)
    for relationship in _items(element, "relationships", "relationship"):
        _add_relationship(entity, relationship)
    apply_facts(entity, facts)
    apply_facts(entity, facts_from_remarks)
    return entity


def _texts(element: etree._Element, list_name: str, item_name: str) -> list[str | None]:
    return [(item.text or "").strip() or None for item in _items(element, list_name, item_name)]


def _add_names(entity: Entity, element: etree._Element) -> None:
    """The primary name first (its Latin translation is the caption, as in the classic file), then aliases."""
    names = _items(element, "names", "name")
    for name in sorted(names, key=lambda n: not _is_true(n, "isPrimary")):
        if _is_true(name, "isPrimary"):
            kind: str = NameKind.PRIMARY
        else:
            alias_type = child_text(name, "aliasType") or ""
            if alias_type.casefold() not in ALIAS_KINDS:
                raise _InvalidError(name, f"unknown <aliasType> {alias_type!r}")
            kind = ALIAS_KINDS[alias_type.casefold()]
        quality = NameQuality.WEAK if _is_true(name, "isLowQuality") else NameQuality.STRONG
        translations = _items(name, "translations", "translation")
        for translation in sorted(translations, key=lambda t: child_text(t, "script") != _LATIN):
            full = child_text(translation, "formattedFullName") or " ".join(
                t for t in _texts(translation, "nameParts", "namePart") if t
            )
            if not full:
                continue
            built = make_name(full, entity.schema, kind, quality)
            script = child_text(translation, "script")
            if script != _LATIN:  # the classic file has Latin names only, without a script
                built.script = name_script(built.full, script)
            add_name(entity, built)


def _add_listings(entity: Entity, element: etree._Element) -> None:
    for item in _items(element, "sanctionsLists", "sanctionsList"):
        if item.text and item.text.strip():
            append_once(entity.lists, item.text.strip())
        published = item.get("datePublished")
        if published and (entity.listed_on is None or published < entity.listed_on):
            entity.listed_on = published
    for key, list_name, item_name in (
        ("provisions", "sanctionsTypes", "sanctionsType"),
        ("legalBasis", "legalAuthorities", "legalAuthority"),
    ):
        for value in _texts(element, list_name, item_name):
            if value:
                append_once(entity.properties.setdefault(key, []), value)


def _add_feature(entity: Entity, facts: RemarkFacts, feature: etree._Element) -> None:
    """A feature is what the classic file gives as a person fact, a vessel fact, or an <idList> entry."""
    feature_type = child_text(feature, "type")
    value = child_text(feature, "value")
    if not feature_type or not value:
        return
    comment = child_text(feature, "comments")
    reliability = child_text(feature, "reliability")
    notes = [
        n
        for n in (comment, f"reliability: {reliability}" if reliability not in (None, "Confirmed") else None)
        if n
    ]
    note = "; ".join(notes) or None
    if feature_type == "Birthdate":
        add_birth_date(entity, value)
    elif feature_type == "Place of Birth":
        append_once(entity.birth_places, value)
    elif feature_type == "Nationality Country":
        add_country(entity, "nationalities", value)
    elif feature_type == "Citizenship Country":
        add_country(entity, "citizenships", value)
    elif feature_type == "Title":
        add_title(entity, value)
    elif feature_type in _VESSEL_FEATURES:
        empty: dict[str, str | None] = dict.fromkeys(_VESSEL_FEATURES.values())
        apply_vessel(entity, **{**empty, _VESSEL_FEATURES[feature_type]: value})
    elif add_id_fact(facts, feature_type, value, country=None, note=note):
        return  # the note went into the identifier
    if note:
        append_once(entity.remarks, f"{feature_type.rstrip(' -:')} {value}: {note}")


def _add_document(facts: RemarkFacts, document: etree._Element) -> None:
    doc_type = child_text(document, "type")
    number = child_text(document, "documentNumber")
    if not doc_type or not number:
        return
    authority, location = child_text(document, "issuingAuthority"), child_text(document, "issuingLocation")
    notes = [
        f"issued by {authority}" if authority else None,
        f"issued in {location}" if location else None,
        "not valid" if child_text(document, "isValid") == "false" else None,
        child_text(document, "comments"),
    ]
    note = "; ".join(n for n in notes if n) or None
    add_id_fact(facts, doc_type, number, country=child_text(document, "issuingCountry"), note=note)


def _add_address(entity: Entity, address: etree._Element) -> None:
    """One address per translation (the classic file has the Latin one only)."""
    country = child_text(address, "country")
    translations = _items(address, "translations", "translation") or [address]
    for translation in translations:
        fields: dict[str, list[str]] = {}
        for part in _items(translation, "addressParts", "addressPart"):
            part_type = child_text(part, "type") or ""
            value = child_text(part, "value")
            if part_type not in _ADDRESS_PARTS:
                raise _InvalidError(part, f"unknown address part type {part_type!r}")
            if value:
                fields.setdefault(_ADDRESS_PARTS[part_type], []).append(value)
        joined = {key: ", ".join(values) for key, values in fields.items()}
        # Gaza and the West Bank come as a REGION without a country (the classic file writes
        # "<country>Region: Gaza</country>"); the country table knows them, so the party keeps that country.
        region = joined.get("region")
        add_address(
            entity,
            street=joined.get("street"),
            city=joined.get("city"),
            region=joined.get("region"),
            postal_code=joined.get("postal_code"),
            country_name=country,
            country=country_code(country) or (country_code(region) if country is None and region else None),
        )


def _add_relationship(entity: Entity, relationship: etree._Element) -> None:
    relation = child_text(relationship, "type")
    related = _one(relationship, "relatedEntity")
    target = related.get("entityId") if related is not None else None
    if not relation or related is None or not target:
        raise _InvalidError(relationship, "relationship without a type or a related entity id")
    append_once(
        entity.links,
        Link(
            kind=LINK_KINDS.get(relation, LinkKind.OTHER),
            target=target,
            target_name=(related.text or "").strip() or None,
            note=relation,
        ),
    )
