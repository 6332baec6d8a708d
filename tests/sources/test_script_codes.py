"""Script codes for names: labels as lists spell them, and detection from the characters."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.sources.script_codes import detect_script, name_script, script_from_label

_KNOWN = {
    "Latn",
    "Cyrl",
    "Arab",
    "Hani",
    "Hang",
    "Geor",
    "Hebr",
    "Grek",
    "Thai",
    "Mymr",
    "Armn",
    "Deva",
    "Jpan",
}


def test_detect_script_examples() -> None:
    assert detect_script("Хизри Магомедович Абакаров") == "Cyrl"
    assert detect_script("ياسر عزيز عباس") == "Arab"
    assert detect_script("道通机器人有限公司") == "Hani"
    assert detect_script("김정은") == "Hang"
    assert detect_script("ΑΘΗΝΑ") == "Grek"
    assert detect_script("558 АВИАЦИОННЫЙ") == "Cyrl"  # digits are skipped
    assert detect_script("Jong Hyuk AN") == "Latn"
    assert detect_script("123 - 456") is None


def test_labels_as_lists_spell_them() -> None:
    assert script_from_label("Cryillic") == "Cyrl"
    assert script_from_label(" Persian/Farsi ") == "Arab"
    assert script_from_label("Hangul") == "Hang"
    assert script_from_label("Klingon") is None
    assert script_from_label(None) is None


def test_characters_win_over_a_wrong_label() -> None:
    assert name_script("ياسر", "Russian") == "Arab"
    assert name_script("12345", "Cyrillic") == "Cyrl"


@given(st.text(max_size=40), st.one_of(st.none(), st.text(max_size=12)))
def test_name_script_never_raises_and_returns_a_known_code(text: str, label: str | None) -> None:
    result = name_script(text, label)
    assert result is None or result in _KNOWN
