"""OFAC advanced XML parser: mapping on a hand-written fixture, bad input, and the real 2025-11 issues."""

from __future__ import annotations

import bz2
import logging
from datetime import date
from pathlib import Path

import pytest

from sanctionwatch.model import DateValue, Entity, Identifier, IdKind, LinkKind, NameKind, NameQuality
from sanctionwatch.sources.base import ParsedList, SourceFormatError
from sanctionwatch.sources.ofac_advanced_xml import FORMAT, parse

SMALL = "three_parties.xml"


def _by_id(parsed: ParsedList) -> dict[str, Entity]:
    return {entity.source_id: entity for entity in parsed.entities}


@pytest.fixture(scope="module")
def small(fixtures_dir: Path) -> ParsedList:
    return parse([fixtures_dir / "ofac_advanced" / SMALL])


@pytest.fixture(scope="module")
def small_entities(small: ParsedList) -> dict[str, Entity]:
    return _by_id(small)


# --- the hand-written fixture --------------------------------------------------------------


def test_small_publication(small: ParsedList) -> None:
    assert small.format == FORMAT == "ofac-advanced-xml"
    assert small.source == "ofac-sdn"
    assert small.published == date(2025, 11, 19)
    assert [entity.source_id for entity in small.entities] == ["1001", "2002", "3003"]
    assert [entity.schema for entity in small.entities] == ["Person", "Organization", "Vessel"]


def test_small_names_scripts_kinds_and_parts(small_entities: dict[str, Entity]) -> None:
    person = small_entities["1001"]
    latin, cyrillic, weak = person.names
    assert (latin.full, latin.kind, latin.script) == ("IVANOU, Ivan Ivanavich", NameKind.PRIMARY, "Latn")
    assert latin.parts == {"family": "IVANOU", "given": "Ivan", "middle": "Ivanavich"}
    assert (cyrillic.full, cyrillic.kind, cyrillic.script) == ("Іваноў Іван", NameKind.PRIMARY, "Cyrl")
    assert (weak.full, weak.kind, weak.quality) == ("Vanya", NameKind.ALIAS, NameQuality.WEAK)
    assert person.caption == "IVANOU, Ivan Ivanavich"

    bank = small_entities["2002"]
    assert [(n.full, n.kind, n.script) for n in bank.names] == [
        ("OCEAN STAR BANK", NameKind.PRIMARY, "Latn"),
        ("대양별은행", NameKind.PRIMARY, "Kore"),  # OFAC's ScriptCode "Korean" -> ISO 15924 "Kore"
        ("SEA STAR BANK", NameKind.FORMER, "Latn"),
    ]
    assert bank.names[0].parts == {}  # entity names have no personal parts


def test_small_birth_dates_keep_precision(small_entities: dict[str, Entity]) -> None:
    assert small_entities["1001"].birth_dates == [
        DateValue("1960"),  # Jan 1 - Dec 31 span is a year, not 1960-01-01
        DateValue("1955", end="1957", approximate=True),
        DateValue("1961-07"),
    ]


def test_small_person_features(small_entities: dict[str, Entity]) -> None:
    person = small_entities["1001"]
    assert person.birth_places == ["Kopys, Vitebsk oblast, Belarus"]
    assert person.nationalities == ["by"]  # a Location that names the country only as text
    assert person.gender == "male"
    assert person.positions == ["Head of the Presidential Administration"]
    assert person.countries == ["by"]
    assert [a.full for a in person.addresses] == [
        "38 Karl Marx St., Minsk, 220016, Belarus",
        "ул. Карла Маркса, 38, Minsk, 220016, Belarus",  # OFAC's Cyrillic rendering of the street
    ]
    assert person.addresses[0].street == "38 Karl Marx St."
    assert person.addresses[0].postal_code == "220016"
    assert person.remarks == ["Member of the presidential administration;", "Birthdate: Alt. DOB"]


def test_small_identifiers(small_entities: dict[str, Entity]) -> None:
    assert small_entities["1001"].identifiers == [
        Identifier(
            IdKind.PASSPORT,
            "SP0001234",
            country="by",
            label="Passport",
            note="Expiration Date: 2029-03-01; Place of Issue: Minsk, Belarus; Diplomatic passport",
        ),
        Identifier(
            IdKind.CRYPTO,
            "1NayLEVF3bEEbDtdF2Cwso1VdEtvVNh2qX",
            label="Digital Currency Address - XBT",
            currency="XBT",
            note="No associated forks.",
        ),
    ]
    assert small_entities["2002"].identifiers == [
        Identifier(
            IdKind.TAX_ID,
            "KP 12345",
            country="kp",
            label="Tax ID No.",
            note="Issuing Authority: Ministry of Finance",
        ),
        Identifier(IdKind.BIC, "OSBKKPPY", label="SWIFT/BIC"),
    ]
    vessel = small_entities["3003"]
    assert vessel.identifiers == [
        Identifier(
            IdKind.IMO, "7937317", label="Vessel Registration Identification", note="Validity: Fraudulent"
        ),
        Identifier(IdKind.CALL_SIGN, "HMZF", label="Vessel Call Sign"),
    ]


def test_small_properties_and_unknown_feature(
    fixtures_dir: Path, small_entities: dict[str, Entity], caplog: pytest.LogCaptureFixture
) -> None:
    vessel = small_entities["3003"]
    assert vessel.properties == {"flag": ["kp"], "vesselType": ["Bulk Carrier"], "vesselColour": ["Blue"]}
    assert vessel.countries == ["kp"]
    assert vessel.addresses[0].city == "Nampo"
    assert vessel.addresses[0].country is None  # OFAC's "undetermined" area code
    assert small_entities["2002"].properties == {
        "classification": ["Financial Institution"],
        "incorporationDate": ["1988-03-15"],
    }
    with caplog.at_level(logging.WARNING):
        parse([fixtures_dir / "ofac_advanced" / SMALL])
    assert "1 feature(s) of unmapped type 'Vessel Colour:'" in caplog.text


def test_small_sanctions_entries(small_entities: dict[str, Entity]) -> None:
    person, bank, vessel = (small_entities[i] for i in ("1001", "2002", "3003"))
    assert person.programs == ["BELARUS"]
    assert person.authorities == ["EO 13405"]  # the "Unknown" legal basis is no authority
    assert person.listed_on == "2004-01-05"  # the earliest EntryEvent
    assert person.properties == {"provisions": ["Block"]}
    assert bank.programs == ["DPRK3", "NPWMD"]
    assert bank.authorities == ["EO 13382", "Foreign Narcotics Kingpin Designation Act"]
    assert bank.lists == ["SDN List", "Consolidated List"]
    assert bank.listed_on == "2013-03-11"
    assert vessel.authorities == []


def test_small_links(small_entities: dict[str, Entity]) -> None:
    (owned,) = small_entities["3003"].links
    assert (owned.kind, owned.target, owned.target_name) == (LinkKind.OWNED_BY, "2002", "OCEAN STAR BANK")
    (former,) = small_entities["1001"].links
    assert (former.kind, former.target, former.target_name) == (LinkKind.ASSOCIATE, "9999", None)
    assert former.note == "Associate Of; former; Business partner"


def test_source_name_is_passed_through_for_the_consolidated_list(fixtures_dir: Path) -> None:
    parsed = parse([fixtures_dir / "ofac_advanced" / SMALL], source="ofac-cons")
    assert parsed.source == "ofac-cons"
    assert {entity.id for entity in parsed.entities} == {"ofac-cons:1001", "ofac-cons:2002", "ofac-cons:3003"}


def test_compressed_input_gives_the_same_hashes(
    fixtures_dir: Path, small: ParsedList, tmp_path: Path
) -> None:
    packed = tmp_path / "sdn_advanced.xml.bz2"
    packed.write_bytes(bz2.compress((fixtures_dir / "ofac_advanced" / SMALL).read_bytes()))
    again = parse([packed])
    assert [e.content_hash() for e in again.entities] == [e.content_hash() for e in small.entities]


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("truncated.xml", 183, "malformed XML"),
        ("malformed.xml", 6, "malformed XML"),
        ("wrong_root.xml", 2, "unexpected document element <sdnList>"),
        ("entity_bomb.xml", 2, "DOCTYPE"),
        ("empty.xml", None, "file is empty"),  # an empty file has no line to name
    ],
)
def test_bad_files(fixtures_dir: Path, name: str, line: int | None, message: str) -> None:
    path = fixtures_dir / "ofac_advanced" / name
    with pytest.raises(SourceFormatError) as caught:
        parse([path])
    assert caught.value.path == str(path)
    assert caught.value.line == line
    assert message in str(caught.value)


def _broken_copy(fixtures_dir: Path, tmp_path: Path, old: str, new: str) -> Path:
    text = (fixtures_dir / "ofac_advanced" / SMALL).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.xml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "element", "message"),
    [
        ('FeatureTypeID="8">', 'FeatureTypeID="77">', "Feature", "FeatureTypeID='77'"),
        (
            '<VersionLocation LocationID="11" />',
            '<VersionLocation LocationID="404" />',
            "VersionLocation",
            "404",
        ),
        ('ProfileID="2002" ListID="1550"', 'ProfileID="4242" ListID="1550"', "SanctionsEntry", "4242"),
        ('<DistinctParty FixedRef="2002">', "<DistinctParty>", "DistinctParty", "FixedRef"),
        ("<Year>2025</Year><Month>11</Month>", "<Year>20x5</Year><Month>11</Month>", "Year", "20x5"),
        ('NamePartGroupID="2" ScriptID', 'NamePartGroupID="99" ScriptID', "NamePartValue", "99"),
    ],
)
def test_dangling_references_name_the_element_and_line(
    fixtures_dir: Path, tmp_path: Path, old: str, new: str, element: str, message: str
) -> None:
    path = _broken_copy(fixtures_dir, tmp_path, old, new)
    with pytest.raises(SourceFormatError) as caught:
        parse([path])
    assert caught.value.path == str(path)
    assert caught.value.element == element
    assert caught.value.line is not None and caught.value.line > 1
    assert message in caught.value.message


def test_file_without_parties_is_refused(fixtures_dir: Path, tmp_path: Path) -> None:
    text = (fixtures_dir / "ofac_advanced" / SMALL).read_text(encoding="utf-8")
    start, end = text.index("<DistinctParties>"), text.index("</SanctionsEntries>")
    path = tmp_path / "no_parties.xml"
    path.write_text(text[:start] + text[end + len("</SanctionsEntries>") :], encoding="utf-8")
    with pytest.raises(SourceFormatError, match="no <DistinctParty> records"):
        parse([path])


@pytest.mark.parametrize("count", [0, 2])
def test_exactly_one_path(fixtures_dir: Path, count: int) -> None:
    with pytest.raises(SourceFormatError, match="exactly one file"):
        parse([fixtures_dir / "ofac_advanced" / SMALL] * count)


# --- real data -----------------------------------------------------------------------------

REAL = "ofac_sdn_advanced_xml"


@pytest.fixture(scope="module")
def issue_19(shared_data: Path) -> ParsedList:
    return parse([shared_data / REAL / "sdn_advanced_2025-11-19.xml.bz2"])


@pytest.fixture(scope="module")
def issue_04(shared_data: Path) -> ParsedList:
    return parse([shared_data / REAL / "sdn_advanced_2025-11-04.xml.bz2"])


@pytest.fixture(scope="module")
def real(issue_19: ParsedList) -> dict[str, Entity]:
    return _by_id(issue_19)


def _counts(parsed: ParsedList) -> tuple[int, int, int, int, int, int]:
    """PROVENANCE.md counts SanctionsEntry elements; we assert per party and reconcile the two.

    OFAC writes one SanctionsEntry per (party, list): 88 SDNs also have a Consolidated List entry
    and 86 an SSI (2 an NS-PLC) entry, each repeating the party's programs. A party's `lists`
    therefore has one name per entry, and summing it over parties gives PROVENANCE's entry counts:
    6,602 RUSSIA-EO14024 entries belong to 6,434 parties (84 of them have three entries).
    """
    russia = [e for e in parsed.entities if "RUSSIA-EO14024" in e.programs]
    dprk = [e for e in parsed.entities if any(p.startswith("DPRK") for p in e.programs)]
    return (
        len(parsed.entities),
        sum(len(e.lists) for e in parsed.entities),
        len(dprk),
        sum(len(e.lists) for e in dprk),
        len(russia),
        sum(len(e.lists) for e in russia),
    )


@pytest.mark.realdata
def test_real_counts_2025_11_19(issue_19: ParsedList) -> None:
    assert issue_19.published == date(2025, 11, 19)
    assert _counts(issue_19) == (18_367, 18_543, 538, 538, 6_434, 6_602)


@pytest.mark.realdata
def test_real_counts_2025_11_04(issue_04: ParsedList) -> None:
    assert issue_04.published == date(2025, 11, 4)
    assert _counts(issue_04) == (18_264, 18_440, 538, 538, 6_434, 6_602)


@pytest.mark.realdata
def test_real_issues_differ_by_provenance_counts(issue_19: ParsedList, issue_04: ParsedList) -> None:
    new, old = ({e.source_id for e in p.entities} for p in (issue_19, issue_04))
    assert (len(new - old), len(old - new)) == (105, 2)


@pytest.mark.realdata
def test_real_every_party_is_complete(issue_19: ParsedList) -> None:
    for entity in issue_19.entities:
        # Names stay in file order (OFAC often lists the a.k.a.s first); the caption is the primary name.
        primary = [name for name in entity.names if name.kind == NameKind.PRIMARY]
        assert primary[0].script == "Latn" and entity.caption == primary[0].full
        assert entity.programs and entity.lists and entity.listed_on
    ids = [entity.source_id for entity in issue_19.entities]
    assert len(ids) == len(set(ids))


@pytest.mark.realdata
def test_real_dprk_bank_with_swift(real: dict[str, Entity]) -> None:
    bank = real["15603"]
    assert bank.caption == "FOREIGN TRADE BANK OF THE DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA"
    assert bank.schema == "Organization"
    assert Identifier(IdKind.BIC, "FTBDKPPY", label="SWIFT/BIC") in bank.identifiers
    assert bank.programs == ["DPRK3", "NPWMD"]
    assert bank.authorities == ["EO 13382", "EO 13722"]
    assert bank.listed_on == "2013-03-11"
    assert bank.addresses[0].city == "Pyongyang" and bank.addresses[0].country == "kp"
    assert "Mooyokbank" in [name.full for name in bank.names]


@pytest.mark.realdata
def test_real_vessel_with_imo_and_flag(real: dict[str, Entity]) -> None:
    vessel = real["17069"]
    assert (vessel.caption, vessel.schema) == ("Chong Chon Gang", "Vessel")
    assert [(i.kind, i.value) for i in vessel.identifiers] == [(IdKind.IMO, "7937317")]
    assert vessel.properties["flag"] == ["kp"]
    assert vessel.properties["vesselType"] == ["General Cargo"]
    assert vessel.programs == ["DPRK"]


@pytest.mark.realdata
def test_real_individual_with_two_birth_dates_and_cyrillic_name(real: dict[str, Entity]) -> None:
    person = real["9760"]
    assert person.caption == "Lukashenka, Alyaksandr Ryhorovich"
    assert person.schema == "Person"
    assert person.birth_dates == [DateValue("1954-08-30"), DateValue("1954-08-31")]
    assert person.birth_places == ["Kopys, Vitebsk oblast, Belarus"]
    assert (person.nationalities, person.gender) == (["by"], "male")
    cyrillic = [(n.full, n.kind) for n in person.names if n.script == "Cyrl"]
    assert cyrillic[0] == ("Лукашэнка Аляксандр Рыгоравiч", NameKind.PRIMARY)
    assert ("Лукашенко Александр Григорьевич", NameKind.ALIAS) in cyrillic
    assert (person.programs, person.authorities, person.listed_on) == (
        ["BELARUS"],
        ["EO 13405"],
        "2006-06-19",
    )


@pytest.mark.realdata
def test_real_russia_eo14024_party(real: dict[str, Entity]) -> None:
    company = real["16806"]
    assert company.caption == "OOO Volga Group"
    assert company.programs == ["UKRAINE-EO13661", "RUSSIA-EO14024"]
    assert company.authorities == ["EO 13661", "EO 14024"]
    assert ("ООО Волга Груп", "Cyrl") in [(n.full, n.script) for n in company.names]
    assert Identifier(IdKind.TAX_ID, "7718989383", country="ru", label="Tax ID No.") in company.identifiers
    assert "See Section 11 of Executive Order 14024." in company.properties["secondarySanctionsRisk"]


@pytest.mark.realdata
def test_real_korean_name(real: dict[str, Entity]) -> None:
    person = real["24979"]
    assert [(n.full, n.script) for n in person.names] == [("Jong, Song Hwa", "Latn"), ("정성화", "Kore")]
    assert person.names[1].parts == {"family": "정", "given": "성화"}
    assert person.birth_dates == [DateValue("1970-02-05")]


@pytest.mark.realdata
def test_real_link_and_crypto(real: dict[str, Entity]) -> None:
    (link,) = real["28661"].links
    assert (link.kind, link.target, link.target_name) == (LinkKind.LEADER_OF, "28645", "SPI International")
    assert link.note == "Principal Executive Officer"
    wallet = Identifier(
        IdKind.CRYPTO,
        "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h",
        label="Digital Currency Address - XBT",
        currency="XBT",
    )
    assert wallet in real["25308"].identifiers
    assert {n.script for n in real["25308"].names} == {"Latn", "Hans", "Hant"}


@pytest.mark.realdata
def test_real_birth_date_precision(real: dict[str, Entity]) -> None:
    assert real["2678"].birth_dates == [DateValue("1946")]
    assert DateValue("1951", approximate=True) in real["7782"].birth_dates
    assert DateValue("1955", end="1957") in real["8868"].birth_dates


@pytest.mark.realdata
def test_real_crypto_addresses_match_the_extracted_lists(issue_19: ParsedList, shared_data: Path) -> None:
    """The derived lists have one file per currency; the same address may be listed under two (ETH/USDT)."""
    expected: set[tuple[str, str]] = set()
    lines = 0
    for path in sorted((shared_data / "ofac_crypto_addresses_2025-11").glob("sanctioned_addresses_*.txt")):
        currency = path.stem.rsplit("_", 1)[1]
        addresses = [line.strip() for line in path.read_text().splitlines() if line.strip()]
        lines += len(addresses)
        expected |= {(currency, address) for address in addresses}
    parsed = {
        (i.currency or "", i.value)
        for entity in issue_19.entities
        for i in entity.identifiers
        if i.kind == IdKind.CRYPTO
    }
    assert lines == len(expected) == 758
    assert parsed == expected
