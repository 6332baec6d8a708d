"""Build sanctionwatch/refdata/korean_words.tsv: the words of Korean organization names and their English.

Usage: .venv/bin/python -m bench.korean_vocabulary [--check] [LIST FILE ...]

The rows are the general vocabulary of DPRK business names (은행 bank, 무역 trading) and the words the lists'
own bilingual names teach (황금 golden). Each row's evidence comes from the lists: the parties written both
in Hangul and in English (OFAC's advanced XML by default). A word is attested by a party when its Hangul is
in one of the party's Hangul names and every word of its English (by stem) in one of its English names; a
row no party attests says `curated`. The words of the parties' Hangul names that our reading does not find
in their English names are printed, for whoever keeps the rows.

Tried and dropped: reading translit's Chinese organization words in Korean character by character (the
`hanja` package's readings after ICU's Hans-Hant). Of its 67 new words many are Chinese-only compounds
whose Korean reading is another, common word (实业 -> 실업 'unemployment', 資訊 -> 자신 'oneself', 信息 ->
신식 'new style', 传媒 -> 전매 'monopoly sale', 精细 -> 정세 'situation') or a wrong reading (台湾 -> 태만
for 대만): without a Korean dictionary to keep only real Korean words, they would mistranslate names.

--check compares the file with what it would write and exits 1 when they differ (the evidence column is
derived: a new row or a new list is rerun through this script, not patched by hand).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sanctionwatch import refdata
from sanctionwatch.matching import translit
from sanctionwatch.matching.normalize import ascii_fold
from sanctionwatch.model import ORGANIZATION_SCHEMAS, Entity
from sanctionwatch.sources.catalog import parse_files

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "sanctionwatch" / "refdata" / refdata.KOREAN_WORDS.file
DEFAULT_LISTS = [
    ROOT.parent / "shared" / "data" / "ofac_sdn_advanced_xml" / "sdn_advanced_2025-11-19.xml.bz2"
]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
MAX_PARTIES = 3  # party ids kept as a row's evidence


@dataclass(slots=True)
class Row:
    hangul: str
    english: str
    parties: list[str] = field(default_factory=list)

    @property
    def evidence(self) -> str:
        if self.parties:
            return "list:" + ",".join(sorted(self.parties)[:MAX_PARTIES])
        return "curated"


def read_table(path: Path) -> tuple[list[str], list[Row]]:
    """The comment lines of the file (kept as they are) and its rows, read and checked as the package reads them."""
    text = path.read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    return comments, [Row(hangul, english) for hangul, english, _evidence in refdata.KOREAN_WORDS.parse(text)]


def _stems(text: str) -> set[str]:
    return {word[:4] for word in re.findall(r"[a-z0-9]+", ascii_fold(text).lower())}


def bilingual_parties(paths: Iterable[Path]) -> list[tuple[Entity, list[str], list[str]]]:
    """Organizations written both in Hangul and in Latin letters: (party, Hangul names, Latin names)."""
    found = []
    for parsed in parse_files(list(paths)):
        for entity in parsed.entities:
            if entity.schema not in ORGANIZATION_SCHEMAS:
                continue
            hangul = [n.full for n in entity.names if HANGUL.search(n.full)]
            latin = [n.full for n in entity.names if not HANGUL.search(n.full) and n.full.isascii()]
            if hangul and latin:
                found.append((entity, hangul, latin))
    return found


def attest(rows: list[Row], parties: list[tuple[Entity, list[str], list[str]]]) -> None:
    for entity, hangul_names, latin_names in parties:
        latin_stems = [_stems(name) for name in latin_names]
        for row in rows:
            wanted = _stems(row.english)
            if any(row.hangul in name for name in hangul_names) and any(wanted <= s for s in latin_stems):
                row.parties.append(entity.id)


def unexplained(parties: list[tuple[Entity, list[str], list[str]]]) -> list[str]:
    """Per Hangul name, the words of our reading that none of the party's English names holds."""
    lines = []
    for entity, hangul_names, latin_names in parties:
        latin = set().union(*(_stems(name) for name in latin_names))
        for name in hangul_names:
            reading = next(iter(translit.latin_variants(name)), "")
            missing = [word for word in reading.split() if word[:4] not in latin]
            if missing:
                lines.append(
                    f"{entity.id}\t{name}\t{reading}\tnot in English: {' '.join(missing)}\t{latin_names}"
                )
    return lines


def render(comments: list[str], rows: list[Row]) -> str:
    body = sorted({row.hangul: row for row in rows}.values(), key=lambda row: row.hangul)
    lines = [
        *comments,
        "\t".join(refdata.KOREAN_WORDS.columns),
        *("\t".join((r.hangul, r.english, r.evidence)) for r in body),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "lists", nargs="*", type=Path, default=DEFAULT_LISTS, help="list files with Hangul names"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is not what it would be")
    args = parser.parse_args()
    comments, rows = read_table(TABLE)
    parties = bilingual_parties(args.lists)
    attest(rows, parties)
    text = render(comments, rows)
    attested = sum(1 for row in rows if row.parties)
    print(
        f"{len(rows)} words, {attested} attested by the lists' own pairs; "
        f"{len(parties)} organizations written in Hangul and English",
        file=sys.stderr,
    )
    for line in unexplained(parties):
        print(line)
    if args.check:
        if TABLE.read_text(encoding="utf-8") != text:
            raise SystemExit(f"{TABLE} is out of date: run python -m bench.korean_vocabulary")
        return
    TABLE.write_text(text, encoding="utf-8")
    print(f"wrote {TABLE}", file=sys.stderr)


if __name__ == "__main__":
    main()
