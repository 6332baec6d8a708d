"""Latin spellings of names written in other scripts, as lists and customers write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.matching.names import name_forms
from sanctionwatch.matching.normalize import ascii_fold
from sanctionwatch.matching.translit import (
    MAX_VARIANTS,
    latin_variants,
    spelled_from_abjad,
    spelled_from_syllables,
)


@pytest.mark.parametrize(
    ("name", "spelling"),
    [
        # Hangul: the DPRK/McCune-Reischauer style of the SDN list
        ("김정은", "kim jong un"),
        ("리만건", "ri man gon"),
        ("황병서", "hwang pyong so"),
        ("박봉주", "pak pong ju"),
        ("최석민", "choe sok min"),  # OFAC "CH'OE, So'k-min"
        ("장성택", "jang song thaek"),
        ("최룡해", "choe ryong hae"),
        # Hangul: Revised Romanization and popular family-name spellings
        ("김정은", "gim jeong eun"),
        ("최석민", "choi seok min"),
        ("리만건", "lee man geon"),
        ("박봉주", "park bong ju"),
        # Korean names in Russian (Kontsevich and older habits), read back as Korean
        ("Ким Чен Ын", "kim jong un"),
        ("Ли Ман Гон", "ri man gon"),
        ("Хван Бён Со", "hwang pyong so"),
        ("Пак Пон Чжу", "pak pong ju"),
        ("Чвэ Сон Хи", "choe son hui"),
        ("Ким Ир Сен", "kim il song"),
        ("Ким Чен-Ын", "kim jong un"),
        # Russian
        ("Ротенберг Аркадий Романович", "rotenberg arkadiy romanovich"),  # BGN/PCGN
        ("Ротенберг Аркадий Романович", "rotenberg arkadii romanovich"),  # ICAO 9303
        ("Ротенберг Аркадий Романович", "rotenberg arkady romanovich"),  # informal
        ("Пригожин Евгений Викторович", "prigozhin yevgeniy viktorovich"),
        ("Пригожин Евгений Викторович", "prigozhin evgeny viktorovich"),
        ("Шевченко Євген", "shevchenko yevhen"),  # Ukrainian BGN
        # Chinese, Japanese, Arabic
        ("刘梅", "liu mei"),
        ("习近平", "xi jinping"),
        ("习近平", "xi jin ping"),
        ("欧阳修", "ouyang xiu"),
        ("シンゾウ アベ", "shinzo abe"),
        ("あべ しんぞう", "abe shinzou"),
        ("بهاء الحلاق", "bha alhlaq"),
        ("بهاء الحلاق", "bha al hlaq"),
        ("Ωνάσης", "onases"),
        # disguised Latin
        ("Fаyez", "fayez"),
        ("BARA\u200dKAT", "barakat"),
        # mixed scripts: each word in its own script
        ("Kim 정은", "kim jong un"),
        ("ROTENBERG Аркадий", "rotenberg arkadiy"),
    ],
)
def test_variant_offered(name: str, spelling: str) -> None:
    assert spelling in latin_variants(name)


def test_most_likely_first() -> None:
    assert latin_variants("김정은")[0] == "kim jong un"
    assert latin_variants("Ротенберг Аркадий Романович")[0] == "rotenberg arkadiy romanovich"
    assert latin_variants("Ким Чен Ын")[0] == "kim jong un"


def test_given_name_joined_once() -> None:
    variants = latin_variants("김정은")
    assert "kim jongun" in variants


def test_russian_name_is_not_read_as_korean() -> None:
    # the first word is no Korean family name, and "Сергей" spells no Korean syllables
    assert latin_variants("Ротенберг Аркадий")[0] == "rotenberg arkadiy"
    assert all(
        "sergey" in variant or "sergei" in variant or "sergej" in variant
        for variant in latin_variants("Ли Сергей")
    )


def test_latin_text_has_one_spelling() -> None:
    assert latin_variants("KIM, Jong Un") == ["kim jong un"]
    assert latin_variants("Ştefan Đorđević") == ["stefan dordevic"]
    assert latin_variants("") == []
    assert latin_variants(" -- ") == []


def test_result_is_a_fresh_list() -> None:
    first = latin_variants("김정은")
    first.append("mutated")
    assert "mutated" not in latin_variants("김정은")


def test_at_most_max_variants() -> None:
    for name in ["리만건", "Чвэ Сон Хи", "Kim 정은 Ким Чен Ын 习近平", "Ким Анна"]:
        assert 1 <= len(latin_variants(name)) <= MAX_VARIANTS


# --- properties --------------------------------------------------------------------------------

_ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
_NAME_CHARS = st.sampled_from(
    list("abcKzZ ,.'-")
    + list("кимчеынлагоньхвбёсопуждэиртяйю")
    + list("КЧЛ")
    + list("김정은리만건황병서최석박봉주")
    + list("刘梅习近平シンゾウアベ")
    + list("بهاءالحلق")
    + ["\u200d", "\u00ad", "\u0301"]
)


@given(st.one_of(_ANY_TEXT, st.text(alphabet=_NAME_CHARS, max_size=25)))
def test_variants_are_folded_ascii(text: str) -> None:
    variants = latin_variants(text)
    assert len(variants) <= MAX_VARIANTS
    assert len(set(variants)) == len(variants)
    for variant in variants:
        assert variant
        assert variant.isascii()
        assert ascii_fold(variant) == variant
    if ascii_fold(text):  # anything with a letter or digit that has a Latin reading has a spelling
        assert variants


# Signs that are letters to Unicode but have no sound of their own: alone, they spell nothing.
_SILENT_SIGNS = frozenset("ьъءـ")


@given(st.text(alphabet=_NAME_CHARS, min_size=1, max_size=25))
def test_names_with_letters_have_spellings(text: str) -> None:
    if any(char.isalpha() and char not in _SILENT_SIGNS for char in text):
        assert latin_variants(text)


_LATIN = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Zs", "Pd", "Po"), max_codepoint=0x24F),
    max_size=30,
)


@given(_LATIN)
def test_latin_folded_is_its_own_single_variant(text: str) -> None:
    folded = ascii_fold(text)
    assert latin_variants(folded) == ([folded] if folded else [])


@pytest.mark.parametrize(
    ("hangul", "listed"),
    [
        ("단천상업은행", "tanchon commercial bank"),
        ("조선대성은행", "korea taesong bank"),
        ("대동신용은행", "daedong credit bank"),
        ("조선통일발전은행", "korea united development bank"),
    ],
)
def test_korean_organization_names_are_translated_word_by_word(hangul: str, listed: str) -> None:
    assert listed in latin_variants(hangul)


def test_korean_personal_names_are_not_translated() -> None:
    variants = latin_variants("조선희")  # a person named Cho Son-hui, not 'Korea ...'
    assert "cho son hui" in variants
    assert not any("korea" in v for v in variants)


@pytest.mark.parametrize(
    ("text", "syllabic"),
    [("김정은", True), ("贾刚", True), ("斉藤 陽子", True), ("조선대성은행", True), ("Kim 정은", False),
     ("Ким Чен Ын", False), ("Kim Jong Un", False), ("2024", False)],
)  # fmt: skip
def test_names_spelled_from_syllables_are_told_apart(text: str, syllabic: bool) -> None:
    assert spelled_from_syllables(text) is syllabic


@pytest.mark.parametrize(
    ("text", "abjad"),
    [("انور العولقي", True), ("محمد جواد ظریف", True), ("Anwar العولقي", False), ("김정은", False)],
)
def test_names_read_from_arabic_script_are_told_apart(text: str, abjad: bool) -> None:
    assert spelled_from_abjad(text) is abjad


@pytest.mark.parametrize(
    ("name", "reading"),
    [
        # Listed by OFAC as 'Dandong Hongxiang Industrial Development Co Ltd' (DPRK, 2016).
        ("丹东鸿祥实业发展有限公司", "dandong hongxiang industrial development coltd"),
        ("北京正宇兴科技有限公司", "beijing zhengyuxing technology coltd"),
        ("四川聚信和网络科技有限公司", "sichuan juxinhe network technology coltd"),
    ],
)
def test_chinese_company_names_are_read_as_the_lists_translate_them(name: str, reading: str) -> None:
    assert name_forms(name, organization=True)[0].text == reading


@pytest.mark.parametrize("name", ["王国际", "郑晶", "欧阳娜娜"])
def test_chinese_person_names_are_read_syllable_by_syllable(name: str) -> None:
    assert all(word not in name_forms(name)[0].text for word in ("international", "technology"))
