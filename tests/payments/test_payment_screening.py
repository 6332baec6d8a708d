"""Screening a message field by field: which field, which kind of hit, and the hold it leads to."""

from __future__ import annotations

from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionwatch.payments.decision import Decision, HitKind
from sanctionwatch.payments.free_text import scan_text
from sanctionwatch.payments.message import (
    FreeText,
    MessageError,
    PartyIdentifier,
    PartyIdKind,
    PartyKind,
    PartyRole,
    PostalAddress,
)
from sanctionwatch.payments.screening import ListState, PaymentScreener, message_digest, unreadable_decision
from sanctionwatch.screening.screener import Screener
from tests.payments.conftest import ORDINARY, listed, message, party


def kinds(decision: object) -> list[tuple[str, str]]:
    return [(h.field, h.kind.value) for h in decision.hits]  # type: ignore[attr-defined]


def test_ordinary_parties_pass_with_every_field_counted(payments: PaymentScreener) -> None:
    decision = payments.screen(
        message(*ORDINARY, text=(FreeText("70", "/INV/ 2024-118 CONSULTING OCTOBER"),))
    )
    assert decision.decision is Decision.PASS, kinds(decision)
    assert decision.hits == [] and decision.reasons == []
    assert decision.fields_screened == 4
    assert decision.list_versions == ["ofac-sdn/1"] and decision.engine_version


def test_a_listed_beneficiary_holds_naming_its_field_and_party(payments: PaymentScreener) -> None:
    beneficiary = party("59", name="KOREA KWANGSON BANKING CORPORATION")
    decision = payments.screen(message(ORDINARY[0], beneficiary))
    assert decision.decision is Decision.HOLD
    hit = next(h for h in decision.hits if h.kind is HitKind.NAME)
    assert (hit.field, hit.role, hit.entity_id) == ("59", "creditor", "ofac-sdn:100")
    assert "KOREA KWANGSON BANKING CORPORATION" in hit.why and "DPRK3" in hit.why
    assert decision.reasons == ["name in 59"]
    assert hit.to_json()["explanation"]  # the screener's explanation travels with the hit


def test_a_listed_bic_decides_alone_and_places_the_agent(payments: PaymentScreener) -> None:
    agent = party("57A", PartyRole.CREDITOR_AGENT, PartyKind.FINANCIAL_INSTITUTION,
                  identifiers=(PartyIdentifier(PartyIdKind.BIC, "KKBCKPPYXXX"),))  # fmt: skip
    decision = payments.screen(message(ORDINARY[0], agent))
    assert ("57A", "embargo") in kinds(decision)
    decision = payments.screen(message(ORDINARY[0], party("57A", PartyRole.CREDITOR_AGENT,
        PartyKind.FINANCIAL_INSTITUTION, identifiers=(PartyIdentifier(PartyIdKind.BIC, "KKBCKPPY"),))))  # fmt: skip
    identifier = next(h for h in decision.hits if h.kind is HitKind.IDENTIFIER)
    assert identifier.entity_id == "ofac-sdn:100" and identifier.value == "KKBCKPPY"


def test_a_person_is_confirmed_by_birth_date(payments: PaymentScreener) -> None:
    def score(birth: str | None) -> float:
        sender = party("50F", PartyRole.DEBTOR, PartyKind.PERSON, name="KIM SU IL", birth_date=birth)
        hits = [h for h in payments.screen(message(sender)).hits if h.kind is HitKind.NAME]
        return hits[0].score or 0.0 if hits else 0.0

    assert score("1962-03-04") > score(None) > score("1990-01-01")


def test_free_text_names_a_listed_vessel_and_its_imo_number(payments: PaymentScreener) -> None:
    text = FreeText("70", "PAYMENT FOR BUNKERS DELIVERED TO MV CHON MA SAN AS PER INV 77")
    decision = payments.screen(message(*ORDINARY, text=(text,)))
    hit = next(h for h in decision.hits if h.kind is HitKind.TEXT_NAME)
    assert (hit.field, hit.entity_id) == ("70", "ofac-sdn:200") and hit.value == "chon ma san"
    imo = payments.screen(message(*ORDINARY, text=(FreeText("72", "/REC/ FREIGHT IMO 8660313"),)))
    assert [(h.field, h.kind, h.entity_id) for h in imo.hits] == [
        ("72", HitKind.TEXT_IDENTIFIER, "ofac-sdn:200")
    ]


def test_a_listed_wallet_in_remittance_text_holds(payments: PaymentScreener) -> None:
    text = FreeText("RmtInf/Ustrd[1]", "settlement to 0x098B716B8Aaf21512996dC57EB0615e2383E2f96 thanks")
    decision = payments.screen(message(*ORDINARY, text=(text,)))
    assert [(h.kind, h.entity_id) for h in decision.hits] == [(HitKind.TEXT_IDENTIFIER, "ofac-sdn:400")]


def test_a_word_shared_with_a_listed_name_is_not_a_hit_in_free_text(screener: Screener) -> None:
    """'KOREA' or 'BANKING' alone in prose name no listed party; the whole name does. SWIFT's codes
    (/ROC/, /INV/) are labels, and a short everyday word is a listed vessel only after a vessel marker."""
    assert scan_text(screener, "BANKING FEES FOR KOREA OFFICE") == []
    assert scan_text(screener, "/ROC/ROAD WORKS /INV/ 2231") == []
    assert [f.hit.entity_id for f in scan_text(screener, "FREIGHT MV ROAD JUNE")] == ["ofac-sdn:600"]
    assert [f.hit.entity_id for f in scan_text(screener, "FEES KORYOLINK 2024")] == ["ofac-sdn:700"]
    found = scan_text(screener, "re: loan from korea kwangson banking corp")
    assert [f.hit.entity_id for f in found] == ["ofac-sdn:100"]


def test_an_embargoed_address_holds_with_its_own_kind(payments: PaymentScreener) -> None:
    crimea = party(
        "59F", name="OOO MORSKOI PORT", address=PostalAddress(lines=("UL LENINA 1",), town="SIMFEROPOL")
    )
    decision = payments.screen(message(ORDINARY[0], crimea))
    hit = next(h for h in decision.hits if h.kind is HitKind.EMBARGO)
    assert (hit.field, hit.code) == ("59F", "ua-cri") and "SIMFEROPOL" in hit.why
    assert decision.decision is Decision.HOLD and decision.reasons == ["embargo in 59F"]


def test_stale_lists_hold_every_message_with_the_reason(screener: Screener) -> None:
    stale = PaymentScreener(screener, ListState(("ofac-sdn/1",), ("ofac-sdn is stale: 40 d old",)))
    decision = stale.screen(message(*ORDINARY))
    assert decision.decision is Decision.HOLD
    assert [(h.field, h.kind) for h in decision.hits] == [("lists", HitKind.STALE_LISTS)]
    assert decision.reasons == ["stale_lists in lists"]


def test_a_bad_country_is_noted_and_the_name_still_screened(payments: PaymentScreener) -> None:
    odd = party("59", name="KOREA KWANGSON BANKING CORP", address=PostalAddress(country="Atlantis"))
    decision = payments.screen(message(odd))
    assert any(h.kind is HitKind.NAME for h in decision.hits)
    assert any("screened by name alone" in n for n in decision.notes)


def test_an_unreadable_message_is_held_never_passed(payments: PaymentScreener) -> None:
    error = MessageError("block 4 is not closed", source="wire.fin#2", field="block 4")
    decision = unreadable_decision(error, payments.lists, "0" * 64)
    assert decision.decision is Decision.HOLD
    assert [(h.field, h.kind) for h in decision.hits] == [("block 4", HitKind.UNREADABLE)]
    assert str(error) == "wire.fin#2, field block 4: block 4 is not closed"


def test_the_digest_is_what_the_message_says_not_where_it_was_read() -> None:
    a, b = message(*ORDINARY), message(*ORDINARY)
    assert message_digest(a) == message_digest(b)
    assert message_digest(a) != message_digest(message(*ORDINARY, reference="REF2"))


@cache
def _screener() -> Screener:
    return Screener.from_entities(listed())


@settings(max_examples=150)
@given(st.text(max_size=300))
def test_scanning_any_text_never_fails(text: str) -> None:
    found = scan_text(_screener(), text)
    assert all(0.0 <= f.hit.score <= 1.0 for f in found)


def test_names_in_other_scripts_are_screened_as_the_lists_write_them(payments: PaymentScreener) -> None:
    """No sample message carries a non-Latin name; wires to and from Korea and Russia do."""
    for name, expected in (
        ("김수일", "ofac-sdn:300"),
        ("КИМ СУ ИЛ", "ofac-sdn:300"),
        ("조선광선은행", "ofac-sdn:100"),
    ):
        decision = payments.screen(message(party("59", name=name)))
        assert expected in {h.entity_id for h in decision.hits}, name


def test_chinese_and_korean_text_is_read_run_by_run_not_syllable_by_syllable(screener: Screener) -> None:
    """'吉林有限公司' is a company's name, not the syllables 'ji lin you xian gong si' that spell
    listed persons' names; a Hangul run naming a listed bank is found whole."""
    assert scan_text(screener, "吉林有限公司 货款 2024") == []
    assert [f.window for f in scan_text(screener, "대금 조선광선은행 송금")] == ["조선광선은행"]


def test_a_name_in_text_is_read_across_its_particles_and_legal_forms(screener: Screener) -> None:
    """'al', 'S.L.': words that never decide a name do not cut it in two."""
    found = scan_text(screener, "PAYMENT FOR CARGO ON BEHALF OF SERRA GAS S.L. OFFSHORE ORDER 4471")
    assert [f.hit.entity_id for f in found] == ["ofac-sdn:800"]
    found = scan_text(screener, "CONSULTING FEES JUNE 2024 ABD AL RAHMAN MILAD")
    assert [f.hit.entity_id for f in found] == ["ofac-sdn:900"]


def test_initials_before_a_name_in_text_are_read_with_it(screener: Screener) -> None:
    found = scan_text(screener, "SALARY JUNE A. THABET 2024")
    assert [(f.hit.entity_id, f.window) for f in found] == [("ofac-sdn:950", "a thabet")]


def test_a_shorter_name_inside_a_longer_one_named_in_text_is_no_second_hit(screener: Screener) -> None:
    """'CHON MA' would resemble a person's name; the text names the vessel CHON MA SAN, once."""
    found = scan_text(screener, "BUNKERS FOR CHON MA SAN JUNE")
    assert [f.hit.entity_id for f in found] == ["ofac-sdn:200"]
