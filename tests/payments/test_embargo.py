"""Where a payment touches an embargoed place: each way a message writes a place."""

from __future__ import annotations

from typing import Any

import pytest

from sanctionwatch.payments.embargo import embargoes, party_embargoes
from sanctionwatch.payments.message import PartyIdentifier, PartyIdKind, PostalAddress
from tests.payments.conftest import party


def codes(**kw: Any) -> list[str]:
    return [f.embargo.code for f in party_embargoes(party("59", **kw))]


@pytest.mark.parametrize(
    ("address", "code"),
    [
        (PostalAddress(country="KP"), "kp"),
        (PostalAddress(country="IR", town="TEHRAN"), "ir"),
        (PostalAddress(lines=("12 Lenina St", "Simferopol")), "ua-cri"),
        (PostalAddress(lines=("ул. Артема 1, Донецк",)), "ua-dpr"),
        (PostalAddress(lines=("Алчевськ",)), "ua-lpr"),
        (PostalAddress(town="Makeevka"), "ua-dpr"),
        (PostalAddress(region="Republic of Crimea", country="RU"), "ua-cri"),
        (PostalAddress(lines=("MAIN STREET 1", "HAVANA")), "cu"),
        (PostalAddress(lines=("PYONGYANG",)), "kp"),
        (PostalAddress(lines=("DAMASCUS", "SYRIA")), "sy"),
    ],
)
def test_a_place_in_an_embargo_is_found_however_written(address: PostalAddress, code: str) -> None:
    assert codes(address=address) == [code]


@pytest.mark.parametrize(
    "address",
    [
        PostalAddress(lines=("1 HIGH STREET", "LONDON EC2"), country="GB"),
        PostalAddress(lines=("Irvine Road 4", "Syracuse NY"), country="US"),  # 'Ir', 'Sy': words, not codes
        PostalAddress(lines=("Kyiv", "Khreshchatyk 1"), country="UA"),
        PostalAddress(
            lines=("IR 12 BUILDING",)
        ),  # a two-letter code inside a line is too often something else
    ],
)
def test_ordinary_places_are_not_embargoed(address: PostalAddress) -> None:
    assert codes(address=address) == []


def test_the_country_of_a_bic_and_of_an_iban() -> None:
    bic = (PartyIdentifier(PartyIdKind.BIC, "BMJIIRTHXXX"),)
    iban = (PartyIdentifier(PartyIdKind.ACCOUNT, "IR580540105180021273113007"),)
    account = (PartyIdentifier(PartyIdKind.ACCOUNT, "12345678"),)  # not an IBAN: no country
    assert codes(identifiers=bic) == ["ir"] and codes(identifiers=iban) == ["ir"]
    assert codes(identifiers=account) == []
    [finding] = party_embargoes(party("57A", identifiers=bic))
    assert finding.evidence == "BIC BMJIIRTHXXX (country IR)"


def test_one_finding_per_embargo_and_every_embargo_has_an_authority() -> None:
    both = codes(address=PostalAddress(country="KP", lines=("PYONGYANG",)))
    assert both == ["kp"]
    assert set(embargoes()) == {"kp", "ir", "sy", "cu", "ua-cri", "ua-dpr", "ua-lpr"}
    assert all(e.authority for e in embargoes().values())
