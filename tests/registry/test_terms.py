from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.registry.terms import authority_key, authority_matches, program_matches


def test_program_family_matches_numbered_and_suffixed_programmes() -> None:
    for value in ("DPRK", "DPRK2", "DPRK3", "DPRK4", "DPRK-NKSPEA"):
        assert program_matches(value, "dprk")
    assert not program_matches("DPRKX", "DPRK")
    assert not program_matches("IRAN", "DPRK")


def test_program_glob() -> None:
    assert program_matches("RUSSIA-EO14024", "russia-*")
    assert not program_matches("UKRAINE-EO13662", "RUSSIA-*")


def test_authority_spellings_are_equivalent() -> None:
    for spelling in (
        "EO 13382",
        "EO13382",
        "E.O. 13382",
        "Executive Order 13382",
        "executive order no. 13382",
    ):
        assert authority_key(spelling) == "EO 13382"
    assert authority_matches("UNSCR 1718", "unscr 1718")


@given(st.text())
def test_authority_key_is_idempotent(text: str) -> None:
    key = authority_key(text)
    assert authority_key(key).casefold() == key.casefold()


@given(st.from_regex(r"[A-Z]{2,8}[0-9]?", fullmatch=True))
def test_every_programme_matches_itself(code: str) -> None:
    assert program_matches(code, code)
    assert program_matches(code, code.lower())
