"""Canada's Consolidated Canadian Autonomous Sanctions List (sema-lmes.xml, root <data-set>).

One `<record>` per listing, in one of two tag sets Global Affairs Canada has published:

- current (since about 2021): Country, LastName, GivenName, EntityOrShip, TitleOrShip,
  DateOfBirthOrShipBuildDate, Aliases, Schedule, Item, DateOfListing, ShipIMONumber;
- old (the 2020 file): Country, LastName, GivenName, Entity, Title, DateOfBirth, Aliases, Schedule, Item.

One parser reads both. A file is read in the tag set its records use; a record with a tag of neither
set, or with tags of both, is refused naming the tag, so a third layout is never read half-blind.

Decisions, field by field (every field is used; none is dropped):
- Country names the regulations the listing is made under ("Russia / Russie": the Special Economic
  Measures (Russia) Regulations; "Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)
  / ...": the Sergei Magnitsky Law's regulations). Its English half is the programme, with the two
  spellings of Burma/Myanmar made one ("Myanmar") so a renamed heading is not a lost programme.
  `REGULATIONS` gives the statutory instrument; a heading missing there gets no authority, not a guess.
- The file has no record id. Schedule + Item number a listing within its regulations, so
  `source_id` is "<programme>/<schedule>/<item>" ("Russia/1, Part 2/12"), the schedule in one
  spelling (`canonical_schedule`). It is unique over both real files (checked by the tests), and a
  repeat is refused, because the registry could not follow two records under one id.
- A record with a ShipIMONumber is a vessel: EntityOrShip is the ship's name, TitleOrShip its type,
  DateOfBirthOrShipBuildDate its build year. Other EntityOrShip / Entity records are organizations
  (no ship in either file lacks an IMO number: "Ship Repair Centre JSC" is a company). LastName /
  GivenName records are persons, TitleOrShip / Title their title.
- Aliases is free text separated by ",", ";", "/", " or ", language labels ("Russian:") and, in
  persons, " and ". Commas also sit inside company names ("Конкорд Менеджмент и консалтинг, ООО"), so
  a piece that is only a legal form rejoins its neighbour. A person's one-word alias (a given-name
  variant such as "Aleksei", a nickname) is kept as a weak alias: on its own it names nobody.
- Dates are ISO at the precision given ("1972", "1965-04", "1965-04-29"); "X or Y" is two dates,
  "1963-1964" a range. Text that is no date ("born in the early 1970s", "Sep-99") is kept in the
  remarks as written rather than refused: it is the publisher's wording, and refusing it would keep
  the whole list out. DateOfListing must be an ISO date: a record with a bad one is refused.
- The file carries no publication date, so a version's `published` is None (nothing is invented).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from lxml import etree

from sanctionwatch.model import DateValue, Entity, Identifier, IdKind, Name, NameKind, NameQuality, Schema
from sanctionwatch.sources.base import ParsedList, SourceFormatError
from sanctionwatch.sources.dates import iso_prefix
from sanctionwatch.sources.fields import claim_once, line_of, only_path, squash
from sanctionwatch.sources.script_codes import detect_script
from sanctionwatch.sources.xmlsafe import iter_elements, localname

FORMAT = "ca-sema-xml"
ROOT = "data-set"
RECORD = "record"

CURRENT_TAGS = frozenset(
    {
        "Country",
        "LastName",
        "GivenName",
        "EntityOrShip",
        "TitleOrShip",
        "DateOfBirthOrShipBuildDate",
        "Aliases",
        "Schedule",
        "Item",
        "DateOfListing",
        "ShipIMONumber",
    }
)
OLD_TAGS = frozenset(
    {"Country", "LastName", "GivenName", "Entity", "Title", "DateOfBirth", "Aliases", "Schedule", "Item"}
)
TAG_SETS = {"current": CURRENT_TAGS, "old (2020)": OLD_TAGS}

# Headings of the same regulations written two ways over the years.
_PROGRAMME_ALIASES = {
    "Burma": "Myanmar",
    "Myanmar (Burma)": "Myanmar",
    "Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)": "JVCFOR",
}

# Programme -> the regulations its listings are made under, titled as in the Canada Gazette.
REGULATIONS: dict[str, str] = {
    "Belarus": "Special Economic Measures (Belarus) Regulations",
    "China": "Special Economic Measures (People's Republic of China) Regulations",
    "Extremist Settler Violence": "Special Economic Measures (Extremist Settler Violence) Regulations",
    "Guatemala": "Special Economic Measures (Guatemala) Regulations",
    "Haiti": "Special Economic Measures (Haiti) Regulations",
    "Hamas Terrorist Attacks": "Special Economic Measures (Hamas Terrorist Attacks) Regulations",
    "Iran": "Special Economic Measures (Iran) Regulations",
    "JVCFOR": "Justice for Victims of Corrupt Foreign Officials Regulations",
    "Moldova": "Special Economic Measures (Moldova) Regulations",
    "Myanmar": "Special Economic Measures (Burma) Regulations",
    "Nicaragua": "Special Economic Measures (Nicaragua) Regulations",
    "Russia": "Special Economic Measures (Russia) Regulations",
    "South Sudan": "Special Economic Measures (South Sudan) Regulations",
    "Sri Lanka": "Special Economic Measures (Sri Lanka) Regulations",
    "Sudan": "Special Economic Measures (Sudan) Regulations",
    "Syria": "Special Economic Measures (Syria) Regulations",
    "Ukraine": "Special Economic Measures (Ukraine) Regulations",
    "Venezuela": "Special Economic Measures (Venezuela) Regulations",
    "Zimbabwe": "Special Economic Measures (Zimbabwe) Regulations",
}

_LANGUAGE_LABEL = re.compile(
    r"\b(?:Belarus+ian|Russian|Ukrainian|Arabic|Farsi|Persian|Chinese|Hebrew)\s*:", re.IGNORECASE
)
_SEPARATORS = re.compile(r"[;/]|\s+or\s+")
_PERSON_AND = re.compile(r"\s+and\s+")
# Legal forms written after a comma ("Банк Зенит, ПАО"): part of the name, not a name of their own.
_LEGAL_FORMS = frozenset(
    {
        "ао",
        "оао",
        "зао",
        "пао",
        "ооо",
        "фгуп",
        "сао",
        "мк",
        "ao",
        "jsc",
        "ojsc",
        "pjsc",
        "cjsc",
        "llc",
        "ooo",
        "pao",
        "fsue",
        "ltd",
        "ltd.",
        "limited",
        "inc",
        "inc.",
        "co.",
    }
)
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_YEAR_RANGE = re.compile(r"^(\d{4})\s*-\s*(\d{4})$")
_OR = re.compile(r"\s+or\s+", re.IGNORECASE)


def parse(paths: Sequence[Path], source: str = "ca") -> ParsedList:
    """Parse one sema-lmes.xml (either tag set); raises SourceFormatError naming file, line and tag."""
    path = only_path(paths, FORMAT)
    entities: list[Entity] = []
    lines: dict[str, int | None] = {}
    tag_set: str | None = None
    for element in iter_elements(path, (RECORD,), root=(ROOT,)):
        fields = _fields(path, element)
        tag_set = _tag_set(path, element, fields, tag_set)
        entity = _record(path, element, fields, source)
        described = f"listing {entity.source_id} (country, schedule and item)"
        claim_once(lines, entity.source_id, path, element, described=described, holder="record")
        entities.append(entity)
    if not entities:
        raise SourceFormatError(path, "no <record> elements: refusing an empty list", element=ROOT)
    return ParsedList(source=source, format=FORMAT, published=None, entities=entities, files=[path])


def _fields(path: Path, element: etree._Element) -> dict[str, str]:
    """The record's fields by tag; a tag given twice is refused (which value would be the listing's?)."""
    found: dict[str, str] = {}
    for child in element:
        tag = localname(child.tag)
        if not tag:
            continue
        if tag in found:
            raise SourceFormatError(
                path, f"<{tag}> given twice in one record", line=line_of(child), element=tag
            )
        if len(child):
            raise SourceFormatError(
                path, f"<{tag}> holds elements; SEMA fields are text", line=line_of(child), element=tag
            )
        found[tag] = child.text or ""
    return found


def _tag_set(path: Path, element: etree._Element, fields: dict[str, str], known: str | None) -> str | None:
    """The tag set of the file, settled by the first record whose tags belong to one set only."""
    tags = set(fields)
    unknown = sorted(tags - CURRENT_TAGS - OLD_TAGS)
    if unknown:
        raise SourceFormatError(
            path,
            f"unknown SEMA field <{unknown[0]}>: neither the current nor the 2020 tag set has it",
            line=line_of(element),
            element=unknown[0],
        )
    fits = [name for name, allowed in TAG_SETS.items() if tags <= allowed]
    if not fits:
        raise SourceFormatError(
            path,
            f"record mixes the current and the 2020 tag sets ({', '.join(sorted(tags))})",
            line=line_of(element),
            element=RECORD,
        )
    if known is not None and known not in fits:
        raise SourceFormatError(
            path,
            f"record in the {fits[0]} tag set in a file read in the {known} tag set",
            line=line_of(element),
            element=RECORD,
        )
    return known if len(fits) > 1 else fits[0]


def _record(path: Path, element: etree._Element, fields: dict[str, str], source: str) -> Entity:
    line = line_of(element)

    def get(tag: str) -> str | None:
        return squash(fields.get(tag))

    programme = programme_of(get("Country"))
    if programme is None:
        raise SourceFormatError(path, "record has no Country", line=line, element="Country")
    item = get("Item")
    if item is None:
        raise SourceFormatError(path, "record has no Item number", line=line, element="Item")
    source_id = f"{programme}/{canonical_schedule(get('Schedule'))}/{item}"
    imo = get("ShipIMONumber")
    organization = get("EntityOrShip") or get("Entity")
    family, given = get("LastName"), get("GivenName")
    if imo:
        schema = Schema.VESSEL
    elif family or given:
        schema = Schema.PERSON
    elif organization:
        schema = Schema.ORGANIZATION
    else:
        raise SourceFormatError(path, "record names no person, entity or ship", line=line, element=RECORD)
    entity = Entity(source=source, source_id=source_id, schema=schema, programs=[programme])
    authority = REGULATIONS.get(programme)
    if authority:
        entity.authorities.append(authority)
    if schema == Schema.PERSON:
        full = " ".join(part for part in (given, family) if part)
        parts = {key: value for key, value in (("given", given), ("family", family)) if value}
        entity.names.append(Name(full, script=detect_script(full), parts=parts))
        if organization:  # no real record has both; kept rather than dropped if one ever does
            entity.names.append(Name(organization, NameKind.ALIAS, script=detect_script(organization)))
    else:
        assert organization is not None or imo is not None
        caption = organization or f"IMO {imo}"
        entity.names.append(Name(caption, script=detect_script(caption)))
    entity.names.extend(alias_names(get("Aliases") or "", person=schema == Schema.PERSON))
    title = get("TitleOrShip") or get("Title")
    if title and schema == Schema.VESSEL:
        entity.properties["type"] = [title]
    elif title:
        entity.titles.append(title)
    if imo:
        entity.identifiers.append(Identifier(IdKind.IMO, imo, label="Ship IMO Number"))
    _dates(entity, get("DateOfBirthOrShipBuildDate") or get("DateOfBirth"))
    listed = get("DateOfListing")
    if listed is not None:
        entity.listed_on = _listing_date(path, listed, line)
    return entity


def programme_of(country: str | None) -> str | None:
    """'Russia / Russie' -> 'Russia'; 'Burma / Birmanie' and 'Myanmar (Burma) / ...' -> 'Myanmar'."""
    if not country:
        return None
    english = squash(country.replace("\xa0", " ").split(" / ", 1)[0]) or ""
    return _PROGRAMME_ALIASES.get(english, english) or None


def canonical_schedule(value: str | None) -> str:
    """The schedule as one spelling, so that a listing keeps its id when the file's notation changes.

    The notation moved between the two tag sets while the listings stayed put (checked on the real
    files: the same names under the same item numbers): "Part 2" and "1,Part 2" are "1, Part 2"
    (Schedule 1 is implied), and an unnumbered schedule ("N/A", missing, "1") is Schedule 1, the
    same as its first part "1, Part 1". Other schedules ("2", "3", "1.1") are kept as written.
    """
    text = re.sub(r"\s*,\s*", ", ", value.strip()) if value else ""
    if text.upper() in ("", "N/A"):
        return "1"
    part = re.fullmatch(r"(?:1, )?Part (\S+)", text, re.IGNORECASE)
    if part:
        return "1" if part.group(1) == "1" else f"1, Part {part.group(1)}"
    return text


def _listing_date(path: Path, value: str, line: int | None) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise SourceFormatError(
            path, f"DateOfListing {value!r} is not an ISO date", line=line, element="DateOfListing"
        ) from exc


def _dates(entity: Entity, text: str | None) -> None:
    if not text:
        return
    values = sema_dates(text)
    if values is None:
        label = "Build date" if entity.schema == Schema.VESSEL else "Date of birth"
        entity.remarks.append(f"{label}: {text}")
        return
    if entity.schema == Schema.VESSEL:
        entity.properties.setdefault("buildDate", []).extend(v.value for v in values)
    else:
        entity.birth_dates.extend(values)


def sema_dates(text: str) -> list[DateValue] | None:
    """'1972' / '1965-04' / '1965-04-29', 'A or B' (several dates), '1963-1964' (a range) -> dates
    at the precision written; None when any part is not such a date."""
    values: list[DateValue] = []
    for part in _OR.split(text.strip()):
        part = part.strip()
        match = _ISO_DATE.match(part)
        if match:
            year, month, day = (int(g) if g else None for g in match.groups())
            iso = iso_prefix(year, month, day)
            if iso is None or len(iso) < len(part):  # an impossible month or day is not narrowed silently
                return None
            values.append(DateValue(iso))
            continue
        years = _YEAR_RANGE.match(part)
        if years and years.group(1) < years.group(2):
            start, end = iso_prefix(int(years.group(1))), iso_prefix(int(years.group(2)))
            if start is None or end is None:
                return None
            values.append(DateValue(start, end=end))
            continue
        return None
    return values or None


def alias_names(text: str, *, person: bool) -> list[Name]:
    """The Aliases field -> one alias per name written in it (see the module docstring for the rules)."""
    text = _LANGUAGE_LABEL.sub(";", text.replace("\xa0", " ").replace("\u202f", " "))
    pieces: list[str] = []
    for chunk in _SEPARATORS.split(text):
        for part in _PERSON_AND.split(chunk) if person else [chunk]:
            pieces.extend(_comma_names(part))
    names: list[Name] = []
    for piece in pieces:
        cleaned = _clean(piece)
        if not cleaned:
            continue
        weak = person and len(cleaned.split()) == 1
        quality = NameQuality.WEAK if weak else NameQuality.STRONG
        names.append(Name(cleaned, NameKind.ALIAS, quality, detect_script(cleaned)))
    return names


def _comma_names(text: str) -> list[str]:
    """Split on commas, then put a legal form alone ("ООО") back with the name beside it."""
    parts = [p for p in (squash(p) for p in text.split(",")) if p]
    joined: list[str] = []
    for index, part in enumerate(parts):
        if part.lower() in _LEGAL_FORMS:
            if joined:
                joined[-1] = f"{joined[-1]}, {part}"
                continue
            if index + 1 < len(parts):
                parts[index + 1] = f"{part}, {parts[index + 1]}"
                continue
        joined.append(part)
    return joined


def _clean(piece: str) -> str | None:
    """Blank-collapsed, without stray separators or a bracket whose partner went with another name."""
    value = squash(piece)
    if value is None:
        return None
    value = value.strip(" ,;:")
    if value.count("(") != value.count(")"):
        value = value.strip("()").strip()
    return value or None
