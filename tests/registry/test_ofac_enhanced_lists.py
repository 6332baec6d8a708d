"""The real CONS_ENHANCED issues of 2024-07-03 and 2026-01-08, through the registry, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctionwatch.registry.store import Registry
from sanctionwatch.sources.catalog import parse_files


@pytest.mark.realdata
def test_two_enhanced_issues_through_the_registry(registry: Registry, shared_data: Path) -> None:
    folder = shared_data / "ofac_enhanced_xml"
    [older] = parse_files([folder / "CONS_ENHANCED.2024-07-03.xml.gz"])
    [newer] = parse_files([folder / "CONS_ENHANCED.2026-01-08.xml.gz"])
    first = registry.ingest(older)
    assert (first.version.active, first.version.entity_count) == (True, 443)
    second = registry.ingest(newer)
    # 1 added, 2 removed, 31 changed; the guard holds it because two programmes vanished entirely
    assert (second.version.entity_count, second.added, second.removed, second.changed) == (442, 1, 2, 31)
    assert not second.version.active
    assert second.problems == "whole programmes disappeared: FSE-IR, SYRIA"
    forced = registry.ingest(newer, force=True)
    assert forced.version.active
    diff = registry.changes("ofac-cons")
    assert (len(diff.added), len(diff.removed), len(diff.changed)) == (1, 2, 31)
