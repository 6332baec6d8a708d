"""The move of source `uk` from OFSI's ConList to the UK Sanctions List (FCDO), and `update` fetching the latter.

The ConList side is a CSV written at test time from the real ConList of 2025-04-10
(`../shared/data/uk_ofsi_conlist_xlsx/ConList_2025-04-10.xlsx`): its two header rows and the rows,
verbatim, of six groups, five of which are designations of the real UK
Sanctions List excerpt of 2026-03-26 (13904 CYB0002, 11040 DPR0066, 15180 RUS1228, 16348 YEM0016,
7172 AFG0006) and one that is not in the excerpt (13590 DPR0001).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook

from sanctionwatch.registry.diff import ChangeWeight
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.summary import describe_changes
from sanctionwatch.registry.update import official_sources, update_from_files, update_official
from sanctionwatch.sources import uk_ofsi

EXCERPT = Path("uk_sanctions_list_xml") / "UK-Sanctions-List.2026-03-26.excerpt.xml"
CONLIST = Path("uk_ofsi_conlist_xlsx") / "ConList_2025-04-10.xlsx"
CONTINUED = {
    "13904": "CYB0002",
    "11040": "DPR0066",
    "15180": "RUS1228",
    "16348": "YEM0016",
    "7172": "AFG0006",
}
NEW_SHIPS = ("DPR0075", "DPR0076", "DPR0077")


@pytest.fixture(scope="module")
def conlist(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ConList as OFSI published it in CSV, keeping only the rows of the continued groups and 13590."""
    workbook = load_workbook(shared_data / CONLIST, read_only=True)
    try:
        last_updated, header, *rows = workbook["Data"].iter_rows(values_only=True)
    finally:
        workbook.close()
    group = header.index("Group ID")
    wanted = {*CONTINUED, "13590"}
    path = tmp_path_factory.mktemp("conlist") / "ConList.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        for row in (last_updated, header, *(r for r in rows if str(r[group]) in wanted)):
            writer.writerow(["" if value is None else value for value in row])
    return path


def _uksl_subset(shared_data: Path, tmp_path: Path, references: set[str]) -> Path:
    """The excerpt keeping only the designations with these references, each copied verbatim."""
    tree = etree.parse(str(shared_data / EXCERPT))
    root = tree.getroot()
    for designation in root.findall("Designation"):
        if designation.findtext("UniqueID") not in references:
            root.remove(designation)
    path = tmp_path / "UK-Sanctions-List.xml"
    tree.write(str(path), xml_declaration=True, encoding="utf-8")
    return path


def test_conlist_records_the_uk_sanctions_list_reference(conlist: Path) -> None:
    parsed = uk_ofsi.parse([conlist])
    references = {e.source_id: e.properties["authorityId"] for e in parsed.entities}
    assert references == {**{g: [r] for g, r in CONTINUED.items()}, "13590": ["DPR0001"]}


def test_move_from_conlist_keeps_every_continued_party(
    registry: Registry, conlist: Path, shared_data: Path, tmp_path: Path
) -> None:
    [old] = update_from_files(registry, [conlist])
    assert old.result is not None and old.result.version.format == "uk-ofsi-csv"
    uksl = _uksl_subset(shared_data, tmp_path, {*CONTINUED.values(), *NEW_SHIPS})
    [new] = update_from_files(registry, [uksl])
    assert new.result is not None and new.source == "uk"
    # Not held: the same programmes ("Russia", not the regulations' title) and no shrink from id changes.
    assert new.result.version.active and new.result.version.status_reason is None
    assert (new.result.added, new.result.removed) == (3, 1)

    changes = registry.changes("uk")
    assert sorted(s.source_id for s in changes.added) == sorted(NEW_SHIPS)
    assert [s.source_id for s in changes.removed] == ["13590"]
    # The five parties on both lists are followed by their ConList id: neither removed nor added. Their
    # records are written anew by another format, so the diff shows what it says differently of each.
    assert sorted(c.summary.source_id for c in changes.changed) == sorted(CONTINUED)
    # Which of them really changed for screening: the UK Sanctions List gives 7172 a passport and an
    # address in Kabul, and 11040 an address in North Korea; the other three differ in letter case
    # ("YONGBYON" / "Yongbyon", "AL-QADARI" / "Al-Qadari"), remarks, dates of listing and the publisher's
    # properties, which screening does not compare.
    weights = {c.summary.source_id: c.weight for c in changes.changed}
    assert weights == {
        "7172": ChangeWeight.SCREENING,
        "11040": ChangeWeight.SCREENING,
        "13904": ChangeWeight.RECORD,
        "15180": ChangeWeight.RECORD,
        "16348": ChangeWeight.RECORD,
    }
    fields = {c.summary.source_id: {f.field: f.weight for f in c.fields} for c in changes.changed}
    assert (
        fields["16348"]["names"] is ChangeWeight.FORM
        and fields["7172"]["identifiers"] is ChangeWeight.SCREENING
    )
    assert "5 changed (2 in what screening compares, 3 in the record only)" in describe_changes(changes)
    stored = registry.entity("uk:15180")
    assert stored is not None and stored.properties["authorityId"] == ["RUS1228"]


def test_move_with_the_whole_excerpt(registry: Registry, conlist: Path, shared_data: Path) -> None:
    update_from_files(registry, [conlist])
    [new] = update_from_files(registry, [shared_data / EXCERPT])
    assert new.result is not None and new.result.version.active
    changes = registry.changes("uk")
    assert {s.source_id for s in changes.added}.isdisjoint(CONTINUED)
    assert [s.source_id for s in changes.removed] == ["13590"]
    assert len(changes.added) == 44 - len(CONTINUED)


def test_update_without_sources_fetches_the_uk_sanctions_list_from_the_mirror(
    registry: Registry, shared_data: Path, tmp_path: Path
) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "uk").mkdir(parents=True)
    (mirror / "uk" / "UK-Sanctions-List.xml").symlink_to(shared_data / EXCERPT)
    (mirror / "uk" / "ConList.csv").write_text("an old name: must not be read\n")
    assert "uk" in official_sources()
    outcomes = {
        o.source: o for o in update_official(registry, official_sources(), cache=tmp_path, mirror=str(mirror))
    }
    uk = outcomes["uk"]
    assert uk.error is None and uk.result is not None
    assert (uk.result.version.format, uk.result.version.entity_count) == ("uk-sanctions-list-xml", 44)
    assert [f["name"] for f in uk.result.version.files] == ["UK-Sanctions-List.xml"]
    # The other sources' files are not in this mirror: each says so by name.
    assert all("mirror" in (o.error or "") for name, o in outcomes.items() if name != "uk")
