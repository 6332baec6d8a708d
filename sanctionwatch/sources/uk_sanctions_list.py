"""UK Sanctions List (FCDO), XML: `UK-Sanctions-List.xml`, root <Designations>.

Since 28 January 2026 this is the only official list of UK designations; the OFSI Consolidated List
(`uk_ofsi`, "ConList") was retired that day and is read only from archives. Both feed source `uk`.

One `Entity` per <Designation>. Its id must follow the party across the move from ConList, or the
registry would report every UK party as removed and added again (it diffs versions by entity id):
- `source_id` is the OFSI group id (<OFSIGroupID>), the id ConList gave the same party, which the
  new list keeps for every designation ConList had;
- a designation without one (designated since ConList stopped, or never on it, like ships under a
  port-entry ban only) takes its UK Sanctions List reference (<UniqueID>, "RUS1228"). The two
  cannot collide: group ids are numbers, references start with letters. A group id that two
  designations of one file share would be ambiguous, so those designations fall back to their
  references too.
Both parsers record the reference as the `authorityId` property (ConList from "(UK Sanctions List
Ref)" in its Other Information), and this one the group id as `ofsiGroupId`.

Decisions worth knowing:
- Names: Name1..Name5 are given names, Name6 the family name (or the whole name of an entity or
  ship), as in ConList. Name types are matched case-insensitively ("Primary name" and "Primary
  Name" both occur); "Primary name variation" is screened as an alias, "Low quality a.k.a" is weak.
  Non-Latin names are the same name in another script: primary, tagged with the script (the
  characters decide, the list's script type or language label otherwise).
- Dates are dd/mm/yyyy; placeholders ("dd/mm/1945", "00/00/1945") keep only what is known.
- Regimes: <RegimeName> is the statutory instrument's title; it becomes the authority, and the
  programme is ConList's short regime name for it ("Russia"), so the sanity guard does not see a
  whole programme disappear on the move. A title ConList never had stays the programme as written.
- Sanctions imposed ("Asset freeze|Travel Ban") become `provisions`. They are read from the text, not
  from <SanctionsImposedIndicators>: ships are listed with every indicator false.
- IMO numbers come with or without an "IMO" prefix; the identifier is the seven digits.
- The FCDO also publishes a CSV of the same list; it is not read (catalog refuses it by name).
"""

from __future__ import annotations

import re
from collections import Counter
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
    Link,
    LinkKind,
    Name,
    NameKind,
    NameQuality,
    Schema,
)
from sanctionwatch.sources.base import ParsedList, SourceFormatError
from sanctionwatch.sources.dates import iso_prefix
from sanctionwatch.sources.fields import (
    claim_once,
    gender_of,
    identifiers_in_text,
    join_parts,
    line_of,
    only_path,
    squash,
    unique_identifiers,
)
from sanctionwatch.sources.script_codes import name_script
from sanctionwatch.sources.uk_ofsi import REGIME_AUTHORITIES, merge_names, uk_country
from sanctionwatch.sources.xmlsafe import children, iter_elements, localname

FORMAT = "uk-sanctions-list-xml"
ROOT = "Designations"
RECORD = "Designation"
GENERATED = "DateGenerated"

_SCHEMAS = {"individual": Schema.PERSON, "entity": Schema.ORGANIZATION, "ship": Schema.VESSEL}
_NAME_KINDS = {
    "primary name": NameKind.PRIMARY,
    "primary name variation": NameKind.ALIAS,  # a spelling variant: screened like an a.k.a.
    "alias": NameKind.ALIAS,
}
_GIVEN_NAMES = ("Name1", "Name2", "Name3", "Name4", "Name5")
_ADDRESS_LINES = tuple(f"AddressLine{n}" for n in range(1, 7))
# Statutory instrument title -> ConList's short regime name (the programme both parsers give).
_PROGRAMMES = {title.lower(): regime for regime, title in REGIME_AUTHORITIES.items()}

_DATE = re.compile(r"^(\d{1,2}|dd|00?)/(\d{1,2}|mm|00?)/(\d{4})$", re.IGNORECASE)
_YEAR = re.compile(r"^\d{4}$")
_IMO = re.compile(r"^(?:IMO)?\s*(\d{7})$", re.IGNORECASE)
# "INN: 7713226814", "Russia OGRN – 1147746050935": a label, then the number.
_LABELLED_NUMBER = re.compile(r"^(?P<label>.*?)[\s:–-]*(?P<number>\d[\d\s/-]*\d|\d)$")


def parse_uksl_date(text: str | None) -> str | None:
    """'dd/mm/yyyy' -> ISO prefix keeping only the known parts; None when blank or not such a date.

    The list writes unknown parts as placeholders: 'dd/mm/1945' or '00/00/1945' means "in 1945" and
    must stay '1945' (widening it to 1945-01-01 would reject true matches born later that year).
    An impossible day ('31/02/1970') is dropped rather than invented, by `iso_prefix`.
    """
    cleaned = squash(text)
    if cleaned is None:
        return None
    if _YEAR.match(cleaned):
        return iso_prefix(int(cleaned))
    match = _DATE.match(cleaned)
    if match is None:
        return None
    day, month, year = (int(part) if part.isdecimal() else None for part in match.groups())
    return iso_prefix(year, month, day)


def imo_number(text: str) -> str:
    """'IMO9199127', 'IMO 9199127' or '9199127' -> '9199127'; anything else stays as written (squashed)."""
    match = _IMO.match(text)
    return match.group(1) if match else text


def programme(regime_title: str) -> str:
    """'The Russia (Sanctions) (EU Exit) Regulations 2019' -> 'Russia', ConList's name for the regime."""
    return _PROGRAMMES.get(regime_title.lower(), regime_title)


def parse(paths: Sequence[Path], source: str = "uk") -> ParsedList:
    """Parse one UK-Sanctions-List.xml; raises SourceFormatError (file, line, element) on bad input."""
    path = only_path(paths, FORMAT)
    published: date | None = None
    entities: list[Entity] = []
    group_ids: list[str | None] = []
    lines: dict[str, int | None] = {}
    for element in iter_elements(path, (RECORD, GENERATED), root=(ROOT,)):
        if localname(element.tag) == GENERATED:
            published = _published(path, element)
            continue
        entity, group_id = _designation(path, element, source)
        reference = entity.source_id
        claim_once(lines, reference, path, element, described=f"UniqueID {reference}", holder="designation")
        entities.append(entity)
        group_ids.append(group_id)
    if not entities:
        raise SourceFormatError(path, "no Designation records: refusing an empty list", element=ROOT)
    _key_by_group_id(entities, group_ids)
    _add_links(entities)
    return ParsedList(source=source, format=FORMAT, published=published, entities=entities, files=[path])


def _published(path: Path, element: etree._Element) -> date:
    raw = squash(element.text)
    iso = parse_uksl_date(raw)
    if iso is None or len(iso) != 10:
        raise SourceFormatError(
            path, f"bad {GENERATED} {raw!r} (expected dd/mm/yyyy)", line=line_of(element), element=GENERATED
        )
    return date.fromisoformat(iso)


def _key_by_group_id(entities: list[Entity], group_ids: list[str | None]) -> None:
    """Give each party ConList's id (its OFSI group id) where that id is its own (module docstring)."""
    shared = Counter(group_id for group_id in group_ids if group_id)
    references = {entity.source_id for entity in entities}
    for entity, group_id in zip(entities, group_ids, strict=True):
        # A group id spelt like another designation's reference would make two parties one: keep references.
        if group_id and shared[group_id] == 1 and group_id not in references:
            entity.source_id = group_id


def _designation(path: Path, element: etree._Element, source: str) -> tuple[Entity, str | None]:
    """One designation, keyed by its UniqueID for now (`_key_by_group_id` decides the final id)."""
    reference = _text(element, "UniqueID")
    if not reference:
        raise SourceFormatError(
            path,
            "designation has no UniqueID, so it cannot be tracked",
            line=line_of(element),
            element=RECORD,
        )
    reference = reference.replace(" ", "")
    kind_text = _text(element, "IndividualEntityShip") or ""
    schema = _SCHEMAS.get(kind_text.lower())
    if schema is None:
        raise SourceFormatError(
            path,
            f"designation {reference}: unknown IndividualEntityShip {kind_text!r}",
            line=line_of(element),
            element="IndividualEntityShip",
        )
    entity = Entity(source=source, source_id=reference, schema=schema)
    group_id = (_text(element, "OFSIGroupID") or "").replace(" ", "") or None
    entity.properties["authorityId"] = [reference]
    if group_id:
        entity.properties["ofsiGroupId"] = [group_id]
    _names(entity, element)
    _listing(path, entity, element)
    _contact(entity, element)
    for address in _all(element, "Addresses", "Address"):
        _address(entity, address)
    for individual in _all(element, "IndividualDetails", "Individual"):
        _individual(path, entity, individual)
    for organization in _all(element, "EntityDetails", "Entity"):
        _organization(entity, organization)
    for ship in _all(element, "ShipDetails", "Ship"):
        _ship(entity, ship)
    entity.identifiers = unique_identifiers(entity.identifiers)  # a number both in a field and in a remark
    entity.names = merge_names(entity.names)
    return entity, group_id


# --- names -------------------------------------------------------------------------------------


def _names(entity: Entity, element: etree._Element) -> None:
    titles = _values(element, "Titles", "Title")
    entity.titles.extend(titles)
    for name in _all(element, "Names", "Name"):
        given = [part for tag in _GIVEN_NAMES if (part := _text(name, tag))]
        family = _text(name, "Name6")
        full = " ".join([*given, family] if family else given)
        if not full:
            continue
        kind = _NAME_KINDS.get((_text(name, "NameType") or "alias").lower(), NameKind.ALIAS)
        strength = (_text(name, "AliasStrength") or "").lower()
        quality = NameQuality.WEAK if strength.startswith("low") else NameQuality.STRONG
        parts = _name_parts(given, family, titles) if entity.schema == Schema.PERSON else {}
        script = name_script(full)
        entity.names.append(Name(full, kind, quality, None if script == "Latn" else script, parts))
    for other in _all(element, "NonLatinNames", "NonLatinName"):
        written = _text(other, "NameNonLatinScript")
        if written:
            label = _text(other, "NonLatinScriptType") or _text(other, "NonLatinScriptLanguage")
            entity.names.append(
                Name(written, NameKind.PRIMARY, NameQuality.STRONG, name_script(written, label))
            )
    if not entity.names:
        entity.names.append(Name(entity.source_id))


def _name_parts(given: list[str], family: str | None, titles: list[str]) -> dict[str, str]:
    """The same parts ConList gives, so that a party's names compare alike from either list."""
    parts: dict[str, str] = {}
    if given:
        parts["given"] = given[0]
    if len(given) > 1:
        parts["middle"] = " ".join(given[1:])
    if family:
        parts["family"] = family
    if len(titles) == 1:
        parts["title"] = titles[0]
    return parts


# --- listing, contact, addresses -----------------------------------------------------------------


def _listing(path: Path, entity: Entity, element: etree._Element) -> None:
    regime = _text(element, "RegimeName")
    if regime:
        entity.programs.append(programme(regime))
        entity.authorities.append(regime)
    designated = _date(path, element, "DateDesignated")
    if designated:
        entity.listed_on = designated
        entity.properties["startDate"] = [designated]
    updated = _date(path, element, "LastUpdated")
    if updated:
        entity.properties["modifiedAt"] = [updated]
    un_reference = _text(element, "UNReferenceNumber")
    if un_reference:
        entity.properties["unscId"] = [un_reference.replace(" ", "")]
    designation_source = _text(element, "DesignationSource")
    if designation_source:
        entity.properties["designationSource"] = [designation_source]
    measures = [m for part in (_text(element, "SanctionsImposed") or "").split("|") if (m := squash(part))]
    if measures:
        entity.properties["provisions"] = measures
    other = _text(element, "OtherInformation")
    if other:
        entity.remarks.append(other)
        entity.identifiers.extend(identifiers_in_text(other))
    reasons = _text(element, "UKStatementofReasons")
    if reasons:
        entity.properties["reason"] = [reasons]


def _contact(entity: Entity, element: etree._Element) -> None:
    _add_grouped(
        entity,
        element,
        (
            ("phone", "PhoneNumbers", "PhoneNumber"),
            ("email", "EmailAddresses", "EmailAddress"),
            ("website", "Websites", "Website"),
        ),
    )


def _add_grouped(entity: Entity, element: etree._Element, specs: tuple[tuple[str, str, str], ...]) -> None:
    """Each (property, group element, item element): the group's item texts added to the property."""
    for prop, group, tag in specs:
        values = _values(element, group, tag)
        if values:
            entity.properties.setdefault(prop, []).extend(values)


def _address(entity: Entity, element: etree._Element) -> None:
    lines = [line for tag in _ADDRESS_LINES if (line := _text(element, tag))]
    postal_code = _text(element, "AddressPostalCode")
    country_text = _text(element, "AddressCountry")
    full = join_parts(*lines, postal_code, country_text)
    if full is None:
        return
    code = uk_country(country_text)
    entity.addresses.append(Address(full=full, postal_code=postal_code, country=code))
    if code:
        entity.countries.append(code)
    elif country_text:
        entity.remarks.append(f"Address country: {country_text}")


# --- individuals, entities, ships ------------------------------------------------------------------


def _individual(path: Path, entity: Entity, element: etree._Element) -> None:
    for text in _values(element, "DOBs", "DOB"):
        iso = parse_uksl_date(text)
        if iso is None:
            raise SourceFormatError(
                path,
                f"designation {entity.source_id}: bad DOB {text!r} (expected dd/mm/yyyy)",
                line=line_of(element),
                element="DOB",
            )
        entity.birth_dates.append(DateValue(iso))
    for text in _values(element, "Nationalities", "Nationality"):
        code = uk_country(text)
        if code:
            entity.nationalities.append(code)
        else:
            entity.remarks.append(f"Nationality: {text}")
    for text in _values(element, "Genders", "Gender"):
        entity.gender = gender_of(text) or entity.gender
    entity.positions.extend(_values(element, "Positions", "Position"))
    for location in _all(element, "BirthDetails", "Location"):
        country_text = _text(location, "CountryOfBirth")
        place = join_parts(_text(location, "TownOfBirth"), country_text)
        if place:
            entity.birth_places.append(place)
        code = uk_country(country_text)
        if code:
            entity.properties.setdefault("birthCountry", []).append(code)
    for passport in _all(element, "PassportDetails", "Passport"):
        _document(entity, passport, IdKind.PASSPORT, "Passport", "Passport")
    for national_id in _all(element, "NationalIdentifierDetails", "NationalIdentifier"):
        _document(
            entity, national_id, IdKind.NATIONAL_ID, "NationalIdentifier", "National Identification Number"
        )


def _document(entity: Entity, element: etree._Element, kind: IdKind, prefix: str, label: str) -> None:
    """A passport or national id: the number without stray spaces, the details as the note."""
    number = _text(element, f"{prefix}Number")
    note = _text(element, f"{prefix}AdditionalInformation")
    if number:
        entity.identifiers.append(
            Identifier(kind=kind, value=number.replace(" ", ""), label=label, note=note)
        )
    elif note:
        entity.remarks.append(f"{label}: {note}")


def _organization(entity: Entity, element: etree._Element) -> None:
    entity.properties.setdefault("legalForm", []).extend(_values(element, "TypeOfEntities", "TypeOfEntity"))
    for text in _values(element, "BusinessRegistrationNumbers", "BusinessRegistrationNumber", multiline=True):
        for line in filter(None, (squash(part) for part in text.splitlines())):
            entity.identifiers.append(registration_number(line))
    for target in _values(element, "ParentCompanies", "ParentCompany"):
        entity.links.append(Link(LinkKind.OWNED_BY, target, target_name=target))
    for target in _values(element, "Subsidiaries", "Subsidiary"):
        entity.links.append(Link(LinkKind.OWNER_OF, target, target_name=target))


def registration_number(line: str) -> Identifier:
    """'INN: 7713226814' / 'Russia OGRN – 1147746050935' -> the number, labelled by what precedes it."""
    match = _LABELLED_NUMBER.match(line)
    if match is None:
        return Identifier(IdKind.REGISTRATION, line, label="Business Registration Number")
    label = match.group("label").strip(" :–-")
    number = re.sub(r"\s", "", match.group("number"))
    return Identifier(
        IdKind.REGISTRATION, number, label=f"Business Registration Number ({label})" if label else None
    )


def _ship(entity: Entity, element: etree._Element) -> None:
    for text in _values(element, "IMONumbers", "IMONumber"):
        entity.identifiers.append(
            Identifier(IdKind.IMO, imo_number(text.replace(" ", "")), label="IMO number")
        )
    for target in _values(element, "CurrentOwnerOperators", "CurrentOwnerOperator"):
        entity.links.append(
            Link(LinkKind.OWNED_BY, target, target_name=target, note="current owner or operator")
        )
    for prop, group, tag in (
        ("flag", "CurrentBelievedFlagOfShips", "CurrentBelievedFlagOfShip"),
        ("pastFlags", "PreviousFlags", "PreviousFlag"),
    ):
        for text in _values(element, group, tag):
            code = uk_country(text)
            if code:
                entity.properties.setdefault(prop, []).append(code)
            else:
                entity.remarks.append(f"{tag}: {text}")
    _add_grouped(
        entity,
        element,
        (
            ("type", "TypeOfShipDetails", "TypeOfShip"),
            ("tonnage", "TonnageOfShipDetails", "TonnageOfShip"),
            ("length", "LengthOfShipDetails", "LengthOfShip"),
            ("buildDate", "YearsBuilt", "YearBuilt"),
        ),
    )


# --- links --------------------------------------------------------------------------------------


def _add_links(entities: list[Entity]) -> None:
    """A link whose target is the primary name of another designation of this file points at its id."""
    by_caption: dict[str, str | None] = {}
    for entity in entities:
        key = entity.caption.casefold()
        by_caption[key] = None if key in by_caption else entity.source_id  # two parties: ambiguous
    for entity in entities:
        for link in entity.links:
            target = by_caption.get(link.target.casefold())
            if target and target != entity.source_id:
                link.target = target


# --- element text --------------------------------------------------------------------------------


def _date(path: Path, element: etree._Element, tag: str) -> str | None:
    raw = _text(element, tag)
    if raw is None:
        return None
    iso = parse_uksl_date(raw)
    if iso is None:
        raise SourceFormatError(
            path, f"bad {tag} {raw!r} (expected dd/mm/yyyy)", line=line_of(element), element=tag
        )
    return iso


def _text(element: etree._Element, name: str) -> str | None:
    """Whitespace-collapsed text of the first direct child with this name (names carry stray spaces)."""
    for child in element:
        if localname(child.tag) == name:
            return squash(child.text)
    return None


def _all(element: etree._Element, group: str, name: str) -> list[etree._Element]:
    """<Group><Name/>...</Group> children, over every <Group> (the list repeats none, but may)."""
    return [item for container in children(element, group) for item in children(container, name)]


def _values(element: etree._Element, group: str, name: str, *, multiline: bool = False) -> list[str]:
    """Texts of <Group><Name>text</Name>...</Group>, collapsed (or only stripped, keeping line breaks)."""
    found: list[str] = []
    for item in _all(element, group, name):
        raw = item.text or ""
        value = raw.strip() if multiline else squash(raw)
        if value:
            found.append(value)
    return found
