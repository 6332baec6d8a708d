"""A small listed world for payment screening: a DPRK bank with its BIC, a listed vessel with its IMO
number, a listed person with a birth date, a listed wallet; built in memory, no database."""

from __future__ import annotations

import pytest

from sanctionwatch.model import DateValue, Entity, Identifier, IdKind, Name, NameKind
from sanctionwatch.payments.message import (
    FreeText,
    MessageFamily,
    PartyIdentifier,
    PartyIdKind,
    PartyKind,
    PartyRole,
    PaymentMessage,
    PaymentParty,
    PostalAddress,
)
from sanctionwatch.payments.screening import ListState, PaymentScreener
from sanctionwatch.screening.screener import Screener


def listed() -> list[Entity]:
    return [
        Entity(
            "ofac-sdn", "100", "Organization",
            names=[Name("KOREA KWANGSON BANKING CORP", NameKind.PRIMARY)],
            countries=["kp"], programs=["DPRK3"],
            identifiers=[Identifier(IdKind.BIC, "KKBCKPPY", label="SWIFT/BIC")],
        ),
        Entity(
            "ofac-sdn", "200", "Vessel",
            names=[Name("CHON MA SAN", NameKind.PRIMARY)], programs=["DPRK2"],
            identifiers=[Identifier(IdKind.IMO, "8660313", label="IMO")],
        ),
        Entity(
            "ofac-sdn", "300", "Person",
            names=[Name("KIM Su Il", NameKind.PRIMARY)], nationalities=["kp"],
            birth_dates=[DateValue("1962-03-04")], programs=["DPRK3"],
        ),
        Entity(
            "ofac-sdn", "400", "Organization",
            names=[Name("LAZARUS GROUP", NameKind.PRIMARY)], programs=["DPRK3"],
            identifiers=[Identifier(IdKind.CRYPTO, "0x098B716B8Aaf21512996dC57EB0615e2383E2f96", label="ETH")],
        ),
        Entity("ofac-sdn", "500", "Person", names=[Name("Ahmad Rahimi Tehrani", NameKind.PRIMARY)]),
        Entity("ofac-sdn", "600", "Vessel", names=[Name("ROAD", NameKind.PRIMARY)]),
        Entity("ofac-sdn", "650", "Organization", names=[Name("ROC", NameKind.PRIMARY)]),
        Entity("ofac-sdn", "700", "Organization", names=[Name("KORYOLINK", NameKind.PRIMARY)]),
        Entity("ofac-sdn", "800", "Organization", names=[Name("SERRA GAS S.L. OFFSHORE", NameKind.PRIMARY)]),
        Entity("ofac-sdn", "900", "Person", names=[Name("MILAD, Abd al-Rahman", NameKind.PRIMARY)]),
        Entity("ofac-sdn", "950", "Person", names=[Name("THABET, Ahmad", NameKind.PRIMARY)]),
        Entity("ofac-sdn", "960", "Person", names=[Name("PAK, Chon Ma", NameKind.PRIMARY)]),
    ]  # fmt: skip


@pytest.fixture(scope="session")
def screener() -> Screener:
    return Screener.from_entities(listed())


@pytest.fixture
def payments(screener: Screener) -> PaymentScreener:
    return PaymentScreener(screener, ListState(("ofac-sdn/1",)))


def party(
    field: str, role: PartyRole = PartyRole.CREDITOR, kind: PartyKind = PartyKind.UNKNOWN, **kw: object
) -> PaymentParty:
    return PaymentParty(field, role, kind, **kw)  # type: ignore[arg-type]


def message(
    *parties: PaymentParty, text: tuple[FreeText, ...] = (), reference: str = "REF1"
) -> PaymentMessage:
    return PaymentMessage(
        source="test", family=MessageFamily.SWIFT_MT, message_type="MT103", reference=reference,
        parties=parties, free_text=text,
    )  # fmt: skip


ORDINARY = (
    party("50K", PartyRole.DEBTOR, name="JOHN SMITH", address=PostalAddress(lines=("1 HIGH STREET", "LONDON"), country="GB")),
    party("59", name="ACME TRADING LIMITED", address=PostalAddress(lines=("RUE DU RHONE 8", "GENEVA"), country="CH")),
    party("57A", PartyRole.CREDITOR_AGENT, PartyKind.FINANCIAL_INSTITUTION,
          identifiers=(PartyIdentifier(PartyIdKind.BIC, "UBSWCHZH80A"),)),
)  # fmt: skip
