"""UN consolidated XML: real-file counts and spot checks, every bad input, text helpers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.model import DateValue, Entity, IdKind, LinkKind, NameKind, NameQuality, Schema
from sanctionwatch.sources import un_xml
from sanctionwatch.sources.base import ParsedList, SourceFormatError
from sanctionwatch.sources.un_xml import birth_date_value, document_kind, regime_authority

FILES = {
    "2026": "consolidated_2026-02-27.xml",
    "2025": "consolidated_2025-04-19_reserialized.xml",
    "2018": "consolidated_2018-10-29.xml",
}
# From ../shared/data/un_consolidated/PROVENANCE.md: INDIVIDUAL, ENTITY, KPi., KPe., IR*.
COUNTS = {
    "2026": (730, 273, 80, 75, 121),
    "2025": (684, 193, 80, 75, 0),
    "2018": (703, 390, 80, 75, 84),
}
PUBLISHED = {"2026": date(2026, 2, 27), "2025": date(2025, 4, 19), "2018": date(2018, 10, 29)}

_cache: dict[str, ParsedList] = {}


def _parsed(shared_data: Path, key: str) -> ParsedList:
    if key not in _cache:
        _cache[key] = un_xml.parse([shared_data / "un_consolidated" / FILES[key]])
    return _cache[key]


def _record(shared_data: Path, key: str, source_id: str) -> Entity:
    return next(e for e in _parsed(shared_data, key).entities if e.source_id == source_id)


# --- real files -----------------------------------------------------------------------------------


@pytest.mark.realdata
@pytest.mark.parametrize("key", sorted(FILES))
def test_counts_and_publication_date(shared_data: Path, key: str) -> None:
    parsed = _parsed(shared_data, key)
    people = sum(1 for e in parsed.entities if e.schema == Schema.PERSON)
    organizations = sum(1 for e in parsed.entities if e.schema == Schema.ORGANIZATION)
    ids = [e.source_id for e in parsed.entities]
    counted = (
        people,
        organizations,
        sum(1 for i in ids if i.startswith("KPi.")),
        sum(1 for i in ids if i.startswith("KPe.")),
        sum(1 for i in ids if i.startswith("IR")),
    )
    assert counted == COUNTS[key]
    assert parsed.published == PUBLISHED[key]
    assert parsed.format == "un-xml" and parsed.source == "un"
    assert len(set(ids)) == len(ids)
    assert all(e.authorities for e in parsed.entities), "every regime in these files has a known resolution"


@pytest.mark.realdata
def test_dprk_individual_with_passport_and_birth_date(shared_data: Path) -> None:
    ri = _record(shared_data, "2026", "KPi.033")
    assert ri.schema == Schema.PERSON
    assert [(n.full, n.kind, n.script) for n in ri.names] == [("RI WON HO", NameKind.PRIMARY, "Latn")]
    assert ri.names[0].parts == {"first": "RI", "second": "WON HO"}
    assert ri.birth_dates == [DateValue("1964-07-17")]
    assert [(i.kind, i.value, i.label) for i in ri.identifiers] == [
        (IdKind.PASSPORT, "381310014", "Passport")
    ]
    assert ri.nationalities == ["kp"]
    assert ri.positions == ["DPRK Ministry of State Security Official"]
    assert ri.programs == ["DPRK"] and ri.authorities == ["UNSCR 1718"]
    assert ri.lists == ["UN List"]
    assert ri.listed_on == "2016-11-30"
    assert ri.remarks == [
        "Ri Won Ho is a DPRK Ministry of State Security Official stationed in Syria supporting KOMID."
    ]
    assert ri.properties == {"dataId": ["6908555"]}


@pytest.mark.realdata
def test_dprk_entity_with_aliases_address_and_bic(shared_data: Path) -> None:
    ftb = _record(shared_data, "2026", "KPe.047")
    assert ftb.schema == Schema.ORGANIZATION
    assert [(n.full, n.kind, n.quality) for n in ftb.names] == [
        ("FOREIGN TRADE BANK (FTB)", NameKind.PRIMARY, NameQuality.STRONG),
        ("Mooyokbank", NameKind.ALIAS, NameQuality.STRONG),
        ("Korea Trading Bank", NameKind.ALIAS, NameQuality.STRONG),
    ]
    assert ftb.names[0].parts == {}
    (address,) = ftb.addresses
    assert address.street == "FTB Building, Jungsong-dong, Central District"
    assert address.city == "Pyongyang" and address.country == "kp"
    assert [(i.kind, i.value) for i in ftb.identifiers] == [(IdKind.BIC, "FTBDKPPY")]
    assert ftb.properties["modifiedAt"] == ["2022-07-26"]
    assert ftb.countries == ["kp"]


@pytest.mark.realdata
def test_shipping_company_keeps_organization_and_gets_imo(shared_data: Path) -> None:
    omm = _record(shared_data, "2026", "KPe.020")
    assert omm.schema == Schema.ORGANIZATION
    assert [(i.kind, i.value) for i in omm.identifiers] == [(IdKind.IMO, "1790183")]
    assert len(omm.addresses) == 2


@pytest.mark.realdata
def test_original_script_name_and_weak_alias(shared_data: Path) -> None:
    saddam = _record(shared_data, "2026", "IQi.001")
    assert [(n.full, n.kind, n.quality, n.script) for n in saddam.names] == [
        ("SADDAM HUSSEIN AL-TIKRITI", NameKind.PRIMARY, NameQuality.STRONG, "Latn"),
        ("صدام حسين التكريتي", NameKind.PRIMARY, NameQuality.STRONG, "Arab"),
        ("Abu Ali", NameKind.ALIAS, NameQuality.WEAK, "Latn"),
    ]
    assert saddam.names[0].parts == {"first": "SADDAM", "second": "HUSSEIN", "third": "AL-TIKRITI"}
    assert saddam.birth_dates == [DateValue("1937-04-28")]
    assert saddam.birth_places == ["al-Awja, near Tikrit, Iraq"]
    assert saddam.properties["birthCountry"] == ["iq"]
    assert saddam.authorities == ["UNSCR 1518"]


@pytest.mark.realdata
def test_han_script_entity_name(shared_data: Path) -> None:
    entity = _record(shared_data, "2026", "KPe.055")
    assert ("長安海連技術有限公司", "Hani") in [(n.full, n.script) for n in entity.names]


@pytest.mark.realdata
def test_birth_year_range_and_year_only(shared_data: Path) -> None:
    kim = _record(shared_data, "2026", "KPi.066")
    assert kim.birth_dates == [DateValue("1967", end="1969")]
    assert kim.names[1].full == "Kim Cho’ng-sik" and kim.names[1].kind == NameKind.ALIAS
    badege = _record(shared_data, "2026", "CDi.001")
    assert badege.birth_dates == [DateValue("1971")]


@pytest.mark.realdata
def test_two_birth_dates_and_places(shared_data: Path) -> None:
    iruta = _record(shared_data, "2026", "CDi.011")
    assert iruta.names[0].full == "IRUTA DOUGLAS MPAMO"
    assert iruta.birth_dates == [DateValue("1965-12-28"), DateValue("1965-12-29")]
    assert iruta.birth_places[0] == "Bashali, Masisi, Democratic Republic of the Congo"
    assert iruta.nationalities == ["cd"]


@pytest.mark.realdata
def test_links_from_reference_numbers_in_comments(shared_data: Path) -> None:
    ali_kony = _record(shared_data, "2026", "CFi.010")
    assert [(lk.kind, lk.target, lk.target_name) for lk in ali_kony.links] == [
        (LinkKind.ASSOCIATE, "CFe.002", "LORD’S RESISTANCE ARMY"),
        (LinkKind.ASSOCIATE, "CFi.009", "JOSEPH KONY"),
    ]


@pytest.mark.realdata
def test_iran_authority_follows_publication_date(shared_data: Path) -> None:
    assert _record(shared_data, "2018", "IRi.001").authorities == ["UNSCR 2231"]
    assert _record(shared_data, "2026", "IRi.001").authorities == ["UNSCR 1737"]


@pytest.mark.realdata
def test_unmapped_nationality_text_is_kept_as_remark(shared_data: Path) -> None:
    record = _record(shared_data, "2018", "QDi.391")
    assert "Nationality: Bahrain (citizenship revoked in Jan. 2015)" in record.remarks
    assert "bh" not in record.nationalities


# --- bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("truncated.xml", None, "malformed XML"),
        ("malformed.xml", 5, "malformed XML"),
        ("wrong_root.xml", 2, "unexpected document element <SANCTIONS_LIST>"),
        ("empty.xml", None, "file is empty"),
        ("entity_bomb.xml", 2, "DTD"),
        ("missing_ids.xml", 5, "neither REFERENCE_NUMBER nor DATAID"),
        ("duplicate_reference.xml", 5, "KPi.033 already used by the record at line 4"),
        ("no_records.xml", None, "empty list"),
        ("bad_date.xml", 2, "not an ISO date"),
    ],
)
def test_bad_input_names_file_and_line(fixtures_dir: Path, name: str, line: int | None, words: str) -> None:
    path = fixtures_dir / "un" / name
    with pytest.raises(SourceFormatError) as caught:
        un_xml.parse([path])
    error = caught.value
    assert error.path == str(path)
    assert words in error.message
    if line is not None:
        assert error.line == line
    if name == "truncated.xml":
        assert error.line is not None and error.line >= 4


def test_missing_record_element_is_named(fixtures_dir: Path) -> None:
    with pytest.raises(SourceFormatError) as caught:
        un_xml.parse([fixtures_dir / "un" / "missing_ids.xml"])
    assert caught.value.element == "INDIVIDUAL"


def test_missing_reference_number_falls_back_to_dataid(fixtures_dir: Path) -> None:
    parsed = un_xml.parse([fixtures_dir / "un" / "missing_reference.xml"])
    assert [e.source_id for e in parsed.entities] == ["KPi.033", "6908570"]
    assert parsed.entities[1].caption == "CHANG CHANG HA"


def test_exactly_one_file(fixtures_dir: Path) -> None:
    path = fixtures_dir / "un" / "missing_reference.xml"
    with pytest.raises(SourceFormatError, match="exactly one file"):
        un_xml.parse([path, path])
    with pytest.raises(SourceFormatError, match="exactly one file"):
        un_xml.parse([])


# --- helpers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        (("EXACT",), {"date_text": "1964-07-17"}, DateValue("1964-07-17")),
        (("EXACT",), {"date_text": "2015-04-14-04:00"}, DateValue("2015-04-14")),
        (("APPROXIMATELY",), {"year": "1966"}, DateValue("1966", approximate=True)),
        (("BETWEEN",), {"from_year": "1973", "to_year": "1974"}, DateValue("1973", end="1974")),
        (("BETWEEN",), {"from_year": "1973"}, DateValue("1973", approximate=True)),
        (("",), {}, None),
    ],
)
def test_birth_date_value(args: tuple[str], kwargs: dict[str, str], expected: DateValue | None) -> None:
    assert birth_date_value(*args, **kwargs) == expected


@pytest.mark.parametrize(
    ("main", "sub", "kind"),
    [
        ("Passport", None, IdKind.PASSPORT),
        ("Numéro de passeport", None, IdKind.PASSPORT),
        ("National Identification Number", "FARDC ID", IdKind.NATIONAL_ID),
        ("National Identification Number", "Italian Fiscal Code:", IdKind.TAX_ID),
        ("National Identification Number", "Certificate of Iraqi Nationality", IdKind.OTHER),
        (None, "Driver's Permit", IdKind.OTHER),
        (None, None, IdKind.OTHER),
    ],
)
def test_document_kind(main: str | None, sub: str | None, kind: str) -> None:
    assert document_kind(main, sub) == kind


def test_regime_authority_table() -> None:
    assert regime_authority("DPRK", None) == "UNSCR 1718"
    assert regime_authority("Al-Qaida", None) == "UNSCR 1267"
    assert regime_authority("Libya", None) == "UNSCR 1970"
    assert regime_authority("Iran", date(2015, 12, 31)) == "UNSCR 1737"
    assert regime_authority("Iran", date(2016, 1, 16)) == "UNSCR 2231"
    assert regime_authority("Iran", date(2025, 9, 28)) == "UNSCR 1737"
    assert regime_authority("Atlantis", None) is None


@given(st.text(), st.text(), st.text(), st.text())
def test_birth_date_value_never_raises(kind: str, day: str, start: str, end: str) -> None:
    value = birth_date_value(kind, date_text=day, year=day, from_year=start, to_year=end)
    assert value is None or value.value[:4].isdigit()


@given(st.text(), st.one_of(st.none(), st.text()))
def test_document_kind_is_always_in_vocabulary(main: str, sub: str | None) -> None:
    assert document_kind(main, sub) in set(IdKind)


@pytest.mark.realdata
def test_aliases_packed_in_one_field_become_names_of_their_own(shared_data: Path) -> None:
    entities = _parsed(shared_data, "2026").entities
    assert not [n.full for e in entities for n in e.names if ";" in n.full]
    names = {n.full for e in entities for n in e.names}
    assert {"Azim Adhajani", "Azim Agha-Jani"} <= names  # 'Azim Adhajani; Azim Agha-Jani' in the file
