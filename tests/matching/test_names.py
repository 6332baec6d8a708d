"""Name structure: forms of a name as the matcher compares them, for queries and for listed names."""

from __future__ import annotations

import pytest

from sanctionwatch.matching.names import is_noise, listed_forms, name_forms


def texts(name: str, organization: bool = False) -> list[str]:
    return [form.text for form in name_forms(name, organization=organization)]


def test_legal_forms_become_one_canonical_token() -> None:
    assert texts("Wings Private Joint Stock Company", organization=True) == texts(
        "WINGS PRIVATE JSC", organization=True
    )


def test_the_preposition_in_is_not_read_as_incorporated() -> None:
    assert texts("ISIS Branch in the Philippines", organization=True) == ["isis branch in the philippines"]


def test_honorifics_and_vessel_prefixes_are_dropped() -> None:
    assert texts("Seyyed Mahmoud ALAVI") == ["mahmoud alavi"]
    assert texts("M/V ARGO") == ["argo"]


def test_arabic_articles_and_business_words_are_noise() -> None:
    assert is_noise("al") and is_noise("ul") and is_noise("private")
    assert not is_noise("haq")


def test_an_organization_is_also_indexed_without_its_parenthesis() -> None:
    forms = listed_forms("NAFTIRAN INTERTRADE CO. (NICO) LIMITED", organization=True)
    assert {f.text: derived for f, derived in forms} == {
        "naftiran intertrade company nico ltd": False,
        "naftiran intertrade company ltd": True,
    }


def test_a_person_parenthesis_stays_part_of_the_name() -> None:
    assert [f.text for f, _ in listed_forms("KIM (Jong Un)")] == texts("KIM (Jong Un)")


@pytest.mark.parametrize(
    ("one", "other"),
    [("KONKORD, OOO", "KONKORD LLC"), ("VVB, PAO", "PUBLIC JOINT STOCK COMPANY VVB"), ("AL-OMGY BROS", "AL-OMGY BROTHERS")],
)  # fmt: skip
def test_one_legal_form_in_two_languages_is_one_token(one: str, other: str) -> None:
    assert set(name_forms(one, organization=True)[0].tokens) == set(
        name_forms(other, organization=True)[0].tokens
    )


@pytest.mark.parametrize(
    ("name", "legal_form"),
    [
        ("佳禾网络有限公司", "coltd"),  # Co., Ltd.
        ("株式会社山輝", "coltd"),  # kabushiki kaisha
        ("주식회사 대성", "coltd"),  # jusik hoesa
        ("中国石油天然气集团公司", "group"),
    ],
)
def test_legal_forms_in_chinese_japanese_and_korean_are_read_as_legal_forms(
    name: str, legal_form: str
) -> None:
    """Not as syllables every such company shares ('you xian gong si'), which would match them all."""
    [first, *_] = name_forms(name, organization=True)
    assert legal_form in first.tokens
    assert not {"xian", "gong", "hoe"} & set(first.tokens)
    assert first.syllabic  # the name's own syllables still match syllable for syllable
