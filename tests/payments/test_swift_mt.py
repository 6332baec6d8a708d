"""The SWIFT MT reader: the real public samples, hand-written edge cases, and arbitrary input.

Every real sample under ../shared/data/payments/mt either reads (its type, headers and parties checked
against what the file says) or, named NEGATIVE, is refused with a MessageError naming the field. The
fixtures under tests/fixtures/payments/mt and the messages built here cover what the samples do not:
unclosed blocks, unknown options, unsupported types, non-Latin-origin names, structured 50F lines. The
property tests hold the parser to its promise: any bytes either read or raise MessageError.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.payments.message import (
    MessageError,
    MessageFamily,
    PartyIdentifier,
    PartyIdKind,
    PartyKind,
    PartyRole,
    PaymentMessage,
    PaymentParty,
)
from sanctionwatch.payments.swift_mt import looks_like_swift_mt, parse_swift_mt
from tests.conftest import _shared_data_dir

MT_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "payments" / "mt"


def _sample_names() -> list[str]:
    """The sample files, relative to payments/mt, listed at collection (a placeholder when absent, so that
    the test asks for `shared_data` and fails in CI, skips elsewhere)."""
    folder = _shared_data_dir() / "payments" / "mt"
    names = (
        sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
        if folder.is_dir()
        else []
    )
    return names or ["(no samples found)"]


def _sample(shared_data: Path, name: str) -> Path:
    path = shared_data / "payments" / "mt" / name
    assert path.is_file(), f"MT sample missing: {path}"
    return path


def _read(shared_data: Path, name: str) -> list[PaymentMessage]:
    path = _sample(shared_data, name)
    return parse_swift_mt(path.read_bytes(), path.name)


def _party(message: PaymentMessage, field: str) -> PaymentParty:
    found = [p for p in message.parties if p.field == field]
    assert len(found) == 1, f"{field}: {[p.field for p in message.parties]}"
    return found[0]


def _agents(message: PaymentMessage) -> list[tuple[str, PartyRole, list[str]]]:
    """The header agents: (the block they were read from, role, BIC)."""
    return [(p.field, p.role, p.bics()) for p in message.parties if p.field.startswith("block")]


def _text(message: PaymentMessage, field: str) -> str:
    [found] = [t.text for t in message.free_text if t.field == field]
    return found


def _mt(
    text: str, *, header: str = "{1:F01BANKDEFFAXXX0000000000}{2:I103BANKGB2LXXXXN}", block3: str = ""
) -> bytes:
    """A message from its block 4 fields (lines joined by CRLF) and headers."""
    body = "\r\n".join(text.strip("\n").split("\n"))
    return f"{header}{block3}{{4:\r\n{body}\r\n-}}".encode()


MT103_FIELDS = """:20:REF-1
:23B:CRED
:32A:240115EUR1000,
:50K:/DE12345678
HANS MUSTER
:59:/GB123
JOHN SMITH
:71A:SHA"""


# --- every real sample -------------------------------------------------------------------------------


@pytest.mark.realdata
@pytest.mark.parametrize("name", _sample_names())
def test_every_real_sample_reads_or_is_refused_as_its_name_says(shared_data: Path, name: str) -> None:
    path = _sample(shared_data, name)
    if "NEGATIVE" in path.name:
        with pytest.raises(MessageError) as refused:
            parse_swift_mt(path.read_bytes(), path.name)
        assert refused.value.source.startswith(path.name) and refused.value.field and refused.value.reason
        return
    messages = parse_swift_mt(path.read_bytes(), path.name)
    assert messages
    written_type = re.search(r"mt(\d{3})", path.name, re.IGNORECASE)
    assert written_type is not None
    for position, message in enumerate(messages, start=1):
        assert message.source == f"{path.name}#{position}"
        assert message.family is MessageFamily.SWIFT_MT
        assert message.message_type.startswith(f"MT{written_type.group(1)}")
        assert message.reference and message.currency and message.amount and message.value_date
        roles = {p.role for p in message.parties}
        assert {PartyRole.INSTRUCTING_AGENT, PartyRole.INSTRUCTED_AGENT, PartyRole.CREDITOR} <= roles
        assert all(p.name or p.identifiers for p in message.parties)
    # every party field and every free-text field written in the file is read, none dropped
    text = path.read_text(encoding="utf-8")
    read_parties = [p for m in messages for p in m.parties if re.fullmatch(r"(?:.*/)?5\d[A-Z]?", p.field)]
    assert len(read_parties) == len(re.findall(r"^:5\d[A-Z]?:", text, re.MULTILINE))
    read_texts = [t for m in messages for t in m.free_text]
    assert len(read_texts) == len(re.findall(r"^:(?:70|72|77B|77T|26T):", text, re.MULTILINE))


@pytest.mark.realdata
def test_mt202cov_reads_sequence_b_as_the_underlying_customer_payment(shared_data: Path) -> None:
    [message] = _read(shared_data, "ballerina_cbpr_scenarios/c_29_2_2_08_MT202COV.fin")
    assert message.message_type == "MT202COV"
    assert message.uetr == "174c245f-2682-4291-ad67-2a41e530cd27"
    assert (message.value_date, message.currency, message.amount) == ("2022-10-20", "RON", "26546464.00")
    # an output message: block 2 names the sender, block 1 the receiver
    assert _agents(message) == [
        ("block 2", PartyRole.INSTRUCTING_AGENT, ["MYMBGB2LXXX"]),
        ("block 1", PartyRole.INSTRUCTED_AGENT, ["INGBROBUXXX"]),
    ]
    beneficiary_bank = _party(message, "58A")
    assert (beneficiary_bank.role, beneficiary_bank.kind) == (
        PartyRole.CREDITOR,
        PartyKind.FINANCIAL_INSTITUTION,
    )
    assert beneficiary_bank.bics() == ["GEBABEBBXXX"]
    assert _party(message, "57A").bics() == ["RZBRROBUXXX"]
    debtor = _party(message, "B/50F")
    assert (debtor.role, debtor.name) == (PartyRole.DEBTOR, "Debtor Co")
    assert debtor.address is not None
    assert (debtor.address.lines, debtor.address.town, debtor.address.country) == (
        ("High Street",),
        "Epping",
        "GB",
    )
    assert debtor.identifiers == (PartyIdentifier(PartyIdKind.ACCOUNT, "25698745"),)
    creditor = _party(message, "B/59F")
    assert (creditor.role, creditor.name) == (PartyRole.CREDITOR, "Ardent Finance")
    assert creditor.address is not None and (creditor.address.town, creditor.address.country) == (
        "Bucharest",
        "RO",
    )
    assert _party(message, "B/57A").bics() == ["GEBABEBBXXX"]
    assert _party(message, "B/52A").role is PartyRole.DEBTOR_AGENT
    assert _text(message, "72") == "/INS/INGBROBUXXX"


@pytest.mark.realdata
def test_the_handbook_mt202cov_names_its_customers_in_sequence_b(shared_data: Path) -> None:
    [message] = _read(shared_data, "swift_uhb_style_examples/testMt202CovToIso20022Xml.fin")
    assert message.message_type == "MT202COV"
    assert _party(message, "56A").role is PartyRole.INTERMEDIARY_AGENT
    assert _party(message, "B/50F").name == "MR. BIG"
    assert _party(message, "B/59F").name == "MR. SMALL"
    assert _text(message, "B/70") == "/INV/1234"
    assert message.amount == "10500.00"
    # a block 1 without terminal and branch reads as the BIC8
    assert _party(message, "block 1").bics() == ["AAAABEBB"]


@pytest.mark.realdata
def test_a_50f_with_a_passport_is_a_person_with_the_passport_and_its_country(shared_data: Path) -> None:
    [message] = _read(shared_data, "prowide_core/inline_57_MT103_AbstractMtJsonTest.fin")
    assert message.message_type == "MT103STP"
    assert message.uetr == "1420a5f5-a452-436b-ab36-b2d3379c40e5"
    debtor = _party(message, "50F")
    assert (debtor.name, debtor.kind) == ("SOROKIN PAVEL NIKOLAEVICH", PartyKind.PERSON)
    assert debtor.identifiers == (
        PartyIdentifier(PartyIdKind.NATIONAL_ID, "03 01 767874 DD 08.08.2002", "CCPT", "RU"),
    )
    assert debtor.address is not None
    assert (debtor.address.lines, debtor.address.town, debtor.address.country) == (
        ("SAYAT-NOVA 42",),
        "SOCHI",
        "RU",
    )
    assert _party(message, "59").name == "GRUPPO MANGANO SRL"
    assert _party(message, "59").identifiers[0].value == "IT90W0869254370016000540148"


@pytest.mark.realdata
def test_a_cbpr_mt103_with_structured_parties(shared_data: Path) -> None:
    [message] = _read(shared_data, "ballerina_cbpr_scenarios/c_53_5_20_MT103.fin")
    debtor = _party(message, "50F")
    assert (debtor.name, debtor.kind) == ("Australian Submarine", PartyKind.UNKNOWN)
    assert debtor.address is not None and (debtor.address.town, debtor.address.country) == ("Adelaide", "AU")
    assert _party(message, "59F").name == "Agoda Company"
    assert _party(message, "56A").bics() == ["DBSSSGSG"]
    assert _agents(message) == [
        ("block 2", PartyRole.INSTRUCTING_AGENT, ["WPACAU2SXXX"]),
        ("block 1", PartyRole.INSTRUCTED_AGENT, ["DBSSSGSGXXX"]),
    ]
    assert _text(message, "70") == "/ROC/E2E04044506271305"


@pytest.mark.realdata
def test_an_input_mt103_with_name_and_address_lines(shared_data: Path) -> None:
    [message] = _read(shared_data, "ballerina_cbpr_scenarios/custom_35_MT103.fin")
    assert _agents(message) == [
        ("block 1", PartyRole.INSTRUCTING_AGENT, ["ABCDLKL0XXX"]),
        ("block 2", PartyRole.INSTRUCTED_AGENT, ["HANYUS33XXX"]),
    ]
    debtor = _party(message, "50K")
    assert debtor.name == "RASA ENGINEERING SERVICES (PVT) L"
    assert debtor.address is not None
    assert debtor.address.lines == ("NO 852-60", "SHARUK PURA", "SRI LANKA")
    assert debtor.address.country is None  # a country's name is not guessed into a code
    assert _party(message, "52A").identifiers == (
        PartyIdentifier(PartyIdKind.ACCOUNT, "NAGODA BRANCH"),
        PartyIdentifier(PartyIdKind.BIC, "ABCDLKLXXXX"),
    )
    assert _party(message, "59").name == "KATAYAMA CHAIN THAILAND"
    assert _text(message, "72") == "/SVCLVL/SDVAa\n/LOCINS/0090"
    assert _text(message, "70") == "IMPORT OF ROLLER CHAINS\nINV NIO : SO2508107SRI\nINV DATE : 26.08.2025"
    assert (message.amount, message.currency, message.value_date) == ("7138.40", "USD", "2025-08-27")


@pytest.mark.realdata
def test_the_rje_batch_with_acks_gives_its_three_payments_with_the_acks_noted(shared_data: Path) -> None:
    messages = _read(shared_data, "prowide_core/MT103-bulk-with-ack.rje")
    assert [(m.source, m.message_type, m.reference) for m in messages] == [
        ("MT103-bulk-with-ack.rje#1", "MT103", "234234233"),
        ("MT103-bulk-with-ack.rje#2", "MT103STP", "C4772342333"),
        ("MT103-bulk-with-ack.rje#3", "MT103", "201904250034434"),
    ]
    for message in messages:
        assert any(n.startswith("ACK skipped") and "{451:0}" in n for n in message.notes)
        assert any("433" in n and "/AOK/" in n for n in message.notes)  # SWIFT's own screening, only noted
    assert messages[1].amount == "1321.00"
    assert messages[2].amount == "1417.80"
    assert _text(messages[0], "72") == "/INS/DEUTSCHE BANK TRUST CO.\n//AMERICAS NEW YORK, NY 10015"
    assert _party(messages[1], "72").bics() == ["CCCCNGLAXXX"]  # /INS/ with a BIC: screened as a BIC


@pytest.mark.realdata
def test_the_rje_file_separated_by_dollars_gives_thirteen_payments(shared_data: Path) -> None:
    messages = _read(shared_data, "prowide_core/MT103-out-ack.rje")
    assert len(messages) == 13
    assert [m.reference for m in messages][:3] == ["22342343", "INGDESMM", "INGDESMM"]
    # the anonymised export has a lone '{' after the 11th message: kept as a note, nothing dropped
    assert any("lone '{'" in n for n in messages[10].notes)
    assert not any("lone" in n for m in messages if m is not messages[10] for n in m.notes)
    receivers_correspondent = _party(messages[9], "54A")
    assert receivers_correspondent.identifiers == (
        PartyIdentifier(PartyIdKind.CLEARING, "RT"),
        PartyIdentifier(PartyIdKind.BIC, "BICFOOYY"),
    )
    assert _party(messages[0], "52D").name == "NORTH FOO BANK"


@pytest.mark.realdata
def test_mt101_transactions_are_numbered_and_summed(shared_data: Path) -> None:
    [message] = _read(shared_data, "swift_uhb_style_examples/testMt101ToIso20022Xml.fin")
    assert message.message_type == "MT101"
    assert (message.value_date, message.currency, message.amount) == ("2009-03-27", "USD", "91800.00")
    assert any("sum" in n for n in message.notes)
    assert _party(message, "B[1]/59F").name == "SOFTEASE PC GRAPHICS"
    assert _party(message, "B[1]/57C").identifiers == (PartyIdentifier(PartyIdKind.CLEARING, "CP9999"),)
    assert _party(message, "B[3]/52A").bics() == ["CHXXUS33BBB"]
    assert [p.field for p in message.parties if p.role is PartyRole.DEBTOR] == [
        "B[1]/50F",
        "B[2]/50F",
        "B[3]/50F",
    ]
    assert _text(message, "B[1]/77B").startswith("/BENEFRES/US")


@pytest.mark.realdata
def test_mt102_reads_each_transaction_and_the_settlement_sequence(shared_data: Path) -> None:
    [message] = _read(shared_data, "swift_uhb_style_examples/testMt102StpToIso20022Xml.fin")
    assert message.message_type == "MT102STP"
    assert message.uetr == "4ea37e81-98ec-4014-b7a4-1ff4611b3fca"
    assert (message.value_date, message.currency, message.amount) == ("2009-08-28", "EUR", "3135.00")
    assert _party(message, "50K").name == "CONSORTIA PENSION SCHEME"
    assert _party(message, "B[1]/59").name == "JOHANN WILLEMS"
    assert _party(message, "B[2]/59").name == "JOAN MILLS"
    assert _text(message, "B[2]/70") == "PENSION PAYMENT SEPTEMBER 2003"


@pytest.mark.realdata
def test_the_handbook_mt103_reads_every_party_option(shared_data: Path) -> None:
    [message] = _read(shared_data, "swift_uhb_style_examples/testMt103ToIso20022Xml.fin")
    debtor = _party(message, "50K")
    assert debtor.address is not None and debtor.address.country == "US"  # from "US/NEW YORK"
    assert _party(message, "51A").role is PartyRole.INSTRUCTING_AGENT
    assert _party(message, "53B").name == "NEW YORK BRANCH"
    assert _party(message, "54D").name == "FINANZBANK AG"
    assert _party(message, "55D").role is PartyRole.THIRD_REIMBURSEMENT
    assert _party(message, "56C").identifiers == (PartyIdentifier(PartyIdKind.ACCOUNT, "9876543210"),)
    assert _party(message, "57D").name == "CITIBANK N.A."
    beneficiary = _party(message, "59F")
    assert beneficiary.name == "DEPT OF PROMOTION OF SPICY FISH CENTER FOR INTERNATIONALISATION"
    assert beneficiary.address is not None and (beneficiary.address.country, beneficiary.address.town) == (
        "CN",
        None,
    )
    assert _text(message, "26T") == "K90"
    assert _text(message, "77B") == "/ORDERRES/BE//MEILAAN 1, 9000 GENT"
    assert _party(message, "72").bics() == ["ABNANL2A"]


@pytest.mark.realdata
def test_remit_keeps_77t_and_the_negative_sample_names_the_flag(shared_data: Path) -> None:
    [remit] = _read(shared_data, "swift_uhb_style_examples/testMt103RemitToIso20022Xml.fin")
    assert remit.message_type == "MT103REMIT"
    assert _text(remit, "77T").startswith("/NARR/UNH+123A5")
    assert _party(remit, "50F").name == "FRANZ HOLZAPFEL GMBH"
    with pytest.raises(MessageError, match="COV does not apply to an MT103") as refused:
        _read(shared_data, "prowide_core/inline_43_NEGATIVE_MT103_with_119COV_SwiftMessageTest.fin")
    assert refused.value.field == "119"


# --- hand-written fixtures ---------------------------------------------------------------------------


def _fixture(name: str) -> bytes:
    return (MT_FIXTURES / name).read_bytes()


def test_an_unclosed_block_is_refused_naming_the_block() -> None:
    with pytest.raises(MessageError, match="block 4 is not closed") as refused:
        parse_swift_mt(_fixture("unclosed_block4.fin"), "unclosed_block4.fin")
    assert (refused.value.source, refused.value.field) == ("unclosed_block4.fin#1", "block 4")


def test_an_option_the_tag_does_not_have_is_refused_naming_the_field() -> None:
    with pytest.raises(MessageError, match="option D") as refused:
        parse_swift_mt(_fixture("unknown_option_59D.fin"), "opt.fin")
    assert refused.value.field == "59D"


def test_mt199_is_unsupported_never_passed() -> None:
    with pytest.raises(MessageError, match="unsupported message type MT199"):
        parse_swift_mt(_fixture("mt199_free_format.fin"), "mt199.fin")


def test_a_romanized_korean_name_with_a_pyongyang_address() -> None:
    [message] = parse_swift_mt(_fixture("mt103_59_korean_pyongyang.fin"), "kp.fin")
    beneficiary = _party(message, "59")
    assert (beneficiary.name, beneficiary.role, beneficiary.kind) == (
        "RI CHOL SONG",
        PartyRole.CREDITOR,
        PartyKind.UNKNOWN,
    )
    assert beneficiary.address is not None
    assert beneficiary.address.lines == ("SOSONG STREET 12", "KP/PYONGYANG")
    assert beneficiary.address.country == "KP"
    assert "KP/PYONGYANG" in beneficiary.address.text()
    assert _party(message, "50K").address.country == "CN"  # type: ignore[union-attr]
    assert message.amount == "25000.50"


def test_a_vessel_and_its_imo_number_in_field_70_are_kept_as_text() -> None:
    [message] = parse_swift_mt(_fixture("mt103_70_vessel_imo.fin"), "vessel.fin")
    assert message.message_type == "MT103STP"
    remittance = _text(message, "70")
    assert remittance == "BUNKER DELIVERY VESSEL OCEAN GRACE\nIMO 9123456 PORT FUJAIRAH"
    assert _party(message, "59").address.country == "AE"  # type: ignore[union-attr]


# --- built messages: structure -------------------------------------------------------------------------


def test_crlf_and_lf_read_the_same() -> None:
    crlf = _fixture("mt103_59_korean_pyongyang.fin")
    assert b"\r\n" in crlf
    assert parse_swift_mt(crlf, "f") == parse_swift_mt(crlf.replace(b"\r\n", b"\n"), "f")


def test_messages_written_back_to_back_or_with_dollars_are_numbered_in_order() -> None:
    one, two = _mt(MT103_FIELDS), _mt(MT103_FIELDS.replace("REF-1", "REF-2"))
    for data in (one + two, one + b"\r\n$" + two, b"\xef\xbb\xbf" + one + b"\n$\n" + two + b"\n$\n"):
        messages = parse_swift_mt(data, "batch.fin")
        assert [(m.source, m.reference) for m in messages] == [
            ("batch.fin#1", "REF-1"),
            ("batch.fin#2", "REF-2"),
        ]


def test_a_nak_is_noted_on_the_message_it_precedes_and_a_trailing_ack_on_the_last() -> None:
    nak = b"{1:F21BANKDEFFAXXX0000000000}{4:{177:2401151200}{451:1}{405:H50}}"
    ack = b"{1:F21BANKDEFFAXXX0000000001}{4:{177:2401151201}{451:0}}"
    [message] = parse_swift_mt(nak + _mt(MT103_FIELDS) + ack, "f")
    assert message.notes[0].startswith("NAK skipped") and "{405:H50}" in message.notes[0]
    assert message.notes[-1].startswith("after this message: ACK skipped")


def test_a_file_of_service_messages_only_is_refused() -> None:
    with pytest.raises(MessageError, match="only service messages"):
        parse_swift_mt(b"{1:F21BANKDEFFAXXX0000000000}{4:{177:2401151200}{451:0}}", "acks.fin")


def test_a_service_message_with_a_text_block_is_not_skipped_unread() -> None:
    disguised = _mt(MT103_FIELDS, header="{1:F21BANKDEFFAXXX0000000000}")
    with pytest.raises(MessageError, match="service message"):
        parse_swift_mt(disguised, "f")


@pytest.mark.parametrize(
    ("data", "field", "reason"),
    [
        (b"", None, "no payment message"),
        (b"  \r\n ", None, "no payment message"),
        (b"\xff\xfe{1:", None, "not UTF-8"),
        (b"{1:F01BANKDEFFAXXX0000000000}{2:I103BANKGB2LXXXXN}\x01", None, "control character"),
        (b"hello {1:F01BANKDEFFAXXX0000000000}", None, "text outside any block"),
        (b"{1:F01BANKDEFFAXXX0000000000}{2:I103BANKGB2LXXXXN}", "block 4", "no block 4"),
        (b"{1:F01BANKDEFFAXXX0000000000{2:I103BANKGB2LXXXXN}", "block 1", "block 1 is not closed"),
        (b"{1:F01BANKDEFFAXXX0000000000}{2:I103BANKGB2LXXXXN}{3:{121:abc}", "block 3", "not closed"),
        (b"{1:F01BANKDEFFAXXX0000000000}{7:X}", None, "unknown block {7:"),
        (b"{2:I103BANKGB2LXXXXN}", None, "before any block 1"),
        (b"{1:F01BANKDEFFAXXX0000000000}{4:\r\n:20:X\r\n-}{2:I103BANKGB2LXXXXN}", None, "out of order"),
        (b"{1:F01BANKDEFFAXXX0000000000}{4:\r\n:20:X\r\n-}", "block 2", "no block 2"),
        (b"{1:F01BANKDEFFAXXX0000000000}{2:I103BANKGB2LXXXXN}{4:\r\n:20:X\r\n}", "block 4", "'-}'"),
        (b"{1:XYZ}{2:I103BANKGB2LXXXXN}{4:\r\n:20:X\r\n-}", "block 1", "basic header"),
        (b"{1:F01BANKDEFFAXXX0000000000}{2:X103}{4:\r\n:20:X\r\n-}", "block 2", "application header"),
        (b"{1:F011234DEFFAXXX0000000000}{2:I103BANKGB2LXXXXN}{4:\r\n:20:X\r\n-}", "block 1", "BIC"),
    ],
)
def test_structural_faults_are_refused_with_the_block_named(
    data: bytes, field: str | None, reason: str
) -> None:
    with pytest.raises(MessageError) as refused:
        parse_swift_mt(data, "bad.fin")
    assert reason in refused.value.reason
    assert refused.value.field == field
    assert refused.value.source.startswith("bad.fin")


@pytest.mark.parametrize(
    ("fields", "block3", "field", "reason"),
    [
        (MT103_FIELDS.replace(":20:REF-1\n", ""), "", "20", "mandatory field 20 missing"),
        (MT103_FIELDS + "\n:20:AGAIN", "", "20", "more than once"),
        (MT103_FIELDS.replace(":59:/GB123\nJOHN SMITH\n", ""), "", "59a", "mandatory field 59a"),
        (MT103_FIELDS.replace("240115EUR", "241332EUR"), "", "32A", "not a date"),
        (MT103_FIELDS.replace("EUR1000,", "EUR1000.00"), "", "32A", "currency and amount"),
        (MT103_FIELDS + "\n:57A:BANK12XX", "", "57A", "not a BIC"),
        (MT103_FIELDS + "\n:99Z:SOMETHING", "", "99Z", "not part of an MT103"),
        (MT103_FIELDS + "\n:5x:LOWER", "", "block 4", "malformed field tag"),
        ("GARBAGE\n" + MT103_FIELDS, "", "block 4", "text before the first field"),
        (MT103_FIELDS, "{3:{121:not-a-uuid}}", "121", "not a UETR"),
        (MT103_FIELDS, "{3:{119:COV}}", "119", "COV does not apply"),
        (MT103_FIELDS, "{3:{119:STP}{119:STP}}", "119", "twice"),
        (MT103_FIELDS + "\n:70:", "", "70", "empty"),
        (MT103_FIELDS.replace(":50K:/DE12345678\nHANS MUSTER", ":50K:/DE12345678"), "", "50K", "no name"),
    ],
)
def test_field_faults_are_refused_with_the_field_named(
    fields: str, block3: str, field: str, reason: str
) -> None:
    with pytest.raises(MessageError) as refused:
        parse_swift_mt(_mt(fields, block3=block3), "wire.fin")
    assert (refused.value.source, refused.value.field) == ("wire.fin#1", field)
    assert reason in refused.value.reason


def test_an_input_message_is_sent_by_block_1_an_output_message_by_block_2() -> None:
    sent = parse_swift_mt(_mt(MT103_FIELDS, header="{1:F01SENDDEFFAXXX0000000000}{2:I103RECVGB2LXXXXN}"), "i")
    assert _agents(sent[0]) == [
        ("block 1", PartyRole.INSTRUCTING_AGENT, ["SENDDEFFXXX"]),
        ("block 2", PartyRole.INSTRUCTED_AGENT, ["RECVGB2LXXX"]),
    ]
    output = "{1:F01RECVGB2LAXXX0000000000}{2:O1031200240115SENDDEFFAXXX12345678902401151200N}"
    received = parse_swift_mt(_mt(MT103_FIELDS, header=output), "o")
    assert _agents(received[0]) == [
        ("block 2", PartyRole.INSTRUCTING_AGENT, ["SENDDEFFXXX"]),
        ("block 1", PartyRole.INSTRUCTED_AGENT, ["RECVGB2LXXX"]),
    ]


# --- built messages: MT202COV sequences -----------------------------------------------------------------

COV = """:20:COVREF
:21:RELREF
:32A:240115USD5000,
:58A:BANKUS33
:50K:/111
ORDERING CUSTOMER
:59:/222
BENEFICIARY CUSTOMER
:72:/INS/BANKGB2L"""
COV_HEADER = "{1:F01BANKDEFFAXXX0000000000}{2:I202BANKGB2LXXXXN}"


def test_cover_sequence_b_fields_are_prefixed_and_sequence_a_72_is_not() -> None:
    fields = COV.replace(":72:/INS/BANKGB2L", "") + "\n:72:/ACC/SEQ B TEXT"
    fields = fields.replace(":58A:BANKUS33", ":58A:BANKUS33\n:72:/BNF/SEQ A TEXT")
    [message] = parse_swift_mt(_mt(fields, header=COV_HEADER, block3="{3:{119:COV}}"), "cov")
    assert _text(message, "72") == "/BNF/SEQ A TEXT"
    assert _text(message, "B/72") == "/ACC/SEQ B TEXT"
    assert {p.field for p in message.parties} >= {"58A", "B/50K", "B/59"}


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        (COV + "\n:58A:BANKFRPP", "B/58A", "not part of sequence B"),
        (COV.replace(":50K:/111\nORDERING CUSTOMER\n", ""), "59", "not part of sequence A"),
        (COV + "\n:57D:/X\nBANK\n:56B:/123", "B/56B", "option B"),
    ],
)
def test_cover_sequences_are_checked(fields: str, field: str, reason: str) -> None:
    with pytest.raises(MessageError) as refused:
        parse_swift_mt(_mt(fields, header=COV_HEADER, block3="{3:{119:COV}}"), "cov")
    assert refused.value.field == field
    assert reason in refused.value.reason


def test_a_plain_mt202_with_customer_fields_is_refused() -> None:
    with pytest.raises(MessageError, match="not part of an MT202") as refused:
        parse_swift_mt(_mt(COV, header=COV_HEADER), "fi")
    assert refused.value.field == "50K"


# --- built messages: party options --------------------------------------------------------------------


def _only(fields: str, field: str) -> PaymentParty:
    return _party(parse_swift_mt(_mt(fields), "p")[0], field)


def test_a_50f_with_birth_place_ids_and_continuation_is_a_person() -> None:
    debtor = _only(
        MT103_FIELDS.replace(
            ":50K:/DE12345678\nHANS MUSTER",
            ":50F:/DE12345678\n1/KIM\n1/CHOL SU\n2/MAIN STREET 1\n3/KP/PYONG\n3/YANG\n4/19700305\n"
            "5/KP/NAMPO\n6/KP/MINISTRY/998877\n7/KP/12345\n8/678",
        ),
        "50F",
    )
    assert (debtor.name, debtor.kind) == ("KIM CHOL SU", PartyKind.PERSON)
    assert (debtor.birth_date, debtor.birth_place) == ("1970-03-05", "NAMPO, KP")
    assert debtor.address is not None and (debtor.address.country, debtor.address.town) == (
        "KP",
        "PYONG YANG",
    )
    assert debtor.identifiers == (
        PartyIdentifier(PartyIdKind.ACCOUNT, "DE12345678"),
        PartyIdentifier(PartyIdKind.NATIONAL_ID, "998877", "CUST", "KP/MINISTRY"),
        PartyIdentifier(PartyIdKind.NATIONAL_ID, "12345 678", "NIDN", "KP"),
    )


@pytest.mark.parametrize(
    ("first_line", "kind", "identifier"),
    [
        (
            "TXID/DE/12/345/67890",
            PartyKind.UNKNOWN,
            PartyIdentifier(PartyIdKind.NATIONAL_ID, "12/345/67890", "TXID", "DE"),
        ),
        (
            "NIDN/FR/1850575123456",
            PartyKind.PERSON,
            PartyIdentifier(PartyIdKind.NATIONAL_ID, "1850575123456", "NIDN", "FR"),
        ),
        (
            "CUST/US/BANKX/778899",
            PartyKind.UNKNOWN,
            PartyIdentifier(PartyIdKind.NATIONAL_ID, "778899", "CUST", "US/BANKX"),
        ),
        (
            "DRLC/GB/DVLA/MUSTE701234",
            PartyKind.PERSON,
            PartyIdentifier(PartyIdKind.NATIONAL_ID, "MUSTE701234", "DRLC", "GB/DVLA"),
        ),
    ],
)
def test_a_50f_identification_code_decides_the_kind_only_for_personal_documents(
    first_line: str, kind: PartyKind, identifier: PartyIdentifier
) -> None:
    debtor = _only(
        MT103_FIELDS.replace(":50K:/DE12345678\nHANS MUSTER", f":50F:{first_line}\n1/HANS MUSTER"), "50F"
    )
    assert (debtor.kind, debtor.identifiers) == (kind, (identifier,))


@pytest.mark.parametrize(
    ("field_text", "field", "reason"),
    [
        (":50F:/1\n1/A\n4/19701332", "50F", "birth date"),
        (":50F:/1\n1/A\n9/X", "50F", "not numbered"),
        (":50F:/1\n2/NO NAME", "50F", "no name"),
        (":50F:/1\n1/A\n3/LONDON", "50F", "country code"),
        (":50F:/1\n1/A\n8/NOTHING BEFORE", "50F", "continues no identification"),
        (":50F:PASS/DE/123\n1/A", "50F", "neither an account"),
        (":50F:CCPT/123\n1/A", "50F", "country code and an identifier"),
        (":50A:/1\n/2\nBANKDEFF", "50A", "option A"),
    ],
)
def test_a_50a_that_does_not_read_as_its_option_is_refused(field_text: str, field: str, reason: str) -> None:
    with pytest.raises(MessageError) as refused:
        parse_swift_mt(_mt(MT103_FIELDS.replace(":50K:/DE12345678\nHANS MUSTER", field_text)), "p")
    assert refused.value.field == field
    assert reason in refused.value.reason


def test_a_59f_has_only_lines_1_to_3() -> None:
    with pytest.raises(MessageError, match="not numbered 1/ to 3/"):
        parse_swift_mt(
            _mt(MT103_FIELDS.replace(":59:/GB123\nJOHN SMITH", ":59F:/GB123\n1/JOHN SMITH\n4/19700101")), "p"
        )


def test_customers_named_by_bic_are_organizations_and_agents_are_banks() -> None:
    fields = MT103_FIELDS.replace(":50K:/DE12345678\nHANS MUSTER", ":50A:/DE1\nCORPDEFF").replace(
        ":59:/GB123\nJOHN SMITH", ":59A:CORPGB2L\n:57B:/123\nLONDON"
    )
    [message] = parse_swift_mt(_mt(fields), "p")
    assert (_party(message, "50A").kind, _party(message, "50A").bics()) == (
        PartyKind.ORGANIZATION,
        ["CORPDEFF"],
    )
    assert _party(message, "59A").kind is PartyKind.ORGANIZATION
    assert (_party(message, "57B").kind, _party(message, "57B").name) == (
        PartyKind.FINANCIAL_INSTITUTION,
        "LONDON",
    )


def test_mt101_instructing_party_and_mixed_currencies() -> None:
    fields = """:20:B1
:28D:1/1
:30:240115
:50C:INSTDEFF
:21:T1
:32B:EUR10,
:50H:/DE1
ACME GMBH
:59:/1
PAYEE ONE
:71A:SHA
:21:T2
:32B:USD20,5
:50L:CUSTOMER-77
:59:/2
PAYEE TWO
:71A:SHA"""
    [message] = parse_swift_mt(_mt(fields, header="{1:F01BANKDEFFAXXX0000000000}{2:I101BANKGB2LXXXXN}"), "p")
    assert (message.amount, message.currency, message.value_date) == (None, None, "2024-01-15")
    assert any("several currencies (EUR, USD)" in n for n in message.notes)
    assert _party(message, "50C").role is PartyRole.INITIATING_PARTY
    assert _party(message, "B[1]/50H").name == "ACME GMBH"
    assert _party(message, "B[2]/50L").identifiers == (PartyIdentifier(PartyIdKind.OTHER, "CUSTOMER-77"),)


def test_amounts_keep_at_least_two_decimals() -> None:
    for written, read in (
        ("1417,8", "1417.80"),
        ("100,", "100.00"),
        ("0,125", "0.125"),
        ("7138,40", "7138.40"),
    ):
        fields = MT103_FIELDS.replace("EUR1000,", f"EUR{written}")
        assert parse_swift_mt(_mt(fields), "a")[0].amount == read


def test_looks_like_swift_mt() -> None:
    assert looks_like_swift_mt(_fixture("mt103_70_vessel_imo.fin"))
    assert looks_like_swift_mt(b"\xef\xbb\xbf\r\n {1:F01")
    assert not looks_like_swift_mt(b'<?xml version="1.0"?><Document/>')
    assert not looks_like_swift_mt(b"")
    assert not looks_like_swift_mt(b":20:REF")


# --- arbitrary input ----------------------------------------------------------------------------------

_STRUCTURE = st.sampled_from(
    ["{1:", "{2:", "{3:", "{4:", "{5:", "{S:", "}", "-}", "{", "$", "\r\n", "\n", ":20:", ":50F:", ":59:", ":32A:",
     ":57A:", ":70:", ":72:", "1/", "3/KP/", "/", "//", "{119:COV}", "{121:", "{451:0}", "F01", "F21", "I103",
     "O202", "BANKDEFFAXXX", "240115EUR1,"]
)  # fmt: skip
_CHARS = st.characters(blacklist_categories=["Cs"])  # any character UTF-8 can carry
_MT_TEXT = st.lists(st.one_of(_STRUCTURE, st.text(_CHARS, max_size=6)), max_size=60).map("".join)
_PARTY_TAGS = st.sampled_from(
    "50A 50F 50K 50C 50L 50G 50H 52A 52D 53B 56C 57A 57D 58A 59 59A 59F".split()  # 58A: not in an MT103
)
_LINE = st.one_of(
    st.sampled_from(["/", "//", "/D/1", "1/", "2/X", "3/KP", "3/KP/PYONGYANG", "4/19700101", "4/1", "5/KP/X", "6/KP/A/1",
                     "7/KP", "8/X", "CCPT/KP/1", "TXID/", "BANKDEFF", "BANKDEFFXXX", ""]),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\n"), max_size=12),
)  # fmt: skip


def _either_reads_or_is_refused(data: bytes) -> None:
    try:
        messages = parse_swift_mt(data, "fuzz")
    except MessageError as error:
        assert error.source.startswith("fuzz") and error.reason
    else:
        assert messages and all(m.reference for m in messages)


@given(st.binary(max_size=400))
def test_arbitrary_bytes_either_read_or_raise_message_error(data: bytes) -> None:
    _either_reads_or_is_refused(data)


@given(_MT_TEXT)
def test_arbitrary_mt_like_text_either_reads_or_raises_message_error(text: str) -> None:
    _either_reads_or_is_refused(text.encode())


@given(_PARTY_TAGS, st.lists(_LINE, min_size=0, max_size=6))
def test_arbitrary_party_field_contents_either_read_or_raise_message_error(
    tag: str, lines: list[str]
) -> None:
    content = "\n".join(lines)
    fields = MT103_FIELDS.replace(":59:/GB123\nJOHN SMITH", f":59:/GB123\nJOHN SMITH\n:{tag}:{content}")
    _either_reads_or_is_refused(_mt(fields))


@given(st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=20), _MT_TEXT)
def test_a_damaged_message_either_reads_or_raises_message_error(at: int, cut: int, insert: str) -> None:
    data = _fixture("mt103_59_korean_pyongyang.fin").decode()
    _either_reads_or_is_refused((data[:at] + insert + data[at + cut :]).encode())


def test_a_lone_brace_after_the_last_block_is_noted_and_anything_more_is_refused() -> None:
    [message] = parse_swift_mt(_mt(MT103_FIELDS) + b"{\r\n", "f")
    assert any("lone '{'" in n for n in message.notes)
    with pytest.raises(MessageError, match="not followed by a block id"):
        parse_swift_mt(_mt(MT103_FIELDS) + b"{ X", "f")


def test_a_brace_inside_block_4_is_an_unclosed_block() -> None:
    with pytest.raises(MessageError, match=re.escape("not closed before the '{'")) as refused:
        parse_swift_mt(_mt(MT103_FIELDS.replace("JOHN SMITH", "JOHN {SMITH")), "f")
    assert refused.value.field == "block 4"


def test_unknown_user_header_fields_are_noted() -> None:
    [message] = parse_swift_mt(_mt(MT103_FIELDS, block3="{3:{108:MUR1}{999:ODD}}"), "f")
    assert message.notes == ("block 3 field 999 not read: ODD",)
