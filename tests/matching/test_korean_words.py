"""The table of Korean organization words (refdata/korean_words.tsv): well formed, and its evidence true to the lists."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sanctionwatch.matching.translit import latin_variants
from sanctionwatch.refdata import KOREAN_WORDS

ROOT = Path(__file__).resolve().parents[2]


HEADER = "# a comment\nhangul\tenglish\tevidence\n"


def test_every_row_is_a_hangul_word_its_english_and_evidence() -> None:
    table = KOREAN_WORDS.rows()
    assert len(table) >= 50
    for hangul, english, evidence in table:
        assert all("\uac00" <= ch <= "\ud7a3" for ch in hangul) and len(hangul) >= 2, hangul
        assert english == english.strip() and english.isascii() and english == english.lower(), english
        assert evidence == "curated" or evidence.startswith("list:ofac-sdn:"), evidence
    assert len({row[0] for row in table}) == len(table)


@pytest.mark.parametrize(
    ("body", "refusal"),
    [
        (
            "은행\tbank\tcurated\n은행\tbanking\tcurated\n",
            "korean_words.tsv:4: 은행 is a row already (line 3)",
        ),
        ("은행\tbank\n", "korean_words.tsv:3: needs 3 cells"),
        ("은행\tbank \tcurated\n", "korean_words.tsv:3: needs 3 cells"),
        ("은행\tbank\tguessed\n", "korean_words.tsv:3: evidence 'guessed' is not of the form"),
    ],
)
def test_a_bad_row_is_refused_by_its_line(body: str, refusal: str) -> None:
    with pytest.raises(ValueError, match=re.escape(refusal)):
        KOREAN_WORDS.parse(HEADER + body)


def test_a_file_without_its_header_is_refused() -> None:
    with pytest.raises(ValueError, match="header"):
        KOREAN_WORDS.parse("은행\tbank\tcurated\n")


def test_words_read_as_the_lists_translate_them() -> None:
    """무역회사 is 'Trading Corporation' in the lists' own bilingual names, not 'trading company'."""
    assert latin_variants("운천무역회사")[0] == "unchon trading corporation"
    assert latin_variants("황금의 삼각주은행")[0].startswith("golden")


@pytest.mark.realdata
def test_the_evidence_column_is_what_the_lists_say(shared_data: Path) -> None:
    listed = shared_data / "ofac_sdn_advanced_xml" / "sdn_advanced_2025-11-19.xml.bz2"
    done = subprocess.run(
        [sys.executable, "-m", "bench.korean_vocabulary", "--check", str(listed)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "attested by the lists' own pairs" in done.stderr
