"""OFAC SDN.XML and CONSOLIDATED.XML (root <sdnList>) -> entities.

The same schema serves both lists, so one parser does, called with source "ofac-sdn" or
"ofac-cons". Its idList carries what the legacy CSV hides in remarks (gender, website,
directives, IMO numbers...), under the same labels, so both are read by ofac_remarks' tables
and a party comes out the same from either format.

The file states its own entry count (<Record_Count>); a download cut short at an entry
boundary is still well-formed XML, so the count is the only guard against a silently
partial list and a mismatch is an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from lxml import etree

from sanctionwatch.model import Entity, NameQuality
from sanctionwatch.sources.base import ParsedList, SourceFormatError
from sanctionwatch.sources.ofac_common import (
    ALIAS_KINDS,
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
from sanctionwatch.sources.xmlsafe import child_text, children, iter_elements, localname

FORMAT = "ofac-xml"
_ROOTS = ("sdnList",)


def parse(paths: Sequence[Path], source: str = "ofac-sdn") -> ParsedList:
    """Parse one SDN.XML or CONSOLIDATED.XML file (a publication is a single file)."""
    if len(paths) != 1:
        raise SourceFormatError(
            paths[0] if paths else "<none>", f"expected exactly one XML file, got {len(paths)}"
        )
    path = Path(paths[0])
    published: date | None = None
    record_count: int | None = None
    entities: list[Entity] = []
    seen: set[str] = set()
    for element in iter_elements(path, ("publshInformation", "sdnEntry"), root=_ROOTS):
        if localname(element.tag) == "publshInformation":
            published, record_count = _publish_information(path, element)
            continue
        entity = _entry(path, element, source)
        if entity.source_id in seen:
            raise _error(path, element, f"uid {entity.source_id} appears twice", "uid")
        seen.add(entity.source_id)
        entities.append(entity)
    if record_count is None:
        raise SourceFormatError(path, "no <publshInformation>/<Record_Count>: completeness cannot be checked")
    if record_count != len(entities):
        raise SourceFormatError(
            path,
            f"Record_Count says {record_count} entries but the file has {len(entities)}",
            element="Record_Count",
        )
    resolve_links(entities)
    return ParsedList(source=source, format=FORMAT, published=published, entities=entities, files=[path])


def _error(path: Path, element: etree._Element, message: str, name: str | None = None) -> SourceFormatError:
    line = element.sourceline if isinstance(element.sourceline, int) else None
    return SourceFormatError(path, message, line=line, element=name or localname(element.tag))


def _publish_information(path: Path, element: etree._Element) -> tuple[date | None, int]:
    raw_date = child_text(element, "Publish_Date")
    published = None
    if raw_date:
        try:
            published = datetime.strptime(raw_date, "%m/%d/%Y").date()
        except ValueError as exc:
            raise _error(
                path, element, f"Publish_Date {raw_date!r} is not mm/dd/yyyy", "Publish_Date"
            ) from exc
    raw_count = child_text(element, "Record_Count")
    if raw_count is None or not raw_count.isdecimal():
        raise _error(path, element, f"Record_Count {raw_count!r} is not a number", "Record_Count")
    return published, int(raw_count)


def _entry(path: Path, element: etree._Element, source: str) -> Entity:
    uid = child_text(element, "uid")
    if uid is None or not uid.isdecimal():
        raise _error(path, element, f"sdnEntry without a numeric <uid> (got {uid!r})", "uid")
    sdn_type = child_text(element, "sdnType")
    schema = schema_for(sdn_type)
    if schema is None or sdn_type is None:
        raise _error(path, element, f"unknown <sdnType> {sdn_type!r} for uid {uid}", "sdnType")
    full = _full_name(element)
    if full is None:
        raise _error(path, element, f"sdnEntry {uid} has no <lastName>", "lastName")
    entity = Entity(source=source, source_id=str(int(uid)), schema=schema)
    entity.names.append(make_name(full, schema))
    set_programs(entity, [p for p in _texts(element, "programList", "program") if p])
    add_title(entity, child_text(element, "title"))
    facts = RemarkFacts()
    for item in _items(element, "idList", "id"):
        _add_id(facts, item)
    facts_from_remarks = parse_remarks(child_text(element, "remarks"))
    _add_aliases(entity, element)
    _add_addresses(entity, element)
    _add_person_facts(entity, element)
    for vessel in children(element, "vesselInfo"):
        apply_vessel(
            entity,
            call_sign=child_text(vessel, "callSign"),
            vessel_type=child_text(vessel, "vesselType"),
            tonnage=child_text(vessel, "tonnage"),
            gross_tonnage=child_text(vessel, "grossRegisteredTonnage"),
            flag=child_text(vessel, "vesselFlag"),
            owner=child_text(vessel, "vesselOwner"),
        )
    apply_facts(entity, facts)
    apply_facts(entity, facts_from_remarks)
    return entity


def _full_name(element: etree._Element) -> str | None:
    """OFAC's own "LAST, First" form, identical to the legacy CSV's SDN_Name."""
    last = child_text(element, "lastName")
    first = child_text(element, "firstName")
    if last is None:
        return first
    return f"{last}, {first}" if first else last


def _items(element: etree._Element, list_name: str, item_name: str) -> list[etree._Element]:
    return [item for wrapper in children(element, list_name) for item in children(wrapper, item_name)]


def _texts(element: etree._Element, list_name: str, item_name: str) -> list[str | None]:
    return [(item.text or "").strip() or None for item in _items(element, list_name, item_name)]


def _add_id(facts: RemarkFacts, item: etree._Element) -> None:
    id_type = child_text(item, "idType")
    number = child_text(item, "idNumber")
    if not id_type or not number:
        return
    issued, expires = child_text(item, "issueDate"), child_text(item, "expirationDate")
    note = " ".join(
        p for p in (f"issued {issued}" if issued else "", f"expires {expires}" if expires else "") if p
    )
    add_id_fact(facts, id_type, number, country=child_text(item, "idCountry"), note=note or None)


def _add_aliases(entity: Entity, element: etree._Element) -> None:
    for aka in _items(element, "akaList", "aka"):
        full = _full_name(aka)
        if full is None:
            continue
        kind = ALIAS_KINDS.get((child_text(aka, "type") or "a.k.a.").casefold(), ALIAS_KINDS["aka"])
        category = (child_text(aka, "category") or "strong").casefold()
        quality = NameQuality.WEAK if category == NameQuality.WEAK else NameQuality.STRONG
        add_name(entity, make_name(full, entity.schema, kind, quality))


def _add_addresses(entity: Entity, element: etree._Element) -> None:
    for item in _items(element, "addressList", "address"):
        add_address(
            entity,
            street=", ".join(t for t in (child_text(item, f"address{i}") for i in (1, 2, 3)) if t) or None,
            city=child_text(item, "city"),
            region=child_text(item, "stateOrProvince"),
            postal_code=child_text(item, "postalCode"),
            country_name=child_text(item, "country"),
        )


def _add_person_facts(entity: Entity, element: etree._Element) -> None:
    for item in _items(element, "dateOfBirthList", "dateOfBirthItem"):
        add_birth_date(entity, child_text(item, "dateOfBirth"))
    for item in _items(element, "placeOfBirthList", "placeOfBirthItem"):
        place = child_text(item, "placeOfBirth")
        if place:
            append_once(entity.birth_places, place)
    for attribute, list_name, item_name in (
        ("nationalities", "nationalityList", "nationality"),
        ("citizenships", "citizenshipList", "citizenship"),
    ):
        for item in _items(element, list_name, item_name):
            add_country(entity, attribute, child_text(item, "country"))
