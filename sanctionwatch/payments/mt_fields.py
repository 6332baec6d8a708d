"""The party fields of SWIFT MT (50a to 59a) and its free-text fields, read into `PaymentParty` and `FreeText`.

A party field's option letter says how it is written: A is a BIC, B a location, C an account or clearing
code (a BIC in MT101's 50C), D, K, H and no letter an account then name and address lines, F numbered
structured lines, G an account and a BIC, L a party identifier. The tag's number says the role (50
ordering customer, 52 ordering institution, ... 59 beneficiary). Whether the option is allowed for the
tag in the message type is `mt_layouts`' business; this module reads what it is given, and a field that
does not read as its option says raises `MessageError` with the field named.

Who a party is (`PartyKind`) follows only from what the field says: an agent (51a to 58a) is a bank; a
customer named by a BIC (50A, 50C, 50G, 59A) is an organization, since BICs are issued to organizations
only; a 50F with a birth date, a place of birth, a national identity number (line 7) or a personal
document (passport, national id, driving licence, social security or alien registration number) is a
person. A customer id (CUST), an employer number (EMPL) or a tax id (TXID) is issued to companies and
people alike and decides nothing; everything else is UNKNOWN, and screening compares it with both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from followthemoney.types import registry

from sanctionwatch.payments.message import (
    FreeText,
    MessageError,
    PartyIdentifier,
    PartyIdKind,
    PartyKind,
    PartyRole,
    PaymentParty,
    PostalAddress,
)

__all__ = [
    "AGENT_TAGS",
    "BIC",
    "FREE_TEXT_TAGS",
    "PARTY_TAGS",
    "free_text",
    "instructing_institutions",
    "read_party",
]

# Format 4!a2!a2!c[3!c]: bank code, country, location, optional branch.
BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$")

ROLES: dict[str, PartyRole] = {
    "50": PartyRole.DEBTOR,
    "51": PartyRole.INSTRUCTING_AGENT,  # sending institution
    "52": PartyRole.DEBTOR_AGENT,
    "53": PartyRole.SENDERS_CORRESPONDENT,
    "54": PartyRole.RECEIVERS_CORRESPONDENT,
    "55": PartyRole.THIRD_REIMBURSEMENT,
    "56": PartyRole.INTERMEDIARY_AGENT,
    "57": PartyRole.CREDITOR_AGENT,
    "58": PartyRole.CREDITOR,  # beneficiary institution of an MT202/205
    "59": PartyRole.CREDITOR,
}
PARTY_TAGS = frozenset(ROLES)
AGENT_TAGS = frozenset({"51", "52", "53", "54", "55", "56", "57", "58"})
# Remittance information, sender-to-receiver information, regulatory reporting, the REMIT envelope, the
# transaction type code: read as text, the tag as the field.
FREE_TEXT_TAGS = frozenset({"26T", "70", "72", "77B", "77T"})

# 50F line 1 identification codes (code/country/identifier), and which of them only a person has.
_PERSON_CODES = frozenset({"ARNU", "CCPT", "DRLC", "NIDN", "SOSE"})
_ID_CODES = _PERSON_CODES | {"CUST", "EMPL", "TXID"}
_ISSUER_CODES = frozenset({"CUST", "DRLC", "EMPL"})  # code/country/issuer/identifier
_NUMBERED = re.compile(r"^([0-9])/(.*)$")
_COUNTRY_TOWN = re.compile(r"^([A-Z]{2})(?:/(.*))?$")
_BIRTH_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DC_MARK = re.compile(r"^/([A-Z])/(.*)$")  # [/1!a][/34x]: a debit/credit mark before the account
_LEADING_COUNTRY = re.compile(r"^([A-Z]{2})/")
_INS = re.compile(r"^/INS/(\S+)\s*$")


class _Field:
    """The field being read: where it is, for the errors."""

    def __init__(self, tag: str, name: str, where: str) -> None:
        self.tag = tag
        self.name = name
        self.where = where

    def fail(self, reason: str) -> MessageError:
        return MessageError(reason, source=self.where, field=self.name)


def read_party(tag: str, lines: Sequence[str], name: str, where: str) -> PaymentParty:
    """One party field (`tag` such as "50K", "59"), read as its option letter says.

    `name` is the field as the message names it ("50K", "B/59F", "B[2]/57A"); `where` names the message.
    """
    number, option = tag[:2], tag[2:]
    current = _Field(tag, name, where)
    if number not in ROLES:
        raise current.fail(f"{tag} is not a party field")
    if not any(line.strip() for line in lines):
        raise current.fail("the field is empty")
    role = ROLES[number]
    if number == "50" and option in ("C", "L"):  # MT101's instructing party, not the ordering customer
        role = PartyRole.INITIATING_PARTY
    agent = number in AGENT_TAGS
    bank_or_org = PartyKind.FINANCIAL_INSTITUTION if agent else PartyKind.ORGANIZATION
    plain = PartyKind.FINANCIAL_INSTITUTION if agent else PartyKind.UNKNOWN
    if option == "A":
        identifiers = _identifier_and_bic(current, lines)
        return PaymentParty(name, role, bank_or_org, identifiers=identifiers)
    if option == "B":
        return _location(current, lines, role, plain)
    if option == "C" and number == "50":
        return PaymentParty(name, role, bank_or_org, identifiers=(_bic(current, _single(current, lines)),))
    if option == "C":
        line = _single(current, lines)
        if not line.startswith("/"):
            raise current.fail(f"option C takes an account or clearing code starting with '/': {line!r}")
        identifiers = _identifiers(line)
        if not identifiers:
            raise current.fail(f"option C holds no account or clearing code: {line!r}")
        return PaymentParty(name, role, plain, identifiers=identifiers)
    if option in ("D", "K", "H", ""):
        return _name_and_address(current, lines, role, plain, account_required=option == "H")
    if option == "F":
        return _structured(current, lines, role)
    if option == "G":
        if len(lines) != 2 or not lines[0].startswith("/"):
            raise current.fail("option G takes an account line (/...) and a BIC line")
        return PaymentParty(name, role, bank_or_org, identifiers=_identifier_and_bic(current, lines))
    if option == "L":
        line = _single(current, lines).strip()
        return PaymentParty(name, role, plain, identifiers=(PartyIdentifier(PartyIdKind.OTHER, line),))
    raise current.fail(f"option {option} is not an option of a party field")


def free_text(lines: Sequence[str], name: str, where: str) -> FreeText:
    """A narrative field as written, its lines joined by line breaks and its /CODE/ words kept."""
    if not any(line.strip() for line in lines):
        raise MessageError("the field is empty", source=where, field=name)
    return FreeText(name, "\n".join(lines))


def instructing_institutions(lines: Sequence[str], name: str) -> list[PaymentParty]:
    """The banks field 72 names by BIC after /INS/ (an instructing institution before the sender).

    The text stays a free-text field as well; this only lets the BIC be screened as a BIC.
    """
    found: list[PaymentParty] = []
    for line in lines:
        match = _INS.match(line)
        if match is not None and BIC.match(match.group(1)):
            found.append(
                PaymentParty(
                    name,
                    PartyRole.PREVIOUS_INSTRUCTING_AGENT,
                    PartyKind.FINANCIAL_INSTITUTION,
                    identifiers=(PartyIdentifier(PartyIdKind.BIC, match.group(1)),),
                )
            )
    return found


def _single(current: _Field, lines: Sequence[str]) -> str:
    if len(lines) != 1:
        raise current.fail(f"option {current.tag[2:]} takes one line, not {len(lines)}")
    return lines[0]


def _bic(current: _Field, line: str) -> PartyIdentifier:
    text = line.strip()
    if not BIC.match(text):
        raise current.fail(f"not a BIC: {text!r}")
    return PartyIdentifier(PartyIdKind.BIC, text)


def _identifiers(line: str) -> tuple[PartyIdentifier, ...]:
    """A party identifier line: `//` a clearing code, `/D/` or `/C/` then an account, `/` an account."""
    text = line.strip()
    if text.startswith("//"):
        value, kind = text[2:].strip(), PartyIdKind.CLEARING
    else:
        marked = _DC_MARK.match(text)
        value = (marked.group(2) if marked else text[1:]).strip()
        kind = PartyIdKind.ACCOUNT
    return (PartyIdentifier(kind, value),) if value else ()


def _identifier_and_bic(current: _Field, lines: Sequence[str]) -> tuple[PartyIdentifier, ...]:
    """Options A and G: an optional party identifier line, then the BIC."""
    if len(lines) == 1:
        return (_bic(current, lines[0]),)
    if len(lines) == 2 and lines[0].startswith("/"):
        return (*_identifiers(lines[0]), _bic(current, lines[1]))
    raise current.fail(f"option {current.tag[2:]} takes an optional account line (/...) and a BIC line")


def _location(current: _Field, lines: Sequence[str], role: PartyRole, kind: PartyKind) -> PaymentParty:
    """Option B: an optional party identifier, then an optional location.

    Banks write a branch or a bank's name in the location ("NEW YORK BRANCH", "FOO BANK"), so it is read
    as the name: screened, not buried in an address.
    """
    rest = list(lines)
    identifiers: tuple[PartyIdentifier, ...] = ()
    if rest and rest[0].startswith("/"):
        identifiers = _identifiers(rest.pop(0))
    if len(rest) > 1:
        raise current.fail("option B takes an optional account line (/...) and one location line")
    location = rest[0].strip() if rest else None
    if not identifiers and not location:
        raise current.fail("option B holds neither an account nor a location")
    return PaymentParty(current.name, role, kind, name=location or None, identifiers=identifiers)


def _name_and_address(
    current: _Field, lines: Sequence[str], role: PartyRole, kind: PartyKind, *, account_required: bool
) -> PaymentParty:
    """Options D, K, H and no letter: an optional account line, then the name and address lines.

    The first line is the name; the ones after it the address, unstructured. The country is taken only
    when an address line starts with a country code and a slash ("KP/PYONGYANG", as 50F line 3 writes
    it), the last such line; otherwise it is left unknown rather than guessed from a country's name.
    """
    rest = list(lines)
    identifiers: tuple[PartyIdentifier, ...] = ()
    if rest[0].startswith("/"):
        identifiers = _identifiers(rest.pop(0))
    elif account_required:
        raise current.fail("option H starts with an account line (/...)")
    if not rest or not rest[0].strip():
        raise current.fail("no name after the account line")
    address_lines = tuple(line.strip() for line in rest[1:] if line.strip())
    address = None
    if address_lines:
        address = PostalAddress(lines=address_lines, country=_leading_country(address_lines))
    return PaymentParty(
        current.name, role, kind, name=rest[0].strip(), address=address, identifiers=identifiers
    )


def _leading_country(lines: Sequence[str]) -> str | None:
    for line in reversed(lines):
        match = _LEADING_COUNTRY.match(line)
        if match is not None and registry.country.validate(match.group(1).lower()):
            return match.group(1)
    return None


@dataclass(slots=True)
class _Structured:
    """What the numbered lines of a 50F or 59F say, gathered line by line."""

    names: list[str] = field(default_factory=list)
    address: list[str] = field(default_factory=list)
    country: str | None = None
    towns: list[str] = field(default_factory=list)
    birth_date: str | None = None
    birth_place: str | None = None
    identifiers: list[PartyIdentifier] = field(default_factory=list)
    continued: int | None = (
        None  # the identifier an 8/ line continues: line 1's code, 6/ or 7/, not an account
    )
    person: bool = False


def _structured(current: _Field, lines: Sequence[str], role: PartyRole) -> PaymentParty:
    """Option F: an optional identifier line, then lines numbered 1/ name, 2/ address, 3/ country/town,
    and in 50F 4/ birth date, 5/ place of birth, 6/ customer id, 7/ national id, 8/ continuation."""
    ordering = current.tag.startswith("50")
    highest = 8 if ordering else 3
    read = _Structured()
    rest = list(lines)
    first = rest[0].strip()
    if first.startswith("/"):
        read.identifiers.extend(_identifiers(rest.pop(0)))
    elif not _NUMBERED.match(first):
        code = first.split("/", 1)[0]
        if not ordering or code not in _ID_CODES:
            raise current.fail(
                f"first line is neither an account (/...), an identification code nor 1/: {first!r}"
            )
        read.identifiers.append(_coded_identifier(current, code, first[len(code) + 1 :]))
        read.continued = len(read.identifiers) - 1
        read.person = code in _PERSON_CODES
        rest.pop(0)
    for raw in rest:
        line = raw.strip()
        match = _NUMBERED.match(line)
        if match is None or not 1 <= int(match.group(1)) <= highest:
            raise current.fail(f"line {line!r} is not numbered 1/ to {highest}/")
        _numbered_line(current, read, int(match.group(1)), match.group(2).strip())
    if not read.names:
        raise current.fail("no name (line 1/)")
    address = None
    if read.address or read.country or read.towns:
        address = PostalAddress(
            lines=tuple(read.address), town=" ".join(read.towns) or None, country=read.country
        )
    return PaymentParty(
        current.name,
        role,
        PartyKind.PERSON if read.person else PartyKind.UNKNOWN,
        name=" ".join(read.names),
        address=address,
        identifiers=tuple(read.identifiers),
        birth_date=read.birth_date,
        birth_place=read.birth_place,
    )


def _numbered_line(current: _Field, read: _Structured, number: int, text: str) -> None:
    if not text:
        raise current.fail(f"line {number}/ is empty")
    if number == 1:
        read.names.append(text)
    elif number == 2:
        read.address.append(text)
    elif number == 3 and read.country is not None:  # a further 3/ line continues the town
        read.towns.append(text)
    elif number == 3:
        country, town = _country_and_rest(current, number, text)
        read.country = country
        if town:
            read.towns.append(town)
    elif number == 4:
        read.birth_date = _birth_date(current, text)
        read.person = True
    elif number == 5:
        country, town = _country_and_rest(current, number, text)
        read.birth_place = f"{town}, {country}" if town else country
        read.person = True
    elif number == 6:
        country, rest = _country_and_rest(current, number, text)
        issuer, _, value = (rest or "").rpartition("/")
        if not value:
            raise current.fail(f"line 6/ has no customer identification number: {text!r}")
        read.identifiers.append(
            PartyIdentifier(
                PartyIdKind.NATIONAL_ID, value, "CUST", f"{country}/{issuer}" if issuer else country
            )
        )
        read.continued = len(read.identifiers) - 1
    elif number == 7:
        country, number_text = _country_and_rest(current, number, text)
        if not number_text:
            raise current.fail(f"line 7/ has no national identity number: {text!r}")
        read.identifiers.append(PartyIdentifier(PartyIdKind.NATIONAL_ID, number_text, "NIDN", country))
        read.continued = len(read.identifiers) - 1
        read.person = True
    else:  # 8/: the continuation of an identification (line 1's code, 6/ or 7/)
        if read.continued is None:
            raise current.fail("line 8/ continues no identification code, 6/ or 7/ line")
        last = read.identifiers[read.continued]
        read.identifiers[read.continued] = PartyIdentifier(
            last.kind, f"{last.value} {text}", last.scheme, last.issuer
        )


def _country_and_rest(current: _Field, number: int, text: str) -> tuple[str, str | None]:
    match = _COUNTRY_TOWN.match(text)
    if match is None:
        raise current.fail(f"line {number}/ does not start with a country code: {text!r}")
    rest = match.group(2)
    return match.group(1), rest.strip() if rest and rest.strip() else None


def _birth_date(current: _Field, text: str) -> str:
    match = _BIRTH_DATE.match(text)
    try:
        if match is None:
            raise ValueError(text)
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
    except ValueError:
        raise current.fail(f"line 4/ is not a birth date YYYYMMDD: {text!r}") from None


def _coded_identifier(current: _Field, code: str, text: str) -> PartyIdentifier:
    """50F line 1 `CODE/CC/identifier` (CUST, DRLC, EMPL: `CODE/CC/issuer/identifier`)."""
    parts = text.split("/", 2 if code in _ISSUER_CODES else 1)
    if len(parts) < 2 or not re.match(r"^[A-Z]{2}$", parts[0]) or not parts[-1].strip():
        raise current.fail(f"{code} is not followed by a country code and an identifier: {text!r}")
    kind = PartyIdKind.NATIONAL_ID
    return PartyIdentifier(kind, parts[-1].strip(), code, "/".join(parts[:-1]))
