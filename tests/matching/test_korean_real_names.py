"""Every name the OFAC list writes in Hangul screens to its own party, against the whole list (real data)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sanctionwatch.matching.tuning import TUNING
from sanctionwatch.screening.query import Query
from sanctionwatch.screening.screener import Screener
from sanctionwatch.sources.catalog import parse_files

HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.mark.realdata
def test_each_hangul_name_of_the_list_finds_its_own_party(shared_data: Path) -> None:
    parsed = parse_files([shared_data / "ofac_sdn_advanced_xml" / "sdn_advanced_2025-11-19.xml.bz2"])
    entities = [e for p in parsed for e in p.entities]
    screener = Screener.from_entities(entities)
    written = [(e, n.full) for e in entities for n in e.names if HANGUL.search(n.full)]
    assert len(written) >= 40  # (46 in this file: banks, trading companies, people)
    missed = []
    for entity, name in written:
        hits = screener.screen(Query(name=name, schema=entity.schema), threshold=0.0, limit=5)
        if not hits or entity.id not in hits[0].source_ids or hits[0].score < TUNING.threshold:
            missed.append((name, [(h.matched_name, round(h.score, 3)) for h in hits[:2]]))
    assert missed == []
