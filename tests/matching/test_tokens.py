"""Token similarity: what counts as the same word written differently, and what does not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.matching._kernel import key_hashes
from sanctionwatch.matching.tokens import (
    abjad,
    abjad_similarity,
    romanized,
    skeleton,
    syllable_fold,
    syllable_similarity,
    token_shape,
    token_similarity,
    visual,
)


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("mohamkad", "mohammad"),  # typo
        ("mohamamd", "mohammad"),  # transposition
        ("brkt", "barakat"),  # vowels dropped
        ("mhmmd", "mohammad"),
        ("sna", "sina"),
        ("faiez", "fayez"),  # phonetic
        ("muhammad", "mohammed"),  # romanization
        ("electrlc", "electric"),  # OCR
        ("comp", "company"),  # truncation
        ("zhalolov", "jalolov"),  # Cyrillic zh / French-Uzbek j
        ("nazhmidin", "najmiddin"),
        ("alexander", "alyaksandr"),  # x / ks, Belarusian ya
        ("abdallah", "abdalla"),
        ("lidziya", "lydia"),  # Belarusian dz, -iya / -ia
        ("mariya", "maria"),
        ("hoon", "hun"),  # South Korean passports' oo
    ],
)
def test_variants_of_one_word_are_similar(query: str, listed: str) -> None:
    assert token_similarity(query, listed) >= 0.74


def test_ocr_confusions_fold_to_one_shape() -> None:
    assert visual("klm") == visual("kim")
    assert token_similarity("c0", "co") == pytest.approx(0.9)


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("pierre", "opera"),
        ("ines", "younous"),
        ("corpomedios", "co"),
        ("rangel", "daniel"),
        ("youmin", "min"),
        ("sonyong", "song"),  # Korean syllables: y is not a vowel to drop
        ("yatsenyuk", "yatsenko"),
    ],
)
def test_different_words_are_not_similar(query: str, listed: str) -> None:
    assert token_similarity(query, listed) == 0.0


def test_short_words_pay_more_per_edit() -> None:
    assert token_similarity("wang", "kang") < token_similarity("mohamkad", "mohammad")


def test_initials_support_but_do_not_decide() -> None:
    assert 0.5 < token_similarity("b", "barakat") < 0.7
    assert token_similarity("x", "barakat") == 0.0


def test_skeleton_collapses_doubles_and_drops_vowels() -> None:
    assert skeleton("mohammed") == skeleton("muhamad") == "mhmd"


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=14)


@given(words, words)
def test_similarity_is_bounded(a: str, b: str) -> None:
    assert 0.0 <= token_similarity(a, b) <= 1.0


@given(words)
def test_a_word_is_identical_to_itself(a: str) -> None:
    assert token_similarity(a, a) == 1.0


@given(words, words)
def test_edit_based_similarity_is_symmetric_for_equal_lengths(a: str, b: str) -> None:
    if len(a) == len(b):
        assert token_similarity(a, b) == pytest.approx(token_similarity(b, a))


@given(words)
def test_a_typo_shares_a_lookup_key(word: str) -> None:
    if len(word) >= 5:
        typo = word[:2] + word[3:]  # one letter dropped
        assert set(key_hashes(token_shape(word), False)) & set(key_hashes(token_shape(typo), False))


def test_patronymics_are_told_from_family_names() -> None:
    """An unmatched patronymic costs less than another unmatched word: lists often omit it."""
    from sanctionwatch.matching.names import is_patronymic

    assert is_patronymic("vasilyevich") and is_patronymic("petrovna")
    assert not is_patronymic("ivanov") and not is_patronymic("rich")


def test_romanizations_of_one_sound_fold_to_one_spelling() -> None:
    assert romanized("sergey") == romanized("sergei")
    assert romanized("louka") == romanized("luqa")
    assert romanized("zhalolov") == romanized("jalolov")


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=20))
def test_romanized_fold_is_idempotent(token: str) -> None:
    assert romanized(romanized(token)) == romanized(token)


@pytest.mark.parametrize(
    ("query", "listed"),
    [("taesong", "daesong"), ("daeseong", "daesong"), ("jo", "cho"), ("gyeong", "kyong"), ("deng", "teng")],
)
def test_one_syllable_in_two_romanization_schemes_matches(query: str, listed: str) -> None:
    assert syllable_similarity(query, listed) > 0.85


@pytest.mark.parametrize(("query", "listed"), [("jia", "jiao"), ("gang", "gong"), ("ming", "mingguo")])
def test_other_syllables_do_not_match_however_close_the_letters(query: str, listed: str) -> None:
    assert token_similarity(query, listed) > 0.0  # a typo in a Latin name ...
    assert syllable_similarity(query, listed) == 0.0  # ... but another syllable when spelled from Hangul/Han


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12))
def test_syllable_fold_is_idempotent_and_similarity_symmetric(token: str) -> None:
    assert syllable_fold(syllable_fold(token)) == syllable_fold(token)
    assert syllable_similarity(token, "kim") == syllable_similarity("kim", token)


@pytest.mark.parametrize(
    ("query", "listed"), [("cho", "jo"), ("jin", "chin"), ("bom", "pom"), ("thae", "tae"), ("pil", "phil")]
)
def test_latin_korean_syllables_match_across_schemes(query: str, listed: str) -> None:
    assert token_similarity(query, listed) == token_similarity(listed, query) > 0.85


@pytest.mark.parametrize(("query", "listed"), [("john", "chon"), ("jose", "chose"), ("ho", "o")])
def test_words_that_are_no_korean_syllable_keep_the_latin_rules(query: str, listed: str) -> None:
    assert token_similarity(query, listed) == 0.0


@pytest.mark.parametrize(
    ("reading", "romanization"),
    [("alwlqy", "aulaqi"), ("nasr", "nasser"), ("anwr", "anwar"), ("bdallh", "abdullah")],
)
def test_a_reading_of_arabic_script_shares_the_consonant_frame_of_its_romanization(
    reading: str, romanization: str
) -> None:
    assert abjad(reading) == abjad(romanization)
    assert abjad_similarity(reading, romanization) >= token_similarity(reading, romanization)
    assert abjad_similarity(reading, romanization) > 0.0


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12))
def test_abjad_frame_is_idempotent_and_never_weaker_than_the_latin_rules(token: str) -> None:
    assert abjad(abjad(token)) == abjad(token)
    assert abjad_similarity(token, "nasser") >= token_similarity(token, "nasser")
