"""EU Financial Sanctions Files consolidated list (FSF `xmlFullSanctionsList_1_1`).

Root <export generationDate=".."> in namespace http://eu.europa.ec/fpi/fsd/export; one
<sanctionEntity> per listed party, with nearly all data in attributes. `source_id` is the
entity's logicalId (the FSF database key); a missing one is an error naming the line.

Decisions worth knowing:
- subjectType code "person" -> Person, "enterprise" -> Organization. Any other code is an error:
  the FSF has used only these two, and a new one should be looked at before it is screened.
  Enterprises stay Organization even with an IMO number, because shipping companies carry
  IMO company numbers too.
- Primary name: the first strong nameAlias without a nameLanguage (the list's own spelling);
  the other nameAliases are aliases, weak when strong="false". Parts: firstName -> given,
  middleName -> middle, lastName -> family, title -> title.
- Authorities: each <regulation>'s numberTitle in a readable form (`regulation_title`):
  "2017/1509 (OJ L224)" -> "Regulation (EU) 2017/1509" (numbering since 2015),
  "269/2014 (OJ L78)" -> "Regulation (EU) No 269/2014", "881/2002" -> "Regulation (EC) No 881/2002"
  (EC before 2010), anything else as written without its OJ citation.
- `listed_on`: the entity's designationDate; files without one fall back to the earliest
  publicationDate of its regulations. designationDate wins even when earlier regulations are
  attached, because those can be the regime's base regulation (269/2014 for Bank Rossiya,
  listed only in July 2014), whose date is not the party's listing.
- The UN reference (unitedNationId) is kept as property `unscId`, not as an identifier: it
  names a listing, not the party, so it must not count as identity evidence in screening.
  euReferenceNumber -> `authorityId`, regulation publicationUrl -> `sourceUrl`.
- Identification codes map to IdKind (`ID_KINDS`); unknown codes become "other" with the
  list's description as label. SWIFT/BIC codes and IMO numbers written in remarks are also taken.
- Ignored: regulationSummary (per-field provenance), regulationLanguage, calendarType.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from lxml import etree

from sanctionwatch.model import (
    Address,
    DateValue,
    Entity,
    Identifier,
    IdKind,
    Name,
    NameKind,
    NameQuality,
    Schema,
)
from sanctionwatch.sources.base import ParsedList, SourceFormatError
from sanctionwatch.sources.countries import country_code
from sanctionwatch.sources.dates import iso_prefix
from sanctionwatch.sources.fields import (
    claim_once,
    gender_of,
    generation_date,
    identifiers_in_text,
    iso_day,
    join_parts,
    line_of,
    only_path,
    squash,
    unique_identifiers,
)
from sanctionwatch.sources.script_codes import detect_script
from sanctionwatch.sources.xmlsafe import children, iter_elements

FORMAT = "eu-xml"
NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"
ROOT = "export"
RECORD = "sanctionEntity"

SUBJECT_SCHEMAS: dict[str, str] = {"person": Schema.PERSON, "enterprise": Schema.ORGANIZATION}

ID_KINDS: dict[str, str] = {
    "passport": IdKind.PASSPORT,
    "id": IdKind.NATIONAL_ID,
    "nrn": IdKind.NATIONAL_ID,  # national registration number
    "ssn": IdKind.NATIONAL_ID,
    "swiftbic": IdKind.BIC,
    "imo": IdKind.IMO,
    "regnumber": IdKind.REGISTRATION,
    "fiscalcode": IdKind.TAX_ID,
}

_DOCUMENT_FLAGS = ("diplomatic", "knownExpired", "knownFalse", "reportedLost", "revokedByIssuer")
_CONTACT_PROPERTIES = {"PHONE": "phone", "FAX": "phone", "EMAIL": "email", "WEB": "website"}
_UNKNOWN_COUNTRY = {"", "00"}

_OJ_CITATION = re.compile(r"\s*\(OJ [^)]*\)\s*$")
_NEW_NUMBER = re.compile(r"^(\d{4})/(\d{1,5})$")  # 2017/1509: year first, since 2015
_OLD_NUMBER = re.compile(r"^(\d{1,5})/(\d{4})$")  # 269/2014: number first, until 2014


def parse(paths: Sequence[Path], source: str = "eu") -> ParsedList:
    """Parse one FSF XML file; raises SourceFormatError (file, line, element) on bad input."""
    path = only_path(paths, FORMAT)
    published: date | None = None
    entities: list[Entity] = []
    seen: dict[str, int | None] = {}
    for element in iter_elements(path, (RECORD,), root=(ROOT,)):
        if not entities:
            published = _published(path, element)
        entity = _entity(path, element, source)
        claim_once(
            seen, entity.source_id, path, element, described=f"logicalId {entity.source_id}", holder="entity"
        )
        entities.append(entity)
    if not entities:
        raise SourceFormatError(path, "no sanctionEntity records: refusing an empty list", element=ROOT)
    return ParsedList(source=source, format=FORMAT, published=published, entities=entities, files=[path])


def _published(path: Path, record: etree._Element) -> date | None:
    root = record.getroottree().getroot()
    namespace = etree.QName(root).namespace
    if namespace != NAMESPACE:
        raise SourceFormatError(
            path,
            f"document element is in namespace {namespace!r}, not {NAMESPACE}",
            line=line_of(root),
            element=ROOT,
        )
    return generation_date(path, root.get("generationDate"), element=ROOT, line=line_of(root))


def _entity(path: Path, element: etree._Element, source: str) -> Entity:
    logical_id = squash(element.get("logicalId"))
    if not logical_id:
        raise SourceFormatError(
            path, "sanctionEntity has no logicalId", line=line_of(element), element=RECORD
        )
    entity = Entity(source=source, source_id=logical_id, schema=_schema(path, element))
    _names(entity, element)
    _regulations(entity, element)
    _references(entity, element)
    for citizenship in children(element, "citizenship"):
        code = _country(citizenship)
        if code:
            entity.nationalities.append(code)
    for birth in children(element, "birthdate"):
        _birth(entity, birth)
    for identification in children(element, "identification"):
        _identification(entity, identification)
    for address in children(element, "address"):
        _address(entity, address)
    _remarks(entity, element)  # after the structured identifiers, which win over their copies in remarks
    entity.identifiers = unique_identifiers(entity.identifiers)  # repeated values: see ParsedList
    return entity


def _schema(path: Path, element: etree._Element) -> str:
    subject = children(element, "subjectType")
    code = squash(subject[0].get("code")) if subject else None
    schema = SUBJECT_SCHEMAS.get((code or "").lower())
    if schema is None:
        raise SourceFormatError(
            path,
            f"unknown or missing subjectType code {code!r}; expected person or enterprise",
            line=line_of(subject[0] if subject else element),
            element="subjectType",
        )
    return schema


# --- names -------------------------------------------------------------------------------------


def _names(entity: Entity, element: etree._Element) -> None:
    aliases = children(element, "nameAlias")
    primary = _primary_alias(aliases)
    for alias in aliases:
        name = _name(alias, primary=alias is primary)
        if name is not None:
            entity.names.append(name)
        entity.titles.append(squash(alias.get("title")) or "")
        entity.positions.append(squash(alias.get("function")) or "")
        entity.gender = entity.gender or gender_of(alias.get("gender"))
    if not entity.names:
        entity.names.append(Name(full=entity.source_id))


def _primary_alias(aliases: list[etree._Element]) -> etree._Element | None:
    """The list's own spelling: strong and with no nameLanguage; else the first name given."""
    for alias in aliases:
        if _is_strong(alias) and not squash(alias.get("nameLanguage")) and _whole_name(alias):
            return alias
    return next((alias for alias in aliases if _whole_name(alias)), None)


def _name(alias: etree._Element, *, primary: bool) -> Name | None:
    full = _whole_name(alias)
    if not full:
        return None
    parts = {
        key: value
        for key, attribute in (
            ("given", "firstName"),
            ("middle", "middleName"),
            ("family", "lastName"),
            ("title", "title"),
        )
        if (value := squash(alias.get(attribute)))
    }
    return Name(
        full=full,
        kind=NameKind.PRIMARY if primary else NameKind.ALIAS,
        quality=NameQuality.STRONG if _is_strong(alias) else NameQuality.WEAK,
        script=detect_script(full),
        parts=parts,
    )


def _whole_name(alias: etree._Element) -> str | None:
    whole = squash(alias.get("wholeName"))
    if whole:
        return whole
    parts = [squash(alias.get(attribute)) for attribute in ("firstName", "middleName", "lastName")]
    return " ".join(part for part in parts if part) or None


def _is_strong(alias: etree._Element) -> bool:
    """strong="false" marks a weak alias; an absent attribute is read as strong, the FSF default."""
    return (alias.get("strong") or "true").strip().lower() != "false"


# --- regulations and references ------------------------------------------------------------------


def _regulations(entity: Entity, element: etree._Element) -> None:
    dates: list[str] = []
    for regulation in children(element, "regulation"):
        programme = squash(regulation.get("programme"))
        if programme:
            entity.programs.append(programme)
        title = regulation_title(regulation.get("numberTitle"))
        if title:
            entity.authorities.append(title)
        published = iso_day(regulation.get("publicationDate"))
        if published:
            dates.append(published)
        for url in children(regulation, "publicationUrl"):
            if squash(url.text):
                entity.properties.setdefault("sourceUrl", []).append(squash(url.text) or "")
    entity.listed_on = iso_day(element.get("designationDate")) or (min(dates) if dates else None)


def regulation_title(number_title: str | None) -> str | None:
    """FSF numberTitle -> a citation people recognise (rules in the module docstring)."""
    cleaned = squash(number_title)
    if not cleaned:
        return None
    number = _OJ_CITATION.sub("", cleaned)
    match = _NEW_NUMBER.match(number)
    if match and int(match.group(1)) >= 2015:
        return f"Regulation (EU) {number}"
    match = _OLD_NUMBER.match(number)
    if match:
        union = "EU" if int(match.group(2)) >= 2010 else "EC"
        return f"Regulation ({union}) No {number}"
    return number


def _references(entity: Entity, element: etree._Element) -> None:
    for attribute, key in (("unitedNationId", "unscId"), ("euReferenceNumber", "authorityId")):
        value = squash(element.get(attribute))
        if value:
            entity.properties[key] = [value]
    details = squash(element.get("designationDetails"))
    if details:
        entity.remarks.append(details)


def _remarks(entity: Entity, element: etree._Element) -> None:
    for remark in children(element, "remark"):
        text = squash(remark.text)
        if text:
            entity.remarks.append(text)
            entity.identifiers.extend(identifiers_in_text(text))


# --- birth, identification, address --------------------------------------------------------------


def _birth(entity: Entity, birth: etree._Element) -> None:
    value = birth_value(birth)
    if value is not None:
        entity.birth_dates.append(value)
    place = join_parts(
        birth.get("place"), birth.get("city"), birth.get("zipCode"), birth.get("region"), _country_text(birth)
    )
    if place:
        entity.birth_places.append(place)
    for remark in children(birth, "remark"):
        if squash(remark.text):
            entity.remarks.append(f"Birth: {squash(remark.text)}")


def birth_value(birth: etree._Element) -> DateValue | None:
    """Full date, else year/month/day parts (both the `monthOfYear`/`dayOfMonth` and the
    `month`/`day` spellings occur), else a year range; circa="true" marks it approximate."""
    approximate = (birth.get("circa") or "").strip().lower() == "true"
    full = iso_day(birth.get("birthdate"))
    if full:
        return DateValue(full, approximate=approximate)
    year = _int(birth.get("year"))
    month = _int(birth.get("monthOfYear") or birth.get("month"))
    day = _int(birth.get("dayOfMonth") or birth.get("day"))
    partial = iso_prefix(year, month, day)
    if partial:
        return DateValue(partial, approximate=approximate)
    start = iso_prefix(_int(birth.get("yearRangeFrom")))
    end = iso_prefix(_int(birth.get("yearRangeTo")))
    if start and end:
        return DateValue(start, end=end, approximate=approximate)
    return None


def _identification(entity: Entity, identification: etree._Element) -> None:
    number = squash(identification.get("number")) or squash(identification.get("latinNumber"))
    code = (squash(identification.get("identificationTypeCode")) or "").lower()
    remarks = [text for remark in children(identification, "remark") if (text := squash(remark.text))]
    if not number:
        entity.remarks.extend(remarks)
        return
    flags = [flag for flag in _DOCUMENT_FLAGS if (identification.get(flag) or "").lower() == "true"]
    note = join_parts(
        f"issued by {issuer}" if (issuer := squash(identification.get("issuedBy"))) else None,
        f"issued {issued}" if (issued := iso_day(identification.get("issueDate"))) else None,
        f"name on document: {holder}" if (holder := squash(identification.get("nameOnDocument"))) else None,
        ", ".join(flags) or None,
        *remarks,
        sep="; ",
    )
    entity.identifiers.append(
        Identifier(
            kind=ID_KINDS.get(code, IdKind.OTHER),
            value=number,
            country=_country(identification),
            label=squash(identification.get("identificationTypeDescription")) or code or None,
            note=note,
        )
    )


def _address(entity: Entity, element: etree._Element) -> None:
    street = squash(element.get("street"))
    po_box = squash(element.get("poBox"))
    city = squash(element.get("city"))
    region = squash(element.get("region"))
    postal = squash(element.get("zipCode"))
    code = _country(element)
    full = join_parts(
        street,
        f"PO Box {po_box}" if po_box else None,
        element.get("place"),
        city,
        postal,
        region,
        _country_text(element),
    )
    if full:
        entity.addresses.append(
            Address(full=full, street=street, city=city, region=region, postal_code=postal, country=code)
        )
    if code:
        entity.countries.append(code)
    for contact in children(element, "contactInfo"):
        key = _CONTACT_PROPERTIES.get((contact.get("key") or "").strip().upper())
        value = squash(contact.get("value"))
        if key and value:
            entity.properties.setdefault(key, []).append(value)
    for remark in children(element, "remark"):
        if squash(remark.text):
            entity.remarks.append(f"Address: {squash(remark.text)}")
    as_at = squash(element.get("asAtListingTime"))
    if as_at and as_at.lower() == "true" and full:
        entity.remarks.append(f"Address {full}: as at listing time")


# --- small helpers -------------------------------------------------------------------------------


def _country(element: etree._Element) -> str | None:
    """countryIso2Code, unless it is "00" (unknown), then the description; lower-case alpha-2."""
    iso = (element.get("countryIso2Code") or "").strip()
    if iso.upper() not in _UNKNOWN_COUNTRY:
        code = country_code(iso)
        if code:
            return code
    return country_code(_country_text(element))


def _country_text(element: etree._Element) -> str | None:
    text = squash(element.get("countryDescription"))
    return None if text is None or text.upper() == "UNKNOWN" else text


def _int(value: str | None) -> int | None:
    cleaned = squash(value)
    return int(cleaned) if cleaned and cleaned.isdecimal() else None
