"""Formats are recognised from content, for every real file we have and for bad input."""

from __future__ import annotations

import bz2
import gzip
from pathlib import Path

import pytest

from sanctionwatch.sources.base import SourceFormatError
from sanctionwatch.sources.catalog import default_source, detect_format, parse_files

REAL_FILES = {
    "ofac_sdn_advanced_xml/sdn_advanced_2025-11-19.xml.bz2": ("ofac-advanced-xml", "ofac-sdn"),
    "ofac_consolidated_xml/CONSOLIDATED_2025-03-28.xml": ("ofac-xml", "ofac-cons"),
    "ofac_enhanced_xml/CONS_ENHANCED.2026-01-08.xml.gz": ("ofac-enhanced-xml", "ofac-cons"),
    "ofac_sdn_csv_2024/sdn_2024-05-03.csv.gz": ("ofac-csv", "ofac-sdn"),
    "ofac_sdn_csv_2021-07_full_set/add.csv": ("ofac-csv", "ofac-sdn"),
    "ofac_consolidated_csv/cons_prim_2025-12.csv": ("ofac-csv", "ofac-cons"),
    "un_consolidated/consolidated_2018-10-29.xml": ("un-xml", "un"),
    "un_consolidated/consolidated_2025-04-19_reserialized.xml": ("un-xml", "un"),
    "uk_ofsi_conlist_xlsx/ConList_2025-04-10.xlsx": ("uk-ofsi", "uk"),
    "ca_sema_xml/sema-lmes.2020-04-15.xml.gz": ("ca-sema-xml", "ca"),
    "au_dfat_xlsx/Australian_Sanctions_Consolidated_List.xlsx": ("au-dfat-xlsx", "au"),
}


@pytest.mark.realdata
@pytest.mark.parametrize(("relative", "expected"), REAL_FILES.items())
def test_real_files_are_recognised(shared_data: Path, relative: str, expected: tuple[str, str]) -> None:
    path = shared_data / relative
    fmt = detect_format(path)
    assert (fmt, default_source(fmt, path)) == expected


def test_eu_fixture_is_recognised(fixtures_dir: Path) -> None:
    assert detect_format(fixtures_dir / "eu" / "fsf_sample.xml") == "eu-xml"


def test_compressed_copies_are_recognised(tmp_path: Path, fixtures_dir: Path) -> None:
    xml = b'<?xml version="1.0"?>\n<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z"/>'
    (tmp_path / "a.xml.gz").write_bytes(gzip.compress(xml))
    (tmp_path / "b.xml.bz2").write_bytes(bz2.compress(xml))
    assert detect_format(tmp_path / "a.xml.gz") == "un-xml"
    assert detect_format(tmp_path / "b.xml.bz2") == "un-xml"


def test_unknown_xml_names_its_root(tmp_path: Path) -> None:
    path = tmp_path / "list.xml"
    path.write_text("<?xml version='1.0'?><catalogue/>")
    with pytest.raises(SourceFormatError, match="document element <catalogue>"):
        detect_format(path)


def test_empty_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "empty.xml"
    path.write_bytes(b"")
    with pytest.raises(SourceFormatError, match=r"empty\.xml.*empty"):
        detect_format(path)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="no such file"):
        parse_files([tmp_path / "nothing.xml"])


def test_wrong_source_for_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.xml"
    path.write_text("<?xml version='1.0'?><CONSOLIDATED_LIST dateGenerated='2026-01-01T00:00:00Z'/>")
    with pytest.raises(SourceFormatError, match="cannot feed source 'ofac-sdn'"):
        parse_files([path], source="ofac-sdn")
