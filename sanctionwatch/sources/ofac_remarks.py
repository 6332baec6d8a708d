"""OFAC's free-text remarks -> structured facts, without losing what is not understood.

The legacy CSV has no fields for birth dates, identifiers, weak aliases or links: OFAC packs
them all into one remarks string of `; `-separated segments ("DOB 10 Dec 1948; alt. DOB 1950;
Passport A123 (Iran) issued 01 Jan 2000; Linked To: HAMAS."). Screening needs them as data.
SDN.XML carries the same vocabulary in its idList (idType + idNumber), so the label tables
here serve both formats and a fact reads the same whichever file it came from.

Contract: every segment either becomes a fact (and is listed in `parsed`) or is kept verbatim
in `remarks`. `render` writes facts back in OFAC's notation, so that parsing the rendered text
gives the same facts again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sanctionwatch.model import (
    DateValue,
    Identifier,
    IdKind,
    Link,
    LinkKind,
    Name,
    NameKind,
    NameQuality,
)
from sanctionwatch.sources.countries import country_code
from sanctionwatch.sources.dates import parse_date


@dataclass(slots=True)
class RemarkFacts:
    birth_dates: list[DateValue] = field(default_factory=list)
    birth_places: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)  # ISO alpha-2, lower case
    citizenships: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # e.g. "Nationality of Registration"
    gender: str | None = None
    names: list[Name] = field(default_factory=list)  # aliases quoted in remarks: OFAC's weak a.k.a.s
    identifiers: list[Identifier] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)  # target is the name: remarks carry no ids
    properties: dict[str, list[str]] = field(default_factory=dict)
    remarks: list[str] = field(default_factory=list)  # segments not understood, verbatim
    parsed: list[str] = field(default_factory=list)  # segments understood, verbatim

    def add_property(self, key: str, value: str) -> None:
        append_once(self.properties.setdefault(key, []), value)


_T = TypeVar("_T")


def append_once(values: list[_T], value: _T) -> None:
    """Repeats in the list text are not new facts; appending once keeps re-parsing stable."""
    if value not in values:
        values.append(value)


# --- identifier vocabulary -------------------------------------------------------------------

_IMO_LABELS = frozenset({"vessel registration identification", "international maritime organization no."})

# OFAC's identifier labels (remarks prefixes and SDN.XML idType values) -> identifier kind.
# Gathered from the 2021-2025 files; a label not listed here is not guessed at.
ID_LABELS: dict[str, str] = {
    **dict.fromkeys(
        [
            "Passport",
            "Diplomatic Passport",
            "Diplomatic Passport Laissez-Passer",
            "Passport Booklet",
            "Passport Booklet:",
            "Passport No.:",
            "Travel Document Number",
            "British National Overseas Passport",
            "Stateless Person Passport",
        ],
        IdKind.PASSPORT,
    ),
    **dict.fromkeys(
        [
            "National ID No.",
            "National ID No.:",
            "Cedula No.",
            "D.N.I.",
            "Personal ID Card",
            "C.U.R.P.",
            "C.U.R.P. #",
            "Identification Number",
            "National Foreign ID Number",
            "Turkish Identification Number",
            "Numero de Identidad",
            "Kenyan ID No.",
            "Citizen's Card Number",
            "Tazkira National ID Card",
            "Bosnian Personal ID No.",
            "Moroccan Personal ID No.",
            "CNP (Personal Numerical Code)",
            "C.U.I.",
            "C.U.I.P.",
            "UAE Identification",
            "Stateless Person ID Card",
            "Refugee ID Card",
            "N.I.E.",
            "SSN",
            "I.F.E.",
            "Credencial electoral",
            "Electoral Registry No.",
        ],
        IdKind.NATIONAL_ID,
    ),
    **dict.fromkeys(
        [
            "Tax ID No.",
            "NIT #",
            "R.F.C.",
            "R.F.C. #",
            "RFC",
            "RUC #",
            "RIF #",
            "V.A.T. Number",
            "US FEIN",
            "Italian Fiscal Code",
            "Italian Fiscal Code:",
            "C.U.I.T.",
            "RTN",
            "Fiscal Code",
            "Romanian Tax Registration",
            "Paraguayan tax identification number",
            "Numero Unico de Identificacao Tributaria (NUIT)",
            "C.I.F.",
            "N.I.F.",
        ],
        IdKind.TAX_ID,
    ),
    **dict.fromkeys(
        [
            "Registration Number",
            "Registration ID",
            "Business Registration Number",
            "Business Registration Document #",
            "Commercial Registry Number",
            "Company Number",
            "UK Company Number",
            "Government Gazette Number",
            "Unified Social Credit Code (USCC)",
            "United Social Credit Code Certificate (USCCC)",
            "Folio Mercantil No.",
            "Matricula Mercantil No",
            "Trade License No.",
            "C.R. No.",
            "Chamber of Commerce Number",
            "Economic Register Number (CBLS)",
            "Central Registration System Number",
            "Istanbul Chamber of Comm. No.",
            "Dubai Chamber of Commerce Membership No.",
            "Enterprise Number",
            "Branch Unit Number",
            "Business Number",
            "Public Registration Number",
            "Certificate of Incorporation Number",
            "Registered Charity No.",
            "D-U-N-S Number",
            "Organization Code",
            "Romanian C.R.",
            "LE Number",
            "MSB Registration Number",
            "Registration Certificate Number (Dubai)",
            "Russian State Individual Business Registration Number Pattern (OGRNIP)",
            "C.I.N.",
            "Aircraft Tail Number",
            "Previous Aircraft Tail Number",
            "Vessel Registration Identification",
            "International Maritime Organization No.",
        ],
        IdKind.REGISTRATION,
    ),
    "Legal Entity Number": IdKind.LEI,
    "SWIFT/BIC": IdKind.BIC,
    "MMSI": IdKind.MMSI,
    "Vessel Call Sign": IdKind.CALL_SIGN,
    "Other Vessel Call Sign": IdKind.CALL_SIGN,
    "Aircraft Manufacturer's Serial Number (MSN)": IdKind.AIRCRAFT_SERIAL,
    "Aircraft Construction Number (also called L/N or S/N or F/N)": IdKind.AIRCRAFT_SERIAL,
    "Aircraft Serial Identification": IdKind.AIRCRAFT_SERIAL,
    **dict.fromkeys(
        [
            "ISIN",
            "BIK (RU)",
            "License",
            "Driver's License No.",
            "Permit Number",
            "File Number",
            "Tourism License No.",
            "Afghan Money Service Provider License Number",
            "Pilot License Number",
            "Cartilla de Servicio Militar Nacional",
            "Military Registration Number",
            "VisaNumberID",
            "SRE Permit No.",
            "Immigration No.",
            "Trademark number",
            "Serial No.",
            "Seafarer's Identification Document",
            "Chinese Commercial Code",
            "Public Security and Immigration No.",
            "Aircraft Mode S Transponder Code",
            "Residency Number",
            "Birth Certificate Number",
        ],
        IdKind.OTHER,
    ),
}

_CRYPTO_LABEL = re.compile(r"^Digital Currency Address - ([A-Za-z0-9]+)$", re.IGNORECASE)
_IMO_VALUE = re.compile(r"^\(?(?:IMO\s*)?(\d{7})\)?$", re.IGNORECASE)
_ID_TAIL = re.compile(
    r"^(?P<value>.+?)(?:\s+\((?P<country>[^()]*)\))?(?:\s+(?P<note>(?:issued|expires)\b.*))?$",
    re.IGNORECASE | re.DOTALL,
)


def id_kind(label: str) -> str | None:
    """Identifier kind of an OFAC label, None when the label does not name an identifier."""
    if _CRYPTO_LABEL.match(label):
        return IdKind.CRYPTO
    return _ID_KINDS.get(label.casefold())


def make_identifier(
    label: str,
    value: str,
    *,
    country: str | None = None,
    note: str | None = None,
) -> Identifier | None:
    """One identifier from a label and value, in the same shape for CSV remarks and XML idList."""
    kind = id_kind(label)
    value = value.strip()
    if kind is None or not value:
        return None
    crypto = _CRYPTO_LABEL.match(label)
    if crypto:
        currency = crypto.group(1).upper()
        return Identifier(
            IdKind.CRYPTO, value, label=f"Digital Currency Address - {currency}", currency=currency
        )
    canonical = _CANONICAL_LABELS[label.casefold()]
    imo = _IMO_VALUE.match(value)
    # "IMO 1234567" under a company/identification label is still an IMO number; a bare seven-digit
    # value counts only under the vessel labels, where OFAC writes both spellings.
    if imo and (value.upper().startswith(("IMO", "(IMO")) or canonical.casefold() in _IMO_LABELS):
        kind, value = IdKind.IMO, imo.group(1)
    return Identifier(kind, value, country=country_code(country), label=canonical, note=note or None)


# --- remark segments other than identifiers --------------------------------------------------

# Labels whose value is kept as text under a FollowTheMoney-style property name.
_TEXT_PROPERTIES: dict[str, str] = {
    "Website": "website",
    "Email Address": "email",
    "Email": "email",
    "Phone Number": "phone",
    "Telephone": "phone",
    "Telephone:": "phone",
    "Telephone No.": "phone",
    "Telephone Number:": "phone",
    "PHONE": "phone",
    "Fax:": "fax",
    "Fax": "fax",
    "Fax No.": "fax",
    "Target Type": "classification",
    "Organization Type:": "sector",
    "Aircraft Model": "model",
    "Aircraft Operator": "operator",
    "Vessel Type": "type",
    "Other Vessel Type": "type",
    "Equity Ticker": "ticker",
    "Issuer Name": "issuerName",
    "Secondary sanctions risk:": "secondarySanctionsRisk",
    "Additional Sanctions Information -": "additionalSanctionsInfo",
    "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:": "transactionsProhibited",
}
_DATE_PROPERTIES: dict[str, str] = {
    "Organization Established Date": "incorporationDate",
    "Vessel Year of Build": "buildDate",
    "Aircraft Manufacture Date": "buildDate",
}
_COUNTRY_PROPERTIES: dict[str, str] = {
    "Vessel Flag": "flag",
    "Former Vessel Flag": "pastFlags",
    "Other Vessel Flag": "pastFlags",
}
# How `render` writes each property back; none is a word-prefix of another label, so the
# rendered segment is read back under the same label.
PROPERTY_RENDER_LABELS: dict[str, str] = {
    "website": "Website",
    "email": "Email Address",
    "phone": "Phone Number",
    "fax": "Fax:",
    "classification": "Target Type",
    "sector": "Organization Type:",
    "model": "Aircraft Model",
    "operator": "Aircraft Operator",
    "type": "Vessel Type",
    "ticker": "Equity Ticker",
    "issuerName": "Issuer Name",
    "secondarySanctionsRisk": "Secondary sanctions risk:",
    "additionalSanctionsInfo": "Additional Sanctions Information -",
    "transactionsProhibited": "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:",
    "incorporationDate": "Organization Established Date",
    "buildDate": "Vessel Year of Build",
    "flag": "Vessel Flag",
    "pastFlags": "Former Vessel Flag",
}
_COUNTRY_LISTS = {"Nationality of Registration": "countries"}

# Whole segments kept as text: which directive or determination applies to a party is a
# compliance fact in itself, and its wording varies too much to take apart reliably.
_DIRECTIVE = re.compile(
    r"^(?:Executive Order \d+\b|(?:Listing|Effective) Date \(|Purchase/Sales For Divestment Date \("
    r"|CAATSA Section \d+|IFCA Determination)",
    re.IGNORECASE,
)
_DOB = re.compile(r"^DOB:?\s+(.+)$", re.IGNORECASE | re.DOTALL)
_POB = re.compile(r"^POB:?\s+(.+)$", re.IGNORECASE | re.DOTALL)
_NATIONALITY = re.compile(r"^nationality:?\s+(.+)$", re.IGNORECASE | re.DOTALL)
_CITIZEN = re.compile(r"^citizen:?\s+(.+)$", re.IGNORECASE | re.DOTALL)
_GENDER = re.compile(r"^Gender:?\s+(Male|Female)$", re.IGNORECASE)
_ALIAS = re.compile(r"^([afn])\.k\.a\.\s+'(.+)'$", re.IGNORECASE | re.DOTALL)
_LINKED = re.compile(r"^Linked To:\s*(.+)$", re.IGNORECASE | re.DOTALL)
_CRYPTO_SEGMENT = re.compile(r"^(Digital Currency Address - [A-Za-z0-9]+)\s+(\S+)$", re.IGNORECASE)
_ALT = re.compile(r"^alt\.\s+", re.IGNORECASE)
_ALIAS_KINDS = {"a": NameKind.ALIAS, "f": NameKind.FORMER, "n": NameKind.NEW}
_ALIAS_PREFIX: dict[str, str] = {NameKind.ALIAS: "a.k.a.", NameKind.FORMER: "f.k.a.", NameKind.NEW: "n.k.a."}

_ID_KINDS = {label.casefold(): kind for label, kind in ID_LABELS.items()}
_CANONICAL_LABELS = {label.casefold(): label for label in ID_LABELS}

_Handler = Callable[[RemarkFacts, str, str], bool]


def _text_property(key: str) -> _Handler:
    def handle(facts: RemarkFacts, label: str, value: str) -> bool:
        facts.add_property(key, value)
        return True

    return handle


def _date_property(key: str) -> _Handler:
    def handle(facts: RemarkFacts, label: str, value: str) -> bool:
        parsed = parse_date(value)
        if parsed is None or parsed.end or parsed.approximate:
            return False
        facts.add_property(key, parsed.value)
        return True

    return handle


def _country_property(key: str) -> _Handler:
    def handle(facts: RemarkFacts, label: str, value: str) -> bool:
        code = country_code(value)
        if code is None:
            return False
        facts.add_property(key, code)
        return True

    return handle


def _country_list(facts: RemarkFacts, label: str, value: str) -> bool:
    code = country_code(value)
    if code is None:
        return False
    append_once(facts.countries, code)
    return True


def _identifier(facts: RemarkFacts, label: str, value: str) -> bool:
    tail = _ID_TAIL.match(value)
    if tail is None:
        return False
    id_value, country, note = tail.group("value"), tail.group("country"), tail.group("note")
    code = country_code(country) if country is not None else None
    if country is not None and code is None:
        id_value = f"{id_value} ({country})"  # "(Stuttgart)" is part of the number, not a country
    identifier = make_identifier(label, id_value, country=code, note=note)
    if identifier is None:
        return False
    append_once(facts.identifiers, identifier)
    return True


def _build_label_table() -> dict[str, list[tuple[str, _Handler]]]:
    """Labels indexed by first word (case-folded), longest first, so the most specific one wins."""
    handlers: dict[str, _Handler] = {label: _identifier for label in ID_LABELS}
    handlers.update({label: _text_property(key) for label, key in _TEXT_PROPERTIES.items()})
    handlers.update({label: _date_property(key) for label, key in _DATE_PROPERTIES.items()})
    handlers.update({label: _country_property(key) for label, key in _COUNTRY_PROPERTIES.items()})
    handlers.update(dict.fromkeys(_COUNTRY_LISTS, _country_list))
    table: dict[str, list[tuple[str, _Handler]]] = {}
    for label, handler in handlers.items():
        table.setdefault(label.split()[0].casefold(), []).append((label, handler))
    for entries in table.values():
        entries.sort(key=lambda entry: -len(entry[0]))
    return table


_LABELS = _build_label_table()


def known_labels() -> list[str]:
    """Every label the parser understands (tests check that rendering cannot change the label read)."""
    return [label for entries in _LABELS.values() for label, _ in entries]


# --- parsing ---------------------------------------------------------------------------------


def split_segments(text: str | None) -> list[str]:
    """Segments of a remarks string, whitespace-normalized, without OFAC's closing full stop."""
    if not text:
        return []
    body = " ".join(text.split())
    if body.endswith("."):
        body = body[:-1]
    return [segment for segment in (" ".join(part.split()) for part in body.split(";")) if segment]


def parse_remarks(text: str | None) -> RemarkFacts:
    """All facts in one remarks string; never raises, whatever the text."""
    facts = RemarkFacts()
    for segment in split_segments(text):
        if parse_segment(facts, segment):
            facts.parsed.append(segment)
        else:
            facts.remarks.append(segment)
    return facts


def parse_segment(facts: RemarkFacts, segment: str) -> bool:
    """Add the fact one segment states; False (and no change) when the segment is not understood."""
    body = _ALT.sub("", segment, count=1)
    return any(parser(facts, body) for parser in _SEGMENT_PARSERS)


def _parse_dob(facts: RemarkFacts, body: str) -> bool:
    match = _DOB.match(body)
    parsed = parse_date(match.group(1)) if match else None
    if parsed is None:
        return False
    append_once(facts.birth_dates, parsed)
    return True


def _parse_pob(facts: RemarkFacts, body: str) -> bool:
    match = _POB.match(body)
    if match is None:
        return False
    append_once(facts.birth_places, match.group(1).strip())
    return True


def _parse_country_fact(pattern: re.Pattern[str], attribute: str) -> Callable[[RemarkFacts, str], bool]:
    def parse(facts: RemarkFacts, body: str) -> bool:
        match = pattern.match(body)
        code = country_code(match.group(1)) if match else None
        if code is None:
            return False
        append_once(getattr(facts, attribute), code)
        return True

    return parse


def _parse_gender(facts: RemarkFacts, body: str) -> bool:
    match = _GENDER.match(body)
    if match is None:
        return False
    gender = match.group(1).lower()
    if facts.gender not in (None, gender):
        return False  # a contradiction stays visible in the remarks
    facts.gender = gender
    return True


def _parse_alias(facts: RemarkFacts, body: str) -> bool:
    match = _ALIAS.match(body)
    name = match.group(2).strip() if match else ""
    if match is None or not name:
        return False
    kind = _ALIAS_KINDS[match.group(1).lower()]
    append_once(facts.names, Name(name, kind=kind, quality=NameQuality.WEAK))
    return True


def _parse_link(facts: RemarkFacts, body: str) -> bool:
    if body.startswith("(") and body.endswith(")"):
        body = body[1:-1]  # SDN.XML writes "(Linked To: X)"
    match = _LINKED.match(body)
    name = match.group(1).strip() if match else ""
    if not name:
        return False
    append_once(facts.links, Link(LinkKind.ASSOCIATE, target=name, target_name=name))
    return True


def _parse_crypto(facts: RemarkFacts, body: str) -> bool:
    match = _CRYPTO_SEGMENT.match(body)
    if match is None:
        return False
    identifier = make_identifier(match.group(1), match.group(2))
    if identifier is None:
        return False
    append_once(facts.identifiers, identifier)
    return True


def _parse_directive(facts: RemarkFacts, body: str) -> bool:
    if not _DIRECTIVE.match(body):
        return False
    facts.add_property("directiveInfo", body)
    return True


def _parse_labelled(facts: RemarkFacts, body: str) -> bool:
    first = body.split(" ", 1)[0].casefold()
    for label, handler in _LABELS.get(first, []):
        if body[: len(label)].casefold() != label.casefold():
            continue
        rest = body[len(label) :]
        if not rest.startswith(" ") or not rest.strip():
            continue
        if handler(facts, label, rest.strip()):
            return True
    return False


_SEGMENT_PARSERS: list[Callable[[RemarkFacts, str], bool]] = [
    _parse_dob,
    _parse_pob,
    _parse_country_fact(_NATIONALITY, "nationalities"),
    _parse_country_fact(_CITIZEN, "citizenships"),
    _parse_gender,
    _parse_alias,
    _parse_link,
    _parse_crypto,
    _parse_directive,
    _parse_labelled,
]


# --- rendering -------------------------------------------------------------------------------


def render(facts: RemarkFacts) -> str:
    """Facts back in OFAC's remarks notation (closing full stop included)."""
    segments = [
        *(_render_date(d) for d in facts.birth_dates),
        *(f"POB {place}" for place in facts.birth_places),
        *(f"nationality {code}" for code in facts.nationalities),
        *(f"citizen {code}" for code in facts.citizenships),
        *(f"Nationality of Registration {code}" for code in facts.countries),
        *([f"Gender {facts.gender.capitalize()}"] if facts.gender else []),
        *(f"{_ALIAS_PREFIX.get(n.kind, 'a.k.a.')} '{n.full}'" for n in facts.names),
        *(render_identifier(i) for i in facts.identifiers),
        *(f"Linked To: {link.target_name or link.target}" for link in facts.links),
        *_render_properties(facts.properties),
        *facts.remarks,
    ]
    return "; ".join(segments) + "." if segments else ""


def render_identifier(identifier: Identifier) -> str:
    label = identifier.label or "Identification Number"
    value = f"IMO {identifier.value}" if identifier.kind == IdKind.IMO else identifier.value
    country = f" ({identifier.country})" if identifier.country else ""
    note = f" {identifier.note}" if identifier.note else ""
    return f"{label} {value}{country}{note}"


def _render_date(value: DateValue) -> str:
    circa = "circa " if value.approximate else ""
    end = f" to {value.end}" if value.end else ""
    return f"DOB {circa}{value.value}{end}"


def _render_properties(properties: dict[str, list[str]]) -> list[str]:
    segments: list[str] = []
    for key, values in properties.items():
        for value in values:
            if key == "directiveInfo":
                segments.append(value)
            elif key in PROPERTY_RENDER_LABELS:
                segments.append(f"{PROPERTY_RENDER_LABELS[key]} {value}")
    return segments
