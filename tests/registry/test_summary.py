"""The memo sentence for a list change."""

from __future__ import annotations

from sanctionwatch.model import Entity, Name
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.summary import describe_changes, describe_group
from tests.registry.factories import base_list, party, publication


def test_group_sentence_counts_kinds_authorities_and_programmes(registry: Registry) -> None:
    registry.ingest(publication(base_list(10)))
    added = [party(i, program="DPRK3", authority="EO 13382") for i in range(20, 28)]
    added += [
        party(i, program="RUSSIA-EO14024", authority="EO 14024", schema="Person") for i in range(30, 41)
    ]
    registry.ingest(publication([*base_list(10), *added], day=19))
    diff = registry.changes("test")
    sentence = describe_group("added", diff.added)
    assert sentence.startswith("11 individuals and 8 entities added, under EO 14024 and EO 13382")
    assert "programmes RUSSIA-EO14024 and DPRK3" in sentence
    memo = describe_changes(diff)
    assert memo.startswith(
        "test version 2 (2025-11-19) against version 1: 11 individuals and 8 entities added"
    )
    assert "none removed; none changed." in memo


def test_first_version_and_singular_words(registry: Registry) -> None:
    vessel = Entity("test", "9", "Vessel", names=[Name("CHONG CHON GANG")], programs=["DPRK"])
    registry.ingest(publication([vessel]))
    assert describe_changes(registry.changes("test")) == (
        "test version 1 (2025-11-01) (first version): 1 vessel added, programmes DPRK; none removed; none changed."
    )
