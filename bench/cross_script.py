"""Cross-script check: UN-listed people's own-script names screened against a Latin-only index.

The UN list gives many people's names in their original script (Arabic, Persian, Cyrillic, Chinese,
Hangul) beside the Latin ones; OFAC's legacy sdn.csv (the dev benchmark's index) has Latin names only.
People on both lists are paired by what links records across lists (parties.link_parties: a passport,
or one name together with one full birth date), and each original-script name is screened against the
sdn.csv index alone: does the OFAC record alert?

Usage: .venv/bin/python -m bench.cross_script
"""

from __future__ import annotations

import collections
from pathlib import Path

from sanctionwatch.matching.index import MatchIndex
from sanctionwatch.matching.normalize import script_of
from sanctionwatch.model import Schema
from sanctionwatch.screening.query import Query
from sanctionwatch.screening.screener import Screener
from sanctionwatch.sources import ofac_csv, un_xml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
UN_FILE = DATA / "un_consolidated" / "consolidated_2026-02-27.xml"
INDEX_FILE = DATA / "ofac_sdn_csv_2024" / "sdn_2024-05-03.csv.gz"


def main() -> None:
    un = un_xml.parse([UN_FILE]).entities
    ofac = ofac_csv.parse([INDEX_FILE]).entities
    linked = MatchIndex.build([*un, *ofac]).parties  # the index of both, for its cross-list links only
    screener = Screener.from_entities(ofac)
    found: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    for position, person in enumerate(un):
        if person.schema != Schema.PERSON:
            continue
        twins = [ofac[r.position - len(un)].id for r in linked.records(position) if r.position >= len(un)]
        own_script = [n.full for n in person.names if script_of(n.full) not in ("Latn", "Zyyy")]
        if not twins or not own_script:
            continue
        script = script_of(own_script[0])
        total[script] += 1
        hits = screener.screen(Query(own_script[0], "Person"))
        found[script] += any(twins[0] in hit.source_ids for hit in hits)
    print(
        f"UN people in {UN_FILE.name} also in {INDEX_FILE.name}, own-script name screened (default threshold):"
    )
    for script in sorted(total, key=lambda s: -total[s]):
        print(f"  {script}: {found[script]} of {total[script]} alert ({found[script] / total[script]:.0%})")


if __name__ == "__main__":
    main()
