"""The text layer: canonical Unicode, ASCII folding, tokens, script detection."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sanctionwatch.matching.normalize import ascii_fold, clean, script_of, tokens


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Fаyez", "Fayez"),  # Cyrillic а inside a Latin word
        ("KALАYE", "KALAYE"),  # Cyrillic А
        ("ΑBU BAKR", "ABU BAKR"),  # Greek Alpha
        ("BARA\u200dKAT", "BARAKAT"),  # zero-width joiner
        ("BARA\u200bKAT", "BARAKAT"),  # zero-width space
        ("Al\u00adQaida", "AlQaida"),  # soft hyphen
        ("\u200fمحمد\u200e", "محمد"),  # bidi marks
        ("ABU\ufe0f SAYYAF", "ABU SAYYAF"),  # variation selector
        ("محـــمد", "محمد"),  # tatweel
        ("ｋｉｍ\u3000ｊｏｎｇ", "kim jong"),  # fullwidth forms and ideographic space
        ("  Kim\u00a0\t Jong–un \n", "Kim Jong-un"),  # whitespace and en dash
        ("CH\u2019OE, So\u2018k-min", "CH'OE, So'k-min"),  # typographic apostrophes
        ("ООО «Ромашка»", 'ООО "Ромашка"'),  # guillemets
        ("Ротенберг Аркадий", "Ротенберг Аркадий"),  # fully Cyrillic words stay Cyrillic
        ("Ротенбeрг", "Ротенберг"),  # a Latin e inside a Cyrillic word is folded the other way
    ],
)
def test_clean(raw: str, expected: str) -> None:
    assert clean(raw) == expected


def test_clean_leaves_a_word_with_letters_that_have_no_lookalike() -> None:
    # "П" has no Latin lookalike: this is a Cyrillic word typed with a Latin "a", not a disguised one
    assert script_of(clean("Пaк")) == "Cyrl"
    assert "П" in clean("Пaк")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ştefan", "stefan"),
        ("Straße", "strasse"),
        ("Søren Østergård", "soren ostergard"),
        ("Đorđe", "dorde"),
        ("Əliyev", "eliyev"),
        ("CH'OE, So'k-min", "choe sok min"),
        ("O'Neil", "oneil"),
        ("'Abd al-Rahman'", "abd al rahman"),
        ("KIM, Jong Un", "kim jong un"),
        ("M/V ARGO-1", "m v argo 1"),
        ("Kim Chŏng-ŭn", "kim chong un"),
        ("Fаyez", "fayez"),
        ("BARA\u200dKAT", "barakat"),
        ("Ротенберг", "rotenberg"),
        ("刘梅", "liu mei"),
        ("", ""),
        ("---", ""),
    ],
)
def test_ascii_fold(raw: str, expected: str) -> None:
    assert ascii_fold(raw) == expected


def test_tokens() -> None:
    assert tokens("HWANG, Pyong-so (a.k.a. 'Hwang')") == ["hwang", "pyong", "so", "a", "k", "a", "hwang"]
    assert tokens("  ") == []


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Kim Jong Un", "Latn"),
        ("Ротенберг Аркадий", "Cyrl"),
        ("김정은", "Hang"),
        ("刘梅", "Hani"),
        ("بهاء الحلاق", "Arab"),
        ("علی خامنه‌ای", "Arab"),
        ("Ωνάσης", "Grek"),
        ("בנימין נתניהו", "Hebr"),
        ("नरेन्द्र मोदी", "Deva"),
        ("ทักษิณ ชินวัตร", "Thai"),
        ("シンゾウ", "Jpan"),
        ("安倍しんぞう", "Jpan"),  # kanji count as Japanese beside kana
        ("12-34 / ()", "Zyyy"),
        ("", "Zyyy"),
        ("X Ротенберг", "Cyrl"),  # the majority decides, not the first letter
    ],
)
def test_script_of(text: str, script: str) -> None:
    assert script_of(text) == script


# --- properties --------------------------------------------------------------------------------

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),  # lone surrogates cannot be encoded
    max_size=40,
)
# Names as they come: letters of the scripts lists use, with the characters that disguise them.
_NAME_CHARS = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzABCZ ,.'-’–")
    + list("аеорсхуАВЕКМНОРСТХ")
    + list("αοΑΒΕ")
    + list("ŞßøĐéüñ")
    + list("김정은리만건")
    + list("刘梅しんぞう")
    + [
        "\u200d",
        "\u200b",
        "\u00ad",
        "\u200f",
        "\ufe0f",
        "\u0301",
        "\u0308",
        "\u3164",
        "ـ",
        "\u00a0",
        "\u00b4",
    ]
)
_NAMES = st.text(alphabet=_NAME_CHARS, max_size=30)


@given(st.one_of(_TEXT, _NAMES))
@example("A\u0410\u0300\u041a")  # a fold composes with a mark and joins two words into a mixed one
def test_clean_is_idempotent(text: str) -> None:
    once = clean(text)
    assert clean(once) == once
    assert once == once.strip()
    assert "  " not in once


@given(st.one_of(_TEXT, _NAMES))
def test_ascii_fold_is_lowercase_ascii_words(text: str) -> None:
    folded = ascii_fold(text)
    assert folded.isascii()
    assert folded == folded.lower()
    assert folded == folded.strip()
    assert "  " not in folded
    assert ascii_fold(folded) == folded


@given(st.one_of(_TEXT, _NAMES))
def test_tokens_of_folded_text_are_the_same(text: str) -> None:
    assert tokens(ascii_fold(text)) == tokens(text)
    assert all(token for token in tokens(text))


@given(st.text(alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=1, max_size=10))
def test_script_of_hangul_syllables(text: str) -> None:
    assert script_of(text) == "Hang"


@given(st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll"), max_codepoint=0x7F), min_size=1))
def test_script_of_ascii_letters(text: str) -> None:
    assert script_of(text) == "Latn"
