"""The table of Korean organization words (korean_words.tsv): well formed, and its evidence true to the lists."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from sanctionwatch.matching.translit import KOREAN_WORDS_FILE, latin_variants

ROOT = Path(__file__).resolve().parents[2]


def rows() -> list[list[str]]:
    text = resources.files("sanctionwatch.matching").joinpath(KOREAN_WORDS_FILE).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")][1:]


def test_every_row_is_a_hangul_word_its_english_and_evidence() -> None:
    table = rows()
    assert len(table) >= 50
    for hangul, english, evidence in table:
        assert all("\uac00" <= ch <= "\ud7a3" for ch in hangul) and len(hangul) >= 2, hangul
        assert english == english.strip() and english.isascii() and english == english.lower(), english
        assert evidence == "curated" or evidence.startswith("list:ofac-sdn:"), evidence
    assert len({row[0] for row in table}) == len(table)


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
