"""One de-duplication for every source: `Entity.normalize` (run by `ParsedList`) and `content_hash`.

A list that repeats or reorders a value between two publications has not changed, whichever parser
read it; a value that really is new must still change the record's hash.
"""

from __future__ import annotations

import functools
import re
from dataclasses import fields
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.model import Address, DateValue, Entity, Identifier, Link, Name, NameKind
from sanctionwatch.sources import eu_xml, ftm, ofac_csv, uk_ofsi, un_xml
from sanctionwatch.sources.base import ParsedList

_text = st.text(alphabet="abcXYZ 1", min_size=1, max_size=6)
_maybe = st.none() | _text
_values: dict[str, st.SearchStrategy[Any]] = {
    "names": st.builds(Name, _text, st.sampled_from(list(NameKind)), script=_maybe),
    "birth_dates": st.builds(DateValue, _text, _maybe, st.booleans()),
    "addresses": st.builds(Address, _maybe, city=_maybe, country=_maybe),
    "identifiers": st.builds(Identifier, _text, _text, country=_maybe, note=_maybe),
    "links": st.builds(Link, _text, _text, target_name=_maybe),
}
_LIST_FIELDS = [f.name for f in fields(Entity) if f.name not in ("source", "source_id", "schema")]
_LIST_FIELDS = [f for f in _LIST_FIELDS if f not in ("gender", "listed_on", "properties", "target")]


@st.composite
def _entities(draw: st.DrawFn) -> Entity:
    entity = Entity("test", draw(_text), "Person")
    for name in _LIST_FIELDS:
        setattr(entity, name, draw(st.lists(_values.get(name, _text), max_size=4)))
    entity.properties = draw(
        st.dictionaries(st.sampled_from(["website", "email"]), st.lists(_text, max_size=3))
    )
    return entity


def _copy(entity: Entity) -> Entity:
    return Entity.from_dict(entity.to_dict())


@given(_entities(), st.sampled_from([*_LIST_FIELDS, "properties"]), st.randoms(use_true_random=False))
def test_shuffling_or_repeating_a_fields_values_keeps_the_hash(entity: Entity, name: str, rnd: Any) -> None:
    other = _copy(entity)
    if name == "properties":
        for values in other.properties.values():
            values.extend(rnd.choices(values, k=2) if values else [])
            rnd.shuffle(values)
    else:
        values = getattr(other, name)
        primary = ([n for n in values if n.kind == NameKind.PRIMARY] or values)[:1] if name == "names" else []
        rest = [v for v in values if v not in primary]  # the caption's name stays first
        rest += rnd.choices(values, k=2) if values else []
        rnd.shuffle(rest)
        setattr(other, name, primary + rest)
    assert other.content_hash() == entity.content_hash()
    other.normalize()
    assert other.content_hash() == entity.content_hash()


@given(_entities(), st.sampled_from(_LIST_FIELDS), st.data())
def test_a_new_value_changes_the_hash(entity: Entity, name: str, data: st.DataObject) -> None:
    new = data.draw(_values.get(name, _text))
    if new in getattr(entity, name):
        return
    other = _copy(entity)
    getattr(other, name).append(new)
    assert other.content_hash() != entity.content_hash()


def test_normalize_keeps_first_occurrences_in_order_and_drops_blanks() -> None:
    entity = Entity(
        "test", "1", "Person", citizenships=["ru", "", "by", "ru"], names=[Name("B"), Name("A"), Name("B")]
    )
    entity.normalize()
    assert entity.citizenships == ["ru", "by"]
    assert [n.full for n in entity.names] == ["B", "A"]


def test_a_new_caption_is_a_change() -> None:
    entity = Entity("test", "1", "Person", names=[Name("A"), Name("B")])
    swapped = Entity("test", "1", "Person", names=[Name("B"), Name("A")])
    assert swapped.caption != entity.caption
    assert swapped.content_hash() != entity.content_hash()


def test_parsed_lists_are_normalized_once_for_every_parser() -> None:
    entity = Entity("test", "1", "Person", remarks=["x", "x"])
    assert ParsedList("test", "none", None, [entity]).entities[0].remarks == ["x"]


# --- each parser family: a value repeated in the publication is no change ----------------------------


def _hashes(parsed: ParsedList) -> dict[str, str]:
    return {e.id: e.content_hash() for e in parsed.entities}


def _same_after(tmp_path: Path, original: Path, edited_text: str, parse: Any) -> None:
    edited = tmp_path / original.name
    edited.write_text(edited_text, encoding="utf-8")
    before, after = parse([original]), parse([edited])
    assert after.entities and _hashes(after) == _hashes(before)


def test_uk_repeated_row_is_no_change(fixtures_dir: Path, tmp_path: Path) -> None:
    original = fixtures_dir / "uk" / "ConList.csv"
    lines = original.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[2].startswith("AN,Jong,Hyuk")  # nationality, passport, position, address repeated
    _same_after(tmp_path, original, "".join([*lines[:3], lines[2], *lines[3:]]), uk_ofsi.parse)


def test_eu_repeated_name_is_no_change(fixtures_dir: Path, tmp_path: Path) -> None:
    original = fixtures_dir / "eu" / "fsf_sample.xml"
    text = original.read_text(encoding="utf-8")
    alias = re.search(r"<nameAlias [^>]*/>", text)
    assert alias is not None
    _same_after(tmp_path, original, text[: alias.end()] + alias.group(0) + text[alias.end() :], eu_xml.parse)


def test_ofac_repeated_alias_is_no_change(fixtures_dir: Path, tmp_path: Path) -> None:
    folder = fixtures_dir / "ofac_csv"
    for name in ("sdn.csv", "add.csv", "alt.csv"):
        (tmp_path / name).write_bytes((folder / name).read_bytes())
    alt = (folder / "alt.csv").read_text(encoding="utf-8")
    before = ofac_csv.parse([tmp_path / n for n in ("sdn.csv", "add.csv", "alt.csv")])
    (tmp_path / "alt.csv").write_text(alt.splitlines(keepends=True)[0] + alt, encoding="utf-8")
    after = ofac_csv.parse([tmp_path / n for n in ("sdn.csv", "add.csv", "alt.csv")])
    assert _hashes(after) == _hashes(before)


def test_un_repeated_nationality_is_no_change(shared_data: Path, tmp_path: Path) -> None:
    original = shared_data / "un_consolidated" / "consolidated_2026-02-27.xml"
    text = original.read_text(encoding="utf-8")
    nationality = re.search(r"<NATIONALITY>\s*<VALUE>[^<]+</VALUE>", text)
    assert nationality is not None
    end = nationality.end()
    _same_after(
        tmp_path,
        original,
        text[:end] + re.sub(r"<NATIONALITY>\s*", "", nationality.group(0)) + text[end:],
        un_xml.parse,
    )


def test_ftm_repeated_value_is_no_change(fixtures_dir: Path, tmp_path: Path) -> None:
    original = fixtures_dir / "ftm" / "entities.ftm.json"
    text = original.read_text(encoding="utf-8")
    first = re.search(r'"name": \["([^"]+)"', text)
    assert first is not None
    repeated = text[: first.end()] + f', "{first.group(1)}"' + text[first.end() :]
    _same_after(tmp_path, original, repeated, functools.partial(ftm.parse, source="ftm:sample"))
