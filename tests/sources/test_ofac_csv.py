"""Legacy OFAC CSV set: small fixtures for every rule, real files for counts and spot checks."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from sanctionwatch.model import Entity, IdKind, NameKind, NameQuality, Schema
from sanctionwatch.sources import ofac_csv
from sanctionwatch.sources.base import SourceFormatError


@pytest.fixture()
def csv_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "ofac_csv"


def by_id(entities: list[Entity]) -> dict[str, Entity]:
    return {e.source_id: e for e in entities}


# --- fixtures: the mapping -------------------------------------------------------------------


def test_full_fixture_set_maps_every_file(csv_dir: Path) -> None:
    files = [csv_dir / n for n in ("sdn_comments.csv", "alt.csv", "sdn.csv", "add.csv")]
    result = ofac_csv.parse(files)
    assert result.format == "ofac-csv"
    assert result.source == "ofac-sdn"
    assert result.published is None
    assert [p.name for p in result.files] == ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"]
    entities = by_id(result.entities)
    assert list(entities) == ["101", "102", "103"]

    bank = entities["101"]
    assert bank.schema == Schema.ORGANIZATION
    assert bank.programs == ["DPRK3", "NPWMD"]
    assert bank.authorities == ["EO 13722", "EO 13382"]
    assert [(i.kind, i.value) for i in bank.identifiers] == [(IdKind.BIC, "EXTBKPPY")]
    assert bank.properties["website"] == ["www.example.kp"]
    assert [(n.full, n.kind, n.quality) for n in bank.names] == [
        ("EXAMPLE TRADING BANK", NameKind.PRIMARY, NameQuality.STRONG),
        ("EXAMPLE FOREIGN TRADE BANK", NameKind.ALIAS, NameQuality.STRONG),
        ("ETB", NameKind.ALIAS, NameQuality.WEAK),
    ]
    assert bank.addresses[0].street == "1 Main Street"
    assert bank.addresses[0].city == "Pyongyang"
    assert bank.addresses[0].country == "kp"
    assert bank.countries == ["kp"]
    # "Linked To: DOE, John." lost its dot to OFAC's closing full stop and is resolved to the id
    assert [(lk.target, lk.target_name) for lk in bank.links] == [("102", "DOE, John")]

    person = entities["102"]
    assert person.schema == Schema.PERSON
    assert person.names[0].parts == {"family": "DOE", "given": "John"}
    assert [(d.value, d.approximate) for d in person.birth_dates] == [("1960-02-01", False), ("1962", True)]
    assert person.birth_places == ["Pyongyang, Korea, North"]
    assert person.nationalities == ["kp"]
    assert person.gender == "male"
    assert person.titles == ["Colonel"]
    passport = person.identifiers[0]
    assert (passport.kind, passport.value, passport.country, passport.note) == (
        IdKind.PASSPORT,
        "123456",
        "kp",
        "issued 01 Jan 2010 expires 01 Jan 2020",
    )
    assert person.remarks == ["Colonel in the army"]
    # sdn_comments continues the remark mid-word: "EXAMPLE TRA" + "DING BANK."
    assert [(lk.target, lk.target_name) for lk in person.links] == [("101", "EXAMPLE TRADING BANK")]
    assert person.addresses == []  # the all-null add.csv row states no address

    vessel = entities["103"]
    assert vessel.schema == Schema.VESSEL
    assert vessel.authorities == ["EO 13846"]
    kinds = {(i.kind, i.value) for i in vessel.identifiers}
    assert kinds == {(IdKind.IMO, "9123456"), (IdKind.MMSI, "422000000"), (IdKind.CALL_SIGN, "9BAB1")}
    assert vessel.properties["type"] == ["Crude Oil Tanker"]
    assert vessel.properties["tonnage"] == ["150,000"]
    assert vessel.properties["grossRegisteredTonnage"] == ["80,000"]
    assert vessel.properties["flag"] == ["ir"]
    assert vessel.properties["owner"] == ["EXAMPLE TRADING BANK"]
    assert [(n.full, n.kind, n.quality) for n in vessel.names[1:]] == [
        ("BLUE STAR", NameKind.FORMER, NameQuality.STRONG),
        ("OLD STAR", NameKind.FORMER, NameQuality.WEAK),
    ]


def test_main_file_alone_and_consolidated_source(csv_dir: Path) -> None:
    result = ofac_csv.parse([csv_dir / "sdn.csv"], source="ofac-cons")
    assert {e.source for e in result.entities} == {"ofac-cons"}
    assert len(result.entities) == 3


# --- fixtures: bad input ---------------------------------------------------------------------


def test_missing_main_file_is_named(csv_dir: Path) -> None:
    with pytest.raises(SourceFormatError, match=r"main file .* is required; got add\.csv, alt\.csv"):
        ofac_csv.parse([csv_dir / "add.csv", csv_dir / "alt.csv"])


def test_two_main_files_are_refused(csv_dir: Path) -> None:
    with pytest.raises(SourceFormatError, match="more than one main file"):
        ofac_csv.parse([csv_dir / "sdn.csv", csv_dir / "sdn_latin1.csv"])


def test_wrong_column_count_names_file_and_line(csv_dir: Path) -> None:
    with pytest.raises(SourceFormatError) as caught:
        ofac_csv.parse([csv_dir / "sdn_missing_columns.csv"])
    assert caught.value.path.endswith("sdn_missing_columns.csv")
    assert caught.value.line == 2
    assert "expected 12 columns" in str(caught.value) and "found 11" in str(caught.value)


def test_truncated_file_names_line(csv_dir: Path) -> None:
    with pytest.raises(SourceFormatError) as caught:
        ofac_csv.parse([csv_dir / "sdn_truncated.csv"])
    assert caught.value.path.endswith("sdn_truncated.csv")
    assert caught.value.line == 2


def test_truncated_gzip_is_a_format_error(csv_dir: Path) -> None:
    with pytest.raises(SourceFormatError, match=r"sdn_truncated\.csv\.gz"):
        ofac_csv.parse([csv_dir / "sdn_truncated.csv.gz"])


def test_wrong_encoding_names_line(csv_dir: Path) -> None:
    with pytest.raises(SourceFormatError) as caught:
        ofac_csv.parse([csv_dir / "sdn_latin1.csv"])
    assert caught.value.line == 2
    assert "utf-8" in str(caught.value)


@pytest.mark.parametrize("name", ["sdn_empty.csv", "sdn_only_ctrlz.csv"])
def test_empty_main_file(csv_dir: Path, name: str) -> None:
    with pytest.raises(SourceFormatError, match=r"empty|no entries") as caught:
        ofac_csv.parse([csv_dir / name])
    assert caught.value.path.endswith(name)


def test_row_for_unknown_ent_num_is_an_error(csv_dir: Path) -> None:
    with pytest.raises(SourceFormatError) as caught:
        ofac_csv.parse([csv_dir / "sdn.csv", csv_dir / "add_orphan.csv"])
    assert caught.value.path.endswith("add_orphan.csv")
    assert (caught.value.line, caught.value.element) == (1, "ent_num")
    assert "999" in str(caught.value)


def test_bad_ent_num_and_type(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(b'x1,"A",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n')
    with pytest.raises(SourceFormatError, match="ent_num must be a number"):
        ofac_csv.parse([path])
    path.write_bytes(b'1,"A","spaceship","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n')
    with pytest.raises(SourceFormatError, match="unknown SDN_Type"):
        ofac_csv.parse([path])
    path.write_bytes(b'1,"A",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n' * 2)
    with pytest.raises(SourceFormatError, match="appears twice"):
        ofac_csv.parse([path])


# --- real data -------------------------------------------------------------------------------


def _program_counts(entities: list[Entity]) -> tuple[int, int, int]:
    dprk = sum(any(p.startswith("DPRK") for p in e.programs) for e in entities)
    russia = sum("RUSSIA-EO14024" in e.programs for e in entities)
    russia_any = sum(any("RUSSIA-EO14024" in p for p in e.programs) for e in entities)
    return dprk, russia, russia_any


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("name", "entries", "max_ent_num", "dprk", "russia", "bpi"),
    [
        ("sdn_2024-05-03.csv.gz", 14965, 48907, 484, 4440, 1),
        ("sdn_2024-04-26.csv.gz", 14668, 48785, 484, 4150, 1),
    ],
)
def test_sdn_2024_counts(
    shared_data: Path, name: str, entries: int, max_ent_num: int, dprk: int, russia: int, bpi: int
) -> None:
    result = ofac_csv.parse([shared_data / "ofac_sdn_csv_2024" / name])
    entities = result.entities
    assert len(entities) == entries
    assert max(int(e.source_id) for e in entities) == max_ent_num
    # PROVENANCE counts rows whose program field mentions RUSSIA-EO14024, which includes
    # one BPI-RUSSIA-EO14024 (blocked pending investigation) party
    assert _program_counts(entities) == (dprk, russia - bpi, russia)
    assert all(e.names and e.names[0].kind == NameKind.PRIMARY for e in entities)


@pytest.mark.realdata
def test_sdn_2024_dates_differ_as_documented(shared_data: Path) -> None:
    folder = shared_data / "ofac_sdn_csv_2024"
    old = {e.source_id for e in ofac_csv.parse([folder / "sdn_2024-04-26.csv.gz"]).entities}
    new = {e.source_id for e in ofac_csv.parse([folder / "sdn_2024-05-03.csv.gz"]).entities}
    assert (len(new - old), len(old - new)) == (305, 8)


@pytest.fixture(scope="module")
def sdn_2024(shared_data: Path) -> dict[str, Entity]:
    result = ofac_csv.parse([shared_data / "ofac_sdn_csv_2024" / "sdn_2024-05-03.csv.gz"])
    return by_id(result.entities)


@pytest.mark.realdata
def test_spot_dprk_bank_with_bic(sdn_2024: dict[str, Entity]) -> None:
    bank = sdn_2024["15603"]
    assert bank.caption == "FOREIGN TRADE BANK OF THE DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA"
    assert bank.schema == Schema.ORGANIZATION
    assert bank.programs == ["DPRK3", "NPWMD"]
    assert bank.authorities == ["EO 13722", "EO 13382"]
    assert [(i.kind, i.value, i.label) for i in bank.identifiers] == [(IdKind.BIC, "FTBDKPPY", "SWIFT/BIC")]
    assert bank.properties["secondarySanctionsRisk"] == [
        "North Korea Sanctions Regulations, sections 510.201 and 510.210"
    ]
    assert bank.remarks == []


@pytest.mark.realdata
def test_spot_vessel_with_imo(sdn_2024: dict[str, Entity]) -> None:
    vessel = sdn_2024["4243"]
    assert vessel.caption == "EBANO"
    assert vessel.schema == Schema.VESSEL
    assert [(i.kind, i.value) for i in vessel.identifiers] == [(IdKind.IMO, "7406784")]
    assert vessel.properties == {
        "type": ["General Cargo"],
        "tonnage": ["2595"],
        "grossRegisteredTonnage": ["1865"],
        "flag": ["pa"],
    }
    assert [(n.full, n.kind, n.quality) for n in vessel.names[1:]] == [
        ("ANA I", NameKind.FORMER, NameQuality.WEAK),
        ("SAND SWAN", NameKind.FORMER, NameQuality.WEAK),
    ]
    tug = sdn_2024["4249"]
    assert {(i.kind, i.value) for i in tug.identifiers} == {
        (IdKind.IMO, "7206512"),
        (IdKind.CALL_SIGN, "CL2059"),
    }


@pytest.mark.realdata
def test_spot_individual_with_several_dobs_and_link(sdn_2024: dict[str, Entity]) -> None:
    person = sdn_2024["2679"]
    assert person.caption == "FADLALLAH, Shaykh Muhammad Husayn"
    assert person.schema == Schema.PERSON
    assert [d.value for d in person.birth_dates] == ["1938", "1936"]
    assert person.birth_places == ["Najf Al Ashraf (Najaf), Iraq"]
    assert person.positions == ["Leading Ideological Figure of HIZBALLAH"]
    assert person.authorities == ["EO 13224"]
    assert person.properties["additionalSanctionsInfo"] == [
        "Subject to Secondary Sanctions Pursuant to the Hizballah Financial Sanctions Regulations"
    ]
    nasrallah = sdn_2024["2686"]
    assert [d.value for d in nasrallah.birth_dates] == [
        "1960-08-31",
        "1953-08-31",
        "1955-08-31",
        "1958-08-31",
    ]
    assert [(lk.kind, lk.target, lk.target_name) for lk in nasrallah.links] == [
        ("associate", "4697", "HIZBALLAH")
    ]
    assert sdn_2024["4697"].caption == "HIZBALLAH"
    assert "Secretary General of Hizballah" not in nasrallah.remarks  # repeated title, kept once


@pytest.mark.realdata
def test_spot_russia_eo14024_party(sdn_2024: dict[str, Entity]) -> None:
    party = sdn_2024["48907"]
    assert party.caption == "UZAY GROUP DIS TICARET LIMITED SIRKETI"
    assert party.programs == ["RUSSIA-EO14024"]
    assert party.authorities == ["EO 14024"]
    assert [(i.kind, i.value, i.country) for i in party.identifiers] == [
        (IdKind.REGISTRATION, "9855920", "tr")
    ]


@pytest.mark.realdata
def test_spot_crypto_addresses(sdn_2024: dict[str, Entity]) -> None:
    person = sdn_2024["25308"]
    assert person.caption == "YAN, Xiaobing"
    crypto = [i for i in person.identifiers if i.kind == IdKind.CRYPTO]
    assert crypto[0].value == "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h"
    assert {i.currency for i in crypto} == {"XBT"}
    assert len(crypto) >= 5
    assert person.citizenships == ["cn"]
    assert ("ZHOU, William", NameQuality.WEAK) in [(n.full, n.quality) for n in person.names]


@pytest.mark.realdata
def test_remarks_mostly_structured(sdn_2024: dict[str, Entity]) -> None:
    """Guards against a silent regression of the remarks tables (measured 2,274 left of ~61,000)."""
    left = sum(len(e.remarks) for e in sdn_2024.values())
    assert left <= 2300
    links = [lk for e in sdn_2024.values() for lk in e.links]
    assert sum(lk.target.isdigit() for lk in links) / len(links) > 0.99


def _raw_rows(path: Path) -> list[list[str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="", encoding="ascii") as fh:
        return [row for row in csv.reader(fh) if len(row) > 1]


def _null(value: str) -> bool:
    return value.strip() in ("", "-0-")


@pytest.mark.realdata
def test_full_2021_set_rows_land_on_entities(shared_data: Path) -> None:
    folder = shared_data / "ofac_sdn_csv_2021-07_full_set"
    result = ofac_csv.parse(sorted(folder.glob("*.csv")))
    entities = by_id(result.entities)
    assert len(entities) == 8976
    assert _program_counts(result.entities)[:2] == (414, 6)

    add_rows = _raw_rows(folder / "add.csv")
    alt_rows = _raw_rows(folder / "alt.csv")
    assert (len(add_rows), len(alt_rows), len(_raw_rows(folder / "sdn_comments.csv"))) == (13837, 11910, 5)
    stated = [r for r in add_rows if not (_null(r[2]) and _null(r[3]) and _null(r[4]))]
    assert sum(len(e.addresses) for e in result.entities) == len(stated)
    # names are whitespace-normalized, and a repeated alt name is one name
    expected_aliases = {(r[0], " ".join(r[3].split())) for r in alt_rows} - {
        (e.source_id, e.caption) for e in result.entities
    }
    strong = {
        (e.source_id, n.full)
        for e in result.entities
        for n in e.names
        if n.kind != NameKind.PRIMARY and n.quality == NameQuality.STRONG
    }
    assert strong == expected_aliases
    # sdn_comments: 28263's remark ends in the comment file with its Lazarus Group link
    assert "LAZARUS GROUP" in [lk.target_name for lk in entities["28263"].links]


@pytest.mark.realdata
def test_consolidated_csv_set(shared_data: Path) -> None:
    folder = shared_data / "ofac_consolidated_csv"
    files = sorted(folder.glob("cons_*_2025-12.csv"))
    result = ofac_csv.parse(files, source="ofac-cons")
    assert len(result.entities) == 442
    assert _program_counts(result.entities)[1] == 93
    add_rows = _raw_rows(folder / "cons_add_2025-12.csv")
    assert len(add_rows) == 574
    assert len(_raw_rows(folder / "cons_alt_2025-12.csv")) == 1073
    assert len(_raw_rows(folder / "cons_comments_2025-12.csv")) == 10
    stated = [r for r in add_rows if not (_null(r[2]) and _null(r[3]) and _null(r[4]))]
    assert sum(len(e.addresses) for e in result.entities) == len(stated)
    rusag = by_id(result.entities)["17014"]  # its weak alias is only in the comments file
    assert ("RUSAG", NameQuality.WEAK) in [(n.full, n.quality) for n in rusag.names]
    august = ofac_csv.parse([folder / "cons_prim_2025-08.csv"], source="ofac-cons")
    assert len(august.entities) == 443
