"""Two kinds of query that retrieval by lookup keys misses, made from the dev index's own listed names.

Index: OFAC sdn.csv 2024-05-03 (the dev benchmark's). From its person names of two to four words, seeded:
  glued   the name with its spaces and punctuation removed, in one of three cases
          ('alexandervyacheslavovichzakharov', 'KIMJONGUN', 'Kimjongun');
  slips   every word of seven letters or more with two letters replaced by others (a letter of the
          alphabet that differs), the name's shorter words as listed ('Aiexandvr Zakharom' is the kind).
Each query is screened alone, without a birth date, and counted as found when its party is among the
hits at threshold 0 (limit 5), and at the default threshold. Brute force, as in bench.candidate_recall:
the Screener's own scoring of every indexed form of the party (`Screener.best_score_among`), to tell a
retrieval miss from a score below the threshold.

Usage: .venv/bin/python -m bench.query_variants [--sample 400] [--seed 18]
"""

from __future__ import annotations

import argparse
import random
import re
import string
import time
from pathlib import Path

from sanctionwatch.matching.tuning import TUNING
from sanctionwatch.screening.query import Query
from sanctionwatch.screening.screener import Screener
from sanctionwatch.sources.catalog import parse_files

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
_WORD = re.compile(r"[A-Za-z]+")


def glued(name: str, rng: random.Random) -> str:
    joined = "".join(_WORD.findall(name))
    return rng.choice([joined.lower(), joined.upper(), joined.capitalize()])


def slipped(name: str, rng: random.Random) -> str | None:
    """Two letters of each word of seven letters or more replaced; None when the name has no such word."""
    words = _WORD.findall(name)
    out, changed = [], False
    for word in words:
        if len(word) >= 7:
            letters = list(word.lower())
            for position in rng.sample(range(len(letters)), 2):
                letters[position] = rng.choice([c for c in string.ascii_lowercase if c != letters[position]])
            word, changed = "".join(letters), True
        out.append(word)
    return " ".join(out) if changed else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=int, default=400)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    [parsed] = parse_files([SHARED / "data" / "ofac_sdn_csv_2024" / "sdn_2024-05-03.csv.gz"])
    screener = Screener.from_entities(parsed.entities)
    index = screener.index
    forms_of: dict[str, list[int]] = {}
    for form_id, form in enumerate(index.forms):
        forms_of.setdefault(index.entities[form.entity].id, []).append(form_id)
    rng = random.Random(args.seed)
    people = [
        (e.id, e.names[0].full)
        for e in parsed.entities
        if e.schema == "Person" and 2 <= len(_WORD.findall(e.names[0].full)) <= 4
    ]
    rng.shuffle(people)
    kinds: dict[str, list[tuple[str, str]]] = {"glued": [], "slips": []}
    for entity_id, name in people:
        if len(kinds["glued"]) < args.sample:
            kinds["glued"].append((entity_id, glued(name, rng)))
        variant = slipped(name, rng)
        if variant is not None and len(kinds["slips"]) < args.sample:
            kinds["slips"].append((entity_id, variant))
    for kind, queries in kinds.items():
        started = time.perf_counter()
        found = alerted = findable = 0
        for entity_id, text in queries:
            query = Query(text, "Person")
            hits = screener.screen(query, threshold=0.0, limit=5)
            scores = {h.entity_id: h.score for h in hits}
            found += entity_id in scores
            alerted += scores.get(entity_id, 0.0) >= TUNING.threshold
            findable += screener.best_score_among(query, forms_of[entity_id]) > 0.0
        elapsed = time.perf_counter() - started
        n = len(queries)
        print(
            f"{kind:6} n={n}: found at threshold 0 (top 5) {found / n:.3f}, at the default threshold "
            f"{alerted / n:.3f}; brute force scores the party above 0: {findable / n:.3f}  ({elapsed:.1f} s)"
        )
        for entity_id, text in queries[:3]:
            print(f"        e.g. {text!r} for {entity_id}")


if __name__ == "__main__":
    main()
