"""The ISO 20022 reader against the published samples (../shared/data/payments), its own fixtures
(tests/fixtures/payments/iso20022: non-Latin names, Crimea, two transactions, malformed, unknown
namespace), messages edited in the test to reach each refusal, and property tests that no input makes it
fail with anything but MessageError."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionwatch.errors import SanctionwatchError
from sanctionwatch.payments import iso_schema
from sanctionwatch.payments.iso20022 import looks_like_iso20022, parse_iso20022
from sanctionwatch.payments.iso_schema import XSD_DIR_SETTING, validate_iso20022
from sanctionwatch.payments.message import (
    FreeText,
    MessageError,
    MessageFamily,
    PartyIdentifier,
    PartyIdKind,
    PartyKind,
    PartyRole,
    PaymentMessage,
    PaymentParty,
)
from tests.conftest import FIXTURES, _shared_data_dir

OWN = FIXTURES / "payments" / "iso20022"
SAMPLES = "payments/iso20022"
XSD = "payments/xsd/iso"
_NAMESPACE = re.compile(
    rb'xmlns(?::\w+)?=["\'](?:urn:iso:std:iso:20022:tech:xsd:|http://www\.six-interbank-clearing\.com/de/)'
    rb'((?:pacs|pain)\.[0-9a-z.]+?)(?:\.xsd)?["\']'
)


def _sample_names() -> list[str]:
    """Every sample file, found at collection; a placeholder when absent, so the test asks for the data
    (and fails in CI) instead of silently parametrizing over nothing."""
    folder = _shared_data_dir() / SAMPLES
    names = sorted(str(p.relative_to(folder)) for p in folder.rglob("*.xml")) if folder.is_dir() else []
    return names or ["<the ISO 20022 samples are missing>"]


def _sample(shared_data: Path, name: str) -> bytes:
    path = shared_data / SAMPLES / name
    assert path.is_file(), f"{path} is missing"
    return path.read_bytes()


def _one(data: bytes, source: str = "test.xml") -> PaymentMessage:
    [message] = parse_iso20022(data, source)
    return message


def _party(message: PaymentMessage, field: str) -> PaymentParty:
    found = [p for p in message.parties if p.field == field]
    assert len(found) == 1, f"{field}: {[p.field for p in message.parties]}"
    return found[0]


def _ids(party: PaymentParty) -> list[tuple[PartyIdKind, str, str | None]]:
    return [(i.kind, i.value, i.scheme) for i in party.identifiers]


# --- every real sample ---------------------------------------------------------------------------


@pytest.mark.realdata
@pytest.mark.parametrize("name", _sample_names())
def test_every_sample_parses(shared_data: Path, name: str) -> None:
    data = _sample(shared_data, name)
    assert looks_like_iso20022(data)
    messages = parse_iso20022(data, name)
    assert len(messages) == 1
    message = messages[0]
    # The type read agrees with the namespace the file declares (found here with a plain regex).
    declared = {m.group(1).decode() for m in _NAMESPACE.finditer(data)}
    assert len(declared) == 1
    assert message.message_type.split()[0] == declared.pop()
    assert message.family is MessageFamily.ISO20022
    assert message.reference
    assert message.parties
    for party in message.parties:
        assert party.field and not party.field.startswith("/")
        assert party.name or party.identifiers or party.address, party
        if party.is_agent:
            assert party.kind is PartyKind.FINANCIAL_INSTITUTION
    # every Nm in the file is the name of some party read (nothing party-like left behind)
    names = {" ".join(n.decode().split()) for n in re.findall(rb"<(?:\w+:)?Nm>([^<]*)<", data)}
    read = {p.name for p in message.parties}
    assert names <= read, names - read


@pytest.mark.realdata
def test_fednow_envelope_with_header_and_aba_routing(shared_data: Path) -> None:
    message = _one(_sample(shared_data, "fednow_fed_sample/sample-participant-to-fednow-message.xml"))
    assert (message.message_type, message.reference) == ("pacs.008.001.08", "20230604111111111Sc01Step1MsgId")
    assert (message.amount, message.currency, message.value_date) == ("51.74", "USD", "2023-06-04")
    assert message.uetr == "8a562c67-ca16-48ba-b074-65581be6f011"
    sender = _party(message, "AppHdr/Fr")
    assert (sender.role, _ids(sender)) == (
        PartyRole.INSTRUCTING_AGENT,
        [(PartyIdKind.CLEARING, "111111111", None)],
    )
    agent = _party(message, "CdtTrfTxInf[1]/DbtrAgt")
    assert (agent.name, _ids(agent)) == ("BankA", [(PartyIdKind.CLEARING, "111111111", "USABA")])
    debtor = _party(message, "CdtTrfTxInf[1]/Dbtr")
    assert debtor.name == "Individual A"
    assert debtor.address is not None
    assert (debtor.address.street, debtor.address.town, debtor.address.region, debtor.address.country) == (
        "Dream Road 450",
        "Lisle",
        "IL",
        "US",
    )
    assert debtor.address.lines == ("141",)  # the Room, kept
    assert _ids(debtor) == [(PartyIdKind.ACCOUNT, "44444444444", None)]
    assert message.notes == ()


@pytest.mark.realdata
def test_fedwire_agents_by_aba_number_with_name_and_address(shared_data: Path) -> None:
    message = _one(_sample(shared_data, "fedwire_fed_samples/CustomerCreditTransfer_Variation3_pacs.008.xml"))
    roles = [(p.field, p.role) for p in message.parties]
    assert roles == [
        ("CdtTrfTxInf[1]/InstgAgt", PartyRole.INSTRUCTING_AGENT),
        ("CdtTrfTxInf[1]/InstdAgt", PartyRole.INSTRUCTED_AGENT),
        ("CdtTrfTxInf[1]/UltmtDbtr", PartyRole.ULTIMATE_DEBTOR),
        ("CdtTrfTxInf[1]/Dbtr", PartyRole.DEBTOR),
        ("CdtTrfTxInf[1]/DbtrAgt", PartyRole.DEBTOR_AGENT),
        ("CdtTrfTxInf[1]/CdtrAgt", PartyRole.CREDITOR_AGENT),
        ("CdtTrfTxInf[1]/Cdtr", PartyRole.CREDITOR),
    ]
    creditor_agent = _party(message, "CdtTrfTxInf[1]/CdtrAgt")
    assert creditor_agent.name == "Bank B"
    assert _ids(creditor_agent) == [(PartyIdKind.CLEARING, "021040078", "USABA")]
    assert (
        creditor_agent.address is not None
        and creditor_agent.address.text() == "Avenue B 25, 19067, Yardley, PA, US"
    )
    assert _party(message, "CdtTrfTxInf[1]/UltmtDbtr").name == "Corporation Aa"


@pytest.mark.realdata
def test_fedwire_remittance_tax_party_and_charges_agents(shared_data: Path) -> None:
    folder = "fedwire_fed_samples/"
    insurance = _one(_sample(shared_data, folder + "CustomerCreditTransfer_Variation6_pacs.008.xml"))
    assert insurance.free_text == (
        FreeText("CdtTrfTxInf[1]/RmtInf/Ustrd[1]", "Insurance Benefit/Policy XXAB9876/$500000.00"),
    )
    tax = _one(_sample(shared_data, folder + "CustomerCreditTransfer_Scenario4_Step1_pacs.008.xml"))
    tax_party = _party(tax, "CdtTrfTxInf[1]/RmtInf/Strd[1]/TaxRmt/Cdtr")
    assert (tax_party.role, _ids(tax_party)) == (
        PartyRole.OTHER,
        [(PartyIdKind.NATIONAL_ID, "123456789", "TXID")],
    )
    charges = _one(_sample(shared_data, folder + "CustomerCreditTransfer_Variation5_pacs.008.xml"))
    assert [p.bics() for p in charges.parties if "/ChrgsInf[" in p.field] == [["BANZBEBB"], ["BANCUS33"]]


@pytest.mark.realdata
def test_pacs009_cov_reads_the_underlying_customer_parties(shared_data: Path) -> None:
    message = _one(_sample(shared_data, "ballerina_mt_to_mx_translations/c_29_2_2_mt202_pacs_009COV_A_B.xml"))
    assert message.message_type == "pacs.009.001.08 COV"
    assert (message.amount, message.currency) == ("26546464", "RON")
    bank_debtor = _party(message, "CdtTrfTxInf[1]/Dbtr")
    assert (bank_debtor.kind, bank_debtor.bics()) == (PartyKind.FINANCIAL_INSTITUTION, ["MYMBGB2LXXX"])
    debtor = _party(message, "CdtTrfTxInf[1]/UndrlygCstmrCdtTrf/Dbtr")
    assert (debtor.role, debtor.name) == (PartyRole.DEBTOR, "Debtor Co")
    assert debtor.address is not None and (
        debtor.address.lines,
        debtor.address.town,
        debtor.address.country,
    ) == (
        ("High Street",),
        "Epping",
        "GB",
    )
    assert _ids(debtor) == [(PartyIdKind.ACCOUNT, "25698745", None)]
    creditor = _party(message, "CdtTrfTxInf[1]/UndrlygCstmrCdtTrf/Cdtr")
    assert (creditor.name, creditor.kind) == ("Ardent Finance", PartyKind.UNKNOWN)
    assert _party(message, "CdtTrfTxInf[1]/UndrlygCstmrCdtTrf/CdtrAgt").bics() == ["GEBABEBBXXX"]


@pytest.mark.realdata
def test_pacs009_plain_and_pacs008_v07_from_prowide_wrapper(shared_data: Path) -> None:
    fi_transfer = _one(_sample(shared_data, "prowide_tests/pacs.009.001.07.xml"))
    assert fi_transfer.message_type == "pacs.009.001.07"  # no underlying customer transfer: not COV
    assert _party(fi_transfer, "GrpHdr/InstdAgt").name == "ASDF AF ASDFSDF ASDFSDF"  # line break collapsed
    assert _party(fi_transfer, "CdtTrfTxInf[1]/Dbtr").kind is PartyKind.FINANCIAL_INSTITUTION
    creditor_agent = _party(fi_transfer, "CdtTrfTxInf[1]/CdtrAgt")
    assert _ids(creditor_agent) == [
        (PartyIdKind.BIC, "CTZNCA8V001", None),
        (PartyIdKind.CLEARING, "FFFF", None),
        (PartyIdKind.OTHER, "sdsdfgdfg33", None),
    ]
    customer = _one(_sample(shared_data, "prowide_tests/pacs.008.001.07.xml"))
    # the transaction's settlement date, not the group header's 2018-08-28
    assert (customer.amount, customer.value_date) == ("5000", "2018-07-31")
    debtor = _party(customer, "CdtTrfTxInf[1]/Dbtr")
    assert (debtor.name, debtor.country_of_residence) == ("JOHN DOE", "AR")
    assert _party(customer, "GrpHdr/InstgAgt").name == "Lionel Messi"


@pytest.mark.realdata
def test_pacs004_parties_in_the_return_chain(shared_data: Path) -> None:
    fedwire = _one(_sample(shared_data, "fedwire_fed_samples/PaymentReturn_Scenario1_Step4_pacs.004.xml"))
    assert fedwire.message_type == "pacs.004.001.10"
    assert (fedwire.amount, fedwire.uetr) == ("151000.74", "8a562c67-ca16-48ba-b074-65581be6f011")
    assert _party(fedwire, "TxInf[1]/RtrChain/Dbtr").name == "Corporation B"
    assert _party(fedwire, "TxInf[1]/RtrChain/Cdtr").name == "Corporation A"
    assert fedwire.free_text == (
        FreeText("TxInf[1]/RtrRsnInf[1]/AddtlInf[1]", "Payment deiplicate. Ref:20250310B1QDRCQR000902."),
    )
    cbpr = _one(_sample(shared_data, "ballerina_mt_to_mx_translations/p_2_1_2_mt103_pacs_004_B_A.xml"))
    debtor = _party(cbpr, "TxInf[1]/RtrChain/Dbtr")
    assert debtor.kind is PartyKind.ORGANIZATION
    assert _ids(debtor) == [
        (PartyIdKind.BIC, "ANBTUS44XXX", None),
        (PartyIdKind.NATIONAL_ID, "NOTPROVIDED", "TXID"),
    ]
    assert _party(cbpr, "TxInf[1]/RtrChain/Cdtr").name == "GB Engineering"


@pytest.mark.realdata
@pytest.mark.parametrize(
    "name",
    [
        "International_payment_RUB_naujas_1.xml",
        "International_payment_USD_naujas_1.xml",
        "sepa_payment_naujas_1.xml",
    ],
)
def test_pain001_with_byte_order_mark(shared_data: Path, name: str) -> None:
    data = _sample(shared_data, f"pain001_bank_samples/{name}")
    assert data.startswith(b"\xef\xbb\xbf")
    message = _one(data)
    assert message.message_type == "pain.001.001.03"
    assert _party(message, "GrpHdr/InitgPty").name == "IMONE X"
    assert _party(message, "PmtInf[1]/Dbtr").identifiers[-1] == PartyIdentifier(
        PartyIdKind.ACCOUNT, "LT007180000000000000", "IBAN"
    )
    assert _party(message, "PmtInf[1]/CdtTrfTxInf[1]/Cdtr").name


@pytest.mark.realdata
def test_pain001_rub_payment_to_a_russian_bank(shared_data: Path) -> None:
    message = _one(_sample(shared_data, "pain001_bank_samples/International_payment_RUB_naujas_1.xml"))
    assert (message.amount, message.currency, message.value_date) == ("1000.00", "RUB", "2015-09-28")
    bank = _party(message, "PmtInf[1]/CdtTrfTxInf[1]/CdtrAgt")
    assert bank.name == "UNICREDIT BANK AO"
    assert _ids(bank) == [
        (PartyIdKind.CLEARING, "044525593", "RUCBC"),
        (PartyIdKind.ACCOUNT, "10000000000000000001", None),  # CdtrAgtAcct, with its agent
    ]
    debtor = _party(message, "PmtInf[1]/Dbtr")
    assert debtor.kind is PartyKind.ORGANIZATION
    assert (PartyIdKind.NATIONAL_ID, "123456789", "COID") in _ids(debtor)
    assert message.free_text == (
        FreeText("PmtInf[1]/CdtTrfTxInf[1]/RmtInf/Ustrd[1]", "PREPAYMENT RUB 1000,00"),
    )


@pytest.mark.realdata
def test_pain001_swiss_batch_paths_and_total(shared_data: Path) -> None:
    message = _one(_sample(shared_data, "pain001_bank_samples/musterfile_pain.001_Nov2020.xml"))
    assert message.message_type == "pain.001.001.03.ch.02"
    assert (message.amount, message.currency, message.value_date) == (
        "38.00",
        "CHF",
        "2020-07-28",
    )  # = CtrlSum
    assert "amount is the total of 8 transactions" in message.notes
    assert _party(message, "PmtInf[2]/CdtTrfTxInf[2]/Cdtr").name == "Robert Schneider"
    assert _party(message, "PmtInf[4]/CdtTrfTxInf[1]/Cdtr").address.country == "IT"  # type: ignore[union-attr]
    contact = _party(message, "GrpHdr/InitgPty/CtctDtls")
    assert (contact.name, contact.role) == ("PostFinance", PartyRole.OTHER)
    # each differing batch date noted once
    dated = [n for n in message.notes if "ReqdExctnDt" in n]
    assert len(dated) == len(set(dated)) == 4


@pytest.mark.realdata
def test_pain001_iso_example_in_three_currencies(shared_data: Path) -> None:
    message = _one(
        _sample(shared_data, "iso_mdr_examples/pain.001.001.03_ISO_MDR_example_ABC_Corporation.xml")
    )
    assert (message.amount, message.currency) == (None, None)
    assert any("3 currencies" in n and "10000000 JPY" in n for n in message.notes)
    assert _party(message, "PmtInf[1]/CdtTrfTxInf[3]/Cdtr").name == "ABC Corporation"
    assert (
        FreeText("PmtInf[1]/CdtTrfTxInf[2]/InstrForCdtrAgt[1]/InstrInf", "+32/2/2222222") in message.free_text
    )


@pytest.mark.realdata
def test_pain001_v08_date_choice_and_purpose(shared_data: Path) -> None:
    message = _one(_sample(shared_data, "pain001_bank_samples/goldman_sachs_txb_pain001_001_08.xml"))
    assert (message.message_type, message.value_date, message.amount) == (
        "pain.001.001.08",
        "2020-06-16",
        "10",
    )
    assert message.free_text == (
        FreeText("PmtInf[1]/CdtTrfTxInf[1]/Purp/Prtry", "Purpose of payment"),
        FreeText("PmtInf[1]/CdtTrfTxInf[1]/RmtInf/Ustrd[1]", "USD Payment from USD account"),
    )
    initiator = _party(message, "GrpHdr/InitgPty")
    assert (initiator.kind, _ids(initiator)) == (
        PartyKind.ORGANIZATION,
        [(PartyIdKind.OTHER, "uktestdda", None)],
    )


_LATER_VERSIONS = (
    [
        ("fedwire_fed_samples/CustomerCreditTransfer_Variation6_pacs.008.xml", "pacs.008.001.08", v)
        for v in ("09", "10", "12", "13")
    ]
    + [
        ("ballerina_mt_to_mx_translations/c_29_2_2_mt202_pacs_009COV_A_B.xml", "pacs.009.001.08", v)
        for v in ("09", "10", "11", "12")
    ]
    + [
        ("fedwire_fed_samples/PaymentReturn_Scenario1_Step4_pacs.004.xml", "pacs.004.001.10", v)
        for v in ("13", "14")
    ]
    + [
        ("pain001_bank_samples/goldman_sachs_txb_pain001_001_08.xml", "pain.001.001.08", v)
        for v in ("09", "10", "11", "12")
    ]
)


@pytest.mark.realdata
@pytest.mark.parametrize(("name", "original", "version"), _LATER_VERSIONS)
def test_later_versions_read_like_the_sample_their_schema_accepts(
    shared_data: Path, name: str, original: str, version: str
) -> None:
    """No genuine sample of these versions was found; a real one under the later namespace is valid
    against that version's official XSD, and must be read with the same parties, text and values."""
    data = _sample(shared_data, name)
    later = original[:-2] + version
    swapped = data.replace(original.encode(), later.encode())
    checks = validate_iso20022(swapped, name, schema_dir=shared_data / XSD)
    assert checks[-1].validated and checks[-1].identifier == later
    before, after = _one(data), _one(swapped)
    assert after.message_type == before.message_type.replace(original, later)
    assert (after.parties, after.free_text, after.amount, after.value_date) == (
        before.parties,
        before.free_text,
        before.amount,
        before.value_date,
    )
    assert after.parties and after.notes == before.notes


# --- XSD validation ------------------------------------------------------------------------------


@pytest.mark.realdata
@pytest.mark.parametrize("name", _sample_names())
def test_samples_validate_where_their_schema_exists(shared_data: Path, name: str) -> None:
    data = _sample(shared_data, name)
    schemas = shared_data / XSD
    checks = validate_iso20022(data, name, schema_dir=schemas)
    assert checks and checks[-1].part == "Document"
    for check in checks:
        assert check.validated == (schemas / f"{check.identifier}.xsd").is_file(), str(check)


@pytest.mark.realdata
@pytest.mark.parametrize("name", sorted(p.name for p in OWN.glob("pacs008_*.xml")))
def test_own_fixtures_are_schema_valid(shared_data: Path, name: str) -> None:
    checks = validate_iso20022((OWN / name).read_bytes(), name, schema_dir=shared_data / XSD)
    assert checks and all(c.validated for c in checks)


@pytest.mark.realdata
def test_schema_violation_names_message_and_line(shared_data: Path) -> None:
    data = _sample(shared_data, "fedwire_fed_samples/CustomerCreditTransfer_Variation3_pacs.008.xml")
    broken = data.replace(b"<BldgNb>167565</BldgNb>", b"<Building>167565</Building>", 1)
    line = broken[: broken.index(b"<Building>")].count(b"\n") + 1
    with pytest.raises(MessageError) as caught:
        validate_iso20022(broken, "wire.xml", schema_dir=shared_data / XSD)
    assert caught.value.source == "wire.xml"
    assert f"line {line}:" in caught.value.reason and "Building" in caught.value.reason
    assert "pacs.008.001.08.xsd" in caught.value.reason


@pytest.mark.realdata
def test_schema_dir_from_the_environment_and_compiled_once(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _sample(shared_data, "fedwire_fed_samples/PaymentReturn_Scenario1_Step4_pacs.004.xml")
    monkeypatch.delenv(XSD_DIR_SETTING, raising=False)
    assert validate_iso20022(data, "r.xml") == []  # not asked for
    monkeypatch.setenv(XSD_DIR_SETTING, str(shared_data / XSD))
    iso_schema._compiled.cache_clear()
    first = validate_iso20022(data, "r.xml")
    second = validate_iso20022(data, "r.xml")
    assert (
        [str(c) for c in first]
        == [str(c) for c in second]
        == ["Document (pacs.004.001.10): valid against pacs.004.001.10.xsd"]
    )
    info = iso_schema._compiled.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_a_configured_schema_dir_that_does_not_exist_is_a_deployment_error(tmp_path: Path) -> None:
    data = (OWN / "pacs008_crimea.xml").read_bytes()
    with pytest.raises(SanctionwatchError, match="does not exist") as caught:
        validate_iso20022(data, "c.xml", schema_dir=tmp_path / "nowhere")
    assert not isinstance(caught.value, MessageError)
    assert [str(c) for c in validate_iso20022(data, "c.xml", schema_dir=tmp_path)] == [
        "Document (pacs.008.001.08): not validated, no pacs.008.001.08.xsd in the schema directory"
    ]


# --- own fixtures --------------------------------------------------------------------------------


def test_cyrillic_and_korean_parties_with_birth_details() -> None:
    message = _one((OWN / "pacs008_cyrillic_korean.xml").read_bytes())
    debtor = _party(message, "CdtTrfTxInf[1]/Dbtr")
    assert (debtor.name, debtor.kind) == ("Иван Петрович Сидоров", PartyKind.PERSON)
    assert (debtor.birth_date, debtor.birth_place, debtor.country_of_residence) == (
        "1971-03-14",
        "Новосибирск, RU",
        "RU",
    )
    assert _ids(debtor) == [
        (PartyIdKind.NATIONAL_ID, "4509123456", "CCPT"),
        (PartyIdKind.ACCOUNT, "DE89370400440532013000", "IBAN"),
    ]
    assert debtor.address is not None and debtor.address.street == "улица Тверская 7"
    creditor = _party(message, "CdtTrfTxInf[1]/Cdtr")
    assert (creditor.name, creditor.kind) == ("주식회사 한빛무역", PartyKind.ORGANIZATION)
    assert _ids(creditor)[0] == (PartyIdKind.LEI, "5493001KJTIIGC8Y1R12", None)
    assert creditor.address is not None and creditor.address.lines == ("강남구 테헤란로 123",)
    assert [t.text for t in message.free_text] == ["Оплата по договору № 15/2024", "계약 대금"]
    # the header's version disagrees with the namespace: the namespace wins, and it is said
    assert message.message_type == "pacs.008.001.08"
    assert any("MsgDefIdr says 'pacs.008.001.09'" in n for n in message.notes)
    assert _party(message, "AppHdr/To").bics() == ["TESTKRSEXXX"]


def test_crimea_in_the_region_of_a_party_and_of_a_bank_branch() -> None:
    message = _one((OWN / "pacs008_crimea.xml").read_bytes())
    creditor = _party(message, "CdtTrfTxInf[1]/Cdtr")
    assert creditor.address is not None and creditor.address.region == "Crimea"
    assert "Crimea" in creditor.address.text()
    branch = _party(message, "CdtTrfTxInf[1]/CdtrAgt/BrnchId")
    assert (branch.role, branch.kind, branch.name) == (
        PartyRole.CREDITOR_AGENT,
        PartyKind.FINANCIAL_INSTITUTION,
        "Test Bank Sevastopol branch",
    )
    assert branch.address is not None and branch.address.region == "Crimea"
    assert (message.amount, message.currency) == ("980.5", "USD")


def test_two_transactions_every_party_and_free_text_by_field() -> None:
    message = _one((OWN / "pacs008_two_transactions.xml").read_bytes())
    assert [(p.field, p.name) for p in message.parties if p.name] == [
        ("CdtTrfTxInf[1]/IntrmyAgt1", "Intermediary Test Bank"),
        ("CdtTrfTxInf[1]/UltmtDbtr", "Parent Holding Co"),
        ("CdtTrfTxInf[1]/InitgPty", "Payroll Bureau Inc"),
        ("CdtTrfTxInf[1]/Dbtr", "First Debtor LLC"),
        ("CdtTrfTxInf[1]/Cdtr", "First Creditor GmbH"),
        ("CdtTrfTxInf[1]/UltmtCdtr", "Final Beneficiary SA"),
        ("CdtTrfTxInf[1]/RgltryRptg[1]/Authrty", "Test Central Bank"),
        ("CdtTrfTxInf[2]/Dbtr", "Second Debtor Ltd"),
        ("CdtTrfTxInf[2]/Cdtr", "Second Creditor SARL"),
        ("CdtTrfTxInf[2]/RmtInf/Strd[1]/Invcr", "Invoicing Agent Oy"),
    ]
    assert [(t.field, t.text) for t in message.free_text] == [
        ("CdtTrfTxInf[1]/InstrForCdtrAgt[1]/InstrInf", "Call beneficiary before crediting"),
        ("CdtTrfTxInf[1]/InstrForNxtAgt[1]/InstrInf", "Route via correspondent desk"),
        ("CdtTrfTxInf[1]/Purp/Prtry", "Invoice settlement for equipment"),
        ("CdtTrfTxInf[1]/RgltryRptg[1]/Dtls[1]/Inf[1]", "Goods code 8471 computers"),
        ("CdtTrfTxInf[1]/RmtInf/Ustrd[1]", "Invoice 2024-17 first line"),
        ("CdtTrfTxInf[1]/RmtInf/Ustrd[2]", "Invoice 2024-17 second line"),
        ("CdtTrfTxInf[2]/RmtInf/Strd[1]/AddtlRmtInf[1]", "Structured remittance note"),
    ]
    assert _ids(_party(message, "CdtTrfTxInf[1]/IntrmyAgt1")) == [
        (PartyIdKind.CLEARING, "026009593", "USABA")
    ]
    assert message.uetr == "11111111-2222-4333-8444-555555555555"
    assert (message.amount, message.currency) == (
        "300.35",
        "USD",
    )  # 100.10 + 200.25, agrees with the group total
    assert message.notes == (
        "amount is the total of 2 transactions",
        "CdtTrfTxInf[2] has UETR 66666666-7777-4888-9999-000000000000, "
        "not the first transaction's (11111111-2222-4333-8444-555555555555)",
    )


def test_a_group_total_that_disagrees_is_noted() -> None:
    data = (OWN / "pacs008_two_transactions.xml").read_bytes().replace(b">300.35<", b">999.00<")
    assert "GrpHdr/TtlIntrBkSttlmAmt is 999.00 USD, the transactions total 300.35" in _one(data).notes


def test_malformed_xml_is_a_message_error_with_the_line() -> None:
    with pytest.raises(MessageError, match=r"malformed XML \(line 11\)") as caught:
        parse_iso20022((OWN / "malformed.xml").read_bytes(), "broken.xml")
    assert caught.value.source == "broken.xml"


def test_unknown_namespace_is_named() -> None:
    with pytest.raises(MessageError, match="urn:example:payments:customer-transfer:v1") as caught:
        parse_iso20022((OWN / "unknown_namespace.xml").read_bytes(), "odd.xml")
    assert caught.value.field == "Document"


# --- refusals and notes on edited messages -------------------------------------------------------

_CRIMEA = OWN / "pacs008_crimea.xml"


def _edited(old: bytes, new: bytes, path: Path = _CRIMEA) -> bytes:
    data = path.read_bytes()
    assert old in data
    return data.replace(old, new, 1)


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("urn:iso:std:iso:20022:tech:xsd:camt.053.001.08", "camt.053.001.08"),
        ("urn:iso:std:iso:20022:tech:xsd:pacs.008.001.99", "pacs.008.001.99"),
        ("urn:iso:std:iso:20022:tech:xsd:pacs.002.001.10", "pacs.002.001.10"),
    ],
)
def test_message_types_and_versions_not_read_are_refused_by_namespace(uri: str, expected: str) -> None:
    data = _edited(b"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08", uri.encode())
    with pytest.raises(MessageError, match=re.escape(expected)):
        parse_iso20022(data, "x.xml")


def test_document_without_namespace_or_with_the_wrong_message_element() -> None:
    plain = _edited(b' xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"', b"")
    with pytest.raises(MessageError, match="no namespace"):
        parse_iso20022(plain, "x.xml")
    wrong = _CRIMEA.read_bytes().replace(b"FIToFICstmrCdtTrf>", b"FICdtTrf>")
    with pytest.raises(MessageError, match="holds <FIToFICstmrCdtTrf>; this one holds <FICdtTrf>"):
        parse_iso20022(wrong, "x.xml")


def test_missing_message_id_and_bad_amounts_name_the_field() -> None:
    with pytest.raises(MessageError) as caught:
        parse_iso20022(_edited(b"<MsgId>SW-FIX-CRIMEA</MsgId>", b""), "x.xml")
    assert caught.value.field == "GrpHdr/MsgId"
    with pytest.raises(MessageError) as caught:
        parse_iso20022(_edited(b">980.5<", b">9,80.5<"), "x.xml")
    assert caught.value.field == "CdtTrfTxInf[1]/IntrBkSttlmAmt"
    with pytest.raises(MessageError, match="currency"):
        parse_iso20022(_edited(b' Ccy="USD"', b""), "x.xml")
    with pytest.raises(MessageError) as caught:
        parse_iso20022(_edited(b">2024-05-06<", b">2024-02-31<"), "x.xml")
    assert caught.value.field == "CdtTrfTxInf[1]/IntrBkSttlmDt"


def test_a_doctype_is_refused_so_no_entity_can_hide_a_name() -> None:
    data = _edited(b"<Nm>Black Sea Shipping Agency</Nm>", b"<Nm>&hidden;</Nm>")
    data = data.replace(b"<Document", b'<!DOCTYPE Document [<!ENTITY hidden "Listed Person">]>\n<Document', 1)
    with pytest.raises(MessageError, match="DTD"):
        parse_iso20022(data, "x.xml")
    external = data.replace(
        b'[<!ENTITY hidden "Listed Person">]', b'[<!ENTITY hidden SYSTEM "file:///etc/passwd">]'
    )
    with pytest.raises(MessageError):
        parse_iso20022(external, "x.xml")


def test_unknown_party_like_elements_are_read_and_noted() -> None:
    data = _edited(
        b"<Cdtr>\n        <Nm>Black Sea Shipping Agency</Nm>",
        b"<Cdtr>\n        <Nm>Black Sea Shipping Agency</Nm><Alias>BSSA</Alias>",
    )
    data = data.replace(b"</CdtrAcct>", b"</CdtrAcct><Beneficiary2><Nm>Hidden Holder</Nm></Beneficiary2>", 1)
    data = data.replace(
        b"</CdtTrfTxInf>", b"<SplmtryData><Envlp><Any>x</Any></Envlp></SplmtryData></CdtTrfTxInf>", 1
    )
    message = _one(data)
    hidden = _party(message, "CdtTrfTxInf[1]/Beneficiary2")
    assert (hidden.name, hidden.role) == ("Hidden Holder", PartyRole.OTHER)
    assert any("<Beneficiary2>" in n and "role 'other'" in n for n in message.notes)
    assert any(n.startswith("CdtTrfTxInf[1]/Cdtr: element <Alias> (BSSA)") for n in message.notes)
    assert "CdtTrfTxInf[1]/SplmtryData: supplementary data is not read (no agreed structure)" in message.notes


def test_several_documents_in_one_wrapper_each_with_its_header() -> None:
    one = (OWN / "pacs008_cyrillic_korean.xml").read_bytes()
    start, end = one.index(b"<AppHdr"), one.index(b"</Document>") + len(b"</Document>")
    pair = one[start:end]
    data = one[:end] + b"\n" + pair.replace(b"SW-FIX-0001", b"SW-FIX-0002") + one[end:]
    messages = parse_iso20022(data, "batch.xml")
    assert [(m.source, m.reference) for m in messages] == [
        ("batch.xml#1", "SW-FIX-0001"),
        ("batch.xml#2", "SW-FIX-0002"),
    ]
    assert all(_party(m, "AppHdr/Fr").bics() == ["TESTRUMMXXX"] for m in messages)


def test_a_header_without_document_or_a_file_without_any_is_refused() -> None:
    one = (OWN / "pacs008_cyrillic_korean.xml").read_bytes()
    header = one[one.index(b"<AppHdr") : one.index(b"</AppHdr>") + len(b"</AppHdr>")]
    stray = one.replace(b"</Envelope>", header + b"</Envelope>")
    with pytest.raises(MessageError, match="AppHdr, line") as caught:
        parse_iso20022(stray, "x.xml")
    assert caught.value.field == "AppHdr"
    with pytest.raises(MessageError, match=r"no ISO 20022 <Document> found.*<Envelope>"):
        parse_iso20022(b'<Envelope xmlns="urn:swift:xsd:envelope"><Other/></Envelope>', "x.xml")


def test_utf16_messages_are_read_and_recognised() -> None:
    text = _CRIMEA.read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    data = text.encode("utf-16")
    assert looks_like_iso20022(data)
    assert _party(_one(data), "CdtTrfTxInf[1]/Cdtr").name == "Black Sea Shipping Agency"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ((OWN / "pacs008_crimea.xml").read_bytes(), True),
        (b"\xef\xbb\xbf  <Document xmlns='urn:iso:std:iso:20022:tech:xsd:pain.001.001.03'/>", True),
        (b"{1:F01BANKBEBBAXXX0000000000}{2:I103BANKDEFFXXXXN}{4:\r\n:20:REF\r\n-}", False),
        (b"<list><entry>urn:iso:std:iso:20022:tech:xsd:</entry></list>", True),  # routes; the parser decides
        (b"<sdnList xmlns='https://sanctionslistservice.ofac.treas.gov/'/>", False),
        (b"", False),
    ],
)
def test_looks_like_iso20022(data: bytes, expected: bool) -> None:
    assert looks_like_iso20022(data) is expected


# --- property tests ------------------------------------------------------------------------------


def _parses_or_refuses(data: bytes) -> None:
    try:
        messages = parse_iso20022(data, "fuzz.xml")
    except MessageError as exc:
        assert exc.source.startswith("fuzz.xml")
        return
    assert all(m.reference for m in messages)


@given(st.binary(max_size=2000))
def test_arbitrary_bytes_parse_or_raise_message_error(data: bytes) -> None:
    _parses_or_refuses(data)


_FIXTURE_BYTES = [p.read_bytes() for p in sorted(OWN.glob("*.xml"))]


@settings(max_examples=300)
@given(
    st.sampled_from(_FIXTURE_BYTES),
    st.lists(st.tuples(st.integers(0, 6000), st.integers(0, 200), st.binary(max_size=40)), max_size=4),
)
def test_damaged_messages_parse_or_raise_message_error(
    data: bytes, edits: list[tuple[int, int, bytes]]
) -> None:
    for position, length, insert in edits:
        at = position % (len(data) + 1)
        data = data[:at] + insert + data[at + length :]
    _parses_or_refuses(data)


_NAMES = [
    "MsgId", "PmtId", "UETR", "IntrBkSttlmAmt", "RtrdIntrBkSttlmAmt", "IntrBkSttlmDt", "ReqdExctnDt", "Dt", "DtTm",
    "Amt", "InstdAmt", "EqvtAmt", "Dbtr", "Cdtr", "UltmtCdtr", "DbtrAgt", "InstgAgt", "Nm", "PstlAdr", "Ctry",
    "CtrySubDvsn", "AdrLine", "Id", "OrgId", "PrvtId", "Othr", "SchmeNm", "Cd", "FinInstnId", "BICFI", "ClrSysMmbId",
    "MmbId", "DbtrAcct", "ChrgsAcct", "IBAN", "RmtInf", "Ustrd", "Strd", "Tax", "TaxRmt", "TaxId", "Authstn", "Pty",
    "Agt", "FIId", "UndrlygCstmrCdtTrf", "RtrChain", "BrnchId", "CtctDtls", "DtAndPlcOfBirth", "BirthDt", "Purp",
    "Prtry", "SplmtryData", "InitnSrc", "Unknown",
]  # fmt: skip
_TEXTS = st.one_of(
    st.sampled_from(
        ["", "100.00", "7", "1,5", "-3", "2024-05-06", "2024-02-30", "2024-05-06T10:00:00", "USD", "Name"]
    ),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
)


@st.composite
def _elements(draw: st.DrawFn, depth: int = 0) -> str:
    """A random element of ISO 20022 vocabulary: nested up to four deep, text that may or may not parse."""
    name = draw(st.sampled_from(_NAMES))
    attribute = draw(st.sampled_from(["", ' Ccy="USD"', ' Ccy="EUR"', ' Ccy="x"']))
    if depth >= 4 or draw(st.booleans()):
        text = draw(_TEXTS).replace("&", "&amp;").replace("<", "&lt;")
        return f"<{name}{attribute}>{text}</{name}>"
    inner = "".join(draw(st.lists(_elements(depth + 1), max_size=4)))
    return f"<{name}{attribute}>{inner}</{name}>"


_KINDS = {  # namespace -> (message element, how a transaction is wrapped)
    "pacs.008.001.08": ("FIToFICstmrCdtTrf", "<CdtTrfTxInf>{}</CdtTrfTxInf>"),
    "pacs.009.001.08": ("FICdtTrf", "<CdtTrfTxInf>{}</CdtTrfTxInf>"),
    "pacs.004.001.09": ("PmtRtr", "<TxInf>{}</TxInf>"),
    "pain.001.001.09": ("CstmrCdtTrfInitn", "<PmtInf><ReqdExctnDt><Dt>2024-01-02</Dt></ReqdExctnDt><CdtTrfTxInf>{}</CdtTrfTxInf></PmtInf>"),
}  # fmt: skip


@settings(max_examples=300)
@given(
    st.sampled_from(sorted(_KINDS)),
    st.booleans(),
    st.lists(_elements(), max_size=3),
    st.lists(st.lists(_elements(), max_size=6), max_size=3),
)
def test_generated_iso_trees_parse_or_raise_message_error(
    version: str, with_id: bool, header: list[str], transactions: list[list[str]]
) -> None:
    root, wrap = _KINDS[version]
    group = ("<MsgId>M1</MsgId>" if with_id else "") + "".join(header)
    body = "".join(wrap.format("".join(t)) for t in transactions)
    xml = f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:{version}"><{root}><GrpHdr>{group}</GrpHdr>{body}</{root}></Document>'
    _parses_or_refuses(xml.encode())
