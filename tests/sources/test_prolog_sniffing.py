"""Format detection looks past a long prolog, so a file is refused for its real reason, or recognised."""

from __future__ import annotations

import bz2
from pathlib import Path

import pytest

from sanctionwatch.sources.base import SourceFormatError
from sanctionwatch.sources.catalog import detect_format, parse_files
from sanctionwatch.sources.files import SNIFF_LIMIT, read_content_head
from sanctionwatch.sources.un_xml import parse as parse_un

UN_XML = Path("un_consolidated") / "consolidated_2026-02-27.xml"
DOCTYPE = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>\n<CONSOLIDATED_LIST/>\n'


def _real_un_body(shared_data: Path) -> bytes:
    """The real UN list without its XML declaration (which may only come first)."""
    data = (shared_data / UN_XML).read_bytes()
    assert data.startswith(b"<?xml")
    return data[data.index(b"?>") + 2 :]


def test_doctype_after_70_kb_of_whitespace_is_refused_as_a_dtd(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_bytes(b" " * 35_000 + b"\n" * 35_000 + DOCTYPE)
    with pytest.raises(SourceFormatError, match="declares a DTD") as info:
        parse_files([path])
    assert info.value.path == str(path) and info.value.line == 35_001


def test_parser_itself_finds_the_doctype_past_a_long_comment(tmp_path: Path) -> None:
    """The parser's own DTD check (it can be called without detection) looks as far."""
    path = tmp_path / "consolidated.xml"
    path.write_bytes(b"<?xml version='1.0'?>\n<!--" + b"c" * 70_000 + b"-->\n" + DOCTYPE)
    with pytest.raises(SourceFormatError, match="declares a DTD") as info:
        parse_un([path])
    assert info.value.line == 3


def test_real_list_after_a_70_kb_comment_is_recognised(shared_data: Path, tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml.bz2"
    comment = b"<?xml version='1.0' encoding='UTF-8'?>\n<!-- " + b"x" * 70_000 + b" -->\n<?pi data?>\n"
    path.write_bytes(bz2.compress(b"\xef\xbb\xbf" + comment + _real_un_body(shared_data)))
    assert detect_format(path) == "un-xml"
    [parsed] = parse_files([path])
    assert len(parsed.entities) == 1003


def test_unknown_root_after_a_long_comment_is_named(tmp_path: Path) -> None:
    path = tmp_path / "list.xml"
    path.write_bytes(b"<!--" + b"c" * 70_000 + b"-->\n<catalogue/>")
    with pytest.raises(SourceFormatError, match="document element <catalogue>"):
        detect_format(path)


def test_only_whitespace_and_comments_is_not_called_empty(tmp_path: Path) -> None:
    path = tmp_path / "list.xml"
    path.write_bytes(b"\n" * 70_000 + b"<!-- nothing -->  ")
    with pytest.raises(SourceFormatError, match="nothing but whitespace, comments") as info:
        detect_format(path)
    assert "empty" not in str(info.value)


def test_content_head_names_the_line_it_starts_on(tmp_path: Path) -> None:
    path = tmp_path / "list.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b"\r\n" * 40_000 + b'{"id": "a"}\n')
    head = read_content_head(path, 4)
    assert (head.data, head.line, head.skipped) == (b'{"id', 40_001, 3 + 80_000)
    assert detect_format(path) == "ftm-jsonl"


def test_endless_prolog_is_refused_within_bounds(tmp_path: Path) -> None:
    path = tmp_path / "list.xml.bz2"
    path.write_bytes(bz2.compress(b"<!--" + b"c" * (SNIFF_LIMIT + (1 << 20))))
    with pytest.raises(SourceFormatError, match="MiB of whitespace, comments or processing instructions"):
        detect_format(path)
