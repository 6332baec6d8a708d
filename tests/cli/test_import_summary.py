"""The update report's line on an FtM import: every entity of the file in one count, by role and schema."""

from __future__ import annotations

from sanctionwatch.cli.app import import_summary


def test_every_role_is_named_with_its_schemas() -> None:
    line = import_summary(
        {
            "party": {"Person": 2, "Company": 1},
            "non-target": {"Person": 1},
            "non-party": {"Sanction": 2, "Address": 1},
            "unknown-schema": {"FutureThing": 1},
        }
    )
    assert line == (
        "imported 3 as parties (Company 1, Person 2); "
        "1 as parties not targeted by the list (target: false; screened, shown with target false) (Person 1); "
        "3 as non-parties (kept and served, not screened) (Address 1, Sanction 2); "
        "1 NOT imported: schema unknown to followthemoney (FutureThing 1)"
    )


def test_nothing_is_said_as_nothing() -> None:
    assert import_summary({}) == "imported nothing"
