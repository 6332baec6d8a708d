"""Korean names in their everyday variations: slips inside a syllable, syllables joined or hyphenated,
family names in their southern spellings (issue 15)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.matching.names import name_forms
from sanctionwatch.matching.tokens import token_similarity
from sanctionwatch.matching.translit import family_name_groups, korean_syllable_runs
from sanctionwatch.model import DateValue, Entity, Name
from sanctionwatch.screening.query import Query
from sanctionwatch.screening.screener import Screener

LISTED = [
    Entity("ofac-sdn", "20157", "Person", names=[Name("KIM, Jong Un")], birth_dates=[DateValue("1984-01-08")]),
    Entity("ofac-sdn", "17622", "Person", names=[Name("KIM, Sok Chol")], birth_dates=[DateValue("1955-05-08")]),
    Entity("ofac-sdn", "18668", "Person", names=[Name("RI, Chong Chol")]),
    Entity("ofac-sdn", "22994", "Person", names=[Name("PAK, Bong Nam")]),
    Entity("ofac-sdn", "23216", "Person", names=[Name("CHOE, Ryong Hae")]),
    Entity("ofac-sdn", "23092", "Person", names=[Name("KIM, Min Chol")]),
    Entity("ofac-sdn", "23086", "Person", names=[Name("RI, Thae Chol")]),
    Entity("ofac-sdn", "30001", "Person", names=[Name("SMITH, John")]),
    Entity("ofac-sdn", "30003", "Person", names=[Name("KIM, Kwang Hyok")]),
    Entity("ofac-sdn", "23508", "Person", names=[Name("KIM, Song")], birth_dates=[DateValue("1964-01-11")]),
    Entity("ofac-sdn", "12286", "Organization", names=[Name("KOREA KWANGSON BANKING CORP")]),
    Entity("ofac-sdn", "12301", "Organization", names=[Name("KOREA MINING DEVELOPMENT TRADING CORPORATION")]),
]  # fmt: skip


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.from_entities(LISTED)


def score_of(screener: Screener, name: str, entity: str, **fields: str) -> float:
    hits = screener.screen(Query(name=name, schema="Person", **fields), threshold=0.0, limit=20)
    return max((h.score for h in hits if entity in h.source_ids), default=0.0)


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("ri", "lee"),
        ("rhee", "ri"),
        ("yi", "lee"),
        ("pak", "park"),
        ("bak", "park"),
        ("choe", "choi"),
        ("yu", "yoo"),
    ],
)
def test_spellings_of_one_family_name_are_one_name(query: str, listed: str) -> None:
    assert family_name_groups()[query] & family_name_groups()[listed]
    assert token_similarity(query, listed) >= 0.9


def test_different_family_names_stay_apart() -> None:
    assert not family_name_groups()["kim"] & family_name_groups()["park"]
    assert token_similarity("kim", "park") == 0.0


@pytest.mark.parametrize(("query", "listed"), [("unn", "un"), ("sko", "sok"), ("hea", "hae"), ("all", "al")])
def test_a_slip_in_a_short_word_is_a_slip(query: str, listed: str) -> None:
    assert token_similarity(query, listed) >= 0.7


@pytest.mark.parametrize(("query", "listed"), [("sik", "sok"), ("im", "kim"), ("min", "man")])
def test_two_syllables_a_letter_apart_count_less_than_a_slip(query: str, listed: str) -> None:
    """A slip or another person's name: enough to count beside the rest of the name and a birth date."""
    assert 0.66 <= token_similarity(query, listed) < token_similarity("sko", "sok")


def test_another_syllable_weighs_less_than_a_slip_and_the_birth_date_decides(screener: Screener) -> None:
    other_syllable = score_of(screener, "KIM, Sik Chol", "ofac-sdn:17622")
    assert other_syllable < score_of(screener, "KIM, Sko Chol", "ofac-sdn:17622")
    assert score_of(screener, "KIM, Sik Chol", "ofac-sdn:17622", birth_date="1955-05-08") > other_syllable
    assert score_of(screener, "KIM, Sik Chol", "ofac-sdn:17622", birth_date="1970-02-01") < 0.25


def test_a_syllable_slip_with_the_real_birth_date_alerts(screener: Screener) -> None:
    assert score_of(screener, "KIM, Sik Chol", "ofac-sdn:17622", birth_date="1955-05-08") >= 0.25


def test_joined_syllables_split_as_the_lists_write_them() -> None:
    assert ("jong", "un") in korean_syllable_runs("jongun")
    assert korean_syllable_runs("minchol") == (("min", "chol"),)
    assert korean_syllable_runs("schmidt") == ()
    assert "kim jong un" in [f.text for f in name_forms("Kim Jongun")]
    assert [f.text for f in name_forms("Anna Schmidt")] == ["anna schmidt"]  # not every word is Korean


@pytest.mark.parametrize(
    ("query", "entity"),
    [
        ("Kim Jongun", "ofac-sdn:20157"),
        ("KIM Minchol", "ofac-sdn:23092"),
        ("RI Thaechol", "ofac-sdn:23086"),
        ("Rhee Chong Chol", "ofac-sdn:18668"),
        ("Park Bong Nam", "ofac-sdn:22994"),
        ("Choi Ryong Hae", "ofac-sdn:23216"),
        ("KIM JONG UNN", "ofac-sdn:20157"),
        ("Choe Ryong Hea", "ofac-sdn:23216"),
    ],
)
def test_everyday_variants_alert(screener: Screener, query: str, entity: str) -> None:
    assert score_of(screener, query, entity) >= 0.25


def test_a_slip_with_the_real_birth_date_alerts(screener: Screener) -> None:
    assert score_of(screener, "KIM SKO CHOL", "ofac-sdn:17622", birth_date="1955-05-08") >= 0.25


def test_hyphens_and_spaces_between_syllables_do_not_change_the_score(screener: Screener) -> None:
    apart = score_of(screener, "Kim Jong Un", "ofac-sdn:20157")
    assert score_of(screener, "Kim Jong-Un", "ofac-sdn:20157") == pytest.approx(apart)
    assert score_of(screener, "Kim Jong-un", "ofac-sdn:20157") == pytest.approx(apart)


@given(st.data())
def test_a_slip_inside_any_syllable_keeps_the_party_among_the_hits(data: st.DataObject) -> None:
    screener = _SCREENER
    party = data.draw(
        st.sampled_from([e for e in LISTED if e.schema == "Person" and e.id != "ofac-sdn:30001"])
    )
    family, given = party.names[0].full.split(", ")
    words = [family, *given.split()]
    at = data.draw(st.integers(0, len(words) - 1))
    word = words[at]
    position = data.draw(st.integers(0, len(word) - 1))
    letter = data.draw(st.sampled_from("aeiouknrsgh"))
    kind = data.draw(st.sampled_from(["replace", "insert", "double"]))
    if kind == "replace":
        slipped = word[:position] + letter + word[position + 1 :]
    elif kind == "insert":
        slipped = word[:position] + letter + word[position:]
    else:
        slipped = word[: position + 1] + word[position] + word[position + 1 :]
    words[at] = slipped
    hits = screener.screen(Query(name=" ".join(words), schema="Person"), threshold=0.0, limit=10)
    assert party.id in {source for h in hits for source in h.source_ids}


_SCREENER = Screener.from_entities(LISTED)


@pytest.mark.parametrize(
    ("hangul", "entity"),
    [("조선광선은행", "ofac-sdn:12286"), ("조선광업개발무역회사", "ofac-sdn:12301")],
)
def test_korean_organization_names_in_hangul_read_as_the_lists_translate_them(
    screener: Screener, hangul: str, entity: str
) -> None:
    hits = screener.screen(Query(name=hangul, schema="Organization"), threshold=0.0, limit=5)
    assert hits and entity in hits[0].source_ids and hits[0].score >= 0.25


def test_the_real_birth_date_finds_a_person_no_lookup_key_reaches(screener: Screener) -> None:
    """'Kin' is no key of 'Kim' (three letters have no deletion keys): the birth date retrieves him."""
    assert score_of(screener, "KIN, Song", "ofac-sdn:23508", birth_date="1964-01-11") >= 0.25
    assert score_of(screener, "KIN, Song", "ofac-sdn:23508", birth_date="1970-05-05") < 0.25


def test_a_number_is_never_half_a_word() -> None:
    """'JON HJIN 2' once read 'hjin2' as a word and voted it for HAEJIN SHIP MANAGEMENT beside 'hjin'
    itself: the lookalike outvoted the vessel JON JIN 2 so far that it was never scored."""
    listed = [
        Entity("ofac-sdn", "17090", "Vessel", names=[Name("JON JIN 2")]),
        Entity("ofac-sdn", "90001", "Organization", names=[Name("HAEJIN SHIP MANAGEMENT COMPANY LTD")]),
        *(Entity("ofac-sdn", f"9100{n}", "Person", names=[Name(f"JON, Il {n}")]) for n in "ABCDEFGH"),
        *(Entity("ofac-sdn", f"9200{n}", "Person", names=[Name(f"KIM, Jin {n}")]) for n in "ABCDEFGH"),
    ]
    hits = Screener.from_entities(listed).screen(Query(name="JON HJIN 2", schema="Vessel"), limit=3)
    assert hits
    assert hits[0].source_ids == ["ofac-sdn:17090"]


def test_given_syllables_swapped_are_another_name(screener: Screener) -> None:
    """'KIM, Chol Min' (철민) is not 'KIM, Min Chol' (민철): no exact-name floor, a weaker score."""
    assert score_of(screener, "KIM, Chol Min", "ofac-sdn:23092") < score_of(
        screener, "KIM, Min Chol", "ofac-sdn:23092"
    )
    assert score_of(screener, "KIM, Chol Min", "ofac-sdn:23092") < 0.9


@pytest.mark.parametrize("query", ["Chol Min KIM", "KIM Min Chol", "Min Chol KIM", "Min-Chol Kim"])
def test_a_name_reversed_whole_or_given_names_first_keeps_its_score(screener: Screener, query: str) -> None:
    """Only the given syllables changing places behind the family name is another name: a name written
    backwards whole keeps the syllables' order to each other ('Chol Min KIM' reverses KIM, Min Chol)."""
    assert score_of(screener, query, "ofac-sdn:23092") >= 0.9
