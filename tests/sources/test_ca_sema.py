"""Canada's SEMA list: both tag sets on the real files, ids, ships, aliases, dates, hostile input, ingest."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.model import DateValue, IdKind, NameKind, NameQuality, Schema
from sanctionwatch.registry.store import Registry
from sanctionwatch.sources import ca_sema
from sanctionwatch.sources.base import ParsedList, SourceFormatError
from sanctionwatch.sources.ca_sema import alias_names, canonical_schedule, programme_of, sema_dates
from sanctionwatch.sources.catalog import detect_format, parse_files

CURRENT = "sema-lmes.2025-05-25.xml.gz"
OLD = "sema-lmes.2020-04-15.xml.gz"
_cache: dict[str, ParsedList] = {}


def _parsed(shared_data: Path, name: str) -> ParsedList:
    if name not in _cache:
        _cache[name] = ca_sema.parse([shared_data / "ca_sema_xml" / name])
    return _cache[name]


# records, persons, organizations, vessels, aliases (after splitting), weak aliases
@pytest.mark.realdata
@pytest.mark.parametrize(
    ("name", "counts"),
    [(CURRENT, (4759, 3334, 1316, 109, 3654, 97)), (OLD, (1369, 985, 384, 0, 160, 51))],
)
def test_real_files_counts(shared_data: Path, name: str, counts: tuple[int, ...]) -> None:
    parsed = _parsed(shared_data, name)
    entities = parsed.entities
    schemas = Counter(e.schema for e in entities)
    aliases = [n for e in entities for n in e.names if n.kind == NameKind.ALIAS]
    assert (
        len(entities),
        schemas[Schema.PERSON],
        schemas[Schema.ORGANIZATION],
        schemas[Schema.VESSEL],
        len(aliases),
        sum(n.quality == NameQuality.WEAK for n in aliases),
    ) == counts
    assert parsed.published is None  # the file states no publication date
    assert len({e.source_id for e in entities}) == len(entities)  # the derived id is unique
    assert detect_format(shared_data / "ca_sema_xml" / name) == "ca-sema-xml"


@pytest.mark.realdata
def test_real_records(shared_data: Path) -> None:
    current = {e.source_id: e for e in _parsed(shared_data, CURRENT).entities}
    ship = current["Russia/1.1/1"]
    assert ship.schema == Schema.VESSEL and ship.caption == "Balitiyskiy III"
    assert [(i.kind, i.value) for i in ship.identifiers] == [(IdKind.IMO, "7612448")]
    assert ship.properties == {"type": ["General Cargo / Multi Purpose"], "buildDate": ["1980"]}
    assert ship.listed_on == "2025-02-21" and ship.birth_dates == []
    person = current["Belarus/1/3"]
    assert person.caption == "Aleksandr Petrovich Barsukov"
    assert person.names[0].parts == {"given": "Aleksandr Petrovich", "family": "Barsukov"}
    assert person.birth_dates == [DateValue("1965-04-29")]
    assert person.authorities == ["Special Economic Measures (Belarus) Regulations"]
    # Two dates and prose that is no date, both from the real file.
    by_name = {e.caption: e for e in current.values()}
    assert any(e.birth_dates == [DateValue("1963", end="1964")] for e in current.values())
    assert [r for e in current.values() for r in e.remarks] == [
        "Date of birth: Sep-99",
        "Date of birth: born in the early 1970s",
    ]
    assert by_name["Air Bagan"].programs == [
        "Myanmar"
    ]  # "Burma" in 2020, "Myanmar (Burma)" now: one programme
    old = {e.source_id: e for e in _parsed(shared_data, OLD).entities}
    air_bagan = old["Myanmar/1/1"]
    assert [n.full for n in air_bagan.names] == [
        "Air Bagan",
        "Air Bagan Holdings Pte. Ltd.",
        "Air Bagan Limited",
    ]
    assert air_bagan.programs == ["Myanmar"] and air_bagan.listed_on is None


@pytest.mark.realdata
def test_ingest_2020_then_2025_gives_the_diff(shared_data: Path, tmp_path: Path) -> None:
    registry = Registry.open(f"sqlite:///{tmp_path / 'r.db'}")
    try:
        first = registry.ingest(_parsed(shared_data, OLD))
        assert first.version.entity_count == 1369 and first.version.published is None
        second = registry.ingest(_parsed(shared_data, CURRENT))
        # 947 listings keep their id (the 2020 notation "1"/"N/A" is the 2025 "1, Part 1"/none); all of
        # them changed, since the current tag set adds DateOfListing. 422 left under their 2020 id: most
        # were renumbered by the publisher (Iran, Burma, Syria "2" became "1, Part 2") or delisted.
        assert (second.version.entity_count, second.added, second.removed, second.changed) == (
            4759,
            3812,
            422,
            947,
        )
        assert second.version.active
    finally:
        registry.close()


def test_schedule_notations_are_one() -> None:
    assert {canonical_schedule(v) for v in ("1", "N/A", None, "1, Part 1", "Part 1", " 1 ")} == {"1"}
    assert {canonical_schedule(v) for v in ("Part 2", "1, Part 2", "1,Part 2")} == {"1, Part 2"}
    assert [canonical_schedule(v) for v in ("2", "1.1", "1, Part 1.1")] == ["2", "1.1", "1, Part 1.1"]
    assert (
        programme_of("Burma / Birmanie") == programme_of("Myanmar (Burma) / Myanmar (Birmanie)") == "Myanmar"
    )
    assert programme_of("Venezuela ") == "Venezuela"


def test_aliases_split_by_the_lists_separators() -> None:
    names = [n.full for n in alias_names("Банк Зенит, ПАО; Bank Zenit / ОАО, БЭТО or Zenit", person=False)]
    assert names == ["Банк Зенит, ПАО", "Bank Zenit", "ОАО, БЭТО", "Zenit"]
    person = alias_names(
        "Sergei, Serhii SHERBAKOV, Russian: Сергей Щербаков and Sergey Shcherbakov", person=True
    )
    assert [(n.full, n.quality) for n in person] == [
        ("Sergei", NameQuality.WEAK),
        ("Serhii SHERBAKOV", NameQuality.STRONG),
        ("Сергей Щербаков", NameQuality.STRONG),
        ("Sergey Shcherbakov", NameQuality.STRONG),
    ]
    assert [n.full for n in alias_names("(Владимир РУЩАК / Володимир РУЩАК", person=True)] == [
        "Владимир РУЩАК",
        "Володимир РУЩАК",
    ]


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31)), st.integers(0, 2))
def test_dates_keep_their_precision(day: date, precision: int) -> None:
    iso = day.isoformat()[: (4, 7, 10)[precision]]
    assert sema_dates(iso) == [DateValue(iso)]
    assert sema_dates(f"{iso} or {iso}") == [DateValue(iso), DateValue(iso)]


@given(st.text(alphabet="0123456789-/ orOR.a", max_size=24))
def test_date_text_never_raises(text: str) -> None:
    values = sema_dates(text)
    assert values is None or all(len(v.value) in (4, 7, 10) for v in values)


def _write(tmp_path: Path, body: str, root: str = "data-set") -> Path:
    path = tmp_path / "sema-lmes.xml"
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}>{body}</{root}>', encoding="utf-8")
    return path


_RECORD = (
    "<record><Country>Iran</Country><Entity>Acme</Entity><Schedule>1</Schedule><Item>{item}</Item></record>"
)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "<record><Country>Iran</Country><Entity>A</Entity><Item>1</Item><Remarks>x</Remarks></record>",
            "unknown SEMA field <Remarks>",
        ),
        (
            "<record><Country>Iran</Country><Entity>A</Entity><Item>1</Item><DateOfListing>2020-01-01</DateOfListing></record>",
            "mixes the current and the 2020 tag sets",
        ),
        (
            _RECORD.format(item=1) + _RECORD.format(item=1),
            r"listing Iran/1/1 .* already used by the record at line",
        ),
        (
            "<record><Country>Iran</Country><EntityOrShip>A</EntityOrShip><Item>1</Item><DateOfListing>21/02/2025</DateOfListing></record>",
            "DateOfListing '21/02/2025' is not an ISO date",
        ),
        (
            "<record><Country>Iran</Country><Schedule>1</Schedule><Item>1</Item></record>",
            "names no person, entity or ship",
        ),
        ("<record><Country>Iran</Country><Entity>A</Entity></record>", "no Item number"),
        ("", "no <record> elements"),
        ("<record><Country>Iran</Country><Entity>A</Entity><Item>1</Item>", "malformed XML"),
    ],
)
def test_bad_input_is_refused_with_its_reason(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(SourceFormatError, match=message):
        ca_sema.parse([_write(tmp_path, body)])


def test_a_file_in_two_tag_sets_is_refused(tmp_path: Path) -> None:
    body = _RECORD.format(item=1) + (
        "<record><Country>Iran</Country><EntityOrShip>B</EntityOrShip><Item>2</Item>"
        "<DateOfListing>2020-01-01</DateOfListing></record>"
    )
    with pytest.raises(SourceFormatError, match="current tag set in a file read in the old"):
        ca_sema.parse([_write(tmp_path, body)])


def test_wrong_root_and_entity_bomb_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="unexpected document element <records>"):
        ca_sema.parse([_write(tmp_path, _RECORD.format(item=1), root="records")])
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE data-set [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
        "<data-set><record><Country>&b;</Country><Entity>A</Entity><Item>1</Item></record></data-set>"
    )
    with pytest.raises(SourceFormatError, match="DTD"):
        parse_files([bomb], source="ca")
