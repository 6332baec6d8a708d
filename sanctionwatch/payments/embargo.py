"""Where a payment touches an embargoed country or region: addresses, agents' BICs, accounts' IBANs.

A wire to a company in Pyongyang or a bank in Sevastopol is held whoever the parties are: the embargo is on
the place. The places are read the way they are written in messages: an ISO country code in its own field,
a country or region named in an address line ("DPRK", "Republic of Crimea", "Донецк", resolved by
FollowTheMoney's country vocabulary, which knows names, codes, capitals and many spellings), a city of an
occupied region that vocabulary does not know (refdata/embargo_places.tsv), the country of a BIC (its 5th
and 6th letters) or of an IBAN (its first two). Which embargoes apply is data (refdata/embargoes.tsv).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from sanctionwatch.matching.normalize import ascii_fold
from sanctionwatch.payments.message import PartyIdKind, PaymentParty, PostalAddress
from sanctionwatch.refdata import EMBARGO_PLACES, EMBARGOES
from sanctionwatch.sources.countries import country_code

__all__ = ["Embargo", "EmbargoFinding", "embargoes", "party_embargoes", "prepare_embargoes"]

_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")
_BIC = re.compile(r"[A-Z]{4}([A-Z]{2})[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
_MAX_WORDS = 3  # the longest place name looked up ("krasnyi luch", "republic of crimea")
_MIN_LETTERS = 4  # shorter words alone ("IR", "CU", "Sy") are too often something else in an address line


@dataclass(frozen=True, slots=True)
class Embargo:
    code: str  # "kp", "ua-cri"
    name: str
    authority: str


@dataclass(frozen=True, slots=True)
class EmbargoFinding:
    embargo: Embargo
    evidence: str  # what in the field placed it there: "country KP", "address line 'SIMFEROPOL'", "BIC ..."


@cache
def embargoes() -> dict[str, Embargo]:
    """The embargoes in force for payment screening, by code."""
    return {code: Embargo(code, name, authority) for code, name, authority in EMBARGOES.rows()}


@cache
def _places() -> dict[str, str]:
    return {place: code for place, code in EMBARGO_PLACES.rows()}


def prepare_embargoes() -> None:
    """Load what placing an address takes (the tables and FollowTheMoney's country vocabulary, ~1.3 s),
    so that a service pays it at start rather than on its first payment."""
    embargoes()
    _places()
    country_code("North Korea")


def party_embargoes(party: PaymentParty) -> list[EmbargoFinding]:
    """Every embargo the party is located in, once each, with what located it."""
    found: dict[str, EmbargoFinding] = {}
    for code, evidence in _locations(party):
        embargo = embargoes().get(code)
        if embargo is not None and code not in found:
            found[code] = EmbargoFinding(embargo, evidence)
    return list(found.values())


def _locations(party: PaymentParty) -> Iterator[tuple[str, str]]:
    if party.address is not None:
        yield from _address_locations(party.address)
    for label, value in (
        ("country of residence", party.country_of_residence),
        ("birth place", party.birth_place),
    ):
        if value and (code := country_code(value)):
            yield code, f"{label} {value}"
    for identifier in party.identifiers:
        value = identifier.value.replace(" ", "").upper()
        if identifier.kind is PartyIdKind.BIC and (bic := _BIC.fullmatch(value)):
            yield bic.group(1).lower(), f"BIC {value} (country {bic.group(1)})"
        elif identifier.kind is PartyIdKind.ACCOUNT and _IBAN.fullmatch(value):
            yield value[:2].lower(), f"IBAN {value} (country {value[:2]})"


def _address_locations(address: PostalAddress) -> Iterator[tuple[str, str]]:
    if address.country and (code := country_code(address.country)):
        yield code, f"country {address.country}"
    for label, value in (("region", address.region), ("town", address.town)):
        if value:
            whole = country_code(value)
            if whole:
                yield whole, f"{label} {value!r}"
            for code in _named_places(value):
                yield code, f"{label} {value!r}"
    for line in (*address.lines, *([address.street] if address.street else [])):
        for code in _named_places(line):
            yield code, f"address line {line!r}"


def _named_places(text: str) -> Iterator[str]:
    """Codes of the countries and regions that runs of up to three words of `text` name."""
    words = _WORD.findall(text)
    places = _places()
    for size in range(_MAX_WORDS, 0, -1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            if sum(len(w) for w in words[start : start + size]) < _MIN_LETTERS:
                continue
            lower = phrase.lower()
            code = places.get(lower) or places.get(ascii_fold(lower))
            if code is None and (size > 1 or len(phrase) >= _MIN_LETTERS):
                code = country_code(phrase)
            if code is not None:
                yield code
