"""OFAC's ENHANCED XML: the real CONS_ENHANCED files, the same parties as the classic file of that day, hostile input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sanctionwatch.model import Entity, LinkKind, NameKind, NameQuality, Schema
from sanctionwatch.sources import ofac_enhanced_xml, ofac_xml
from sanctionwatch.sources.base import SourceFormatError
from sanctionwatch.sources.catalog import default_source, detect_format, parse_files


@pytest.fixture
def enhanced_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "ofac_enhanced"


def by_id(entities: list[Entity]) -> dict[str, Entity]:
    return {e.source_id: e for e in entities}


def test_small_fixture(enhanced_dir: Path) -> None:
    parsed = ofac_enhanced_xml.parse([enhanced_dir / "small.xml"], source="ofac-cons")
    assert (parsed.format, parsed.published, len(parsed.entities)) == (
        "ofac-enhanced-xml",
        date(2026, 1, 8),
        2,
    )
    person, company = parsed.entities
    assert (person.source_id, person.schema, person.caption, person.programs) == (
        "101",
        Schema.PERSON,
        "DOE, John",
        ["SDGT"],
    )
    assert person.names[0].parts == {"family": "DOE", "given": "John"}
    assert (person.names[1].kind, person.names[1].quality) == (NameKind.ALIAS, NameQuality.WEAK)
    assert [(a.full, a.city, a.country) for a in person.addresses] == [("Berlin, Germany", "Berlin", "de")]
    assert company.schema == Schema.ORGANIZATION


@pytest.mark.parametrize(
    ("name", "line", "pattern"),
    [
        ("malformed.xml", True, "malformed XML"),
        ("truncated.xml", True, "malformed XML"),
        ("doctype_bomb.xml", True, "DTD"),
        ("wrong_root.xml", True, "unexpected document element <exportedData>"),
        ("missing_id.xml", True, "entity without a numeric id"),
        ("unknown_type.xml", True, "unknown <entityType> 'Spaceship'"),
        ("duplicate_id.xml", True, "entity id 101 appears twice"),
        ("unknown_alias_type.xml", True, "unknown <aliasType> 'W.K.A.'"),
        ("unknown_address_part.xml", True, "unknown address part type 'GALAXY'"),
        ("no_data_as_of.xml", False, "publication date is unknown"),
        ("no_entities.xml", False, "no <entity>"),
    ],
)
def test_bad_input_names_file_and_line(enhanced_dir: Path, name: str, line: bool, pattern: str) -> None:
    with pytest.raises(SourceFormatError, match=pattern) as caught:
        ofac_enhanced_xml.parse([enhanced_dir / name])
    assert caught.value.path.endswith(name)
    if line:
        assert isinstance(caught.value.line, int) and caught.value.line >= 1


def test_one_file_per_call(enhanced_dir: Path) -> None:
    with pytest.raises(SourceFormatError, match="exactly one XML file"):
        ofac_enhanced_xml.parse([enhanced_dir / "small.xml", enhanced_dir / "small.xml"])


def test_detected_by_its_root(enhanced_dir: Path) -> None:
    path = enhanced_dir / "small.xml"
    assert detect_format(path) == "ofac-enhanced-xml"
    [parsed] = parse_files([path], source="ofac-sdn")
    assert parsed.source == "ofac-sdn" and {e.source for e in parsed.entities} == {"ofac-sdn"}


# --- the real files ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def same_day(shared_data: Path) -> tuple[dict[str, Entity], dict[str, Entity]]:
    folder = shared_data / "ofac_enhanced_xml"
    enhanced = ofac_enhanced_xml.parse([folder / "CONS_ENHANCED.2026-01-08.xml.gz"], source="ofac-cons")
    classic = ofac_xml.parse([folder / "CONSOLIDATED.classic-sls.2026-01-08.xml.gz"], source="ofac-cons")
    assert enhanced.published == classic.published == date(2026, 1, 8)
    return by_id(enhanced.entities), by_id(classic.entities)


@pytest.mark.realdata
def test_real_enhanced_counts(shared_data: Path) -> None:
    path = shared_data / "ofac_enhanced_xml" / "CONS_ENHANCED.2026-01-08.xml.gz"
    assert (detect_format(path), default_source("ofac-enhanced-xml", path)) == (
        "ofac-enhanced-xml",
        "ofac-cons",
    )
    [parsed] = parse_files([path])
    entities = parsed.entities
    assert (parsed.source, parsed.published, len(entities)) == ("ofac-cons", date(2026, 1, 8), 442)
    assert sum(e.schema == Schema.ORGANIZATION for e in entities) == 363
    assert sum(e.schema == Schema.PERSON for e in entities) == 79
    assert sum("RUSSIA-EO14024" in e.programs for e in entities) == 93
    assert sum(bool(e.birth_dates) for e in entities) == 74
    assert sum(len(e.links) for e in entities) == 283  # one per <relationship>
    assert sum(n.script is not None for e in entities for n in e.names) == 47  # Cyrillic and Chinese names
    assert sum("Sectoral Sanctions Identifications List" in e.lists for e in entities) == 286
    older = ofac_enhanced_xml.parse(
        [shared_data / "ofac_enhanced_xml" / "CONS_ENHANCED.2024-07-03.xml.gz"], source="ofac-cons"
    )
    assert (older.published, len(older.entities)) == (date(2024, 7, 3), 443)


@pytest.mark.realdata
def test_enhanced_and_classic_give_the_same_parties(
    same_day: tuple[dict[str, Entity], dict[str, Entity]],
) -> None:
    """The 442 parties of 2026-01-08 in both formats: same ids and the same common facts.

    Compared: schema, names (the Latin ones: kind, quality, parts), identifiers (kind, value, country,
    label), birth dates and places, nationalities, citizenships, gender, programmes, authorities,
    properties the classic file has, and links the classic file could resolve to an id.

    Only the enhanced file carries (so not compared, or compared as a superset):
    * names in other scripts (47 Cyrillic/Chinese names, with their ISO 15924 script);
    * typed relationships to the related entity's id (283; the classic file has "Linked To: NAME" in
      its remarks, unresolvable when the party is on another list, e.g. HAMAS for 9647);
    * feature comments and a "Reported" reliability (identifier notes, or remarks such as
      "Website www.vtb.ru: Russian Language website for the bank");
    * identity documents' issuing authority/place (notes such as "issued by OGRN");
    * the sub-lists with their dates (`lists`, `listed_on`), sanctions types (`properties["provisions"]`)
      and legal authorities (`properties["legalBasis"]`);
    * address translations into Cyrillic; REGION as a region (the classic file writes
      "<country>Region: Gaza</country>", so its address text differs; both give country ps).
    Remarks agree but for OFAC's closing full stop, which the classic file keeps when it appends
    "; (Linked To: ...)" after it.
    """
    enhanced, classic = same_day
    assert set(enhanced) == set(classic) and len(classic) == 442
    for uid, old in classic.items():
        new = enhanced[uid]
        assert (new.schema, new.programs, new.authorities) == (old.schema, old.programs, old.authorities), uid
        assert [(n.full, n.kind, n.quality, n.parts) for n in new.names if n.script is None] == [
            (n.full, n.kind, n.quality, n.parts) for n in old.names
        ], uid
        assert sorted((i.kind, i.value, i.country, i.label) for i in new.identifiers) == sorted(
            (i.kind, i.value, i.country, i.label) for i in old.identifiers
        ), uid
        for attribute in (
            "birth_dates",
            "birth_places",
            "nationalities",
            "citizenships",
            "gender",
            "countries",
        ):
            assert getattr(new, attribute) == getattr(old, attribute), (uid, attribute)
        common = {k: sorted(v) for k, v in new.properties.items() if k not in ("provisions", "legalBasis")}
        assert common == {k: sorted(v) for k, v in old.properties.items()}, (
            uid
        )  # the two files order them apart
        resolved = {link.target for link in old.links if link.target.isdecimal()}
        assert resolved <= {link.target for link in new.links}, uid
        assert [a.country for a in new.addresses if a.country] >= [
            a.country for a in old.addresses if a.country
        ]
        old_remarks = [r.removesuffix(".") for r in old.remarks]
        assert [
            r.removesuffix(".") for r in new.remarks if r in old.remarks or r + "." in old.remarks
        ] == old_remarks


@pytest.mark.realdata
def test_enhanced_carries_typed_relationships(same_day: tuple[dict[str, Entity], dict[str, Entity]]) -> None:
    enhanced, _ = same_day
    sberbank = enhanced["18715"]
    assert [(link.kind, link.target, link.note) for link in sberbank.links] == [
        (LinkKind.OWNED_BY, "17018", "Owned or Controlled By")
    ]
    assert sberbank.listed_on == "2015-12-22"
    assert "SDN List" in sberbank.lists
