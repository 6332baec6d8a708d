"""Candidate recall: does the index lose true matches that a brute-force scan would find?

For a sample of the development benchmark's positives (index: OFAC sdn.csv 2024-05-03), compare
  (a) the indexed Screener (candidate retrieval, then scoring), with
  (b) brute force: the same scoring applied to every indexed form of the expected party, whether
      retrieval proposes it or not.
A true match is "findable" when the brute-force best score of the expected party (the Screener's own
scoring of those forms, `Screener.best_score_among`) is at least the default threshold; candidate
recall is the share of findable matches the indexed Screener also returns at that threshold.

Usage: .venv/bin/python -m bench.candidate_recall [--sample 1500]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import time
from pathlib import Path

from sanctionwatch.screening.query import Query, QueryError
from sanctionwatch.screening.screener import Screener
from sanctionwatch.sources.catalog import parse_files

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=int, default=1500)
    args = parser.parse_args()
    [parsed] = parse_files([SHARED / "data" / "ofac_sdn_csv_2024" / "sdn_2024-05-03.csv.gz"])
    screener = Screener.from_entities(parsed.entities)
    index = screener.index
    forms_of: dict[int, list[int]] = {}
    for i, form in enumerate(index.forms):
        forms_of.setdefault(form.entity, []).append(i)
    position = {entity.id: i for i, entity in enumerate(index.entities)}
    with open(SHARED / "bench" / "dev" / "answers.jsonl", encoding="utf-8") as fh:
        answers = [json.loads(line) for line in fh]
    expected = {
        a["id"]: a["expected"] for a in answers if a["expected"] and a["set"] in {"ssb", "alias", "hard"}
    }
    with open(SHARED / "bench" / "dev" / "queries.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["id"] in expected]
    random.Random(7).shuffle(rows)
    findable = kept = 0
    started = time.perf_counter()
    for row in rows[: args.sample]:
        query = Query(row["name"], row["schema"] or None)
        try:
            hits = screener.screen(query, limit=50)
        except QueryError:
            continue
        found = {h.entity_id for h in hits}
        target = position.get(expected[row["id"]][0])
        if target is None:
            continue
        best = screener.best_score_among(query, forms_of[target])
        if best >= screener.threshold:
            findable += 1
            kept += expected[row["id"]][0] in found
    elapsed = time.perf_counter() - started
    print(
        f"positives sampled: {min(args.sample, len(rows))}; findable by brute force at {screener.threshold}: {findable}"
    )
    print(
        f"candidate recall of the index: {kept}/{findable} = {kept / max(findable, 1):.4f}  ({elapsed:.0f} s)"
    )


if __name__ == "__main__":
    main()
