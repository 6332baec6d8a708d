"""Reading payment files: the format from the content, and the official schema when one is configured."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctionwatch.errors import InputError
from sanctionwatch.payments.iso_schema import XSD_DIR_SETTING
from sanctionwatch.payments.message import MessageError
from sanctionwatch.payments.reader import message_files, read_messages
from tests.conftest import FIXTURES

SAMPLE = "payments/iso20022/fedwire_fed_samples/CustomerCreditTransfer_Scenario1_Step1_pacs.008.xml"


def test_the_format_is_read_from_the_content_not_the_name() -> None:
    mt = (FIXTURES / "payments" / "mt" / "mt103_ordinary.fin").read_bytes()
    iso = (FIXTURES / "payments" / "iso20022" / "pacs008_two_transactions.xml").read_bytes()
    assert read_messages(mt, "wire.xml")[0].message_type == "MT103"
    assert read_messages(iso, "wire.fin")[0].message_type.startswith("pacs.008")
    for junk, why in ((b"", "empty"), (b"   \n", "empty"), (b"hello", "neither")):
        with pytest.raises(MessageError, match=why):
            read_messages(junk, "x")


def test_with_a_schema_directory_a_message_is_validated_and_a_broken_one_refused(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = (shared_data / SAMPLE).read_bytes()
    assert not any("valid" in note for note in read_messages(data, "fed.xml")[0].notes)  # not asked for
    monkeypatch.setenv(XSD_DIR_SETTING, str(shared_data / "payments" / "xsd" / "iso"))
    [message] = read_messages(data, "fed.xml")
    assert any("valid against pacs.008.001.08.xsd" in note for note in message.notes)
    broken = data.replace(b"<IntrBkSttlmDt>", b"<IntrBkSttlmDt>not a date ", 1)
    assert broken != data
    with pytest.raises(MessageError, match=r"fed\.xml"):
        read_messages(broken, "fed.xml")


def test_directories_are_read_in_name_order_and_a_missing_path_is_named(tmp_path: Path) -> None:
    (tmp_path / "b.fin").write_text("x")
    (tmp_path / "a.xml").write_text("x")
    (tmp_path / ".hidden").write_text("x")
    assert [p.name for p in message_files([tmp_path])] == ["a.xml", "b.fin"]
    with pytest.raises(InputError, match="nope"):
        list(message_files([tmp_path / "nope"]))
