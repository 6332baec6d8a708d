"""UK Sanctions List (FCDO) XML: the real 44-designation excerpt, its quirks, own fixtures, bad input."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.model import DateValue, Entity, IdKind, LinkKind, NameKind, NameQuality, Schema
from sanctionwatch.sources import uk_sanctions_list
from sanctionwatch.sources.base import ParsedList, SourceFormatError
from sanctionwatch.sources.catalog import default_source, detect_format, parse_files
from sanctionwatch.sources.uk_sanctions_list import imo_number, parse_uksl_date, programme

EXCERPT = Path("uk_sanctions_list_xml") / "UK-Sanctions-List.2026-03-26.excerpt.xml"
_cache: dict[str, ParsedList] = {}


def _excerpt(shared_data: Path) -> ParsedList:
    if "excerpt" not in _cache:
        _cache["excerpt"] = uk_sanctions_list.parse([shared_data / EXCERPT])
    return _cache["excerpt"]


def _by_id(parsed: ParsedList) -> dict[str, Entity]:
    return {e.source_id: e for e in parsed.entities}


def _write(tmp_path: Path, designations: str, *, generated: str = "26/03/2026") -> Path:
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Designations xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"  <DateGenerated>{generated}</DateGenerated>\n{designations}</Designations>\n",
        encoding="utf-8",
    )
    return path


def _designation(unique_id: str, body: str, *, kind: str = "Individual", group: str | None = None) -> str:
    group_xml = f"<OFSIGroupID>{group}</OFSIGroupID>" if group else ""
    return (
        f"<Designation><LastUpdated>01/02/2026</LastUpdated><DateDesignated>01/02/2026</DateDesignated>"
        f"<UniqueID>{unique_id}</UniqueID>{group_xml}{body}"
        f"<RegimeName>The Russia (Sanctions) (EU Exit) Regulations 2019</RegimeName>"
        f"<IndividualEntityShip>{kind}</IndividualEntityShip><DesignationSource>UK</DesignationSource>"
        f"<SanctionsImposed>Asset freeze</SanctionsImposed></Designation>\n"
    )


# --- the real excerpt -----------------------------------------------------------------------------


@pytest.mark.realdata
def test_excerpt_counts_ids_and_publication_date(shared_data: Path) -> None:
    parsed = _excerpt(shared_data)
    assert (parsed.source, parsed.format, parsed.published) == (
        "uk",
        "uk-sanctions-list-xml",
        date(2026, 3, 26),
    )
    assert Counter(e.schema for e in parsed.entities) == {
        Schema.PERSON: 25,
        Schema.ORGANIZATION: 11,
        Schema.VESSEL: 8,
    }
    ids = [e.source_id for e in parsed.entities]
    assert len(set(ids)) == 44
    # 36 designations keep their OFSI group id (ConList's id for them); the 8 without one use the reference.
    assert sum(i.isdecimal() for i in ids) == 36
    assert sorted(i for i in ids if not i.isdecimal()) == [
        "DPR0075", "DPR0076", "DPR0077", "RUS2828", "RUS2829", "RUS2830", "RUS2831", "RUS2832",
    ]  # fmt: skip
    assert all(len(e.properties["authorityId"]) == 1 for e in parsed.entities)
    assert Counter(p for e in parsed.entities for p in e.programs) == {
        "Russia": 13, "Afghanistan": 12, "Cyber": 8, "Democratic People's Republic of Korea": 8, "Yemen": 3,
    }  # fmt: skip
    assert Counter(n.script for e in parsed.entities for n in e.names if n.script) == {"Arab": 15, "Cyrl": 13}


@pytest.mark.realdata
def test_entity_with_arabic_name_addresses_and_un_reference(shared_data: Path) -> None:
    exchange = _by_id(_excerpt(shared_data))["12703"]
    assert exchange.schema == Schema.ORGANIZATION
    assert exchange.caption == "HAJI KHAIRULLAH HAJI SATTAR MONEY EXCHANGE"
    assert ("حاجی خيرالله و حاجی ستار صرافی", NameKind.PRIMARY, "Arab") in [
        (n.full, n.kind, n.script) for n in exchange.names
    ]
    assert sum(n.kind == NameKind.ALIAS for n in exchange.names) == 8
    assert exchange.addresses[0].full == (
        "Branch Office 7, Shop numbers 21 and 22, 2nd Floor, Kandahar City Sarafi Market, Kandahar City, "
        "Kandahar Province, Afghanistan"
    )
    assert exchange.addresses[0].country == "af"
    assert exchange.programs == ["Afghanistan"]
    assert exchange.authorities == ["The Afghanistan (Sanctions) (EU Exit) Regulations 2020"]
    assert exchange.listed_on == "2012-06-29"
    assert exchange.properties["authorityId"] == ["AFG0001"]
    assert exchange.properties["ofsiGroupId"] == ["12703"]
    assert exchange.properties["unscId"] == ["TAe.010"]
    assert exchange.properties["modifiedAt"] == ["2022-01-12"]
    assert exchange.properties["designationSource"] == ["UN"]
    assert exchange.properties["provisions"] == ["Asset freeze"]
    assert exchange.remarks[0].startswith("Pakistan National Tax Number: 1774308;")


@pytest.mark.realdata
def test_person_with_cyrillic_name_parts_and_measures(shared_data: Path) -> None:
    person = _by_id(_excerpt(shared_data))["13904"]
    assert person.schema == Schema.PERSON
    assert next((n.full, n.kind, n.parts) for n in person.names) == (
        "Shilong ZHANG",
        NameKind.PRIMARY,
        {"given": "Shilong", "family": "ZHANG"},
    )
    assert person.birth_dates == [DateValue("1981-09-10")]
    assert person.nationalities == ["cn"] and person.gender == "male"
    assert person.properties["provisions"] == [
        "Asset freeze",
        "Travel Ban",
        "Director Disqualification Sanction",
    ]
    russian = _by_id(_excerpt(shared_data))["15180"]
    assert [(n.full, n.kind, n.script) for n in russian.names] == [
        ("Andrey Vasilievich BAEVSKY", NameKind.PRIMARY, None),
        ("БАЕВСКИЙ Андрей Васильевич", NameKind.PRIMARY, "Cyrl"),
        ("Andrey Vasilyevich BAYEVSKY", NameKind.ALIAS, None),
    ]


@pytest.mark.realdata
def test_quirks_of_the_published_file(shared_data: Path) -> None:
    parsed = _excerpt(shared_data)
    names = [n.full for e in parsed.entities for n in e.names]
    # Stray spaces (" ABDUL", "Chosun Expo ", "CO. LTD  ") are gone; capitals of name types vary.
    assert all(name == " ".join(name.split()) for name in names)
    assert "Chosun Expo" in names and "SHENZHEN JLFY TECHNOLOGY CO. LTD" in names
    assert all(
        sum(n.kind == NameKind.PRIMARY and not n.script for n in e.names) >= 1 for e in parsed.entities
    )
    numbers = {i.value for e in parsed.entities for i in e.identifiers}
    assert {"D0009720", "743016842436"} <= numbers  # " D0009720", "743016842436    "
    # Placeholder dates keep the year only.
    births = {d.value for e in parsed.entities for d in e.birth_dates}
    assert {"1969", "1958"} <= births and not any(v.endswith("-01-01") for v in births if len(v) == 10)
    # IMO numbers with and without the prefix.
    imos = {i.value for e in parsed.entities for i in e.identifiers if i.kind == IdKind.IMO}
    assert (
        len(imos) == 8 and {"8628597", "9199127"} <= imos and all(v.isdecimal() and len(v) == 7 for v in imos)
    )
    # A ship whose indicators are all false is listed, with the measure its text states.
    ship = _by_id(parsed)["DPR0075"]
    assert ship.schema == Schema.VESSEL
    assert ship.properties["provisions"] == ["Prohibition of port entry"]
    assert ship.properties["flag"] == ["km"] and ship.properties["pastFlags"] == ["in"]
    assert ship.properties["buildDate"] == ["2011"] and ship.properties["tonnage"] == ["7078"]
    assert [(lk.kind, lk.target) for lk in ship.links] == [
        (LinkKind.OWNED_BY, "Global United Shipping India")
    ]


@pytest.mark.realdata
def test_registration_numbers_of_an_entity(shared_data: Path) -> None:
    pergam = _by_id(_excerpt(shared_data))["17174"]
    assert [(i.kind, i.value, i.label) for i in pergam.identifiers] == [
        (IdKind.REGISTRATION, "7713226814", "Business Registration Number (INN)"),
        (IdKind.REGISTRATION, "1027700285612", "Business Registration Number (OGRN)"),
    ]
    assert pergam.properties["website"] == ["https://www.pergam.ru/"]


@pytest.mark.realdata
def test_crlf_and_bom_read_the_same(shared_data: Path, tmp_path: Path) -> None:
    original = (shared_data / EXCERPT).read_bytes()
    variant = tmp_path / "UK-Sanctions-List.xml"
    variant.write_bytes(b"\xef\xbb\xbf" + original.replace(b"\n", b"\r\n"))
    assert detect_format(variant) == "uk-sanctions-list-xml"
    again = uk_sanctions_list.parse([variant])
    assert [e.to_dict() for e in again.entities] == [e.to_dict() for e in _excerpt(shared_data).entities]


@pytest.mark.realdata
def test_catalog_recognises_the_file_for_source_uk(shared_data: Path) -> None:
    path = shared_data / EXCERPT
    assert (detect_format(path), default_source(detect_format(path), path)) == ("uk-sanctions-list-xml", "uk")
    [parsed] = parse_files([path])
    assert parsed.source == "uk" and len(parsed.entities) == 44


# --- own fixtures, for what the excerpt does not show ---------------------------------------------


def test_chinese_name_parent_company_unknown_regime_and_shared_group_id(tmp_path: Path) -> None:
    # Invented parties in the published layout.
    path = _write(
        tmp_path,
        _designation(
            "RUS9001",
            "<Names><Name><Name6>EXAMPLE TRADING CO</Name6><NameType>PRIMARY NAME</NameType></Name>"
            "<Name><Name6>Example Co</Name6><NameType>Alias</NameType>"
            "<AliasStrength>Low quality a.k.a</AliasStrength></Name></Names>"
            "<NonLatinNames><NonLatinName><NameNonLatinScript>示例贸易公司</NameNonLatinScript>"
            "</NonLatinName></NonLatinNames>"
            "<EntityDetails><Entity><ParentCompanies><ParentCompany>EXAMPLE HOLDING</ParentCompany>"
            "</ParentCompanies></Entity></EntityDetails>",
            kind="Entity",
            group="99001",
        )
        + _designation(
            "RUS9002",
            "<Names><Name><Name6>EXAMPLE HOLDING</Name6><NameType>Primary name</NameType></Name></Names>",
            kind="Entity",
            group="99002",
        )
        + _designation(
            "GAC9003",
            "<Names><Name><Name1>Ann</Name1><Name6>EXAMPLE</Name6><NameType>Primary name</NameType></Name>"
            "</Names><IndividualDetails><Individual><DOBs><DOB>00/00/1945</DOB><DOB>dd/05/1950</DOB></DOBs>"
            "</Individual></IndividualDetails>",
            group="99003",
        )
        + _designation(
            "GAC9004",
            "<Names><Name><Name1>Bob</Name1><Name6>EXAMPLE</Name6><NameType>Primary name</NameType></Name>"
            "</Names>",
            group="99003",
        ),
    )
    parsed = uk_sanctions_list.parse([path])
    trading, holding, ann, bob = parsed.entities
    assert [(n.full, n.kind, n.quality, n.script) for n in trading.names] == [
        ("EXAMPLE TRADING CO", NameKind.PRIMARY, NameQuality.STRONG, None),
        ("示例贸易公司", NameKind.PRIMARY, NameQuality.STRONG, "Hani"),
        ("Example Co", NameKind.ALIAS, NameQuality.WEAK, None),
    ]
    assert [(lk.kind, lk.target, lk.target_name) for lk in trading.links] == [
        (LinkKind.OWNED_BY, "99002", "EXAMPLE HOLDING")
    ]
    assert holding.source_id == "99002"
    # A group id two designations share is no one's: both keep their references.
    assert (ann.source_id, bob.source_id) == ("GAC9003", "GAC9004")
    assert ann.properties["ofsiGroupId"] == ["99003"]
    assert ann.birth_dates == [DateValue("1945"), DateValue("1950-05")]


def test_a_regime_conlist_never_had_stays_as_written() -> None:
    assert programme("The Russia (Sanctions) (EU Exit) Regulations 2019") == "Russia"
    assert programme("THE CYBER (SANCTIONS) (EU EXIT) REGULATIONS 2020") == "Cyber"
    assert (
        programme("The New Regime (Sanctions) Regulations 2027")
        == "The New Regime (Sanctions) Regulations 2027"
    )


def test_imo_numbers() -> None:
    assert [imo_number(v) for v in ("IMO9199127", "imo 9199127", "9199127", "N/A")] == [
        "9199127", "9199127", "9199127", "N/A",
    ]  # fmt: skip


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31)))
def test_full_dates_round_trip(day: date) -> None:
    assert parse_uksl_date(day.strftime("%d/%m/%Y")) == day.isoformat()


@given(
    st.integers(1000, 2999),
    st.sampled_from(["dd", "DD", "00", "0"]),
    st.one_of(st.sampled_from(["mm", "MM", "00", "0"]), st.integers(1, 12).map(str)),
)
def test_placeholder_parts_are_unknown_never_invented(year: int, day: str, month: str) -> None:
    parsed = parse_uksl_date(f" {day}/{month}/{year} ")
    expected = f"{year:04d}" if not month.isdecimal() or int(month) == 0 else f"{year:04d}-{int(month):02d}"
    assert parsed == expected


@given(st.text(max_size=12).filter(lambda t: not any(c.isdigit() for c in t)))
def test_text_without_digits_is_no_date(text: str) -> None:
    assert parse_uksl_date(text) is None


# --- bad input ------------------------------------------------------------------------------------


def _refused(path: Path) -> SourceFormatError:
    with pytest.raises(SourceFormatError) as caught:
        uk_sanctions_list.parse([path])
    assert caught.value.path == str(path)
    return caught.value


def test_malformed_xml_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, _designation("RUS9001", "<Names><Name><Name6>X</Name6></Names>"))
    error = _refused(path)
    assert "malformed XML" in error.message and error.line == 4


def test_truncated_file_is_refused(shared_data: Path, tmp_path: Path) -> None:
    path = tmp_path / "UK-Sanctions-List.xml"
    path.write_bytes((shared_data / EXCERPT).read_bytes()[:60_000])
    assert "malformed XML" in _refused(path).message


def test_wrong_root_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text('<?xml version="1.0"?>\n<CONSOLIDATED_LIST><Designation/></CONSOLIDATED_LIST>\n')
    error = _refused(path)
    assert "unexpected document element <CONSOLIDATED_LIST>" in error.message


def test_entity_bomb_is_refused_before_expansion(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>\n'
        "<Designations><Designation><UniqueID>&b;</UniqueID></Designation></Designations>\n"
    )
    assert "DTD" in _refused(path).message


@pytest.mark.parametrize(
    ("body", "unique_id", "kind", "words"),
    [
        ("", "", "Individual", "has no UniqueID"),
        ("", "RUS9001", "Aircraft", "unknown IndividualEntityShip 'Aircraft'"),
        (
            "<IndividualDetails><Individual><DOBs><DOB>31 Feb 1970</DOB></DOBs></Individual></IndividualDetails>",
            "RUS9001",
            "Individual",
            "bad DOB '31 Feb 1970'",
        ),
    ],
)
def test_bad_designations_are_refused(
    tmp_path: Path, body: str, unique_id: str, kind: str, words: str
) -> None:
    error = _refused(_write(tmp_path, _designation(unique_id, body, kind=kind)))
    assert words in error.message and error.line is not None


def test_duplicate_reference_bad_dates_and_empty_list_are_refused(tmp_path: Path) -> None:
    one = _designation("RUS9001", "")
    assert (
        "UniqueID RUS9001 already used by the designation at line 4"
        in _refused(_write(tmp_path, one + one)).message
    )
    assert "bad DateGenerated '2026-03-26'" in _refused(_write(tmp_path, one, generated="2026-03-26")).message
    assert (
        "bad DateDesignated"
        in _refused(
            _write(tmp_path, one.replace("<DateDesignated>01/02/2026", "<DateDesignated>soon"))
        ).message
    )
    assert "refusing an empty list" in _refused(_write(tmp_path, "")).message


def test_the_fcdo_csv_is_refused_by_name_not_misread_as_conlist(tmp_path: Path) -> None:
    for head in (
        "Report Date: 26-Mar-2026\nLast Updated,Unique ID,OFSI Group ID,Name 6,Name 1\n",
        "Last Updated,Unique ID,OFSI Group ID,UN Reference Number,Name 6,Name 1\n12/01/2022,AFG0001,12703\n",
    ):
        path = tmp_path / "UK-Sanctions-List.csv"
        path.write_text(head)
        with pytest.raises(
            SourceFormatError, match=r"UK Sanctions List \(FCDO\) CSV, which is not supported"
        ):
            detect_format(path)
