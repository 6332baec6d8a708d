"""One ISO 20022 party element read into PaymentParty values: a customer, a bank, an account, a tax party.

ISO 20022 has a handful of shapes for "who": PartyIdentification (Nm, PstlAdr, Id/OrgId or Id/PrvtId,
CtryOfRes, CtctDtls), BranchAndFinancialInstitutionIdentification (FinInstnId with BICFI, ClrSysMmbId,
LEI, Nm, PstlAdr, Othr; and BrnchId), the choices that wrap either (Party40Choice's Pty/Agt in
pacs.004, the header's FIId/OrgId), NameAndAddress (Nm, Adr), TaxParty (TaxId, RegnId, Authstn) and
CashAccount. The shape is told by content, not by version, so the same reader serves every version.

What a party element holds that this reader does not know is written to `notes` (field and element),
never dropped without a word: a new version's new element shows up in the hold queue's notes.
Besides the party itself, a bank's branch with its own name or address, and a contact person's name,
become parties of their own, because each is a name or a place that screening must see.
"""

from __future__ import annotations

from dataclasses import replace

from lxml import etree

from sanctionwatch.payments.iso_xml import child, child_text, children, elements, localname, text_of
from sanctionwatch.payments.message import (
    PartyIdentifier,
    PartyIdKind,
    PartyKind,
    PartyRole,
    PaymentParty,
    PostalAddress,
)

# Choices that only wrap the party: pacs.004's Party40Choice/Party50Choice (Pty or Agt) and the business
# application header's Party44Choice/Party9Choice (FIId or OrgId).
_WRAPPERS = frozenset({"Pty", "Agt", "FIId", "OrgId"})

_PARTY_PARTS = frozenset({"Nm", "PstlAdr", "Adr", "Id", "CtryOfRes", "CtctDtls", "Ctry"})
_AGENT_PARTS = frozenset({"FinInstnId", "BrnchId"})
_INSTITUTION_PARTS = frozenset({"BICFI", "BIC", "ClrSysMmbId", "LEI", "Nm", "PstlAdr", "Othr"})
_BRANCH_PARTS = frozenset({"Id", "LEI", "Nm", "PstlAdr"})
_ORGANISATION_ID_PARTS = frozenset({"AnyBIC", "BICOrBEI", "BIC", "LEI", "Othr"})
_PERSON_ID_PARTS = frozenset({"DtAndPlcOfBirth", "Othr"})
_ACCOUNT_PARTS = frozenset({"Id", "Tp", "Ccy", "Nm", "Prxy"})
_TAX_PARTY_PARTS = frozenset({"TaxId", "RegnId", "TaxTp", "Authstn"})

# Address parts with a field of their own in PostalAddress; every other part (department, floor,
# room, post box, district, ...) is kept as a line, so no part of an address is lost.
_ADDRESS_FIELDS = frozenset({"StrtNm", "BldgNb", "TwnNm", "CtrySubDvsn", "PstCd", "Ctry", "AdrLine"})
_ADDRESS_LINES = frozenset(
    {"CareOf", "Dept", "SubDept", "BldgNm", "Flr", "UnitNb", "PstBx", "Room", "TwnLctnNm", "DstrctNm"}
)
_ADDRESS_CODES = frozenset({"AdrTp"})  # a code saying what kind of address: nothing to screen


def read_party(element: etree._Element, field: str, role: PartyRole, notes: list[str]) -> list[PaymentParty]:
    """The party at `field` (first), followed by its branch and contact person when they carry a name.

    An agent (anything holding FinInstnId) is a FINANCIAL_INSTITUTION whatever its role: that is how
    pacs.009's Dbtr and Cdtr, which are banks, are told apart from pacs.008's customers.
    """
    inner = _unwrap(element)
    institution = inner if localname(inner) == "FinInstnId" else child(inner, "FinInstnId")
    if institution is not None:
        return _read_agent(inner, institution, field, role, notes)
    return _read_identified_party(inner, field, role, notes)


def read_account(
    element: etree._Element, field: str, notes: list[str]
) -> tuple[tuple[PartyIdentifier, ...], str | None]:
    """A CashAccount's identifiers (IBAN or other number, proxy) and the name on the account."""
    _note_unknown(element, _ACCOUNT_PARTS, field, notes)
    found: list[PartyIdentifier] = []
    identification = child(element, "Id")
    if identification is not None:
        _note_unknown(identification, frozenset({"IBAN", "Othr"}), f"{field}/Id", notes)
        iban = child_text(identification, "IBAN")
        if iban:
            found.append(PartyIdentifier(PartyIdKind.ACCOUNT, iban, "IBAN"))
        for other in children(identification, "Othr"):
            number = child_text(other, "Id")
            if number:
                found.append(PartyIdentifier(PartyIdKind.ACCOUNT, number, _scheme(other)))
    proxy = child(element, "Prxy")
    if proxy is not None:
        value = child_text(proxy, "Id")
        if value:
            kind = child_text(proxy, "Tp", "Cd") or child_text(proxy, "Tp", "Prtry")
            found.append(PartyIdentifier(PartyIdKind.OTHER, value, f"proxy:{kind}" if kind else "proxy"))
    return tuple(found), text_of(child(element, "Nm"))


def read_tax_party(element: etree._Element, field: str, notes: list[str]) -> list[PaymentParty]:
    """A TaxParty (Tax/Dbtr, TaxRmt/Cdtr, ...): tax and registration numbers, and who authorised it.

    Read as OTHER: the tax debtor or creditor is an authority or a taxpayer, not the payment's debtor or
    creditor. An authorising person (Authstn/Nm) becomes a party of its own, as a name to screen.
    """
    _note_unknown(element, _TAX_PARTY_PARTS, field, notes)
    identifiers = [
        PartyIdentifier(PartyIdKind.NATIONAL_ID, value, scheme)
        for name, scheme in (("TaxId", "TXID"), ("RegnId", "RegnId"))
        if (value := child_text(element, name))
    ]
    parties = [PaymentParty(field, PartyRole.OTHER, PartyKind.UNKNOWN, identifiers=tuple(identifiers))]
    for authorisation in children(element, "Authstn"):
        name = child_text(authorisation, "Nm")
        if name:
            parties.append(PaymentParty(f"{field}/Authstn", PartyRole.OTHER, PartyKind.PERSON, name=name))
    return parties


def with_account(
    party: PaymentParty,
    identifiers: tuple[PartyIdentifier, ...],
    account_name: str | None,
    account_field: str,
) -> list[PaymentParty]:
    """The party with its account's identifiers attached, plus the name on the account as a party if any."""
    parties = [replace(party, identifiers=party.identifiers + identifiers)]
    if account_name:
        parties.append(
            PaymentParty(
                account_field, party.role, PartyKind.UNKNOWN, name=account_name, identifiers=identifiers
            )
        )
    return parties


def read_address(element: etree._Element, field: str, notes: list[str]) -> PostalAddress | None:
    """PstlAdr (or a NameAndAddress's Adr): structured parts to fields, the rest to lines, in order."""
    lines: list[str] = []
    for part in elements(element):
        name = localname(part)
        if (name in _ADDRESS_FIELDS and name != "AdrLine") or name in _ADDRESS_CODES:
            continue
        value = text_of(part)
        if name == "AdrLine" or name in _ADDRESS_LINES:
            if value:
                lines.append(value)
        else:
            notes.append(f"{field}: address part <{name}> not known to the parser; kept as a line")
            if value:
                lines.append(value)
    street_name = child_text(element, "StrtNm")
    building = child_text(element, "BldgNb")
    street = " ".join(p for p in (street_name, building) if p) or None
    address = PostalAddress(
        lines=tuple(lines),
        street=street,
        town=child_text(element, "TwnNm"),
        region=child_text(element, "CtrySubDvsn"),
        postcode=child_text(element, "PstCd"),
        country=child_text(element, "Ctry"),
    )
    return address if address.text() else None


def _unwrap(element: etree._Element) -> etree._Element:
    inner = elements(element)
    if len(inner) == 1 and localname(inner[0]) in _WRAPPERS:
        # OrgId directly under a party is the header's choice; under Id it is an organisation's ids.
        return inner[0]
    return element


def _read_agent(
    element: etree._Element, institution: etree._Element, field: str, role: PartyRole, notes: list[str]
) -> list[PaymentParty]:
    if institution is not element:
        _note_unknown(element, _AGENT_PARTS, field, notes)
    _note_unknown(institution, _INSTITUTION_PARTS, f"{field}/FinInstnId", notes)
    identifiers: list[PartyIdentifier] = []
    for name in ("BICFI", "BIC"):
        bic = child_text(institution, name)
        if bic:
            identifiers.append(PartyIdentifier(PartyIdKind.BIC, bic))
    membership = child(institution, "ClrSysMmbId")
    if membership is not None:
        member = child_text(membership, "MmbId")
        system = child_text(membership, "ClrSysId", "Cd") or child_text(membership, "ClrSysId", "Prtry")
        if member:
            identifiers.append(PartyIdentifier(PartyIdKind.CLEARING, member, system))
    lei = child_text(institution, "LEI")
    if lei:
        identifiers.append(PartyIdentifier(PartyIdKind.LEI, lei))
    for other in children(institution, "Othr"):
        value = child_text(other, "Id")
        if value:
            identifiers.append(PartyIdentifier(PartyIdKind.OTHER, value, _scheme(other)))
    address_element = child(institution, "PstlAdr")
    parties = [
        PaymentParty(
            field,
            role,
            PartyKind.FINANCIAL_INSTITUTION,
            name=text_of(child(institution, "Nm")),
            address=read_address(address_element, f"{field}/PstlAdr", notes)
            if address_element is not None
            else None,
            identifiers=tuple(identifiers),
        )
    ]
    branch = child(element, "BrnchId") if element is not institution else None
    if branch is not None:
        parties = _with_branch(parties, branch, f"{field}/BrnchId", role, notes)
    if not parties[0].name and not parties[0].identifiers and parties[0].address is None:
        notes.append(f"{field}: an agent with no name, identifier or address")
    return parties


def _with_branch(
    parties: list[PaymentParty], branch: etree._Element, field: str, role: PartyRole, notes: list[str]
) -> list[PaymentParty]:
    """A branch's ids go with the bank; a branch with its own name or address is a party of its own."""
    _note_unknown(branch, _BRANCH_PARTS, field, notes)
    identifiers: list[PartyIdentifier] = []
    branch_id = child_text(branch, "Id")
    if branch_id:
        identifiers.append(PartyIdentifier(PartyIdKind.OTHER, branch_id, "BrnchId"))
    lei = child_text(branch, "LEI")
    if lei:
        identifiers.append(PartyIdentifier(PartyIdKind.LEI, lei))
    name = text_of(child(branch, "Nm"))
    address_element = child(branch, "PstlAdr")
    address = (
        read_address(address_element, f"{field}/PstlAdr", notes) if address_element is not None else None
    )
    if name is None and address is None:
        parties[0] = replace(parties[0], identifiers=parties[0].identifiers + tuple(identifiers))
        return parties
    branch_party = PaymentParty(
        field,
        role,
        PartyKind.FINANCIAL_INSTITUTION,
        name=name,
        address=address,
        identifiers=tuple(identifiers),
    )
    return [*parties, branch_party]


def _read_identified_party(
    element: etree._Element, field: str, role: PartyRole, notes: list[str]
) -> list[PaymentParty]:
    _note_unknown(element, _PARTY_PARTS, field, notes)
    kind = PartyKind.UNKNOWN
    identifiers: list[PartyIdentifier] = []
    birth_date: str | None = None
    birth_place: str | None = None
    identification = child(element, "Id")
    if identification is not None:
        _note_unknown(identification, frozenset({"OrgId", "PrvtId"}), f"{field}/Id", notes)
        organisation = child(identification, "OrgId")
        person = child(identification, "PrvtId")
        if organisation is not None:
            kind = PartyKind.ORGANIZATION
            identifiers += _organisation_ids(organisation, f"{field}/Id/OrgId", notes)
        if person is not None:
            kind = PartyKind.PERSON
            _note_unknown(person, _PERSON_ID_PARTS, f"{field}/Id/PrvtId", notes)
            birth = child(person, "DtAndPlcOfBirth")
            if birth is not None:
                birth_date = child_text(birth, "BirthDt")
                places = (child_text(birth, name) for name in ("CityOfBirth", "PrvcOfBirth", "CtryOfBirth"))
                birth_place = ", ".join(p for p in places if p) or None
            identifiers += _generic_ids(person)
    address_element = child(element, "PstlAdr")
    if address_element is None:
        address_element = child(element, "Adr")  # NameAndAddress (cheque, remittance location)
    address = None
    if address_element is not None:
        address = read_address(address_element, f"{field}/{localname(address_element)}", notes)
    country = child_text(element, "Ctry")  # a regulatory authority's country
    if country and address is None:
        address = PostalAddress(country=country)
    parties = [
        PaymentParty(
            field,
            role,
            kind,
            name=text_of(child(element, "Nm")),
            address=address,
            identifiers=tuple(identifiers),
            birth_date=birth_date,
            birth_place=birth_place,
            country_of_residence=child_text(element, "CtryOfRes"),
        )
    ]
    first = parties[0]
    if not (
        first.name or first.identifiers or first.address or first.birth_date or first.country_of_residence
    ):
        notes.append(f"{field}: a party with no name, identifier or address")
    for contact in children(element, "CtctDtls"):
        name = child_text(contact, "Nm")
        if name:
            parties.append(PaymentParty(f"{field}/CtctDtls", PartyRole.OTHER, PartyKind.UNKNOWN, name=name))
    return parties


def _organisation_ids(organisation: etree._Element, field: str, notes: list[str]) -> list[PartyIdentifier]:
    _note_unknown(organisation, _ORGANISATION_ID_PARTS, field, notes)
    found: list[PartyIdentifier] = []
    for name in ("AnyBIC", "BICOrBEI", "BIC"):
        bic = child_text(organisation, name)
        if bic:
            found.append(PartyIdentifier(PartyIdKind.BIC, bic))
    lei = child_text(organisation, "LEI")
    if lei:
        found.append(PartyIdentifier(PartyIdKind.LEI, lei))
    return found + _generic_ids(organisation)


def _generic_ids(holder: etree._Element) -> list[PartyIdentifier]:
    """Othr entries: with a scheme (TXID, CCPT, COID, ...) a national or registry id, without one OTHER."""
    found: list[PartyIdentifier] = []
    for other in children(holder, "Othr"):
        value = child_text(other, "Id")
        if not value:
            continue
        scheme = _scheme(other)
        kind = PartyIdKind.NATIONAL_ID if scheme else PartyIdKind.OTHER
        found.append(PartyIdentifier(kind, value, scheme))
    return found


def _scheme(other: etree._Element) -> str | None:
    return child_text(other, "SchmeNm", "Cd") or child_text(other, "SchmeNm", "Prtry")


def _note_unknown(element: etree._Element, known: frozenset[str], field: str, notes: list[str]) -> None:
    for part in elements(element):
        name = localname(part)
        if name not in known:
            value = text_of(part)
            shown = f" ({value[:60]})" if value else ""
            notes.append(f"{field}: element <{name}>{shown} is not read by the parser")
