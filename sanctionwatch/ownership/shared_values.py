"""The identifying values a listed party or a customer holds, each with the key it is compared by.

Most businesses a bank meets in a sanctions network are on no list: they share a phone, an e-mail, a
website, an address, a registration number, a wallet or a ship with a party that is. This module reads
those values from a listed party (`listed_values`: its properties, addresses and identifiers) and from a
customer (`customer_values`: the columns of the customer file that name them, its identifiers), and
gives each as a `SharedValue`: its kind, its comparison key (`shared_normalize`) and how it was written.
`shared_index` compares them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sanctionwatch.model import Address, Entity, IdKind
from sanctionwatch.ownership.shared_normalize import (
    looks_like_wallet,
    normalize_address,
    normalize_email,
    normalize_imo,
    normalize_phone,
    normalize_registration,
    normalize_wallet,
    normalize_website,
    split_key,
)

__all__ = [
    "CUSTOMER_COLUMNS",
    "LISTED_PROPERTIES",
    "SCOPED_KINDS",
    "SharedKind",
    "SharedValue",
    "customer_values",
    "listed_values",
]


class SharedKind(StrEnum):
    """What kind of value two parties share; the alert names it."""

    PHONE = "phone"
    EMAIL = "email"
    WEBSITE = "website"
    ADDRESS = "address"
    REGISTRATION = "registration"  # registration number, tax id, LEI
    WALLET = "wallet"  # a crypto address
    IMO = "imo"  # a ship's IMO number


# The kinds whose key may carry a country ("ru:…"): where an address is, who issued a registration.
SCOPED_KINDS = frozenset({SharedKind.ADDRESS, SharedKind.REGISTRATION})


@dataclass(frozen=True, slots=True)
class SharedValue:
    """One identifying value: `key` compares (normalized, "cc:…" when it has a country), `shown` is how
    the list or the customer file wrote it, for the analyst."""

    kind: SharedKind
    key: str
    shown: str

    @property
    def country(self) -> str | None:
        """The country in the key of an address or a registration number, when known."""
        return split_key(self.key)[0] if self.kind in SCOPED_KINDS else None

    @property
    def bare(self) -> str:
        """The key without its country: what is compared when one side does not know the country."""
        return split_key(self.key)[1] if self.kind in SCOPED_KINDS else self.key


# ---- listed parties ----------------------------------------------------------------------------------

# Entity.properties keys the parsers fill with contact values (sources: OFAC advanced XML and remarks,
# UK, OFSI, EU contact info; FtM datasets use the same property names).
LISTED_PROPERTIES: Mapping[str, SharedKind] = {
    "phone": SharedKind.PHONE,
    "email": SharedKind.EMAIL,
    "website": SharedKind.WEBSITE,
}
_REGISTRATIONS = frozenset({IdKind.REGISTRATION, IdKind.TAX_ID, IdKind.LEI})


def listed_values(entity: Entity) -> list[SharedValue]:
    """Every comparable value of a listed party, each (kind, key) once, first writing kept.

    Phones written nationally are read in the party's countries (its countries, nationalities,
    citizenships, then its addresses' countries, in that order); an LEI is global and has no country.
    """
    regions = [
        *entity.countries,
        *entity.nationalities,
        *entity.citizenships,
        *(a.country for a in entity.addresses if a.country),
    ]
    found: list[SharedValue | None] = []
    for prop, kind in LISTED_PROPERTIES.items():
        for text in entity.properties.get(prop, ()):
            found.append(_value(kind, text, regions))
    for address in entity.addresses:
        text = _address_text(address)
        if text:
            found.append(_make(SharedKind.ADDRESS, normalize_address(text, address.country), text))
    for identifier in entity.identifiers:
        if identifier.kind in _REGISTRATIONS:
            country = None if identifier.kind == IdKind.LEI else identifier.country
            key = normalize_registration(identifier.value, country)
            found.append(_make(SharedKind.REGISTRATION, key, identifier.value))
        elif identifier.kind == IdKind.CRYPTO:
            found.append(_make(SharedKind.WALLET, normalize_wallet(identifier.value), identifier.value))
        elif identifier.kind == IdKind.IMO:
            found.append(_make(SharedKind.IMO, normalize_imo(identifier.value), identifier.value))
    return _distinct(found)


def _address_text(address: Address) -> str:
    """The address as one line: the list's full form, or its parts joined as a customer would write them."""
    if address.full:
        return address.full
    parts = (address.street, address.postal_code, address.city, address.region)
    return ", ".join(part for part in parts if part)


# ---- customers ---------------------------------------------------------------------------------------

# The customer file's columns (kept as the customer's attributes) that hold shared values. Only these
# spellings: a column spelled otherwise ("tel_no", "mail") stays an attribute and is not compared, as
# guessing what a column means would compare what the bank never said is a phone.
CUSTOMER_COLUMNS: Mapping[str, SharedKind] = {
    "phone": SharedKind.PHONE,
    "phones": SharedKind.PHONE,
    "telephone": SharedKind.PHONE,
    "email": SharedKind.EMAIL,
    "emails": SharedKind.EMAIL,
    "e-mail": SharedKind.EMAIL,
    "website": SharedKind.WEBSITE,
    "websites": SharedKind.WEBSITE,
    "url": SharedKind.WEBSITE,
    "address": SharedKind.ADDRESS,
    "addresses": SharedKind.ADDRESS,
    "registration": SharedKind.REGISTRATION,
    "registration_number": SharedKind.REGISTRATION,
    "tax_id": SharedKind.REGISTRATION,
    "lei": SharedKind.REGISTRATION,
    "wallet": SharedKind.WALLET,
    "wallets": SharedKind.WALLET,
    "crypto": SharedKind.WALLET,
    "imo": SharedKind.IMO,
}
_SEPARATORS = re.compile(r"\s*[;|]\s*")  # several values in one cell, as customer files write them


def customer_values(
    attributes: Mapping[str, str], identifiers: Sequence[str], countries: Sequence[str]
) -> list[SharedValue]:
    """Every comparable value of a customer, each (kind, key) once.

    `attributes` are the customer's extra columns (`monitoring.customer.Customer.attributes`, names
    lower case as the file readers give them); a cell may hold several values separated by ';' or '|'.
    `countries` are the customer's (ISO alpha-2, lower case): phones written nationally are read in
    them, and a registration number takes the customer's country as its issuer when the customer has
    exactly one (an LEI never has one). An address's country is what its own text says.
    `identifiers` are of no stated kind: each is read as a wallet when it has a crypto address's form,
    else as an IMO number when written "IMO …" with a valid check digit, else as a registration number.
    (Screening also compares them with every listed identifier, exactly: an identifier equal to a
    listed party's is a screening hit as well as a shared value.)
    """
    countries = [country.lower() for country in countries]  # as the registry keeps them, whoever wrote "RU"
    issuer = countries[0] if len(countries) == 1 else None
    found: list[SharedValue | None] = []
    for column, cell in attributes.items():
        kind = CUSTOMER_COLUMNS.get(column)
        if kind is None:
            continue
        for text in _SEPARATORS.split(cell):
            if not text.strip():
                continue
            if kind is SharedKind.REGISTRATION:
                key = normalize_registration(text, None if column == "lei" else issuer)
                found.append(_make(kind, key, text))
            else:
                found.append(_value(kind, text, countries))
    for text in identifiers:
        found.append(_identifier(text, issuer))
    return _distinct(found)


def _identifier(text: str, issuer: str | None) -> SharedValue | None:
    """An identifier of no stated kind: a wallet by its form, an IMO number written so, else a number."""
    if looks_like_wallet(text):
        return _make(SharedKind.WALLET, normalize_wallet(text), text)
    imo = normalize_imo(text, prefixed=True)
    if imo is not None:
        return _make(SharedKind.IMO, imo, text)
    return _make(SharedKind.REGISTRATION, normalize_registration(text, issuer), text)


# ---- shared helpers ----------------------------------------------------------------------------------

_BY_TEXT: Mapping[SharedKind, Callable[[str], str | None]] = {
    SharedKind.EMAIL: normalize_email,
    SharedKind.WEBSITE: normalize_website,
    SharedKind.ADDRESS: normalize_address,
    SharedKind.REGISTRATION: normalize_registration,
    SharedKind.WALLET: normalize_wallet,
    SharedKind.IMO: normalize_imo,
}


def _value(kind: SharedKind, text: str, regions: Iterable[str]) -> SharedValue | None:
    if kind is SharedKind.PHONE:
        return _make(kind, normalize_phone(text, regions), text)
    return _make(kind, _BY_TEXT[kind](text), text)


def _make(kind: SharedKind, key: str | None, shown: str) -> SharedValue | None:
    return None if key is None else SharedValue(kind, key, shown.strip())


def _distinct(values: Iterable[SharedValue | None]) -> list[SharedValue]:
    """The values found, each (kind, key) once, the first writing kept."""
    kept: dict[tuple[SharedKind, str], SharedValue] = {}
    for value in values:
        if value is not None:
            kept.setdefault((value.kind, value.key), value)
    return list(kept.values())
