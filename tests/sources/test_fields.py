"""Shared field helpers: example cases and properties."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.model import Identifier, IdKind
from sanctionwatch.sources.base import SourceFormatError
from sanctionwatch.sources.fields import (
    gender_of,
    generation_date,
    identifiers_in_text,
    iso_day,
    join_parts,
    packed_names,
    squash,
    unique_identifiers,
)


def test_identifiers_in_text() -> None:
    text = (
        "State bank. SWIFT/BIC: FTBDKPPY. Also SWIFT: DCBKKPPY. "
        "International Maritime Organization (IMO) Number: 1790183; IMO 5434358."
    )
    assert [(i.kind, i.value) for i in identifiers_in_text(text)] == [
        (IdKind.BIC, "FTBDKPPY"),
        (IdKind.BIC, "DCBKKPPY"),
        (IdKind.IMO, "1790183"),
        (IdKind.IMO, "5434358"),
    ]
    assert identifiers_in_text("IMOVICH was born 1964; SWIFTLY") == []
    assert identifiers_in_text(None) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Male", "male"),
        ("MALE", "male"),
        ("M", "male"),
        ("Female", "female"),
        ("F", "female"),
        ("Unknown", None),
        (None, None),
    ],
)
def test_gender_of(value: str | None, expected: str | None) -> None:
    assert gender_of(value) == expected


def test_dates() -> None:
    assert iso_day("2015-04-14-04:00") == "2015-04-14"
    assert iso_day("not a date") is None
    generated = generation_date(Path("x"), "2018-10-29T19:09:49.856-04:00", element="R", line=1)
    assert generated == date(2018, 10, 29)
    with pytest.raises(SourceFormatError):
        generation_date(Path("x"), "29/10/2018", element="R", line=1)


def test_unique_identifiers_keeps_first() -> None:
    first = Identifier(IdKind.BIC, "FTBDKPPY", country="kp")
    assert unique_identifiers([first, Identifier(IdKind.BIC, "FTBDKPPY")]) == [first]


@given(st.text())
def test_squash_is_idempotent_and_trimmed(text: str) -> None:
    once = squash(text)
    assert once is None or (once == once.strip() and "  " not in once and squash(once) == once)


@given(st.text())
def test_identifiers_in_text_never_raises_and_values_have_their_shape(text: str) -> None:
    for identifier in identifiers_in_text(text):
        if identifier.kind == IdKind.IMO:
            assert len(identifier.value) == 7 and identifier.value.isdigit()
        else:
            assert identifier.kind == IdKind.BIC and len(identifier.value) in (8, 11)


@given(st.lists(st.one_of(st.none(), st.text())))
def test_join_parts_skips_blanks(parts: list[str | None]) -> None:
    joined = join_parts(*parts)
    assert joined is None or joined.strip() == joined != ""


@given(st.text())
def test_gender_of_is_in_vocabulary(text: str) -> None:
    assert gender_of(text) in (None, "male", "female")


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters=";"), min_size=1), max_size=4))
def test_packed_names_split_at_semicolons_and_lose_nothing(parts: list[str]) -> None:
    names = packed_names("; ".join(parts))
    assert names == [p.strip() for p in parts if p.strip()]
