"""The weight of a party's change (registry.diff): form, record or screening, on hand-made records."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.registry.diff import SCREENING_FIELDS, ChangeWeight, compare_records, heaviest

BASE: dict[str, Any] = {
    "source": "uk",
    "source_id": "1",
    "schema": "Person",
    "names": [{"full": "Muhammad Ali AL-QADARI", "kind": "primary"}],
    "remarks": ["Listed for attacks on shipping."],
    "identifiers": [{"kind": "passport", "value": "P1"}],
}


def _weights(new: dict[str, Any]) -> dict[str, ChangeWeight]:
    return {c.field: c.weight for c in compare_records(BASE, BASE | new)}


def test_letter_case_and_spacing_alone_are_form() -> None:
    assert _weights({"names": [{"full": "Muhammad  Ali Al-Qadari", "kind": "primary"}]}) == {
        "names": ChangeWeight.FORM
    }


def test_a_reordering_is_form() -> None:
    old = BASE | {"remarks": ["a", "b"]}
    [change] = compare_records(old, old | {"remarks": ["b", "a"]})
    assert (change.weight, change.added, change.removed) == (ChangeWeight.FORM, [], [])


def test_remarks_reworded_are_record_and_a_new_passport_is_screening() -> None:
    weights = _weights(
        {
            "remarks": ["Reworded."],
            "identifiers": [{"kind": "passport", "value": "P1"}, {"kind": "passport", "value": "P2"}],
        }
    )
    assert weights == {"remarks": ChangeWeight.RECORD, "identifiers": ChangeWeight.SCREENING}


def test_a_party_weighs_what_its_weightiest_field_weighs() -> None:
    changes = compare_records(
        BASE,
        BASE | {"remarks": ["Reworded."], "names": [{"full": "muhammad ali al-qadari", "kind": "primary"}]},
    )
    assert heaviest(changes) is ChangeWeight.RECORD
    assert heaviest([]) is ChangeWeight.FORM


@given(
    st.sampled_from(sorted(SCREENING_FIELDS | {"remarks", "positions", "titles"})),
    st.lists(st.text(min_size=1, max_size=12), max_size=4),
    st.lists(st.text(min_size=1, max_size=12), max_size=4),
)
def test_weight_is_form_exactly_when_the_values_fold_to_the_same(
    field: str, old: list[str], new: list[str]
) -> None:
    """Any field, any values: form iff case/space folding makes both sides equal; else screening iff the
    field is one screening compares."""
    changes = compare_records({field: old}, {field: new})
    if old == new:
        assert changes == []
        return
    [change] = changes

    def folded(values: list[str]) -> list[str]:
        return sorted({" ".join(v.casefold().split()) for v in values})

    if folded(old) == folded(new):
        assert change.weight is ChangeWeight.FORM
    else:
        expected = ChangeWeight.SCREENING if field in SCREENING_FIELDS else ChangeWeight.RECORD
        assert change.weight is expected
