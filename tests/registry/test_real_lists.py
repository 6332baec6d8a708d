"""The real OFAC advanced XML issues of 2025-11-04 and 2025-11-19, through the registry, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctionwatch.registry.store import Registry
from sanctionwatch.sources.base import ParsedList
from sanctionwatch.sources.catalog import parse_files

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="session")
def ofac_advanced(shared_data: Path) -> tuple[ParsedList, ParsedList]:
    folder = shared_data / "ofac_sdn_advanced_xml"
    [older] = parse_files([folder / "sdn_advanced_2025-11-04.xml.bz2"])
    [newer] = parse_files([folder / "sdn_advanced_2025-11-19.xml.bz2"])
    return older, newer


def test_two_ofac_issues_give_the_real_additions_and_removals(
    registry: Registry, ofac_advanced: tuple[ParsedList, ParsedList]
) -> None:
    older, newer = ofac_advanced
    first = registry.ingest(older)
    assert (first.version.entity_count, first.version.published.isoformat()) == (18264, "2025-11-04")  # type: ignore[union-attr]
    second = registry.ingest(newer)
    assert second.version.active
    assert (second.version.entity_count, second.added, second.removed) == (18367, 105, 2)

    diff = registry.changes("ofac-sdn")
    assert (len(diff.added), len(diff.removed)) == (105, 2)
    assert len(diff.changed) == second.changed
    assert all(s.source == "ofac-sdn" and s.name for s in diff.added)
    assert all(c.fields for c in diff.changed)


def test_programme_and_authority_filters_on_real_data(
    registry: Registry, ofac_advanced: tuple[ParsedList, ParsedList]
) -> None:
    registry.ingest(ofac_advanced[1])
    dprk = registry.entities(programs=["DPRK*"])
    assert len(dprk) == 538  # PROVENANCE.md: parties with a DPRK* programme on 2025-11-19
    russia = registry.entities(programs=["RUSSIA-EO14024"])
    assert len(russia) == 6434  # parties; PROVENANCE.md's 6,602 counts list entries (one per party per list)
    assert all("EO 14024" in s.authorities for s in russia[:50])
    wmd = registry.entities(authorities=["Executive Order 13382"])
    assert wmd and all(any(a == "EO 13382" for a in s.authorities) for s in wmd)
