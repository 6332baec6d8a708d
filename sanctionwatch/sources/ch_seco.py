"""Switzerland's SECO sanctions list, the whole-list export (root <swiss-sanctions-list list-type="whole-list">).

Written from the structure publicly described for the export; no official sample or XSD was at hand,
so the parser is strict: an element or attribute value it does not know, where it carries meaning (a
name-part type, a name type, a modification type, a target with no individual, entity or object), is
refused naming the target's ssid, so a change of layout stops the update instead of losing data.

The document holds, at its top level:
- `<sanctions-program ssid version-date>`: `<program-key lang>` (short name, "Belarus"), `<program-name
  lang>` (the ordinance), `<sanctions-set ssid lang>` (an annex or article of it), `<origin>` (EU, UN);
- `<target ssid>`: `<sanctions-set-id>` (one or more), `<foreign-identifier>` (the UN reference), one of
  `<individual sex>`, `<entity>`, `<object object-type>`, and `<modification>`s;
- `<place ssid>`: a location (`<location>`, `<area>`, `<country iso-code>`) that addresses and places of
  birth point at by `place-id`. Places may come after the targets, so references are resolved at the end.

Decisions:
- `source_id` is the target's ssid ("5142"), the list's own id; a repeat is refused (`claim_once`).
- The whole list keeps targets that were de-listed. A target's status is its latest modification (by
  effective date, else enactment, else publication date; on a tie the first written, the list writing
  them newest first). A target whose latest modification is `de-listed` is not a listed party: it is left
  out and counted in `ParsedList.skipped` ("de-listed targets"). A target with no modification is kept
  (it is in the list; screening fails closed). `listed_on` is the earliest `listed` modification's date.
- A modification's `<added>`/`<removed>` blocks are copies of earlier states of the target (they can
  hold whole `<target>` copies): history, not the current listing, so they are not read as records.
- Programs are the program keys of the target's sanctions sets (English, else the first language);
  authorities their ordinances (`program-name`); lists the sanctions-set texts (the annex). A set id
  the file does not define is refused.
- Names: `<name name-type quality>` of `<name-part order name-part-type>`s, each with a `<value>` and
  `<spelling-variant lang script>`s. The full name is the parts by `order` (titles go to `titles`, not
  into the name). Each spelling (lang, script) gives another name: the variant where a part has one, the
  part's value elsewhere; when that would mix writing systems, only the parts written in the variant's
  system are joined, as a weak alias (a family name alone names nobody). primary-name / alias /
  formerly-known-as -> primary / alias / former; a non-main identity's primary name is an alias of the
  target; quality low -> weak.
- Identities: every `<identity>` is read (main first): birth dates (`<day-month-year>`, the precision
  given; for an entity it is the incorporation date, for an object its build date; a non-Gregorian
  calendar is kept in the remarks as written, not converted), places of birth, nationalities (ISO
  codes), identification documents (identifiers: passports, identity cards, others under their own
  type) and addresses (joined with their place).
- `<justification>` and `<other-information>` are remarks; SWIFT/BIC and IMO numbers written in them
  become identifiers (`identifiers_in_text`). `<relation target-id relation-type>` is a link to that
  target ("related-to" -> associate; another type -> other, the type kept as the note).
- The version's `published` date is the latest modification of any target (de-listings included), and
  never later than the list's `date`: whether that `date` is the day of the last change or merely the
  day of the export is not documented, and an export date that moves every day would keep the staleness
  alarm (registry.freshness) from ever ringing. The last change is what the alarm must judge.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
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
    unique,
)
from sanctionwatch.sources.base import ParsedList, SourceFormatError
from sanctionwatch.sources.countries import country_code
from sanctionwatch.sources.dates import iso_prefix
from sanctionwatch.sources.fields import (
    claim_once,
    identifiers_in_text,
    join_parts,
    line_of,
    only_path,
    squash,
)
from sanctionwatch.sources.script_codes import detect_script
from sanctionwatch.sources.xmlsafe import iter_elements, localname

log = logging.getLogger(__name__)

FORMAT = "ch-seco-xml"
ROOT = "swiss-sanctions-list"
WHOLE_LIST = "whole-list"
DELISTED = "de-listed targets"

_PROGRAM_CHILDREN = frozenset({"program-key", "program-name", "sanctions-set", "origin"})
_TARGET_CHILDREN = frozenset(
    {"sanctions-set-id", "foreign-identifier", "individual", "entity", "object", "modification"}
)
_SUBJECTS = ("individual", "entity", "object")
_SUBJECT_CHILDREN = frozenset({"identity", "justification", "relation", "other-information"})
_IDENTITY_CHILDREN = frozenset(
    {"name", "day-month-year", "place-of-birth", "nationality", "identification-document", "address"}
)
_PLACE_CHILDREN = frozenset({"location", "area", "country"})
_ADDRESS_CHILDREN = frozenset(
    {"c-o", "address-details", "p-o-box", "zip-code", "remarks", "location", "area", "country"}
)
_DOCUMENT_CHILDREN = frozenset({"number", "issuer", "date-of-issue", "expiry-date", "remark"})
_MODIFICATION_CHILDREN = frozenset({"added", "removed"})
_MODIFICATION_TYPES = frozenset({"listed", "amended", "de-listed"})

_OBJECT_SCHEMAS = {"vessel": Schema.VESSEL, "ship": Schema.VESSEL, "aircraft": Schema.AIRCRAFT}
_NAME_KINDS = {
    "primary-name": NameKind.PRIMARY,
    "alias": NameKind.ALIAS,
    "formerly-known-as": NameKind.FORMER,
}
_QUALITIES = {None: NameQuality.STRONG, "good": NameQuality.STRONG, "low": NameQuality.WEAK}
# name-part-type -> key in Name.parts (None: part of the full name only).
_PART_KEYS: dict[str, str | None] = {
    "title": "title",
    "given-name": "given",
    "further-given-name": "middle",
    "father-name": "patronymic",
    "grand-father-name": "patronymic",
    "family-name": "family",
    "maiden-name": None,
    "suffix": None,
    "tribal-name": None,
    "whole-name": None,
    "other": None,
}
_GENDERS = {"male": "male", "female": "female"}
_DATE_PROPERTY = {Schema.VESSEL: "buildDate", Schema.AIRCRAFT: "buildDate"}


@dataclass(slots=True)
class _Set:
    program: str
    ordinance: str | None
    annex: str | None
    origin: str | None


@dataclass(slots=True)
class _PlaceRef:
    """An address or place of birth that points at a `<place>`, resolved once every place is read."""

    entity: Entity
    place_id: str
    line: int | None
    own: dict[str, str]  # the element's own address fields
    birth: bool


@dataclass(slots=True)
class _Reader:
    path: Path
    source: str
    sets: dict[str, _Set] = field(default_factory=dict)
    set_owner: dict[str, str] = field(default_factory=dict)  # sanctions-set ssid -> program ssid
    places: dict[str, dict[str, str]] = field(default_factory=dict)
    place_lines: dict[str, int | None] = field(default_factory=dict)
    target_lines: dict[str, int | None] = field(default_factory=dict)
    target_sets: list[tuple[Entity, list[str], int | None]] = field(default_factory=list)
    place_refs: list[_PlaceRef] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    delisted: int = 0
    published: date | None = None  # the list's `date`
    last_change: str | None = None  # ISO date of the latest modification of any target
    root_checked: bool = False

    def error(
        self, message: str, element: etree._Element | None, target: str | None = None
    ) -> SourceFormatError:
        where = f"target {target}: " if target else ""
        return SourceFormatError(
            self.path,
            where + message,
            line=line_of(element) if element is not None else None,
            element=localname(element.tag) if element is not None else None,
        )


def parse(paths: Sequence[Path], source: str = "ch") -> ParsedList:
    """Parse one SECO whole-list export; raises SourceFormatError naming file, line, element and target."""
    path = only_path(paths, FORMAT)
    reader = _Reader(path, source)
    for element in iter_elements(path, ("sanctions-program", "target", "place"), root=(ROOT,)):
        parent = element.getparent()
        if parent is None or localname(parent.tag) != ROOT:
            continue  # a copy inside a modification's <added>/<removed>: history, not a record
        if not reader.root_checked:
            _root(reader, parent)
        name = localname(element.tag)
        if name == "sanctions-program":
            _program(reader, element)
        elif name == "place":
            _place(reader, element)
        else:
            _target(reader, element)
    if not reader.target_lines:
        raise SourceFormatError(path, "no <target> elements: refusing an empty list", element=ROOT)
    _resolve(reader)
    if not reader.entities:
        raise SourceFormatError(path, "every target is de-listed: refusing an empty list", element=ROOT)
    skipped = {DELISTED: reader.delisted} if reader.delisted else {}
    if reader.delisted:
        log.info("%s: %d de-listed target(s) left out", path, reader.delisted)
    return ParsedList(
        source=source,
        format=FORMAT,
        published=_last_published(reader),
        entities=reader.entities,
        files=[path],
        skipped=skipped,
    )


def _last_published(reader: _Reader) -> date | None:
    """The latest modification's date, capped at the list's `date` (see the module docstring)."""
    if reader.last_change is None:
        return reader.published
    last = date.fromisoformat(reader.last_change)
    return min(last, reader.published) if reader.published is not None else last


def _root(reader: _Reader, root: etree._Element) -> None:
    """A whole list only: a delta export would make every party it does not mention look removed."""
    reader.root_checked = True
    list_type = root.get("list-type")
    if list_type != WHOLE_LIST:
        raise reader.error(
            f"list-type {list_type!r}: only the whole list ({WHOLE_LIST!r}) holds every listed party", root
        )
    reader.published = _iso_date(reader, root.get("date"), "date", root, None, required=True)


def _iso_date(
    reader: _Reader,
    value: str | None,
    attribute: str,
    element: etree._Element,
    target: str | None,
    *,
    required: bool = False,
) -> date | None:
    if value is None:
        if required:
            raise reader.error(f"no {attribute} attribute", element, target)
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise reader.error(f"{attribute} {value!r} is not an ISO date", element, target) from exc


def _check_children(
    reader: _Reader, element: etree._Element, known: frozenset[str], target: str | None
) -> None:
    for child in element:
        name = localname(child.tag)
        if name and name not in known:
            raise reader.error(
                f"unknown element <{name}> in <{localname(element.tag)}> (known: {', '.join(sorted(known))})",
                child,
                target,
            )


def _by_language(elements: list[etree._Element]) -> str | None:
    """The English text of a multilingual element, else the first text given."""
    texts = [(child.get("lang"), squash(child.text)) for child in elements]
    english = [text for lang, text in texts if lang == "eng" and text]
    others = [text for _, text in texts if text]
    return next(iter(english or others), None)


def _program(reader: _Reader, element: etree._Element) -> None:
    ssid = element.get("ssid")
    _check_children(reader, element, _PROGRAM_CHILDREN, None)
    children = [c for c in element if localname(c.tag)]
    key = _by_language([c for c in children if localname(c.tag) == "program-key"])
    if key is None:
        raise reader.error(f"sanctions program {ssid} has no <program-key>", element)
    ordinance = _by_language([c for c in children if localname(c.tag) == "program-name"])
    origin = _by_language([c for c in children if localname(c.tag) == "origin"])
    sets: dict[str, list[etree._Element]] = {}
    for child in children:
        if localname(child.tag) == "sanctions-set":
            set_id = child.get("ssid")
            if not set_id:
                raise reader.error(f"sanctions program {ssid}: <sanctions-set> without ssid", child)
            sets.setdefault(set_id, []).append(child)  # one per language, under one ssid
    for set_id, texts in sets.items():
        owner = reader.set_owner.get(set_id)
        if owner is not None:
            raise reader.error(f"sanctions set {set_id} defined in programs {owner} and {ssid}", texts[0])
        reader.set_owner[set_id] = ssid or "?"
        reader.sets[set_id] = _Set(key, ordinance, _by_language(texts), origin)


def _place(reader: _Reader, element: etree._Element) -> None:
    ssid = element.get("ssid")
    if not ssid:
        raise reader.error("<place> without ssid", element)
    claim_once(reader.place_lines, ssid, reader.path, element, described=f"place ssid {ssid}", holder="place")
    _check_children(reader, element, _PLACE_CHILDREN, None)
    reader.places[ssid] = _address_fields(element)


def _address_fields(element: etree._Element) -> dict[str, str]:
    """Text of each address child; the country as its ISO code when the list gives one."""
    found: dict[str, str] = {}
    for child in element:
        name = localname(child.tag)
        text = squash(child.text)
        if name == "country":
            code = child.get("iso-code")
            if code:
                found["country-code"] = code.strip().lower()
        if name and text:
            found[name] = text
    return found


def _target(reader: _Reader, element: etree._Element) -> None:
    ssid = element.get("ssid")
    if not ssid:
        raise reader.error("<target> without ssid", element)
    claim_once(
        reader.target_lines, ssid, reader.path, element, described=f"target ssid {ssid}", holder="target"
    )
    _check_children(reader, element, _TARGET_CHILDREN, ssid)
    children = [c for c in element if localname(c.tag)]
    subjects = [c for c in children if localname(c.tag) in _SUBJECTS]
    if len(subjects) != 1:
        found = ", ".join(f"<{localname(s.tag)}>" for s in subjects) or "none"
        raise reader.error(
            f"needs exactly one of <individual>, <entity>, <object> (found {found})", element, ssid
        )
    modifications = [c for c in children if localname(c.tag) == "modification"]
    status, listed_on, latest = _status(reader, modifications, ssid)
    if latest is not None and (reader.last_change is None or latest > reader.last_change):
        reader.last_change = latest
    if status == "de-listed":
        reader.delisted += 1
        return
    subject = subjects[0]
    entity = Entity(source=reader.source, source_id=ssid, schema=_schema(reader, subject, ssid))
    entity.listed_on = listed_on
    if latest is not None:
        entity.properties["modifiedAt"] = [latest]
    set_ids = [squash(c.text) or "" for c in children if localname(c.tag) == "sanctions-set-id"]
    if element.get("sanctions-set-id"):
        set_ids.append(element.get("sanctions-set-id") or "")
    if not set_ids or not all(set_ids):
        raise reader.error("no <sanctions-set-id>: the listing names no program", element, ssid)
    reader.target_sets.append((entity, set_ids, line_of(element)))
    for child in children:
        if localname(child.tag) == "foreign-identifier" and (text := squash(child.text)):
            entity.properties.setdefault("unscId", []).append(text)
    _subject(reader, entity, subject, ssid)
    if not entity.names:
        raise reader.error("has no name", subject, ssid)
    reader.entities.append(entity)


def _schema(reader: _Reader, subject: etree._Element, ssid: str) -> Schema:
    kind = localname(subject.tag)
    if kind == "individual":
        return Schema.PERSON
    if kind == "entity":
        return Schema.ORGANIZATION
    object_type = subject.get("object-type")
    schema = _OBJECT_SCHEMAS.get((object_type or "").lower())
    if schema is None:
        raise reader.error(
            f"unknown object-type {object_type!r} (known: {', '.join(sorted(_OBJECT_SCHEMAS))})",
            subject,
            ssid,
        )
    return schema


def _status(
    reader: _Reader, modifications: list[etree._Element], ssid: str
) -> tuple[str | None, str | None, str | None]:
    """(type of the latest modification, date of the first listing, date of the latest modification)."""
    dated: list[tuple[str, int, str]] = []  # (date, -position, type)
    listings: list[str] = []
    for position, modification in enumerate(modifications):
        kind = modification.get("modification-type")
        if kind not in _MODIFICATION_TYPES:
            raise reader.error(
                f"unknown modification-type {kind!r} (known: {', '.join(sorted(_MODIFICATION_TYPES))})",
                modification,
                ssid,
            )
        _check_children(reader, modification, _MODIFICATION_CHILDREN, ssid)
        dates = {
            attribute: _iso_date(reader, modification.get(attribute), attribute, modification, ssid)
            for attribute in ("effective-date", "enactment-date", "publication-date")
        }
        when = dates["effective-date"] or dates["enactment-date"] or dates["publication-date"]
        if when is None:
            raise reader.error(f"{kind} modification states no date", modification, ssid)
        dated.append((when.isoformat(), -position, kind))
        if kind == "listed":
            listings.append(when.isoformat())
    if not dated:
        return None, None, None
    latest = max(dated)
    return latest[2], min(listings) if listings else None, latest[0]


def _subject(reader: _Reader, entity: Entity, subject: etree._Element, ssid: str) -> None:
    _check_children(reader, subject, _SUBJECT_CHILDREN, ssid)
    sex = subject.get("sex")
    if sex is not None:
        gender = _GENDERS.get(sex.strip().lower())
        if gender is None:
            raise reader.error(f"unknown sex {sex!r} (known: male, female)", subject, ssid)
        entity.gender = gender
    identities = [c for c in subject if localname(c.tag) == "identity"]
    if not identities:
        raise reader.error("has no <identity>", subject, ssid)
    identities.sort(key=lambda i: _main(reader, i, ssid), reverse=True)  # stable: main first
    for identity in identities:
        _identity(reader, entity, identity, ssid, main=_main(reader, identity, ssid))
    for child in subject:
        name = localname(child.tag)
        text = squash(child.text)
        if name in ("justification", "other-information") and text:
            entity.remarks.append(text)
            entity.identifiers.extend(identifiers_in_text(text))
        elif name == "relation":
            entity.links.append(_relation(reader, child, ssid))


def _main(reader: _Reader, identity: etree._Element, ssid: str) -> bool:
    value = identity.get("main")
    if value not in (None, "true", "false"):
        raise reader.error(f"main={value!r} is neither true nor false", identity, ssid)
    return value == "true"


def _relation(reader: _Reader, element: etree._Element, ssid: str) -> Link:
    other = element.get("target-id")
    kind = element.get("relation-type")
    if not other:
        raise reader.error("<relation> without target-id", element, ssid)
    note = join_parts(None if kind == "related-to" else kind, squash(element.text), sep="; ")
    return Link(LinkKind.ASSOCIATE if kind == "related-to" else LinkKind.OTHER, other, note=note)


def _identity(reader: _Reader, entity: Entity, identity: etree._Element, ssid: str, *, main: bool) -> None:
    _check_children(reader, identity, _IDENTITY_CHILDREN, ssid)
    for child in identity:
        name = localname(child.tag)
        if name == "name":
            names = _names(reader, child, ssid, main=main)
            entity.names.extend(names)
            entity.titles.extend(n.parts["title"] for n in names if "title" in n.parts)
        elif name == "day-month-year":
            _date(reader, entity, child, ssid)
        elif name == "nationality":
            _nationality(reader, entity, child, ssid)
        elif name == "identification-document":
            entity.identifiers.append(_document(reader, child, ssid))
        elif name in ("address", "place-of-birth"):
            _check_children(reader, child, _ADDRESS_CHILDREN, ssid)
            own = _address_fields(child)
            birth = name == "place-of-birth"
            place_id = child.get("place-id")
            if place_id:
                reader.place_refs.append(_PlaceRef(entity, place_id, line_of(child), own, birth))
            else:
                _add_place(entity, own, birth)


def _names(reader: _Reader, element: etree._Element, ssid: str, *, main: bool) -> list[Name]:
    name_type = element.get("name-type")
    kind = _NAME_KINDS.get(name_type or "")
    if kind is None:
        raise reader.error(
            f"unknown name-type {name_type!r} (known: {', '.join(_NAME_KINDS)})", element, ssid
        )
    if kind == NameKind.PRIMARY and not main:
        kind = NameKind.ALIAS  # another identity's name is another name of the target
    quality = element.get("quality")
    if quality not in _QUALITIES:
        raise reader.error(f"unknown name quality {quality!r} (known: good, low)", element, ssid)
    strength = _QUALITIES[quality]
    _check_children(reader, element, frozenset({"name-part"}), ssid)
    parts = _parts(reader, element, ssid)
    if not parts:
        raise reader.error("<name> without <name-part>", element, ssid)
    names = [_composed(parts, None, kind, strength)]
    spelling_kind = NameKind.ALIAS if kind == NameKind.PRIMARY else kind
    for culture in unique([c for part in parts for c in part.variants]):
        names.append(_composed(parts, culture, spelling_kind, strength))
    written = names[0].full
    return [n for i, n in enumerate(names) if n.full and (i == 0 or n.full != written)]


@dataclass(slots=True)
class _Part:
    order: int
    kind: str
    value: str
    variants: dict[str, str]  # "lang/script" -> spelling


def _parts(reader: _Reader, element: etree._Element, ssid: str) -> list[_Part]:
    parts: list[_Part] = []
    for position, part in enumerate(element):
        if not localname(part.tag):
            continue
        part_type = part.get("name-part-type")
        if part_type not in _PART_KEYS:
            raise reader.error(
                f"unknown name-part-type {part_type!r} (known: {', '.join(_PART_KEYS)})", part, ssid
            )
        order_text = part.get("order")
        try:
            order = int(order_text) if order_text is not None else position
        except ValueError as exc:
            raise reader.error(f"name-part order {order_text!r} is not a number", part, ssid) from exc
        _check_children(reader, part, frozenset({"value", "spelling-variant"}), ssid)
        values = [squash(c.text) for c in part if localname(c.tag) == "value"]
        if len(values) != 1 or not values[0]:
            raise reader.error(f"<name-part> needs one non-empty <value> (found {len(values)})", part, ssid)
        variants: dict[str, str] = {}
        for variant in part:
            text = squash(variant.text)
            if localname(variant.tag) == "spelling-variant" and text:
                culture = f"{variant.get('lang') or ''}/{variant.get('script') or ''}"
                variants.setdefault(culture, text)
        parts.append(_Part(order, part_type, values[0], variants))
    return parts


def _composed(parts: list[_Part], culture: str | None, kind: str, quality: str) -> Name:
    """The name in one spelling, parts by `order`; see the module docstring for mixed writing systems."""
    parts = sorted(parts, key=lambda p: p.order)
    spelt = [(p, p.variants.get(culture, p.value) if culture else p.value) for p in parts]
    words = [text for p, text in spelt if p.kind != "title"]  # a title is no part of the name proper
    if culture is not None and len({s for text in words if (s := detect_script(text))}) > 1:
        spelt = [(p, p.variants[culture]) for p in parts if culture in p.variants]
        if sum(p.kind != "title" for p, _ in spelt) < len(words):
            quality = NameQuality.WEAK
    full = " ".join(text for part, text in spelt if part.kind != "title")
    keyed: dict[str, list[str]] = {}
    for part, text in spelt:
        key = _PART_KEYS[part.kind]
        if key is not None:
            keyed.setdefault(key, []).append(text)
    return Name(
        full,
        kind,
        quality,
        detect_script(full),
        parts={key: " ".join(texts) for key, texts in keyed.items()},
    )


def _date(reader: _Reader, entity: Entity, element: etree._Element, ssid: str) -> None:
    numbers: dict[str, int | None] = {}
    for attribute in ("year", "month", "day"):
        text = element.get(attribute)
        try:
            numbers[attribute] = int(text) if text else None
        except ValueError as exc:
            raise reader.error(f"{attribute} {text!r} is not a number", element, ssid) from exc
    written = ".".join(str(numbers[a]) for a in ("day", "month", "year") if numbers[a] is not None)
    label = "Date of birth" if entity.schema == Schema.PERSON else "Date"
    calendar = element.get("calendar")
    if calendar is not None and calendar.lower() != "gregorian":
        entity.remarks.append(f"{label} ({calendar} calendar): {written}")
        return
    iso = iso_prefix(numbers["year"], numbers["month"], numbers["day"])
    if iso is None:
        entity.remarks.append(f"{label}: {written or 'none'} (not a date)")
        return
    value = DateValue(iso, approximate=element.get("quality") == "low")
    if entity.schema == Schema.PERSON:
        entity.birth_dates.append(value)
    else:
        entity.properties.setdefault(
            _DATE_PROPERTY.get(Schema(entity.schema), "incorporationDate"), []
        ).append(iso)


def _nationality(reader: _Reader, entity: Entity, element: etree._Element, ssid: str) -> None:
    _check_children(reader, element, frozenset({"country"}), ssid)
    for country in element:
        if not localname(country.tag):
            continue
        code = country.get("iso-code")
        text = squash(country.text)
        found = code.strip().lower() if code else country_code(text)
        if found:
            entity.nationalities.append(found)
        elif text:
            entity.remarks.append(f"Nationality: {text}")


_DOCUMENT_KINDS = {
    "passport": IdKind.PASSPORT,
    "diplomatic-passport": IdKind.PASSPORT,
    "service-passport": IdKind.PASSPORT,
    "id-card": IdKind.NATIONAL_ID,
    "identity-card": IdKind.NATIONAL_ID,
    "national-id": IdKind.NATIONAL_ID,
}


def _document(reader: _Reader, element: etree._Element, ssid: str) -> Identifier:
    _check_children(reader, element, _DOCUMENT_CHILDREN, ssid)
    fields = {localname(c.tag): c for c in element if localname(c.tag)}
    number = squash(fields["number"].text) if "number" in fields else None
    document_type = element.get("document-type") or "document"
    if not number:
        raise reader.error(f"{document_type} without a <number>", element, ssid)
    issuer = fields.get("issuer")
    country = None
    if issuer is not None:
        code = issuer.get("code")
        country = code.strip().lower() if code else country_code(squash(issuer.text))
    notes = [
        f"{label}: {text}"
        for tag, label in (("date-of-issue", "Issued"), ("expiry-date", "Expires"), ("remark", "Remark"))
        if tag in fields and (text := squash(fields[tag].text))
    ]
    if issuer is not None and country is None and (text := squash(issuer.text)):
        notes.append(f"Issuer: {text}")
    return Identifier(
        _DOCUMENT_KINDS.get(document_type.lower(), IdKind.OTHER),
        number,
        country=country,
        label=document_type,
        note="; ".join(notes) or None,
    )


def _add_place(entity: Entity, fields: dict[str, str], birth: bool) -> None:
    country = fields.get("country-code") or country_code(fields.get("country"))
    if birth:
        place = join_parts(fields.get("location"), fields.get("area"), fields.get("country"))
        if place:
            entity.birth_places.append(place)
        return
    po_box = fields.get("p-o-box")
    full = join_parts(
        fields.get("c-o"),
        fields.get("address-details"),
        f"P.O. Box {po_box}" if po_box else None,
        " ".join(p for p in (fields.get("zip-code"), fields.get("location")) if p) or None,
        fields.get("area"),
        fields.get("country"),
    )
    if full is None and country is None:
        return
    entity.addresses.append(
        Address(
            full=full,
            street=fields.get("address-details"),
            city=fields.get("location"),
            region=fields.get("area"),
            postal_code=fields.get("zip-code"),
            country=country,
        )
    )
    if fields.get("remarks"):
        entity.remarks.append(f"Address: {fields['remarks']}")
    if country:
        entity.countries.append(country)


def _resolve(reader: _Reader) -> None:
    """Programs and places, now that every program and place of the file has been read."""
    for entity, set_ids, line in reader.target_sets:
        for set_id in set_ids:
            found = reader.sets.get(set_id)
            if found is None:
                raise SourceFormatError(
                    reader.path,
                    f"target {entity.source_id}: sanctions set {set_id} is defined by no <sanctions-program>",
                    line=line,
                    element="sanctions-set-id",
                )
            entity.programs.append(found.program)
            if found.ordinance:
                entity.authorities.append(found.ordinance)
            if found.annex:
                entity.lists.append(found.annex)
            if found.origin:
                entity.properties.setdefault("programOrigin", []).append(found.origin)
    for ref in reader.place_refs:
        place = reader.places.get(ref.place_id)
        if place is None:
            raise SourceFormatError(
                reader.path,
                f"target {ref.entity.source_id}: place-id {ref.place_id} names no <place>",
                line=ref.line,
                element="place-of-birth" if ref.birth else "address",
            )
        _add_place(ref.entity, {**place, **ref.own}, ref.birth)
