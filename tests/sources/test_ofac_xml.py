"""SDN.XML / CONSOLIDATED.XML: a hand-written SDN.XML fixture for the full mapping, real files for counts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sanctionwatch.model import Entity, IdKind, NameKind, NameQuality, Schema
from sanctionwatch.sources import ofac_csv, ofac_xml
from sanctionwatch.sources.base import SourceFormatError


@pytest.fixture()
def xml_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "ofac_xml"


def by_id(entities: list[Entity]) -> dict[str, Entity]:
    return {e.source_id: e for e in entities}


def test_sdn_xml_fixture_maps_every_element(xml_dir: Path) -> None:
    result = ofac_xml.parse([xml_dir / "sdn_small.xml"])
    assert (result.source, result.format, result.published) == ("ofac-sdn", "ofac-xml", date(2024, 5, 3))
    entities = by_id(result.entities)
    assert list(entities) == ["101", "102", "103"]

    bank = entities["101"]
    assert bank.schema == Schema.ORGANIZATION
    assert bank.authorities == ["EO 13722", "EO 13382"]
    assert [(n.full, n.kind, n.quality) for n in bank.names] == [
        ("EXAMPLE TRADING BANK", NameKind.PRIMARY, NameQuality.STRONG),
        ("EXAMPLE FOREIGN TRADE BANK", NameKind.ALIAS, NameQuality.STRONG),
        ("ETB", NameKind.ALIAS, NameQuality.WEAK),
    ]
    ids = [(i.kind, i.value, i.label, i.currency, i.country) for i in bank.identifiers]
    assert ids == [
        (IdKind.BIC, "EXTBKPPY", "SWIFT/BIC", None, None),
        (
            IdKind.CRYPTO,
            "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
            "Digital Currency Address - ETH",
            "ETH",
            None,
        ),
        (IdKind.OTHER, "XYZ-1", "Some New Identifier", None, "cn"),  # unknown idType kept, not dropped
    ]
    assert bank.properties == {
        "website": ["www.example.kp"],
        "secondarySanctionsRisk": ["North Korea Sanctions Regulations, sections 510.201 and 510.210"],
    }
    assert bank.addresses[0].full == "1 Main Street, Pyongyang, Korea, North"
    assert (bank.addresses[0].street, bank.addresses[0].city, bank.addresses[0].country) == (
        "1 Main Street",
        "Pyongyang",
        "kp",
    )

    person = entities["102"]
    assert person.schema == Schema.PERSON
    assert person.names[0].full == "DOE, John"  # the CSV's SDN_Name spelling
    assert person.names[0].parts == {"family": "DOE", "given": "John"}
    assert (person.names[1].full, person.names[1].kind) == ("DOE, Johnny", NameKind.FORMER)
    assert person.titles == ["Colonel"]
    assert [(d.value, d.approximate) for d in person.birth_dates] == [("1960-02-01", False), ("1962", True)]
    assert person.birth_places == ["Pyongyang, Korea, North"]
    assert (person.nationalities, person.citizenships, person.gender) == (["kp"], ["cn"], "male")
    passport = person.identifiers[0]
    assert (passport.kind, passport.value, passport.country, passport.note) == (
        IdKind.PASSPORT,
        "123456",
        "kp",
        "issued 01 Jan 2010 expires 01 Jan 2020",
    )
    assert person.remarks == ["Colonel in the army"]
    assert [(lk.target, lk.target_name) for lk in person.links] == [("101", "EXAMPLE TRADING BANK")]

    vessel = entities["103"]
    assert vessel.schema == Schema.VESSEL
    assert {(i.kind, i.value) for i in vessel.identifiers} == {
        (IdKind.IMO, "9123456"),
        (IdKind.MMSI, "422000000"),
        (IdKind.CALL_SIGN, "9BAB1"),
    }
    assert vessel.properties == {
        "type": ["Crude Oil Tanker"],
        "tonnage": ["150,000"],
        "grossRegisteredTonnage": ["80,000"],
        "flag": ["ir"],
        "owner": ["EXAMPLE TRADING BANK"],
    }


def test_xml_and_csv_fixtures_agree(xml_dir: Path, fixtures_dir: Path) -> None:
    """The same parties in both formats give the same core facts, so switching format is no 'change'."""
    xml = by_id(ofac_xml.parse([xml_dir / "sdn_small.xml"]).entities)
    csv_dir = fixtures_dir / "ofac_csv"
    csv = by_id(ofac_csv.parse([csv_dir / n for n in ("sdn.csv", "sdn_comments.csv")]).entities)
    for uid in ("101", "102", "103"):
        a, b = xml[uid], csv[uid]
        assert (a.schema, a.caption, a.programs, a.authorities) == (
            b.schema,
            b.caption,
            b.programs,
            b.authorities,
        )
        assert a.birth_dates == b.birth_dates
        assert a.gender == b.gender
        assert a.links == b.links
        assert {(i.kind, i.value) for i in a.identifiers} >= {(i.kind, i.value) for i in b.identifiers}


@pytest.mark.parametrize(
    ("name", "line", "pattern"),
    [
        ("malformed.xml", True, "malformed XML"),
        ("truncated.xml", True, "malformed XML"),
        ("doctype_bomb.xml", True, "DTD"),
        ("wrong_root.xml", True, "unexpected document element <exportedData>"),
        ("missing_uid.xml", True, "without a numeric <uid>"),
        ("unknown_type.xml", True, "unknown <sdnType> 'Spaceship'"),
        ("duplicate_uid.xml", True, "uid 101 appears twice"),
        ("record_count_mismatch.xml", False, "Record_Count says 3 entries but the file has 2"),
        ("no_publish_information.xml", False, "completeness cannot be checked"),
        ("empty.xml", False, "empty"),
    ],
)
def test_bad_xml_names_file_and_line(xml_dir: Path, name: str, line: bool, pattern: str) -> None:
    with pytest.raises(SourceFormatError, match=pattern) as caught:
        ofac_xml.parse([xml_dir / name])
    assert caught.value.path.endswith(name)
    if line:
        assert isinstance(caught.value.line, int) and caught.value.line >= 1


def test_one_file_per_call(xml_dir: Path) -> None:
    with pytest.raises(SourceFormatError, match="exactly one XML file"):
        ofac_xml.parse([xml_dir / "sdn_small.xml", xml_dir / "sdn_small.xml"])


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("name", "published", "russia", "strong", "weak"),
    [
        ("CONSOLIDATED_2024-05-06.xml", date(2024, 5, 6), 69, 1060, 66),
        ("CONSOLIDATED_2025-03-28.xml", date(2025, 3, 28), 82, 1066, 70),
    ],
)
def test_consolidated_xml_counts(
    shared_data: Path, name: str, published: date, russia: int, strong: int, weak: int
) -> None:
    result = ofac_xml.parse([shared_data / "ofac_consolidated_xml" / name], source="ofac-cons")
    assert result.published == published
    assert len(result.entities) == 443
    assert {e.source for e in result.entities} == {"ofac-cons"}
    assert sum("RUSSIA-EO14024" in e.programs for e in result.entities) == russia
    aliases = [n for e in result.entities for n in e.names if n.kind != NameKind.PRIMARY]
    # <category> counts from the file; a repeated alias is one name, so at most those
    assert sum(n.quality == NameQuality.STRONG for n in aliases) <= strong
    assert sum(n.quality == NameQuality.WEAK for n in aliases) <= weak
    assert len(aliases) >= strong + weak - 20


@pytest.fixture(scope="module")
def consolidated(shared_data: Path) -> dict[str, Entity]:
    path = shared_data / "ofac_consolidated_xml" / "CONSOLIDATED_2025-03-28.xml"
    return by_id(ofac_xml.parse([path], source="ofac-cons").entities)


@pytest.mark.realdata
def test_spot_russia_bank_with_bic(consolidated: dict[str, Entity]) -> None:
    bank = consolidated["17016"]
    assert bank.caption == "GAZPROMBANK JOINT STOCK COMPANY"
    assert bank.programs == ["RUSSIA-EO14024", "UKRAINE-EO13662"]
    assert bank.authorities == ["EO 14024", "EO 13662"]
    assert (IdKind.BIC, "GAZPRUMM") in [(i.kind, i.value) for i in bank.identifiers]
    assert (IdKind.LEI, "253400WSS48YWMBUA688") in [(i.kind, i.value) for i in bank.identifiers]
    assert bank.addresses[0].postal_code == "117420"
    assert bank.properties["incorporationDate"] == ["1990-07-31"]


@pytest.mark.realdata
def test_spot_person_with_weak_aliases_and_link(consolidated: dict[str, Entity]) -> None:
    person = consolidated["9647"]
    assert person.caption == "ZAHHAR, Mahmoud Khaled"
    assert person.gender == "male"
    assert [d.value for d in person.birth_dates] == ["1945"]
    assert person.nationalities == ["ps"]
    assert [(n.full, n.quality) for n in person.names if n.quality == NameQuality.WEAK] == [
        ("ZAHAR, Mahmoud", NameQuality.WEAK),
        ("AL-ZAHAR, Mahmoud", NameQuality.WEAK),
    ]
    assert [lk.target_name for lk in person.links] == ["HAMAS"]  # HAMAS itself is not on this list


@pytest.mark.realdata
def test_links_in_parentheses_resolve(consolidated: dict[str, Entity]) -> None:
    links = [lk for e in consolidated.values() for lk in e.links]
    assert len(links) == 283
    gazprom_children = [lk for lk in links if lk.target_name == "PUBLIC JOINT STOCK COMPANY GAZPROM"]
    assert gazprom_children
    assert {consolidated[lk.target].caption for lk in gazprom_children} == {
        "PUBLIC JOINT STOCK COMPANY GAZPROM"
    }
