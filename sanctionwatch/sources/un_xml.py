"""UN Security Council Consolidated List (consolidated.xml, root <CONSOLIDATED_LIST>).

One Entity per <INDIVIDUAL> and <ENTITY>. `source_id` is the REFERENCE_NUMBER ("KPi.066"),
which the UN keeps stable for the life of a listing. A record without one falls back to its
DATAID (the UN database key, also stable); a record with neither is an error, because the
registry could not follow it from one publication to the next. Two records with the same id
are an error for the same reason.

Decisions worth knowing:
- Entities are always `Organization`: the list has no vessel or company marker, and guessing
  from names ("... Shipping Co") would mislabel owners as ships.
- NAME_ORIGINAL_SCRIPT is a second *primary* name (it is the same name, not an alias), tagged
  with its detected ISO 15924 script. Every name gets a detected script.
- FIRST_NAME..FOURTH_NAME are positional, not semantic (Korean records put the family name
  first), so parts are stored as first/second/third/fourth rather than given/family.
- Alias QUALITY: "Good"/"a.k.a." -> strong alias, "Low" -> weak alias, "f.k.a." -> former name;
  an alias noted "formerly/previously listed as" is a former name too.
- Authorities: each UN_LIST_TYPE maps to the resolution that established its regime
  (`REGIME_AUTHORITY`). Iran depends on the publication date: the 1737 list was carried under
  resolution 2231 from Implementation Day (2016-01-16) until the snapback of 2025-09-27/28,
  which re-established the 1737 Committee's list. A regime missing from the table gets no
  authority rather than an invented one.
- Links: a reference number written in COMMENTS1 ("member of the ADF (CDe.001)") that names
  another record of the same file becomes an `associate` link. The relation's exact nature
  is in the prose, so it is not classified further.
- SWIFT/BIC codes and IMO numbers stated in COMMENTS1 become identifiers.
- Ignored: VERSIONNUM, SORT_KEY, SORT_KEY_LAST_MOD, SUBMITTED_BY, SUBMITTED_ON.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

from lxml import etree

from sanctionwatch.model import (
    Address,
    DateValue,
    Entity,
    Identifier,
    IdKind,
    Link,
    LinkKind,
    Name,
    NameKind,
    NameQuality,
    Schema,
)
from sanctionwatch.sources.base import ParsedList, SourceFormatError
from sanctionwatch.sources.countries import country_code
from sanctionwatch.sources.dates import iso_prefix, parse_date
from sanctionwatch.sources.fields import (
    claim_once,
    gender_of,
    generation_date,
    identifiers_in_text,
    iso_day,
    join_parts,
    line_of,
    only_path,
    packed_names,
    squash,
    unique_identifiers,
)
from sanctionwatch.sources.script_codes import detect_script
from sanctionwatch.sources.xmlsafe import children, iter_elements, localname

__all__ = ["parse"]

FORMAT = "un-xml"
ROOT = "CONSOLIDATED_LIST"
RECORDS = ("INDIVIDUAL", "ENTITY")

# UN_LIST_TYPE -> the Security Council resolution that established the regime and its committee.
REGIME_AUTHORITY: dict[str, str] = {
    "Al-Qaida": "UNSCR 1267",  # ISIL (Da'esh) and Al-Qaida, resolution 1267 (1999)
    "Taliban": "UNSCR 1988",  # 1988 (2011) split the Taliban list from 1267
    "DPRK": "UNSCR 1718",  # 1718 (2006)
    "Iraq": "UNSCR 1518",  # 1518 (2003)
    "Libya": "UNSCR 1970",  # 1970 (2011)
    "Somalia": "UNSCR 751",  # 751 (1992); Al-Shabaab regime since 2713 (2023)
    "DRC": "UNSCR 1533",  # 1533 (2004)
    "Sudan": "UNSCR 1591",  # 1591 (2005)
    "CAR": "UNSCR 2127",  # 2127 (2013)
    "GB": "UNSCR 2048",  # Guinea-Bissau, 2048 (2012)
    "SouthSudan": "UNSCR 2206",  # 2206 (2015)
    "Yemen": "UNSCR 2140",  # 2140 (2014)
    "Haiti": "UNSCR 2653",  # 2653 (2022)
    "Mali": "UNSCR 2374",  # 2374 (2017), terminated 2023
}
IRAN_REGIME = "Iran"
IRAN_2231_PERIOD = (date(2016, 1, 16), date(2025, 9, 28))  # Implementation Day .. snapback (00:00 UTC)

_REFERENCE = re.compile(r"\b[A-Z]{2}[ie]\.\d{3}\b")
_FORMER_NOTE = re.compile(r"^\s*(?:formerly|previously)\s+listed\s+as\b", re.IGNORECASE)
_NAME_PARTS = (
    ("FIRST_NAME", "first"),
    ("SECOND_NAME", "second"),
    ("THIRD_NAME", "third"),
    ("FOURTH_NAME", "fourth"),
)
_ALIAS_QUALITY: dict[str, tuple[str, str]] = {
    "good": (NameKind.ALIAS, NameQuality.STRONG),
    "a.k.a.": (NameKind.ALIAS, NameQuality.STRONG),
    "low": (NameKind.ALIAS, NameQuality.WEAK),
    "f.k.a.": (NameKind.FORMER, NameQuality.STRONG),
    "": (NameKind.ALIAS, NameQuality.STRONG),
}
# Checked in order against the document type; the first hit decides. "Other" kinds come first so that
# "Certificate of Iraqi Nationality" is not taken for a national ID.
_DOCUMENT_KINDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"pass(?:port|eport)|pasaporte", re.I), IdKind.PASSPORT),
    (re.compile(r"fiscal|\btax\b", re.I), IdKind.TAX_ID),
    (
        re.compile(r"birth|driver|ration|voter|student|residen|serviceman|certificate|military", re.I),
        IdKind.OTHER,
    ),
    (
        re.compile(
            r"national|identity|identification|tazkira|\bid\b|civil|social security|personalausweis|\bbpa\b",
            re.I,
        ),
        IdKind.NATIONAL_ID,
    ),
)


def parse(paths: Sequence[Path], source: str = "un") -> ParsedList:
    """Parse one consolidated.xml; raises SourceFormatError (file, line, element) on bad input."""
    path = only_path(paths, FORMAT)
    published: date | None = None
    entities: list[Entity] = []
    lines: dict[str, int | None] = {}
    for element in iter_elements(path, RECORDS, root=(ROOT,)):
        if not entities:
            published = _published(path, element)
        entity = _record(path, element, source, published)
        claim_once(
            lines, entity.source_id, path, element, described=f"reference {entity.source_id}", holder="record"
        )
        entities.append(entity)
    if not entities:
        raise SourceFormatError(path, "no INDIVIDUAL or ENTITY records: refusing an empty list", element=ROOT)
    _add_links(entities)
    return ParsedList(source=source, format=FORMAT, published=published, entities=entities, files=[path])


def _published(path: Path, record: etree._Element) -> date | None:
    root = record.getroottree().getroot()
    return generation_date(path, root.get("dateGenerated"), element=ROOT, line=line_of(root))


def _record(path: Path, element: etree._Element, source: str, published: date | None) -> Entity:
    kind = localname(element.tag)
    schema = Schema.PERSON if kind == "INDIVIDUAL" else Schema.ORGANIZATION
    entity = Entity(source=source, source_id=_source_id(path, element), schema=schema)
    _names(entity, element)
    _regime(entity, element, published)
    entity.listed_on = iso_day(_text(element, "LISTED_ON"))
    entity.lists = _values(element, "LIST_TYPE")
    _comments(entity, element)
    _properties(entity, element)
    for address in children(element, f"{kind}_ADDRESS"):
        _address(entity, address)
    if kind == "INDIVIDUAL":
        _individual(entity, element)
    entity.identifiers = unique_identifiers(entity.identifiers)  # repeated values: see ParsedList
    return entity


def _source_id(path: Path, element: etree._Element) -> str:
    """REFERENCE_NUMBER, else DATAID (see module docstring), else an error naming the record's line."""
    reference = _text(element, "REFERENCE_NUMBER")
    if reference:
        return reference.replace(" ", "")
    data_id = _text(element, "DATAID")
    if data_id:
        return data_id
    raise SourceFormatError(
        path,
        "record has neither REFERENCE_NUMBER nor DATAID, so it cannot be tracked",
        line=line_of(element),
        element=localname(element.tag),
    )


def _individual(entity: Entity, element: etree._Element) -> None:
    entity.titles = _values(element, "TITLE")
    entity.positions = _values(element, "DESIGNATION")
    _nationalities(entity, element)
    entity.gender = gender_of(_text(element, "GENDER"))
    for birth in children(element, "INDIVIDUAL_DATE_OF_BIRTH"):
        _birth_date(entity, birth)
    for place in children(element, "INDIVIDUAL_PLACE_OF_BIRTH"):
        _birth_place(entity, place)
    for document in children(element, "INDIVIDUAL_DOCUMENT"):
        _document(entity, document)


# --- names -----------------------------------------------------------------------------------


def _names(entity: Entity, element: etree._Element) -> None:
    parts = {key: value for tag, key in _NAME_PARTS if (value := _text(element, tag))}
    full = " ".join(parts.values())
    primary, *others = packed_names(full) or [""]
    if primary:
        is_person = entity.schema == Schema.PERSON and not others
        entity.names.append(_name(primary, parts=parts if is_person and len(parts) > 1 else {}))
        entity.names.extend(_name(other, kind=NameKind.ALIAS) for other in others)
    original = _text(element, "NAME_ORIGINAL_SCRIPT")
    if original and original != full:
        entity.names.append(_name(original))
    for alias in [*children(element, "INDIVIDUAL_ALIAS"), *children(element, "ENTITY_ALIAS")]:
        _alias(entity, alias)
    if not entity.names:
        entity.names.append(_name(entity.source_id))


def _alias(entity: Entity, alias: etree._Element) -> None:
    full = _text(alias, "ALIAS_NAME")
    if not full:
        return
    quality = (_text(alias, "QUALITY") or "").lower()
    kind, strength = _ALIAS_QUALITY.get(quality, (NameKind.ALIAS, NameQuality.STRONG))
    note = _text(alias, "NOTE")
    if note and _FORMER_NOTE.match(note):
        kind = NameKind.FORMER
    entity.names.extend(_name(name, kind=kind, quality=strength) for name in packed_names(full))
    if note:
        entity.remarks.append(f"Alias {full}: {note}")
    # The UN gives some aliases their own date and place of birth (identities used with false papers).
    birth = parse_date(_text(alias, "DATE_OF_BIRTH"))
    if birth:
        entity.birth_dates.append(birth)
    place = join_parts(_text(alias, "CITY_OF_BIRTH"), _text(alias, "COUNTRY_OF_BIRTH"))
    if place:
        entity.birth_places.append(place)


def _name(
    full: str,
    *,
    kind: str = NameKind.PRIMARY,
    quality: str = NameQuality.STRONG,
    parts: dict[str, str] | None = None,
) -> Name:
    return Name(full=full, kind=kind, quality=quality, script=detect_script(full), parts=parts or {})


# --- regime, comments, properties ------------------------------------------------------------


def _regime(entity: Entity, element: etree._Element, published: date | None) -> None:
    regime = _text(element, "UN_LIST_TYPE")
    if not regime:
        return
    entity.programs = [regime]
    authority = regime_authority(regime, published)
    if authority:
        entity.authorities = [authority]


def regime_authority(regime: str, published: date | None) -> str | None:
    """The resolution establishing a UN regime; for Iran, the one whose list was in force on `published`."""
    if regime == IRAN_REGIME:
        start, end = IRAN_2231_PERIOD
        if published is not None and start <= published < end:
            return "UNSCR 2231"
        return "UNSCR 1737"
    return REGIME_AUTHORITY.get(regime)


def _comments(entity: Entity, element: etree._Element) -> None:
    comment = _text(element, "COMMENTS1")
    if comment:
        entity.remarks.append(comment)
        entity.identifiers.extend(identifiers_in_text(comment))


def _properties(entity: Entity, element: etree._Element) -> None:
    updated = [day for value in _values(element, "LAST_DAY_UPDATED") if (day := iso_day(value))]
    if updated:
        entity.properties["modifiedAt"] = updated
    data_id = _text(element, "DATAID")
    if data_id:
        entity.properties["dataId"] = [data_id]


def _nationalities(entity: Entity, element: etree._Element) -> None:
    for value in _values(element, "NATIONALITY"):
        code = country_code(value)
        if code:
            entity.nationalities.append(code)
        else:
            entity.remarks.append(f"Nationality: {value}")


def _add_links(entities: list[Entity]) -> None:
    """Second pass: references are only kept when they resolve to a record of this same file."""
    captions = {entity.source_id: entity.caption for entity in entities}
    for entity in entities:
        targets: list[str] = []
        for remark in entity.remarks:
            targets += [
                ref for ref in _REFERENCE.findall(remark) if ref in captions and ref != entity.source_id
            ]
        entity.links = [
            Link(LinkKind.ASSOCIATE, ref, target_name=captions[ref], note="referenced in COMMENTS1")
            for ref in targets
        ]


# --- dates, places, documents, addresses --------------------------------------------------------


def _birth_date(entity: Entity, birth: etree._Element) -> None:
    value = birth_date_value(
        _text(birth, "TYPE_OF_DATE"),
        date_text=_text(birth, "DATE"),
        year=_text(birth, "YEAR"),
        from_year=_text(birth, "FROM_YEAR"),
        to_year=_text(birth, "TO_YEAR"),
    )
    note = _text(birth, "NOTE")
    if value is None and note:
        value = parse_date(note)  # "Nov. 1973" under TYPE_OF_DATE EXACT with no DATE
        if value is not None and (_text(birth, "TYPE_OF_DATE") or "").upper() == "APPROXIMATELY":
            value.approximate = True
    if value is not None:
        entity.birth_dates.append(value)
    if note:
        entity.remarks.append(f"Date of birth: {note}")


def birth_date_value(
    type_of_date: str | None,
    *,
    date_text: str | None = None,
    year: str | None = None,
    from_year: str | None = None,
    to_year: str | None = None,
) -> DateValue | None:
    """TYPE_OF_DATE EXACT / APPROXIMATELY / BETWEEN with DATE, YEAR or FROM_YEAR..TO_YEAR -> DateValue.

    Precision is kept: a YEAR stays a year. BETWEEN becomes a range; a range missing one end
    degrades to the known year marked approximate rather than being dropped.
    """
    approximate = (type_of_date or "").strip().upper() == "APPROXIMATELY"
    start = _year(from_year)
    end = _year(to_year)
    if start and end:
        return DateValue(start, end=end if end != start else None, approximate=approximate)
    exact = iso_day(date_text) or _year(year)
    if exact:
        return DateValue(exact, approximate=approximate)
    if start or end:
        return DateValue(start or end or "", approximate=True)
    return None


def _year(value: str | None) -> str | None:
    cleaned = squash(value)
    return iso_prefix(int(cleaned)) if cleaned and cleaned.isdecimal() else None


def _birth_place(entity: Entity, place: etree._Element) -> None:
    country_text = _text(place, "COUNTRY")
    text = join_parts(
        _text(place, "STREET"), _text(place, "CITY"), _text(place, "STATE_PROVINCE"), country_text
    )
    note = _text(place, "NOTE")
    if text and note:
        text = f"{text} ({note})"
    if text or note:
        entity.birth_places.append(text or note or "")
    code = country_code(country_text)
    if code:
        entity.properties.setdefault("birthCountry", []).append(code)


def _document(entity: Entity, document: etree._Element) -> None:
    main_type = _text(document, "TYPE_OF_DOCUMENT")
    sub_type = _text(document, "TYPE_OF_DOCUMENT2")
    label = main_type if not sub_type else (f"{main_type} ({sub_type})" if main_type else sub_type)
    number = _text(document, "NUMBER")
    country_text = _text(document, "ISSUING_COUNTRY") or _text(document, "COUNTRY_OF_ISSUE")
    issued = join_parts(
        f"issued {day}" if (day := _text(document, "DATE_OF_ISSUE")) else None,
        f"in {city}" if (city := _text(document, "CITY_OF_ISSUE")) else None,
        sep=" ",
    )
    note = join_parts(issued, _text(document, "NOTE"), sep="; ")
    if number:
        entity.identifiers.append(
            Identifier(
                kind=document_kind(main_type, sub_type),
                value=number,
                country=country_code(country_text),
                label=label,
                note=note,
            )
        )
    elif note:
        # The number is only inside the note ("Libyan passport number 347834, ..."): keep it readable.
        entity.remarks.append(f"{label or 'Document'}: {note}")


def document_kind(main_type: str | None, sub_type: str | None) -> str:
    """The specific sub-type decides when it is recognisable, else the main type, else 'other'."""
    for text in (sub_type, main_type):
        if not text:
            continue
        for pattern, kind in _DOCUMENT_KINDS:
            if pattern.search(text):
                return kind
    return IdKind.OTHER


def _address(entity: Entity, element: etree._Element) -> None:
    street = _text(element, "STREET")
    city = _text(element, "CITY")
    region = _text(element, "STATE_PROVINCE")
    postal = _text(element, "ZIP_CODE")
    country_text = _text(element, "COUNTRY")
    full = join_parts(street, city, region, postal, country_text)
    note = _text(element, "NOTE")
    if note:
        entity.remarks.append(f"Address {full}: {note}" if full else f"Address: {note}")
    if not full:
        return
    code = country_code(country_text)
    entity.addresses.append(
        Address(full=full, street=street, city=city, region=region, postal_code=postal, country=code)
    )
    if code:
        entity.countries.append(code)


# --- element text ------------------------------------------------------------------------------


def _text(element: etree._Element, name: str) -> str | None:
    """Whitespace-collapsed text of the first direct child with this name (values wrap over lines)."""
    for child in element:
        if localname(child.tag) == name:
            return squash(child.text)
    return None


def _values(element: etree._Element, name: str) -> list[str]:
    """Texts of <NAME><VALUE>..</VALUE></NAME> groups, which may repeat and hold several VALUEs."""
    return list(_iter_values(element, name))


def _iter_values(element: etree._Element, name: str) -> Iterator[str]:
    for group in children(element, name):
        for value in children(group, "VALUE"):
            text = squash(value.text)
            if text:
                yield text
