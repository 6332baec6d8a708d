"""The reference data files (sanctionwatch/refdata/*.tsv): each one read through its Table, malformed rows
refused by file and line, and the tables whose entries can be checked against Unicode checked."""

from __future__ import annotations

import re
import unicodedata
from importlib import resources

import icu  # type: ignore[import-untyped]
import pytest

from sanctionwatch import refdata
from sanctionwatch.refdata import TABLES, Table


def test_every_data_file_is_a_table_and_reads() -> None:
    """A file nobody declares would be package data that no reader checks."""
    files = {entry.name for entry in resources.files(refdata).iterdir() if entry.name.endswith(".tsv")}
    assert files == {table.file for table in TABLES}
    for table in TABLES:
        rows = table.rows()
        assert rows, table.file
        assert all(len(row) == len(table.columns) for row in rows)
        assert table.rows() is rows  # read once


SAMPLE = Table("sample.tsv", ("word", "role"), key=2, formats=(("role", "affix|stopword"),))


@pytest.mark.parametrize(
    ("body", "refusal"),
    [
        ("mr\taffix\n\n# a comment\nmr\taffix\n", "sample.tsv:6: mr affix is a row already (line 3)"),
        ("mr\n", "sample.tsv:3: needs 2 cells"),
        ("mr\taffix\tnote\n", "sample.tsv:3: needs 2 cells"),
        ("mr\t\n", "sample.tsv:3: needs 2 cells"),
        (" mr\taffix\n", "sample.tsv:3: needs 2 cells"),
        ("mr\tprefix\n", "sample.tsv:3: role 'prefix' is not of the form affix|stopword"),
    ],
)
def test_a_malformed_row_is_refused_by_file_and_line(body: str, refusal: str) -> None:
    with pytest.raises(ValueError, match=re.escape(refusal)):
        SAMPLE.parse("# words\nword\trole\n" + body)


def test_a_word_may_have_two_roles_and_comments_and_blank_lines_are_skipped() -> None:
    text = "# words\n\nword\trole\nde\tstopword\n# why\nde\taffix\n"
    assert SAMPLE.parse(text) == (("de", "stopword"), ("de", "affix"))


@pytest.mark.parametrize("text", ["", "# only a comment\n", "word\tkind\nmr\taffix\n", "mr\taffix\n"])
def test_a_file_without_its_header_is_refused(text: str) -> None:
    with pytest.raises(
        ValueError, match=re.escape("sample.tsv: the first row must be the header word, role")
    ):
        SAMPLE.parse(text)


@pytest.mark.parametrize("table", [refdata.LOOKALIKES, refdata.PUNCTUATION, refdata.LATIN_LEFTOVERS])
def test_a_character_row_names_its_character(table: Table) -> None:
    """The name column is what a reader can check: it must be the Unicode name of the character cell."""
    for row in table.rows():
        assert len(row[0]) == 1 and unicodedata.name(row[0]) == row[-1], row


def test_invisible_ranges_are_ordered_and_named() -> None:
    for first, last, name in refdata.INVISIBLE.rows():
        assert int(first, 16) <= int(last, 16)
        assert unicodedata.name(chr(int(first, 16))) == name
        assert not chr(int(first, 16)).isspace()


# Drawn alike in common fonts, though Unicode's confusables map them elsewhere (ӏ to 'i', κ to 'ĸ').
NOT_IN_UNICODE_CONFUSABLES = {("ӏ", "l"), ("Ԛ", "Q"), ("κ", "k"), ("χ", "x")}


def test_lookalikes_are_unicode_confusables() -> None:
    """Each pair folds to one skeleton in ICU's implementation of Unicode's confusables (UTS #39), but for
    the few listed above."""
    checker = icu.SpoofChecker()
    differ = {
        (letter, like)
        for letter, like, _script, _name in refdata.LOOKALIKES.rows()
        if checker.getSkeleton(0, letter) != checker.getSkeleton(0, like)
    }
    assert differ == NOT_IN_UNICODE_CONFUSABLES


def test_lookalike_scripts_are_the_letters_scripts() -> None:
    for letter, _like, script, name in refdata.LOOKALIKES.rows():
        assert name.startswith({"Cyrl": "CYRILLIC", "Grek": "GREEK"}[script]), (letter, name)


def test_korean_family_names_are_hangul_and_their_spellings_ascii() -> None:
    for hangul, latin, cyrillic in refdata.KOREAN_FAMILY_NAMES.rows():
        assert all("\uac00" <= ch <= "\ud7a3" for ch in hangul), hangul
        assert latin.isascii() and latin == latin.lower(), latin
        assert cyrillic == "-" or all(
            unicodedata.name(ch).startswith("CYRILLIC") for ch in cyrillic.replace(" ", "")
        )
