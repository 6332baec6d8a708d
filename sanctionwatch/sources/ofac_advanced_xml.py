"""OFAC's Advanced Sanctions Data Model XML (SDN_ADVANCED.XML, CONS_ADVANCED.XML) -> entities.

Why this format: it is OFAC's richest publication. Names come in their original scripts with
typed parts, dates keep their real precision (a year-only birth date is a Jan 1 - Dec 31 span),
and every identifier, flag and directive is typed, where the legacy SDN.XML flattens most of it
into free text. SDN and non-SDN (consolidated) files share the schema, so one parser serves both.

How it is read: one streaming pass over a ~120 MB document whose sections come in a fixed order,
ReferenceValueSets -> Locations -> IDRegDocuments -> DistinctParties -> ProfileRelationships ->
SanctionsEntries. The early sections are small lookup tables kept in memory; each DistinctParty
becomes an `Entity` straight away; the two late sections complete those entities (links,
programs, authorities, lists, listing date). Every ID a record uses must resolve in the file, so a
dangling reference is reported as bad input rather than silently producing an empty field.

Mapping choices (the registry hashes the result, so they are deliberate and stable):

* Schema: PartySubType (Vessel, Aircraft), else PartyType (Individual -> Person, Entity ->
  Organization); anything else -> LegalEntity, the most general FollowTheMoney schema.
* Names: one `Name` per DocumentedName of every Alias, so each script is its own name. The
  primary alias gives `primary` names (one per script); A.K.A./F.K.A./N.K.A. give alias/former/
  new; LowQuality="true" gives weak quality. Parts are joined in the file's order; Latin personal
  names whose leading parts are surnames read "SURNAMES, Given Names" as OFAC displays them;
  Han/Japanese/Korean parts are joined without spaces; other scripts with spaces. Script codes
  are ISO 15924 (OFAC's "Latin"/"Korean"/"Japanese"/"Hebrew" labels are mapped to Latn/Kore/Jpan/
  Hebr; Hans/Hant are kept as OFAC gives them). Bidi control characters are removed.
* Features: see `_FEATURES`. Identifier-like features (SWIFT/BIC, crypto addresses, call signs,
  aircraft serials and tail numbers, BIK, D-U-N-S, ISIN) become `Identifier`s with the feature
  name as label; descriptive ones go to `properties` under FollowTheMoney-style keys; OFAC's
  "Title" holds functions ("Member of the State Duma ...") and goes to `positions`; "Organization
  Type:" holds ISIC sectors and goes to `properties["sector"]`; "Target Type" (Financial
  Institution, State-Owned Enterprise, ...) goes to `properties["classification"]`. A feature
  type this table does not know is kept under a camelCase key derived from its name, counted,
  and reported with a warning, so nothing is dropped. Feature comments become the identifier's
  note, or a remark "<feature>: <comment>".
* IDRegDocuments: `Identifier` with the document type as label, IdKind by type (see `_id_kind`),
  issuing country, and a note with the document dates, place and authority of issue, a
  "Fraudulent" validity and the comment. "IMO 1234567" becomes kind imo, value "1234567".
* SanctionsEntries: programs (measures of type "Program"), other measure types under
  `properties["provisions"]`, lists by name as written ("SDN List", "Consolidated List", ...),
  authorities from EntryEvent LegalBasis (see `_authority`), `listed_on` = earliest EntryEvent.
* ProfileRelationships: a `Link` on the From party (the relation reads "From <type> To"), note =
  the relation type as written, plus "former" and the comment.
"""

from __future__ import annotations

import calendar
import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

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
from sanctionwatch.sources.dates import iso_prefix
from sanctionwatch.sources.ofac_common import LINK_KINDS
from sanctionwatch.sources.xmlsafe import iter_elements, localname

FORMAT = "ofac-advanced-xml"

log = logging.getLogger(__name__)

_ROOT = ("Sanctions",)
_SECTIONS = (
    "DateOfIssue",
    "ReferenceValueSets",
    "Location",
    "IDRegDocument",
    "DistinctParty",
    "ProfileRelationship",
    "SanctionsEntry",
)


class _InvalidError(Exception):
    """Raised deep in the mapping; `parse` turns it into a SourceFormatError with file and line."""

    def __init__(self, element: etree._Element, message: str) -> None:
        super().__init__(message)
        self.element = element
        self.message = message


def _line(element: etree._Element) -> int | None:
    line = element.sourceline  # typed loosely in lxml-stubs
    return line if isinstance(line, int) else None


# --- text and reference values -------------------------------------------------------------

_BIDI_CONTROLS = dict.fromkeys(
    [0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)],
    None,
)


def _clean(value: str | None) -> str | None:
    """Strip, collapse whitespace and drop bidi controls: they vary between issues and break matching."""
    if value is None:
        return None
    cleaned = " ".join(value.translate(_BIDI_CONTROLS).split())
    return cleaned or None


# Child lookups go through lxml's C-level "{*}" wildcard (any namespace or none): the same
# namespace-agnostic matching as xmlsafe.children, without a Python call per child element.


def _all(element: etree._Element, name: str) -> list[etree._Element]:
    return list(element.iterchildren("{*}" + name))


def _one(element: etree._Element, name: str) -> etree._Element | None:
    return next(element.iterchildren("{*}" + name), None)


def _text_of(element: etree._Element, name: str) -> str | None:
    child = _one(element, name)
    return None if child is None else _clean(child.text)


@dataclass(frozen=True, slots=True)
class _Value:
    text: str
    attrs: dict[str, str]


class _Reference:
    """The ReferenceValueSets tables: every ID a record uses must resolve here."""

    def __init__(self) -> None:
        self._tables: dict[str, dict[str, _Value]] = {}
        self._country_names: dict[str, str] | None = None

    @property
    def loaded(self) -> bool:
        return bool(self._tables)

    def load(self, element: etree._Element) -> None:
        for value_set in element:
            for value in value_set:
                ident = value.get("ID")
                name = localname(value.tag)
                if ident is None or not name:
                    continue
                attrs = {str(key): str(val) for key, val in value.attrib.items()}
                self._tables.setdefault(name, {})[ident] = _Value(_clean(value.text) or "", attrs)

    def value(self, table: str, element: etree._Element, attribute: str | None = None) -> _Value:
        attribute = attribute or f"{table}ID"
        return self.lookup(table, element.get(attribute), element, attribute)

    def lookup(self, table: str, ident: str | None, element: etree._Element, attribute: str) -> _Value:
        if ident is None:
            raise _InvalidError(element, f"missing attribute {attribute}")
        found = self._tables.get(table, {}).get(ident)
        if found is None:
            raise _InvalidError(element, f"{attribute}={ident!r} is not in ReferenceValueSets/{table}Values")
        return found

    def name(self, table: str, element: etree._Element, attribute: str | None = None) -> str:
        return self.value(table, element, attribute).text

    def country(self, element: etree._Element, attribute: str = "CountryID") -> str | None:
        """OFAC's ISO2 for the country; the shared vocabulary only for the few without one (Kosovo)."""
        return self.country_code(self.value("Country", element, attribute))

    @staticmethod
    def country_code(value: _Value) -> str | None:
        iso2 = value.attrs.get("ISO2")
        return iso2.lower() if iso2 else country_code(value.text)

    def country_named(self, name: str | None) -> str | None:
        """A country written as text ("Belarus"): OFAC's own Country table first, as it is exact and
        cheap, then the shared vocabulary for other spellings ("Democratic People's Republic of Korea")."""
        if name is None:
            return None
        if self._country_names is None:
            self._country_names = {
                value.text.casefold(): value.attrs["ISO2"].lower()
                for value in self._tables.get("Country", {}).values()
                if value.attrs.get("ISO2")
            }
        return self._country_names.get(name.casefold()) or country_code(name)


# --- dates ---------------------------------------------------------------------------------


class _Ymd(NamedTuple):
    year: int
    month: int | None
    day: int | None


def _ymd(element: etree._Element | None) -> _Ymd | None:
    if element is None:
        return None
    fields: dict[str, int] = {}
    for child in element:  # one pass over Year/Month/Day instead of three lookups
        name = localname(child.tag)
        raw = (child.text or "").strip()
        if not raw:
            continue
        if not raw.isdecimal():
            raise _InvalidError(child, f"<{name}> is not a number: {raw!r}")
        fields[name] = int(raw)
    year = fields.get("Year")
    return None if year is None else _Ymd(year, fields.get("Month"), fields.get("Day"))


def _iso(point: _Ymd) -> str | None:
    return iso_prefix(point.year, point.month, point.day)


def _starts_year(point: _Ymd) -> bool:
    return point.month in (None, 1) and point.day in (None, 1)


def _ends_year(point: _Ymd) -> bool:
    return point.month in (None, 12) and point.day in (None, 31)


def _starts_month(point: _Ymd) -> bool:
    return point.month is not None and point.day in (None, 1)


def _ends_month(point: _Ymd) -> bool:
    if point.month is None or not 1 <= point.month <= 12:
        return False
    return point.day is None or point.day == calendar.monthrange(point.year, point.month)[1]


def _span(low: _Ymd, high: _Ymd, approximate: bool) -> DateValue | None:
    """OFAC writes "1960" as 1960-01-01..1960-12-31 and "Jul 1997" as 1997-07-01..1997-07-31.

    Reading the span back to that precision keeps a year-only birth date a year (widening it
    to a day would make screening reject true matches); a wider span becomes a range.
    """
    if _starts_year(low) and _ends_year(high):
        first, last = iso_prefix(low.year), iso_prefix(high.year)
    elif _starts_month(low) and _ends_month(high):
        first, last = iso_prefix(low.year, low.month), iso_prefix(high.year, high.month)
    else:
        first, last = _iso(low), _iso(high)
    if first is None:
        return None
    return DateValue(first, end=last if last and last != first else None, approximate=approximate)


def _date_period(period: etree._Element) -> DateValue | None:
    bounds = [bound for bound in (_one(period, "Start"), _one(period, "End")) if bound is not None]
    if not bounds:
        return None
    low = _ymd(_one(bounds[0], "From")) or _ymd(_one(bounds[0], "To"))
    high = _ymd(_one(bounds[-1], "To")) or _ymd(_one(bounds[-1], "From"))
    if low is None or high is None:
        return None
    approximate = any(bound.get("Approximate") == "true" for bound in bounds)
    return _span(low, high, approximate)


def _date_text(value: DateValue) -> str:
    """ISO 8601 interval notation for ranges, so a property keeps a range as one value."""
    return f"{value.value}/{value.end}" if value.end else value.value


def _issue_date(element: etree._Element) -> date:
    point = _ymd(element)
    if point is None or point.month is None or point.day is None:
        raise _InvalidError(element, "DateOfIssue needs Year, Month and Day")
    try:
        return date(point.year, point.month, point.day)
    except ValueError as exc:
        raise _InvalidError(element, f"DateOfIssue is not a date: {exc}") from None


# --- locations -----------------------------------------------------------------------------

_STREET = ("ADDRESS1", "ADDRESS2", "ADDRESS3")
_REGION = ("STATE/PROVINCE", "REGION")
_PART_ORDER = (*_STREET, "CITY", "STATE/PROVINCE", "POSTAL CODE", "REGION")


def _joined(parts: dict[str, str], names: Sequence[str]) -> str | None:
    return ", ".join(parts[name] for name in names if name in parts) or None


@dataclass(slots=True)
class _Location:
    """A Locations entry; variants hold the original-script renderings OFAC adds ("Cyrillic", ...)."""

    country: str | None
    country_name: str | None
    parts: dict[str, str] = field(default_factory=dict)
    variants: dict[str, dict[str, str]] = field(default_factory=dict)

    def text(self) -> str | None:
        return self._full(self.parts)

    def addresses(self) -> list[Address]:
        if not self.parts:
            return []
        merged = [{**self.parts, **variant} for variant in self.variants.values()]
        return [self._address(parts) for parts in [self.parts, *merged]]

    def _full(self, parts: dict[str, str]) -> str | None:
        order = [*_PART_ORDER, *(name for name in parts if name not in _PART_ORDER)]
        values = [parts[name] for name in order if name in parts]
        if self.country_name:
            values.append(self.country_name)
        return ", ".join(values) or None

    def _address(self, parts: dict[str, str]) -> Address:
        return Address(
            full=self._full(parts),
            street=_joined(parts, _STREET),
            city=parts.get("CITY"),
            region=_joined(parts, _REGION),
            postal_code=parts.get("POSTAL CODE"),
            country=self.country,
        )


def _add_part(target: dict[str, str], name: str, value: str) -> None:
    target[name] = f"{target[name]}, {value}" if name in target else value


# --- identifiers ---------------------------------------------------------------------------

_IMO = re.compile(r"^IMO\s*(\d{7})$", re.I)

# Document types whose kind the keyword rules below would get wrong or miss.
_ID_KIND_BY_TYPE: dict[str, IdKind] = {
    "Vessel Registration Identification": IdKind.REGISTRATION,  # "IMO nnnnnnn" values become imo
    "MMSI": IdKind.MMSI,
    "Aircraft Serial Identification": IdKind.AIRCRAFT_SERIAL,
    "Global Intermediary Identification Number": IdKind.REGISTRATION,
    "Military Registration Number": IdKind.OTHER,
    "Seafarer's Identification Document": IdKind.OTHER,
    "Electoral Registry No.": IdKind.NATIONAL_ID,
    "Credencial electoral": IdKind.NATIONAL_ID,
    "SSN": IdKind.NATIONAL_ID,
    "D.N.I.": IdKind.NATIONAL_ID,
    "C.U.R.P.": IdKind.NATIONAL_ID,
    "C.I.N.": IdKind.NATIONAL_ID,
    "I.F.E.": IdKind.NATIONAL_ID,
    "N.I.E.": IdKind.NATIONAL_ID,
    "C.U.I.P.": IdKind.NATIONAL_ID,
    "CNP (Personal Numerical Code)": IdKind.NATIONAL_ID,
    "UAE Identification": IdKind.NATIONAL_ID,
    "R.F.C.": IdKind.TAX_ID,
    "RFC": IdKind.TAX_ID,
    "NIT #": IdKind.TAX_ID,
    "US FEIN": IdKind.TAX_ID,
    "RUC #": IdKind.TAX_ID,
    "C.I.F.": IdKind.TAX_ID,
    "RIF #": IdKind.TAX_ID,
    "C.U.I.T.": IdKind.TAX_ID,
    "C.U.I.": IdKind.TAX_ID,
    "N.I.F.": IdKind.TAX_ID,
    "RTN": IdKind.TAX_ID,
    "C.R. No.": IdKind.REGISTRATION,
    "Romanian C.R.": IdKind.REGISTRATION,
    "LE Number": IdKind.REGISTRATION,
    "Branch Unit Number": IdKind.REGISTRATION,
    "Business Number": IdKind.REGISTRATION,
    "Enterprise Number": IdKind.REGISTRATION,
    "Legal Entity Number": IdKind.REGISTRATION,
    "Organization Code": IdKind.REGISTRATION,
    "Chinese Commercial Code": IdKind.OTHER,  # telegraph codes of the name characters, not a company id
}

# First matching rule wins; the order matters ("Tax Registration" is a tax id).
_ID_KIND_RULES: tuple[tuple[tuple[str, ...], IdKind], ...] = (
    (("passport", "travel document"), IdKind.PASSPORT),
    (("tax", "fiscal", "v.a.t.", "tributaria"), IdKind.TAX_ID),
    (
        (
            "registration",
            "registry",
            "register",
            "company number",
            "incorporation",
            "chamber of comm",
            "social credit code",
            "charity",
            "trade license",
            "tourism license",
            "mercantil",
            "gazette",
        ),
        IdKind.REGISTRATION,
    ),
    (
        (
            "national id",
            "personal id",
            "id card",
            "id no",
            "identification number",
            "identidad",
            "cedula",
            "citizen's card",
        ),
        IdKind.NATIONAL_ID,
    ),
)


def _id_kind(type_name: str) -> IdKind:
    """OFAC has ~100 document types; an exact id match is decisive, so kinds are only the clear cases."""
    explicit = _ID_KIND_BY_TYPE.get(type_name)
    if explicit is not None:
        return explicit
    lowered = type_name.lower()
    for keywords, kind in _ID_KIND_RULES:
        if any(keyword in lowered for keyword in keywords):
            return kind
    return IdKind.OTHER


def _id_value(kind: IdKind, raw: str) -> tuple[IdKind, str]:
    match = _IMO.match(raw)
    if match:
        return IdKind.IMO, match.group(1)
    return kind, raw


# --- authorities and links -----------------------------------------------------------------

_EXECUTIVE_ORDER = re.compile(r"^Executive Order (\d+)\s*(?:\([^)]*\))?\s*(?:-\s*)?(.*)$")


def _authority(legal_basis: str) -> str | None:
    """ "Executive Order 13382 (Non-proliferation)" -> "EO 13382"; "... 13628 - Section 3" -> "EO 13628 Section 3".

    The parenthesis is OFAC's program label, already in `programs`; dropping it makes the
    authority comparable with other lists' "EO 13382". Statutes, regulations and orders
    without a number ("Foreign Narcotics Kingpin Designation Act", "CAATSA - Section 231",
    "Executive Order (PAARSSR)") stay as written. OFAC's "Unknown" basis is no authority.
    """
    if legal_basis == "Unknown":
        return None
    match = _EXECUTIVE_ORDER.match(legal_basis)
    if match is None:
        return legal_basis
    number, rest = match.groups()
    return f"EO {number} {rest}".strip()


# --- names ---------------------------------------------------------------------------------

_ALIAS_KINDS: dict[str, NameKind] = {
    "Name": NameKind.PRIMARY,
    "A.K.A.": NameKind.ALIAS,
    "F.K.A.": NameKind.FORMER,
    "N.K.A.": NameKind.NEW,
}
_PART_KEYS: dict[str, str] = {
    "Last Name": "family",
    "First Name": "given",
    "Middle Name": "middle",
    "Patronymic": "patronymic",
    "Matronymic": "maternal",
    "Maiden Name": "maiden",
    "Nickname": "nickname",
}
_SURNAMES = frozenset({"Last Name", "Patronymic", "Matronymic"})
_UNSPACED_SCRIPTS = frozenset({"Hani", "Hans", "Hant", "Jpan", "Kore", "Hang"})
_SCRIPT_CODES = {"Latin": "Latn", "Hebrew": "Hebr", "Japanese": "Jpan", "Korean": "Kore"}
_ISO_15924 = re.compile(r"^[A-Z][a-z]{3}$")


def _script_code(value: _Value) -> str | None:
    code = value.attrs.get("ScriptCode") or value.text
    code = _SCRIPT_CODES.get(code, _SCRIPT_CODES.get(value.text, code))
    return code if _ISO_15924.match(code) else None


def _display(parts: list[tuple[str, str]], script: str | None) -> str:
    """OFAC's display: "ZAMBADA GARCIA, Ismael Mario" for Latin names that start with surnames."""
    values = [value for _, value in parts]
    if script in _UNSPACED_SCRIPTS:
        return "".join(values)
    if script == "Latn":
        lead = 0
        while lead < len(parts) and parts[lead][0] in _SURNAMES:
            lead += 1
        if 0 < lead < len(parts):
            return f"{' '.join(values[:lead])}, {' '.join(values[lead:])}"
    return " ".join(values)


def _name_parts(parts: list[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for type_name, value in parts:
        key = _PART_KEYS.get(type_name)
        if key is not None:
            out[key] = f"{out[key]} {value}" if key in out else value
    return out


# --- features ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Fact:
    """One FeatureVersion, resolved: the value as text, date and/or locations."""

    label: str
    text: str | None
    date: DateValue | None
    places: list[_Location]
    comment: str | None
    resolve_country: Callable[[str | None], str | None]
    comment_used: bool = False

    def value(self) -> str | None:
        if self.text is not None:
            return self.text
        if self.date is not None:
            return _date_text(self.date)
        texts = [place.text() for place in self.places]
        return "; ".join(text for text in texts if text) or None

    def countries(self) -> list[str]:
        """Nationality locations often carry the country only as text ("Belarus"), flags always do."""
        codes = [place.country or self.resolve_country(place.text()) for place in self.places]
        if not self.places and self.text is not None:
            codes.append(self.resolve_country(self.text))
        return [code for code in codes if code]


_Handler = Callable[[Entity, _Fact], None]


def _append(entity: Entity, key: str, value: str | None) -> None:
    if value:
        entity.properties.setdefault(key, []).append(value)


def _prop(key: str) -> _Handler:
    def handle(entity: Entity, fact: _Fact) -> None:
        _append(entity, key, fact.value())

    return handle


def _country_prop(key: str) -> _Handler:
    """Flags and jurisdictions as country codes (FollowTheMoney's type); the text if it names none."""

    def handle(entity: Entity, fact: _Fact) -> None:
        codes = fact.countries()
        for code in codes:
            _append(entity, key, code)
        entity.countries.extend(codes)
        if not codes:
            _append(entity, key, fact.value())

    return handle


def _identifier(kind: IdKind) -> _Handler:
    def handle(entity: Entity, fact: _Fact) -> None:
        if fact.text is None:
            return
        entity.identifiers.append(Identifier(kind, fact.text, label=fact.label, note=fact.comment))
        fact.comment_used = True

    return handle


_CRYPTO_PREFIX = "Digital Currency Address - "


def _crypto(entity: Entity, fact: _Fact) -> None:
    if fact.text is None:
        return
    currency = fact.label.removeprefix(_CRYPTO_PREFIX).strip() or None
    entity.identifiers.append(
        Identifier(IdKind.CRYPTO, fact.text, label=fact.label, currency=currency, note=fact.comment)
    )
    fact.comment_used = True


def _birth_date(entity: Entity, fact: _Fact) -> None:
    if fact.date is not None:
        entity.birth_dates.append(fact.date)


def _birth_place(entity: Entity, fact: _Fact) -> None:
    if fact.text:
        entity.birth_places.append(fact.text)


def _nationality(entity: Entity, fact: _Fact) -> None:
    entity.nationalities.extend(fact.countries())


def _citizenship(entity: Entity, fact: _Fact) -> None:
    entity.citizenships.extend(fact.countries())


def _gender(entity: Entity, fact: _Fact) -> None:
    value = (fact.value() or "").lower()
    if value in ("male", "female"):
        entity.gender = value
    else:
        _append(entity, "gender", fact.value())


def _position(entity: Entity, fact: _Fact) -> None:
    if fact.text:
        entity.positions.append(fact.text)


def _location(entity: Entity, fact: _Fact) -> None:
    for place in fact.places:
        entity.addresses.extend(place.addresses())
        if place.country:
            entity.countries.append(place.country)


_FEATURES: dict[str, _Handler] = {
    "Birthdate": _birth_date,
    "Place of Birth": _birth_place,
    "Nationality Country": _nationality,
    "Citizenship Country": _citizenship,
    "Gender": _gender,
    "Title": _position,
    "Location": _location,
    "Website": _prop("website"),
    "Email Address": _prop("email"),
    "Phone Number": _prop("phone"),
    "SWIFT/BIC": _identifier(IdKind.BIC),
    "BIK (RU)": _identifier(IdKind.OTHER),  # Russian bank code, not a SWIFT BIC
    "D-U-N-S Number": _identifier(IdKind.OTHER),
    "ISIN": _identifier(IdKind.OTHER),
    "Equity Ticker": _prop("ticker"),
    "MICEX Code": _prop("ticker"),
    "UN/LOCODE": _prop("unLocode"),
    "Organization Established Date": _prop("incorporationDate"),
    "Organization Type:": _prop("sector"),
    "Target Type": _prop("classification"),
    "Nationality of Registration": _country_prop("jurisdiction"),
    "Registration Country": _country_prop("jurisdiction"),
    "Vessel Call Sign": _identifier(IdKind.CALL_SIGN),
    "Other Vessel Call Sign": _identifier(IdKind.CALL_SIGN),
    "VESSEL TYPE": _prop("vesselType"),
    "Other Vessel Type": _prop("vesselType"),
    "Vessel Flag": _country_prop("flag"),
    "Other Vessel Flag": _country_prop("flag"),
    "Former Vessel Flag": _country_prop("pastFlags"),
    "Vessel Owner": _prop("owner"),
    "Vessel Tonnage": _prop("tonnage"),
    "Vessel Gross Registered Tonnage": _prop("grossRegisteredTonnage"),
    "Vessel Year of Build": _prop("buildDate"),
    "Aircraft Construction Number (also called L/N or S/N or F/N)": _identifier(IdKind.AIRCRAFT_SERIAL),
    "Aircraft Manufacturer's Serial Number (MSN)": _identifier(IdKind.AIRCRAFT_SERIAL),
    "Aircraft Manufacture Date": _prop("buildDate"),
    "Aircraft Mode S Transponder Code": _identifier(IdKind.OTHER),
    "Aircraft Model": _prop("model"),
    "Aircraft Operator": _prop("operator"),
    "Aircraft Tail Number": _identifier(IdKind.REGISTRATION),
    "Previous Aircraft Tail Number": _identifier(IdKind.REGISTRATION),
    "Additional Sanctions Information -": _prop("additionalSanctionsInformation"),
    "Secondary sanctions risk:": _prop("secondarySanctionsRisk"),
    "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:": _prop(
        "transactionsProhibited"
    ),
    "Executive Order 13662 Directive Determination -": _prop("directiveEO13662"),
    "Executive Order 13846 information:": _prop("informationEO13846"),
    "Executive Order 14024 Directive Information -": _prop("directiveEO14024"),
    "Executive Order 14024 Directive Information": _prop("directiveEO14024"),
    "Listing Date (EO 14024 Directive 2):": _prop("listingDateEO14024Directive2"),
    "Effective Date (EO 14024 Directive 2):": _prop("effectiveDateEO14024Directive2"),
    "Listing Date (EO 14024 Directive 3):": _prop("listingDateEO14024Directive3"),
    "Effective Date (EO 14024 Directive 3):": _prop("effectiveDateEO14024Directive3"),
    "CAATSA Section 235 Information:": _prop("caatsaSection235"),
    "IFCA Determination -": _prop("ifcaDetermination"),
    "PEESA Information:": _prop("peesaInformation"),
}


def _label(feature_type: str) -> str:
    """ "Secondary sanctions risk:" -> "Secondary sanctions risk", for remarks."""
    return feature_type.rstrip(" -:")


def _property_key(feature_type: str) -> str:
    """Key for a feature type OFAC adds later: "Vessel Colour:" -> "vesselColour"."""
    words: list[str] = re.findall(r"[A-Za-z0-9]+", feature_type)
    if not words:
        return "feature"
    return words[0].lower() + "".join(word[:1].upper() + word[1:] for word in words[1:])


# --- schema --------------------------------------------------------------------------------

_SCHEMAS: dict[str, Schema] = {
    "Individual": Schema.PERSON,
    "Entity": Schema.ORGANIZATION,
    "Vessel": Schema.VESSEL,
    "Aircraft": Schema.AIRCRAFT,
}


# --- the pass over the document ------------------------------------------------------------


class _Parser:
    """State of one pass: lookup tables from the early sections, entities completed by the late ones."""

    def __init__(self, path: Path, source: str) -> None:
        self.path = path
        self.source = source
        self.refs = _Reference()
        self.published: date | None = None
        self.locations: dict[str, _Location] = {}
        self.document_places: dict[str, _Location] = {}
        self.documents: dict[str, list[Identifier]] = {}
        self.entities: list[Entity] = []
        self.by_profile: dict[str, Entity] = {}
        self.unknown_features: Counter[str] = Counter()
        self._handlers: dict[str, Callable[[etree._Element], None]] = {
            "DateOfIssue": self._date_of_issue,
            "ReferenceValueSets": self.refs.load,
            "Location": self._location,
            "IDRegDocument": self._document,
            "DistinctParty": self._party,
            "ProfileRelationship": self._relationship,
            "SanctionsEntry": self._sanctions_entry,
        }

    def run(self) -> ParsedList:
        for element in iter_elements(self.path, _SECTIONS, root=_ROOT):
            name = localname(element.tag)
            if name != "ReferenceValueSets" and name != "DateOfIssue" and not self.refs.loaded:
                raise _InvalidError(element, "<ReferenceValueSets> must come before the records that use it")
            self._handlers[name](element)
        if self.published is None:
            raise SourceFormatError(self.path, "no <DateOfIssue>: not a complete advanced-format file")
        if not self.entities:
            raise SourceFormatError(self.path, "no <DistinctParty> records: refusing an empty list")
        for feature_type, count in sorted(self.unknown_features.items()):
            log.warning(
                "%s: %d feature(s) of unmapped type %r kept in properties[%r]",
                self.path,
                count,
                feature_type,
                _property_key(feature_type),
            )
        return ParsedList(
            source=self.source,
            format=FORMAT,
            published=self.published,
            entities=self.entities,
            files=[self.path],
        )

    # sections -----------------------------------------------------------------------------

    def _date_of_issue(self, element: etree._Element) -> None:
        self.published = _issue_date(element)

    def _location(self, element: etree._Element) -> None:
        ident = element.get("ID")
        if ident is None:
            raise _InvalidError(element, "Location without ID")
        country_element = _one(element, "LocationCountry")
        area = _one(element, "LocationAreaCode")
        country: str | None = None
        country_name: str | None = None
        if country_element is not None:
            country = self.refs.country(country_element)
            country_name = self.refs.name("Country", country_element) if country else None
        elif area is not None:  # OFAC's "undetermined" country comes as an area code only
            area_country = self.refs.value("AreaCode", area).attrs.get("CountryID")
            value = self.refs.lookup("Country", area_country, area, "AreaCodeID")
            country = self.refs.country_code(value)
            country_name = value.text if country else None
        location = _Location(country, country_name)
        for part in _all(element, "LocationPart"):
            self._location_part(location, part)
        self.locations[ident] = location
        for reference in _all(element, "IDRegDocumentReference"):
            document = reference.get("IDRegDocumentID")
            if document is not None:
                self.document_places[document] = location

    def _location_part(self, location: _Location, part: etree._Element) -> None:
        type_name = self.refs.name("LocPartType", part)
        for value in _all(part, "LocationPartValue"):
            text = _text_of(value, "Value")
            if text is None:
                continue
            if value.get("Primary") == "true":
                _add_part(location.parts, type_name, text)
            else:
                variant = _text_of(value, "Comment") or "other"
                _add_part(location.variants.setdefault(variant, {}), type_name, text)

    def _document(self, element: etree._Element) -> None:
        type_name = self.refs.name("IDRegDocType", element)
        raw = _text_of(element, "IDRegistrationNo")
        identity = element.get("IdentityID")
        if identity is None:
            raise _InvalidError(element, "IDRegDocument without IdentityID")
        if raw is None:
            return  # a document without a number identifies nothing
        kind, value = _id_value(_id_kind(type_name), raw)
        country = (
            self.refs.country(element, "IssuedBy-CountryID") if element.get("IssuedBy-CountryID") else None
        )
        note = "; ".join(self._document_notes(element))
        self.documents.setdefault(identity, []).append(
            Identifier(kind, value, country=country, label=type_name, note=note or None)
        )

    def _document_notes(self, element: etree._Element) -> list[str]:
        notes: list[str] = []
        for document_date in _all(element, "DocumentDate"):
            period = _one(document_date, "DatePeriod")
            value = _date_period(period) if period is not None else None
            if value is not None:
                kind = self.refs.name("IDRegDocDateType", document_date)
                notes.append(f"{kind}: {_date_text(value)}")
        place = self.document_places.get(element.get("ID") or "")
        if place is not None and place.text():
            notes.append(f"Place of Issue: {place.text()}")
        authority = _text_of(element, "IssuingAuthority")
        if authority:
            notes.append(f"Issuing Authority: {authority}")
        if element.get("ValidityID"):
            validity = self.refs.name("Validity", element)
            if validity != "Valid":
                notes.append(f"Validity: {validity}")
        comment = _text_of(element, "Comment")
        if comment:
            notes.append(comment)
        return notes

    def _party(self, element: etree._Element) -> None:
        fixed_ref = element.get("FixedRef")
        if not fixed_ref:
            raise _InvalidError(element, "DistinctParty without FixedRef")
        profiles = _all(element, "Profile")
        if not profiles:
            raise _InvalidError(element, f"DistinctParty {fixed_ref} has no Profile")
        entity = Entity(source=self.source, source_id=fixed_ref, schema=self._schema(profiles[0]))
        remark = _text_of(element, "Comment")
        if remark:
            entity.remarks.append(remark)
        for profile in profiles:
            profile_id = profile.get("ID") or fixed_ref
            if profile_id in self.by_profile:
                raise _InvalidError(profile, f"Profile {profile_id} appears twice")
            self.by_profile[profile_id] = entity
            self._profile(entity, profile)
        self.entities.append(entity)

    def _schema(self, profile: etree._Element) -> Schema:
        subtype = self.refs.value("PartySubType", profile)
        name = subtype.text
        if name == "Unknown":  # OFAC's sub type of individuals and entities; the party type names them
            party_type = subtype.attrs.get("PartyTypeID")
            name = self.refs.lookup("PartyType", party_type, profile, "PartySubTypeID").text
        return _SCHEMAS.get(name, Schema.LEGAL_ENTITY)

    def _profile(self, entity: Entity, profile: etree._Element) -> None:
        remark = _text_of(profile, "Comment")
        if remark:
            entity.remarks.append(remark)
        for identity in _all(profile, "Identity"):
            entity.names.extend(self._names(identity))
            entity.identifiers.extend(self.documents.pop(identity.get("ID") or "", []))
        for feature in _all(profile, "Feature"):
            self._feature(entity, feature)

    def _names(self, identity: etree._Element) -> list[Name]:
        part_types: dict[str, str] = {}
        for group in identity.iter("{*}NamePartGroup"):
            ident = group.get("ID")
            if ident is not None:
                part_types[ident] = self.refs.name("NamePartType", group)
        names: list[Name] = []
        for alias in _all(identity, "Alias"):
            alias_type = self.refs.name("AliasType", alias)
            primary = alias.get("Primary") == "true"
            kind = NameKind.PRIMARY if primary else _ALIAS_KINDS.get(alias_type, NameKind.ALIAS)
            if kind == NameKind.PRIMARY and not primary:
                kind = NameKind.ALIAS  # a second "Name" that OFAC does not flag primary
            quality = NameQuality.WEAK if alias.get("LowQuality") == "true" else NameQuality.STRONG
            for documented in _all(alias, "DocumentedName"):
                name = self._documented_name(documented, part_types, kind, quality)
                if name is not None:
                    names.append(name)
        return names

    def _documented_name(
        self,
        documented: etree._Element,
        part_types: dict[str, str],
        kind: NameKind,
        quality: NameQuality,
    ) -> Name | None:
        parts: list[tuple[str, str]] = []
        script: str | None = None
        for value in documented.iter("{*}NamePartValue"):  # DocumentedNamePart/NamePartValue, in order
            text = _clean(value.text)
            if text is None:
                continue
            group = value.get("NamePartGroupID") or ""
            if group not in part_types:
                raise _InvalidError(
                    value, f"NamePartGroupID={group!r} is not in this Identity's NamePartGroups"
                )
            if script is None and value.get("ScriptID"):
                script = _script_code(self.refs.value("Script", value))
            parts.append((part_types[group], text))
        if not parts:
            return None
        return Name(
            full=_display(parts, script),
            kind=kind,
            quality=quality,
            script=script,
            parts=_name_parts(parts),
        )

    def _feature(self, entity: Entity, feature: etree._Element) -> None:
        feature_type = self.refs.name("FeatureType", feature)
        handler = _FEATURES.get(feature_type)
        if handler is None and feature_type.startswith(_CRYPTO_PREFIX):
            handler = _crypto
        if handler is None:
            self.unknown_features[feature_type] += 1
            handler = _prop(_property_key(feature_type))
        for version in _all(feature, "FeatureVersion"):
            fact = self._fact(feature_type, version)
            handler(entity, fact)
            if fact.comment and not fact.comment_used:
                entity.remarks.append(f"{_label(feature_type)}: {fact.comment}")

    def _fact(self, feature_type: str, version: etree._Element) -> _Fact:
        texts: list[str] = []
        for detail in _all(version, "VersionDetail"):
            value = _clean(detail.text)
            if value is None and detail.get("DetailReferenceID"):
                value = self.refs.name("DetailReference", detail)
            if value:
                texts.append(value)
        period = _one(version, "DatePeriod")
        places: list[_Location] = []
        for reference in _all(version, "VersionLocation"):
            location_id = reference.get("LocationID") or ""
            place = self.locations.get(location_id)
            if place is None:
                raise _InvalidError(reference, f"LocationID={location_id!r} is not in <Locations>")
            places.append(place)
        return _Fact(
            label=feature_type,
            text="; ".join(texts) or None,
            date=_date_period(period) if period is not None else None,
            places=places,
            comment=_text_of(version, "Comment"),
            resolve_country=self.refs.country_named,
        )

    def _profile_entity(self, element: etree._Element, attribute: str) -> Entity:
        profile_id = element.get(attribute) or ""
        entity = self.by_profile.get(profile_id)
        if entity is None:
            raise _InvalidError(element, f"{attribute}={profile_id!r} is not a DistinctParty in this file")
        return entity

    def _relationship(self, element: etree._Element) -> None:
        entity = self._profile_entity(element, "From-ProfileID")
        target_id = element.get("To-ProfileID") or ""
        target = self.by_profile.get(target_id)  # may be a party of another OFAC list
        relation = self.refs.name("RelationType", element)
        note = [relation]
        if element.get("Former") == "true":
            note.append("former")
        comment = _text_of(element, "Comment")
        if comment:
            note.append(comment)
        entity.links.append(
            Link(
                kind=LINK_KINDS.get(relation, LinkKind.OTHER),
                target=target.source_id if target else target_id,
                target_name=target.caption if target else None,
                note="; ".join(note),
            )
        )

    def _sanctions_entry(self, element: etree._Element) -> None:
        entity = self._profile_entity(element, "ProfileID")
        entity.lists.append(self.refs.name("List", element))
        for event in _all(element, "EntryEvent"):
            self._entry_event(entity, event)
        for measure in _all(element, "SanctionsMeasure"):
            measure_type = self.refs.name("SanctionsType", measure)
            comment = _text_of(measure, "Comment")
            if measure_type == "Program":
                if comment:
                    entity.programs.append(comment)
            else:
                _append(entity, "provisions", f"{measure_type}: {comment}" if comment else measure_type)

    def _entry_event(self, entity: Entity, event: etree._Element) -> None:
        when = _ymd(_one(event, "Date"))
        listed = _iso(when) if when is not None else None
        if listed and (entity.listed_on is None or listed < entity.listed_on):
            entity.listed_on = listed
        if event.get("LegalBasisID"):
            authority = _authority(self.refs.name("LegalBasis", event))
            if authority:
                entity.authorities.append(authority)
        comment = _text_of(event, "Comment")
        if comment:
            entity.remarks.append(comment)


def parse(paths: Sequence[Path], source: str = "ofac-sdn") -> ParsedList:
    """Parse one SDN_ADVANCED.XML or CONS_ADVANCED.XML (plain, gzip or bzip2) into entities.

    One file is one publication; several paths would mean mixing issues, so that is refused.
    """
    if len(paths) != 1:
        where = paths[0] if paths else "<no file>"
        raise SourceFormatError(
            where, f"the OFAC advanced XML format takes exactly one file, got {len(paths)}"
        )
    path = Path(paths[0])
    try:
        return _Parser(path, source).run()
    except _InvalidError as exc:
        raise SourceFormatError(
            path,
            exc.message,
            line=_line(exc.element),
            element=localname(exc.element.tag),
        ) from None
