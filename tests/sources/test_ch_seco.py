"""Switzerland's SECO whole list: names and spellings, de-listed targets, places, strictness, hostile input, ingest.

No official SECO file is available offline: the fixtures (tests/fixtures/ch) are invented parties written in
the publicly described layout of the whole-list export.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.model import DateValue, IdKind, LinkKind, NameKind, NameQuality, Schema
from sanctionwatch.registry.freshness import policy_for
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.update import update_from_files
from sanctionwatch.sources import ch_seco
from sanctionwatch.sources.base import ParsedList, SourceFormatError
from sanctionwatch.sources.catalog import detect_format, parse_files

V1 = "seco_2025-01-10.xml"
V2 = "seco_2025-02-14.xml"


def _parsed(fixtures_dir: Path, name: str = V1) -> ParsedList:
    return ch_seco.parse([fixtures_dir / "ch" / name])


def test_counts_and_the_de_listed_target(fixtures_dir: Path) -> None:
    parsed = _parsed(fixtures_dir)
    # published: the latest modification of any target (2024-05-21), not the export's date (2025-01-10)
    assert parsed.published == date(2024, 5, 21) and parsed.format == "ch-seco-xml"
    assert [e.source_id for e in parsed.entities] == ["100", "200", "300", "400", "600"]
    assert Counter(e.schema for e in parsed.entities) == {
        Schema.PERSON: 2,
        Schema.ORGANIZATION: 2,
        Schema.VESSEL: 1,
    }
    # Target 500 (de-listed, with a whole <target> copy in its history) is left out, and said to be.
    assert parsed.skipped == {"de-listed targets": 1}
    assert sum(len(e.names) for e in parsed.entities) == 13
    later = _parsed(fixtures_dir, V2)
    assert [e.source_id for e in later.entities] == ["200", "300", "400", "600", "700"]
    assert later.skipped == {"de-listed targets": 2} and later.published == date(2025, 2, 12)


def test_an_export_dated_later_with_the_same_content_keeps_its_publication_date(
    fixtures_dir: Path, tmp_path: Path
) -> None:
    """If the list's `date` is only the day of the export, a daily export must not look like a daily
    publication (the staleness alarm judges the last change); a `date` before the last change caps it."""
    text = (fixtures_dir / "ch" / V1).read_text(encoding="utf-8")
    assert 'date="2025-01-10"' in text
    later = tmp_path / "later.xml"
    later.write_text(text.replace('date="2025-01-10"', 'date="2026-12-01"', 1), encoding="utf-8")
    assert ch_seco.parse([later]).published == date(2024, 5, 21)
    earlier = tmp_path / "earlier.xml"
    earlier.write_text(text.replace('date="2025-01-10"', 'date="2023-01-01"', 1), encoding="utf-8")
    assert ch_seco.parse([earlier]).published == date(2023, 1, 1)


def test_person_with_cyrillic_spellings(fixtures_dir: Path) -> None:
    person = _parsed(fixtures_dir).entities[0]
    assert person.caption == "Ivan Petrovich Testau" and person.gender == "male"
    assert [(n.full, n.kind, n.quality, n.script) for n in person.names] == [
        ("Ivan Petrovich Testau", NameKind.PRIMARY, NameQuality.STRONG, "Latn"),
        ("Иван Петрович Тестов", NameKind.ALIAS, NameQuality.STRONG, "Cyrl"),
        ("Ivan Petrovich Testov", NameKind.ALIAS, NameQuality.STRONG, "Latn"),
        ("Vanya", NameKind.ALIAS, NameQuality.WEAK, "Latn"),
    ]
    assert person.names[0].parts == {
        "title": "Colonel",
        "given": "Ivan",
        "patronymic": "Petrovich",
        "family": "Testau",
    }
    assert person.titles == ["Colonel"]
    assert person.birth_dates == [DateValue("1970-03-23"), DateValue("1971", approximate=True)]
    assert person.birth_places == [
        "Minsk, Belarus"
    ]  # the place its place-id names, defined after the targets
    assert person.nationalities == ["by"]
    [passport] = person.identifiers
    assert (passport.kind, passport.value, passport.country, passport.note) == (
        IdKind.PASSPORT,
        "MP1234567",
        "by",
        "Issued: 2015-06-01",
    )
    [address] = person.addresses
    assert (address.full, address.city, address.postal_code, address.country) == (
        "ul. Example 4, 220029 Minsk, Belarus",
        "Minsk",
        "220029",
        "by",
    )
    assert person.programs == ["Belarus"] and person.lists == ["annex 13"]  # English, not "Anhang 13"
    assert person.authorities == ["Ordinance of 16 March 2022 on measures against Belarus"]
    assert person.listed_on == "2022-03-16" and person.properties["programOrigin"] == ["EU"]


def test_person_with_arabic_spelling_and_a_second_identity(fixtures_dir: Path) -> None:
    person = _parsed(fixtures_dir).entities[1]
    assert [(n.full, n.kind, n.script) for n in person.names] == [
        ("Khalid Abdullah Al-Fiktiwi", NameKind.PRIMARY, "Latn"),
        ("خالد عبد الله الفكتيوي", NameKind.ALIAS, "Arab"),
        ("Khaled Fiktiwi", NameKind.ALIAS, "Latn"),  # the primary name of the non-main identity
    ]
    assert person.birth_dates == []  # an Islamic-calendar date is kept as written, not converted
    assert person.remarks == ["Date of birth (Islamic calendar): 1.1.1385", "Member of an invented militia."]
    assert person.nationalities == ["sy"] and person.properties["unscId"] == ["QDi.999"]
    assert person.birth_places == ["Aleppo, Aleppo Governorate, Syrian Arab Republic"]


def test_entity_vessel_and_amended_target(fixtures_dir: Path) -> None:
    _, _, company, vessel, amended = _parsed(fixtures_dir).entities
    assert [(n.full, n.kind) for n in company.names] == [
        ("Example Trading LLC", NameKind.PRIMARY),
        ("ООО Пример Трейдинг", NameKind.ALIAS),
        ("Example Export OJSC", NameKind.FORMER),
    ]
    assert [(i.kind, i.value) for i in company.identifiers] == [(IdKind.BIC, "EXAMBY2X")]
    assert [(lk.kind, lk.target) for lk in company.links] == [(LinkKind.ASSOCIATE, "100")]
    assert company.properties["incorporationDate"] == ["2019-01-09"] and company.countries == ["by"]
    assert vessel.schema == Schema.VESSEL and vessel.caption == "Sea Example"
    assert [(i.kind, i.value) for i in vessel.identifiers] == [(IdKind.IMO, "9123456")]
    assert vessel.programs == ["North Korea"]
    # Amended: the current state, not the history in <removed>/<added>; listed on the first listing.
    assert [n.full for n in amended.names] == ["Amended Holding JSC"]
    assert amended.listed_on == "2022-03-16" and amended.properties["modifiedAt"] == ["2024-05-21"]


def test_format_is_detected_and_feeds_ch(fixtures_dir: Path) -> None:
    path = fixtures_dir / "ch" / V1
    assert detect_format(path) == "ch-seco-xml"
    [parsed] = parse_files([path])
    assert parsed.source == "ch" and len(parsed.entities) == 5
    with pytest.raises(SourceFormatError, match="cannot feed source 'ca'"):
        parse_files([path], source="ca")


def test_freshness_policy_is_that_of_the_other_national_lists() -> None:
    assert policy_for("ch") == policy_for("ca") == policy_for("au")
    assert policy_for("ch").stale_after == timedelta(days=30)


def test_two_versions_give_the_exact_diff(fixtures_dir: Path, tmp_path: Path) -> None:
    registry = Registry.open(f"sqlite:///{tmp_path / 'r.db'}")
    messages: list[str] = []
    try:
        [first] = update_from_files(
            registry, [fixtures_dir / "ch" / V1], source="ch", progress=messages.append
        )
        assert first.result is not None and first.result.version.active
        assert (first.result.version.entity_count, first.result.added) == (5, 5)
        assert first.result.version.published == date(2024, 5, 21)
        assert "storing ch: 5 parties (left out: 1 de-listed targets)" in messages
        assert first.result.left_out == {"de-listed targets": 1}
        assert first.result.to_json()["left_out"] == {"de-listed targets": 1}
        [second] = update_from_files(registry, [fixtures_dir / "ch" / V2], source="ch")
        assert second.result is not None and second.result.version.active
        # 700 listed, 100 de-listed, 300 amended (a new alias); 200, 400 and 600 unchanged.
        result = second.result
        assert (result.version.entity_count, result.added, result.removed, result.changed) == (5, 1, 1, 1)
    finally:
        registry.close()


def _target(body: str, ssid: str = "1", subject: str = "entity", mods: str = "") -> str:
    return (
        f'<target ssid="{ssid}"><sanctions-set-id>10</sanctions-set-id><{subject}>'
        f'<identity ssid="{ssid}1" main="true">{body}</identity></{subject.split()[0]}>{mods}</target>'
    )


_NAME = '<name name-type="primary-name"><name-part order="1" name-part-type="whole-name"><value>Acme</value></name-part></name>'
_PROGRAM = (
    '<sanctions-program ssid="1"><program-key lang="eng">Test</program-key>'
    '<sanctions-set ssid="10" lang="eng">annex 1</sanctions-set></sanctions-program>'
)


def _write(
    tmp_path: Path, body: str, root: str = "swiss-sanctions-list", attributes: str | None = None
) -> Path:
    path = tmp_path / "seco.xml"
    attrs = 'date="2025-01-10" list-type="whole-list"' if attributes is None else attributes
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} {attrs}>{_PROGRAM}{body}</{root}>', encoding="utf-8"
    )
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (_target(_NAME) + _target(_NAME), r"target ssid 1 already used by the target at line"),
        (
            _target(_NAME.replace("whole-name", "nick-name")),
            r"target 1: unknown name-part-type 'nick-name'",
        ),
        (_target(_NAME.replace("primary-name", "maybe")), r"target 1: unknown name-type 'maybe'"),
        (
            '<target ssid="7"><sanctions-set-id>10</sanctions-set-id></target>',
            r"target 7: needs exactly one of <individual>, <entity>, <object> \(found none\)",
        ),
        (_target(_NAME, subject='object object-type="train"'), r"target 1: unknown object-type 'train'"),
        (_target(_NAME + "<email>a@b.c</email>"), r"target 1: unknown element <email> in <identity>"),
        (
            _target(_NAME, mods='<modification modification-type="suspended" effective-date="2020-01-01"/>'),
            r"target 1: unknown modification-type 'suspended'",
        ),
        (
            _target(_NAME, mods='<modification modification-type="listed" effective-date="1.1.2020"/>'),
            r"target 1: effective-date '1.1.2020' is not an ISO date",
        ),
        (_target(_NAME.replace("10", "11")).replace(">10<", ">11<"), r"sanctions set 11 is defined by no"),
        (_target('<address place-id="99"/>' + _NAME), r"target 1: place-id 99 names no <place>"),
        (_target(_NAME, subject='individual sex="x"'), r"target 1: unknown sex 'x'"),
        ("", "no <target> elements"),
        (
            _target(_NAME, mods='<modification modification-type="de-listed" effective-date="2020-01-01"/>'),
            "every target is de-listed",
        ),
        (_target(_NAME) + "<target", "malformed XML"),
    ],
)
def test_bad_input_is_refused_with_its_reason(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(SourceFormatError, match=message):
        ch_seco.parse([_write(tmp_path, body)])


def test_only_a_whole_list_with_a_date_is_read(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="list-type 'delta'"):
        ch_seco.parse([_write(tmp_path, _target(_NAME), attributes='date="2025-01-10" list-type="delta"')])
    with pytest.raises(SourceFormatError, match="no date attribute"):
        ch_seco.parse([_write(tmp_path, _target(_NAME), attributes='list-type="whole-list"')])


def test_the_latest_modification_decides(tmp_path: Path) -> None:
    """By date, not by position; on the same date, the first written (the list writes newest first)."""
    relisted = (
        '<modification modification-type="de-listed" effective-date="2020-01-01"/>'
        '<modification modification-type="listed" effective-date="2021-01-01"/>'
    )
    same_day = (
        '<modification modification-type="de-listed" effective-date="2021-01-01"/>'
        '<modification modification-type="amended" effective-date="2021-01-01"/>'
    )
    parsed = ch_seco.parse(
        [_write(tmp_path, _target(_NAME, "1", mods=relisted) + _target(_NAME, "2", mods=same_day))]
    )
    assert [(e.source_id, e.listed_on) for e in parsed.entities] == [("1", "2021-01-01")]
    assert parsed.skipped == {"de-listed targets": 1}


def test_wrong_root_and_hostile_input_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="unexpected document element <sanctions-list>"):
        ch_seco.parse([_write(tmp_path, _target(_NAME), root="sanctions-list")])
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE swiss-sanctions-list [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        f'<swiss-sanctions-list date="2025-01-10" list-type="whole-list">{_PROGRAM}'
        + _target(_NAME.replace("Acme", "&b;"))
        + "</swiss-sanctions-list>"
    )
    with pytest.raises(SourceFormatError, match="DTD"):
        parse_files([bomb], source="ch")
    with pytest.raises(SourceFormatError, match="DTD"):
        ch_seco.parse([bomb])
    xxe = tmp_path / "xxe.xml"
    xxe.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE swiss-sanctions-list [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        '<swiss-sanctions-list date="2025-01-10" list-type="whole-list">&x;</swiss-sanctions-list>'
    )
    with pytest.raises(SourceFormatError, match="DTD"):
        ch_seco.parse([xxe])


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzабвгдежзийклмнопрстуфхцчшщыэюя", min_size=1, max_size=8)


@given(st.lists(st.tuples(_WORD, st.sampled_from(sorted(ch_seco._PART_KEYS))), min_size=1, max_size=5))
def test_names_keep_every_part_in_order(parts: list[tuple[str, str]]) -> None:
    """The full name is every part but titles, in `order`, whatever order the file writes them in."""
    written = [ch_seco._Part(order, kind, value, {}) for order, (value, kind) in enumerate(parts)]
    name = ch_seco._composed(list(reversed(written)), None, NameKind.PRIMARY, NameQuality.STRONG)
    assert name.full == " ".join(value for value, kind in parts if kind != "title")
