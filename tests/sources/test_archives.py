"""Real list files under other names and in zip archives: recognised from content, or refused by name.

The real files are copied into tmp_path and renamed or zipped at test time.
"""

from __future__ import annotations

import gzip
import shutil
import struct
import zipfile
from pathlib import Path

import pytest

from sanctionwatch.sources.base import SourceFormatError
from sanctionwatch.sources.catalog import detect_format, parse_files
from sanctionwatch.sources.files import is_xlsx
from sanctionwatch.sources.workbooks import open_workbook
from tests.cli.runner import run, run_json
from tests.sources.test_uk_ofsi import csv_rows, write_xlsx

UK_XLSX = Path("uk_ofsi_conlist_xlsx") / "ConList_2025-04-10.xlsx"
UN_XML = Path("un_consolidated") / "consolidated_2026-02-27.xml"


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_real_uk_workbook_without_its_extension_is_read_as_xlsx(shared_data: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "ConList"
    shutil.copy(shared_data / UK_XLSX, renamed)
    assert is_xlsx(renamed) and detect_format(renamed) == "uk-ofsi"
    workbook = open_workbook(renamed)  # openpyxl alone refuses a path without .xlsx
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        assert next(rows)[0] == "Last Updated"
        assert "Name 6" in next(rows)
    finally:
        workbook.close()


def test_workbook_named_zip_parses(fixtures_dir: Path, tmp_path: Path) -> None:
    draft = write_xlsx(csv_rows(fixtures_dir / "uk" / "ConList.csv"), tmp_path / "ConList.xlsx")
    renamed = draft.rename(tmp_path / "ConList.download.zip")
    [parsed] = parse_files([renamed])
    assert parsed.format == "uk-ofsi-xlsx" and len(parsed.entities) == 4


def test_real_un_xml_zipped_is_read_through(shared_data: Path, tmp_path: Path) -> None:
    path = _zip(tmp_path / "un.zip", {"consolidated.xml": (shared_data / UN_XML).read_bytes()})
    assert not is_xlsx(path) and detect_format(path) == "un-xml"
    [parsed] = parse_files([path])
    assert (parsed.source, parsed.format, len(parsed.entities)) == ("un", "un-xml", 1003)


def test_zipped_un_xml_through_the_command(shared_data: Path, tmp_path: Path) -> None:
    path = _zip(tmp_path / "list.zip", {"consolidated.xml": (shared_data / UN_XML).read_bytes()})
    [result] = run_json(tmp_path / "registry.db", "update", "--file", str(path))
    assert (result["source"], result["entities"], result["active"]) == ("un", 1003, True)


def test_archive_of_several_files_is_refused_by_name(shared_data: Path, tmp_path: Path) -> None:
    xml = (shared_data / UN_XML).read_bytes()
    path = _zip(tmp_path / "lists.zip", {"a.xml": xml, "b.xml": xml})
    with pytest.raises(SourceFormatError, match="holds 2 files; expected exactly one list file") as info:
        parse_files([path])
    assert info.value.path == str(path)


@pytest.mark.parametrize("inner", ["zip", "gzip"])
def test_nested_archive_is_refused(shared_data: Path, tmp_path: Path, inner: str) -> None:
    xml = (shared_data / UN_XML).read_bytes()
    if inner == "zip":
        member = _zip(tmp_path / "inner.zip", {"consolidated.xml": xml}).read_bytes()
    else:
        member = gzip.compress(xml)
    path = _zip(tmp_path / "outer.zip", {"consolidated.xml": member})
    with pytest.raises(SourceFormatError, match="is itself compressed or an archive") as info:
        parse_files([path])
    assert info.value.path == str(path)


def _mark_encrypted(path: Path) -> Path:
    """Set the 'encrypted' flag in the local and central headers (zipfile cannot write encryption)."""
    data = bytearray(path.read_bytes())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        (flags,) = struct.unpack_from("<H", data, at + flag_at)
        struct.pack_into("<H", data, at + flag_at, flags | 0x1)
    path.write_bytes(bytes(data))
    return path


def test_encrypted_member_is_refused(tmp_path: Path) -> None:
    path = _mark_encrypted(_zip(tmp_path / "secret.zip", {"consolidated.xml": b"<CONSOLIDATED_LIST/>"}))
    with pytest.raises(SourceFormatError, match=r"'consolidated\.xml' is encrypted") as info:
        parse_files([path])
    assert info.value.path == str(path)


def test_broken_zip_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "list.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    with pytest.raises(SourceFormatError, match="not a readable zip archive") as info:
        parse_files([path])
    assert info.value.path == str(path)


def test_archive_of_two_files_through_the_command_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    path = _zip(tmp_path / "two.zip", {"a.xml": b"<a/>", "b.xml": b"<b/>"})
    proc = run(tmp_path / "registry.db", "update", "--file", str(path), check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert str(path) in proc.stderr.replace("\n", "") and "exactly one list file" in proc.stderr
