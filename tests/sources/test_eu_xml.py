"""EU FSF XML: every mapping on the fixture, every bad input, regulation titles."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.model import Address, DateValue, Entity, IdKind, NameKind, NameQuality, Schema
from sanctionwatch.sources import eu_xml
from sanctionwatch.sources.base import ParsedList, SourceFormatError
from sanctionwatch.sources.eu_xml import regulation_title


@pytest.fixture(scope="module")
def parsed(fixtures_dir: Path) -> ParsedList:
    return eu_xml.parse([fixtures_dir / "eu" / "fsf_sample.xml"])


def _entity(parsed: ParsedList, logical_id: str) -> Entity:
    return next(e for e in parsed.entities if e.source_id == logical_id)


def test_publication(parsed: ParsedList, fixtures_dir: Path) -> None:
    assert parsed.source == "eu" and parsed.format == "eu-xml"
    assert parsed.published == date(2026, 2, 20)
    assert [e.source_id for e in parsed.entities] == ["110301", "111500", "101600", "103200", "120900"]
    assert parsed.files == [fixtures_dir / "eu" / "fsf_sample.xml"]


def test_dprk_individual(parsed: ParsedList) -> None:
    ri = _entity(parsed, "110301")
    assert ri.schema == Schema.PERSON
    assert [(n.full, n.kind, n.quality, n.script) for n in ri.names] == [
        ("RI Won Ho", NameKind.PRIMARY, NameQuality.STRONG, "Latn"),
        ("리원호", NameKind.ALIAS, NameQuality.STRONG, "Hang"),
        ("Ri Won-ho", NameKind.ALIAS, NameQuality.WEAK, "Latn"),
    ]
    assert ri.names[0].parts == {"given": "Won Ho", "family": "RI"}
    assert ri.gender == "male"
    assert ri.positions == ["DPRK Ministry of State Security Official"]
    assert ri.titles == []
    assert ri.nationalities == ["kp"]
    assert ri.birth_dates == [DateValue("1964-07-17")]
    assert ri.birth_places == []  # country "00"/UNKNOWN and no city
    (passport,) = ri.identifiers
    assert (passport.kind, passport.value, passport.country, passport.label, passport.note) == (
        IdKind.PASSPORT,
        "381310014",
        "kp",
        "National passport",
        "DPRK passport",
    )
    assert ri.programs == ["PRK"]
    assert ri.authorities == ["Regulation (EU) 2017/1509"]
    assert ri.listed_on == "2016-12-08"
    assert ri.remarks == ["Ministry of State Security official stationed in Syria supporting KOMID."]
    assert ri.properties == {
        "sourceUrl": ["https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32017R1509"],
        "unscId": ["KPi.033"],
        "authorityId": ["EU.4116.41"],
    }


def test_dprk_bank_bic_from_identification_wins_over_remark_copy(parsed: ParsedList) -> None:
    ftb = _entity(parsed, "111500")
    assert ftb.schema == Schema.ORGANIZATION
    assert [n.full for n in ftb.names] == ["Foreign Trade Bank (FTB)", "Mooyokbank", "Korea Trading Bank"]
    assert [n.kind for n in ftb.names] == [NameKind.PRIMARY, NameKind.ALIAS, NameKind.ALIAS]
    assert [(i.kind, i.value, i.country, i.label) for i in ftb.identifiers] == [
        (IdKind.BIC, "FTBDKPPY", "kp", "SWIFT BIC")
    ]
    assert ftb.addresses == [
        Address(
            full="FTB Building, Jungsong-dong, Central District, Pyongyang, "
            "KOREA, DEMOCRATIC PEOPLE'S REPUBLIC OF (NORTH KOREA)",
            street="FTB Building, Jungsong-dong, Central District",
            city="Pyongyang",
            country="kp",
        )
    ]
    assert ftb.countries == ["kp"]
    assert ftb.gender is None and ftb.birth_dates == []


def test_russian_company(parsed: ParsedList) -> None:
    bank = _entity(parsed, "101600")
    assert bank.schema == Schema.ORGANIZATION
    assert [(n.full, n.quality, n.script) for n in bank.names] == [
        ("Bank Rossiya", NameQuality.STRONG, "Latn"),
        ("Банк Россия", NameQuality.STRONG, "Cyrl"),
        ("Rossiya Bank", NameQuality.WEAK, "Latn"),
    ]
    assert [(i.kind, i.value, i.country) for i in bank.identifiers] == [
        (IdKind.REGISTRATION, "1027800000084", "ru"),
        (IdKind.TAX_ID, "7831000122", "ru"),
    ]
    (address,) = bank.addresses
    assert (address.street, address.city, address.postal_code, address.country) == (
        "Rastrelli Square 2, letter A",
        "St. Petersburg",
        "191124",
        "ru",
    )
    assert bank.properties["website"] == ["www.abr.ru"]
    assert bank.programs == ["UKR"]
    assert bank.authorities == ["Regulation (EU) No 826/2014", "Regulation (EU) No 269/2014"]
    assert bank.listed_on == "2014-07-30"  # designationDate, not the base regulation's 2014-03-17
    assert "unscId" not in bank.properties
    assert len(bank.properties["sourceUrl"]) == 2


def test_shipping_company_with_imo_stays_organization(parsed: ParsedList) -> None:
    omm = _entity(parsed, "103200")
    assert omm.schema == Schema.ORGANIZATION
    assert [(i.kind, i.value, i.country) for i in omm.identifiers] == [(IdKind.IMO, "1790183", None)]
    assert omm.addresses[0].full == (
        "Donghung Dong, Central District, PO Box 120, Pyongyang, KOREA, DEMOCRATIC PEOPLE'S REPUBLIC OF (NORTH KOREA)"
    )
    assert omm.authorities == ["Regulation (EU) No 889/2014"]
    assert omm.properties["unscId"] == ["KPe.020"]


def test_year_range_circa_birth_and_listing_date_fallback(parsed: ParsedList) -> None:
    kim = _entity(parsed, "120900")
    assert kim.birth_dates == [DateValue("1967", end="1969"), DateValue("1968", approximate=True)]
    assert kim.birth_places == ["Pyongyang, KOREA, DEMOCRATIC PEOPLE'S REPUBLIC OF (NORTH KOREA)"]
    assert kim.listed_on == "2018-01-22"  # no designationDate: the regulation's publication date
    assert kim.authorities == ["Regulation (EU) 2018/84"]
    assert kim.remarks == ["Listed following UN designation of 22 December 2017."]
    assert kim.positions == ["Deputy Director of the Workers' Party of Korea Munitions Industry Department"]


@pytest.mark.parametrize(
    ("number_title", "expected"),
    [
        ("2017/1509 (OJ L224)", "Regulation (EU) 2017/1509"),
        ("269/2014 (OJ L78)", "Regulation (EU) No 269/2014"),
        ("881/2002", "Regulation (EC) No 881/2002"),
        ("2007/868/EC (OJ L340)", "2007/868/EC"),
        ("  ", None),
        (None, None),
    ],
)
def test_regulation_title(number_title: str | None, expected: str | None) -> None:
    assert regulation_title(number_title) == expected


@given(st.one_of(st.none(), st.text()))
def test_regulation_title_never_raises(number_title: str | None) -> None:
    title = regulation_title(number_title)
    assert title is None or title.strip() == title


@pytest.mark.parametrize(
    ("name", "line", "element", "words"),
    [
        ("truncated.xml", None, None, "malformed XML"),
        ("malformed.xml", 4, None, "malformed XML"),
        ("wrong_root.xml", 2, "exportList", "unexpected document element"),
        ("wrong_namespace.xml", 2, "export", "namespace"),
        ("empty.xml", None, None, "file is empty"),
        ("entity_bomb.xml", 2, None, "DTD"),
        ("missing_logical_id.xml", 4, "sanctionEntity", "no logicalId"),
        ("unknown_subject.xml", 5, "subjectType", "'vessel'"),
        ("duplicate_logical_id.xml", 4, "sanctionEntity", "110301 already used by the entity at line 3"),
        ("no_records.xml", None, "export", "empty list"),
    ],
)
def test_bad_input_names_file_and_line(
    fixtures_dir: Path, name: str, line: int | None, element: str | None, words: str
) -> None:
    path = fixtures_dir / "eu" / name
    with pytest.raises(SourceFormatError) as caught:
        eu_xml.parse([path])
    error = caught.value
    assert error.path == str(path)
    assert words in error.message
    if line is not None:
        assert error.line == line
    if element is not None:
        assert error.element == element
    if name == "truncated.xml":
        assert error.line is not None and error.line >= 3
