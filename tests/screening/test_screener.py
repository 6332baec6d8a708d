"""The Screener on a handful of real designations: variants found, namesakes and bad input handled."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionwatch.matching.tuning import TUNING
from sanctionwatch.model import DateValue, Entity, Identifier, Name, NameQuality
from sanctionwatch.screening.query import Query, QueryError
from sanctionwatch.screening.screener import Screener, validate

PARTIES = [
    Entity(
        "ofac-sdn", "20157", "Person", names=[Name("KIM, Jong Un")], programs=["DPRK3"],
        birth_dates=[DateValue("1984-01-08")], nationalities=["kp"],
    ),
    Entity(
        "ofac-sdn", "10050", "Person", names=[Name("BARAKAT, Mohammad Fayez")], programs=["SDGT"],
        birth_dates=[DateValue("1960")],
    ),
    Entity(
        "ofac-sdn", "15603", "Organization",
        names=[
            Name("FOREIGN TRADE BANK OF THE DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA"),
            Name("MOOYOKBANK", kind="alias", quality=NameQuality.WEAK),
        ],
        identifiers=[Identifier("bic", "FTBDKPPY", label="SWIFT/BIC")], programs=["NPWMD", "DPRK3"],
    ),
    Entity(
        "ofac-sdn", "10122", "Organization", names=[Name("KALAYE ELECTRIC COMPANY")], programs=["NPWMD"],
    ),
    Entity(
        "ofac-sdn", "17069", "Vessel", names=[Name("CHONG CHON GANG")], programs=["DPRK"],
        identifiers=[Identifier("imo", "7937317", label="IMO")],
    ),
    Entity("ofac-sdn", "19491", "Person", names=[Name("RI, Man Gon")], programs=["DPRK2"]),
    Entity("ofac-sdn", "30001", "Person", names=[Name("SMITH, John")], programs=["SDGT"]),
    Entity("ofac-sdn", "30002", "Person", names=[Name("GONG, Jiao")], programs=["SDGT"]),
    Entity("ofac-sdn", "12312", "Organization", names=[Name("KOREA DAESONG BANK")], programs=["DPRK"]),
    Entity("ofac-sdn", "12776", "Person", names=[Name("AL-AULAQI, Anwar Nasser")], programs=["SDGT"]),
    # A long name of syllables a letter away from CHONG CHON GANG's must not crowd the vessel out.
    Entity("uk", "99", "Company", names=[Name("CHONGCHON CHONG CHONN GANGA KANG HANG SHIPPING CO")]),
]  # fmt: skip


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.from_entities(PARTIES)


def top(screener: Screener, query: Query) -> str | None:
    hits = screener.screen(query)
    return hits[0].entity_id if hits else None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Kim Jong-un", "ofac-sdn:20157"),
        ("Jong Un KIM", "ofac-sdn:20157"),
        ("김정은", "ofac-sdn:20157"),
        ("Ким Чен Ын", "ofac-sdn:20157"),
        ("리만건", "ofac-sdn:19491"),
        ("Ri Man-gon", "ofac-sdn:19491"),
        ("BARAKAT, Mohamad Fayez", "ofac-sdn:10050"),  # double collapsed
        ("BRKT, Mhmmd Fyz", "ofac-sdn:10050"),  # vowels dropped
        ("BARAKAT, Mohammad F\u0430yez", "ofac-sdn:10050"),  # Cyrillic а
        ("BARA\u200dKAT, Mohammad Fayez", "ofac-sdn:10050"),  # zero-width joiner
        ("Mr. BARAKAT, Mohammad Fayez", "ofac-sdn:10050"),
        ("KALAYE ELECTRIC COMP", "ofac-sdn:10122"),  # truncated
        ("KALAYE ELECTRlC COMPANY", "ofac-sdn:10122"),  # OCR
        ("M/V Chong Chon Gang", "ofac-sdn:17069"),
        ("Foreign Trade Bank of the Democratic Peoples Republic of Korea", "ofac-sdn:15603"),
        ("조선대성은행", "ofac-sdn:12312"),  # Korean words translated, 대성 in another scheme than the list's
        ("Foreign Trade Bank of the DPRK", "ofac-sdn:15603"),  # the state by its initials
        ("انور ناصر العولقي", "ofac-sdn:12776"),  # Arabic script: consonants only, 'wlqy' for AULAQI
    ],
)
def test_variants_of_listed_names_alert(screener: Screener, name: str, expected: str) -> None:
    assert top(screener, Query(name)) == expected


@pytest.mark.parametrize(
    "name",
    # 贾刚 is Jia Gang: two other syllables than GONG Jiao's, though a letter away in Latin.
    ["Gail Smith", "BARAKAT COMPANY", "KALAYE Rosario", "Maria-Luise Winkler", "刘梅", "贾刚"],
)
def test_other_parties_do_not_alert(screener: Screener, name: str) -> None:
    assert screener.screen(Query(name)) == []


def test_birth_date_confirms_or_rules_out(screener: Screener) -> None:
    confirmed = screener.screen(Query("Jong Un Kim", "Person", "1984-01-08"))
    assert confirmed and confirmed[0].score >= 0.99
    evidence = confirmed[0].explanation_json()["evidence"]
    assert evidence[0]["feature"] == "birth_date" and evidence[0]["effect"] == "raises"
    assert screener.screen(Query("Jong Un Kim", "Person", "1999-05-01")) == []  # a namesake 15 years younger


def test_a_person_is_never_a_company(screener: Screener) -> None:
    """Whatever the names say, a pair of different kinds stays below the threshold, and says why."""
    person = screener.screen(Query("Kalaye Electric Company", "Person"), threshold=0)
    company = screener.screen(Query("Kalaye Electric Company", "Organization"), threshold=0)
    assert person[0].score <= TUNING.kind_mismatch_score < TUNING.threshold < company[0].score
    assert any(e["feature"] == "schema" for e in person[0].explanation_json()["evidence"])
    assert not screener.screen(Query("Kalaye Electric Company", "Person"))


def test_identifier_decides_whatever_the_name(screener: Screener) -> None:
    [hit] = screener.screen(Query("", identifier="IMO 7937317"))
    assert hit.entity_id == "ofac-sdn:17069"
    assert hit.explanation_json()["evidence"][-1]["effect"] == "decides"
    assert top(screener, Query("Some Bank", identifier="FTBD KPPY")) == "ofac-sdn:15603"


def test_an_exact_listed_name_scores_high_however_long(screener: Screener) -> None:
    [hit, *_] = screener.screen(Query("FOREIGN TRADE BANK OF THE DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA"))
    assert hit.score >= TUNING.exact_name_score - 1e-9
    assert "exact_name" in hit.explanation_json()["name_model"]


def test_explanation_names_the_matched_tokens(screener: Screener) -> None:
    [hit, *_] = screener.screen(Query("BARAKAT, Fayez"))
    explanation = hit.explanation_json()
    assert explanation["matched_name"] == "BARAKAT, Mohammad Fayez"
    assert {p["query"] for p in explanation["token_pairs"]} == {"barakat", "fayez"}
    assert explanation["unmatched_listed_tokens"] == ["mohammad"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (Query(""), "name"),
        (Query("x" * 1001), "name"),
        (Query("Kim", birth_date="1984-13-01"), "birth_date"),
        (Query("Kim", birth_date="08/01/1984"), "birth_date"),
        (Query("Kim", country="Atlantis"), "country"),
        (Query("Kim", schema="Robot"), "schema"),
    ],
)
def test_bad_queries_name_the_field(query: Query, field: str) -> None:
    with pytest.raises(QueryError, match=f"^{field}:"):
        validate(query)


def test_control_characters_are_dropped_not_fatal(screener: Screener) -> None:
    assert top(screener, Query("KIM,\x00 Jong\x07 Un")) == "ofac-sdn:20157"


def test_default_threshold_is_documented_value(screener: Screener) -> None:
    assert screener.threshold == TUNING.threshold
    assert all(h.score >= TUNING.threshold for h in screener.screen(Query("Kim Jong Un")))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_any_text_gives_bounded_scores_or_a_query_error(screener: Screener, text: str) -> None:
    try:
        hits = screener.screen(Query(text), threshold=0)
    except QueryError:
        return
    assert all(0.0 <= h.score <= 1.0 for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@pytest.mark.parametrize(
    "name",
    [
        "Kim Jong Un",
        "KIM JONG-UN",
        "Korea Kwangson Banking",
        "Chon Ma San",
        "Tanchon Commercial Bank",
        "Maria Schmidt",
    ],
)
def test_readings_share_lookups_and_score_each_party_at_its_best(screener: Screener, name: str) -> None:
    """screen_readings gives, for every party, the best score the separate screens give it."""
    readings = ("Person", "Organization", None)
    separate: dict[str, float] = {}
    for schema in readings:
        for hit in screener.screen(Query(name, schema), threshold=0.0, limit=50):
            separate[hit.entity_id] = max(separate.get(hit.entity_id, 0.0), hit.score)
    shared = screener.screen_readings(Query(name, "Vessel"), readings, threshold=0.0, limit=50)
    assert {h.entity_id: h.score for h in shared} == pytest.approx(separate)
    assert [h.score for h in shared] == sorted((h.score for h in shared), reverse=True)
