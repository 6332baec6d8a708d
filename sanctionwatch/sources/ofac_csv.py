"""OFAC's legacy CSV set (sdn.csv/add.csv/alt.csv/sdn_comments.csv and the cons_* files) -> entities.

The files have no header, CRLF line ends, `-0- ` for null, a Ctrl-Z byte as last line and no
publication date. One publication is several files joined by ent_num; only the main file is
required because scrapers and mirrors often keep sdn.csv alone.

An add/alt/comments row whose ent_num is not in the main file is an error, not a warning:
in every real set measured there are none, so one means files from different publications
were mixed, and merging them would put one date's addresses on another date's parties.
"""

from __future__ import annotations

import csv
import io
import re
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sanctionwatch.model import Address, Entity, NameQuality
from sanctionwatch.sources.base import ParsedList, SourceFormatError
from sanctionwatch.sources.countries import country_code
from sanctionwatch.sources.files import read_text
from sanctionwatch.sources.ofac_common import (
    ALIAS_KINDS,
    add_name,
    add_title,
    apply_facts,
    apply_vessel,
    make_name,
    resolve_links,
    schema_for,
    set_programs,
)
from sanctionwatch.sources.ofac_programs import split_programs
from sanctionwatch.sources.ofac_remarks import parse_remarks

__all__ = ["FORMAT", "parse"]

FORMAT = "ofac-csv"

MAIN_COLUMNS = (
    "ent_num",
    "SDN_Name",
    "SDN_Type",
    "Program",
    "Title",
    "Call_Sign",
    "Vess_type",
    "Tonnage",
    "GRT",
    "Vess_flag",
    "Vess_owner",
    "Remarks",
)
ADD_COLUMNS = ("ent_num", "Add_num", "Address", "City/State/Province/Postal Code", "Country", "Add_remarks")
ALT_COLUMNS = ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks")
COMMENT_COLUMNS = ("ent_num", "Remarks_Extended")

_CTRL_Z = "\x1a"
_COMPRESSION = re.compile(r"\.(?:gz|bz2|xz|zip)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Row:
    path: Path
    line: int
    values: dict[str, str | None]

    def error(self, message: str, field: str | None = None) -> SourceFormatError:
        return SourceFormatError(self.path, message, line=self.line, element=field)


@dataclass(slots=True)
class _FileSet:
    main: Path
    add: Path | None = None
    alt: Path | None = None
    comments: Path | None = None


def parse(paths: Sequence[Path], source: str = "ofac-sdn") -> ParsedList:
    """Parse one publication's files; the role of each file is read from its name."""
    files = _classify([Path(p) for p in paths])
    entities: dict[str, Entity] = {}
    remarks: dict[str, str] = {}
    for row in _rows(files.main, MAIN_COLUMNS):
        entity, remark = _main_entity(row, source)
        if entity.source_id in entities:
            raise row.error(f"ent_num {entity.source_id} appears twice", "ent_num")
        entities[entity.source_id] = entity
        remarks[entity.source_id] = remark
    if not entities:
        raise SourceFormatError(files.main, "no entries in the main file")
    if files.alt:  # before the remarks, so a name that is both strong and weak stays strong
        for row in _rows(files.alt, ALT_COLUMNS):
            _add_alias(row, _owner(row, entities))
    if files.comments:
        for row in _rows(files.comments, COMMENT_COLUMNS):
            _owner(row, entities)
            remarks[_ent_num(row)] += row.values["Remarks_Extended"] or ""  # continues mid-word
    for ent_num, entity in entities.items():
        apply_facts(entity, parse_remarks(remarks[ent_num]))
    if files.add:
        for row in _rows(files.add, ADD_COLUMNS):
            _add_address(row, _owner(row, entities))
    result = list(entities.values())
    resolve_links(result)
    present = [p for p in (files.main, files.add, files.alt, files.comments) if p is not None]
    return ParsedList(source=source, format=FORMAT, published=None, entities=result, files=present)


def _classify(paths: list[Path]) -> _FileSet:
    roles: dict[str, list[Path]] = {"main": [], "add": [], "alt": [], "comments": []}
    for path in paths:
        roles[_role(path)].append(path)
    for role, found in roles.items():
        if len(found) > 1:
            names = ", ".join(p.name for p in found)
            raise SourceFormatError(found[1], f"more than one {role} file in one publication: {names}")
    if not roles["main"]:
        given = ", ".join(p.name for p in paths) or "no files"
        raise SourceFormatError(
            paths[0] if paths else "<none>",
            f"the main file (sdn.csv or cons_prim.csv) is required; got {given}",
        )
    return _FileSet(
        main=roles["main"][0],
        add=next(iter(roles["add"]), None),
        alt=next(iter(roles["alt"]), None),
        comments=next(iter(roles["comments"]), None),
    )


def _role(path: Path) -> str:
    name = _COMPRESSION.sub("", path.name.lower())
    if "comments" in name:
        return "comments"
    if name.startswith(("add", "cons_add")):
        return "add"
    if name.startswith(("alt", "cons_alt")):
        return "alt"
    return "main"


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[_Row]:
    """Rows as dicts with nulls as None; wrong column counts and CSV syntax errors name the line."""
    text = _read(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    finished = 0  # last line of the last complete record: a broken record starts after it
    try:
        for values in reader:
            start, finished = finished + 1, reader.line_num
            if not values or values == [_CTRL_Z] or (len(values) == 1 and not values[0].strip()):
                continue
            if len(values) != len(columns):
                raise SourceFormatError(
                    path,
                    f"expected {len(columns)} columns ({', '.join(columns)}), found {len(values)}",
                    line=start,
                )
            yield _Row(path, start, dict(zip(columns, map(_cell, values), strict=True)))
    except csv.Error as exc:
        raise SourceFormatError(path, f"CSV syntax error: {exc}", line=finished + 1) from exc


def _read(path: Path) -> str:
    """The stated encoding is ASCII; UTF-8 accepts it and reports any stray byte with its line."""
    try:
        text = read_text(path)
    except (EOFError, zlib.error) as exc:
        raise SourceFormatError(path, f"cannot decompress (truncated?): {exc}") from exc
    except OSError as exc:  # gzip.BadGzipFile and friends
        raise SourceFormatError(path, f"cannot read: {exc}") from exc
    return text[:-1] if text.endswith(_CTRL_Z) else text


def _cell(value: str) -> str | None:
    stripped = value.strip()
    return None if stripped in ("", "-0-") else stripped


def _ent_num(row: _Row) -> str:
    value = row.values["ent_num"]
    if value is None or not value.isdecimal():
        raise row.error(f"ent_num must be a number, got {value!r}", "ent_num")
    return str(int(value))


def _owner(row: _Row, entities: dict[str, Entity]) -> Entity:
    ent_num = _ent_num(row)
    if ent_num not in entities:
        raise row.error(
            f"ent_num {ent_num} is not in the main file (files from different publications?)", "ent_num"
        )
    return entities[ent_num]


def _main_entity(row: _Row, source: str) -> tuple[Entity, str]:
    values = row.values
    schema = schema_for(values["SDN_Type"])
    if schema is None:
        raise row.error(f"unknown SDN_Type {values['SDN_Type']!r}", "SDN_Type")
    name = values["SDN_Name"]
    if not name:
        raise row.error("SDN_Name is empty", "SDN_Name")
    entity = Entity(source=source, source_id=_ent_num(row), schema=schema)
    entity.names.append(make_name(name, schema))
    set_programs(entity, split_programs(values["Program"]))
    add_title(entity, values["Title"])
    apply_vessel(
        entity,
        call_sign=values["Call_Sign"],
        vessel_type=values["Vess_type"],
        tonnage=values["Tonnage"],
        gross_tonnage=values["GRT"],
        flag=values["Vess_flag"],
        owner=values["Vess_owner"],
    )
    return entity, values["Remarks"] or ""


def _add_alias(row: _Row, entity: Entity) -> None:
    """alt.csv holds OFAC's strong aliases; the weak ones are quoted in the remarks."""
    alt_type = (row.values["alt_type"] or "").casefold()
    kind = ALIAS_KINDS.get(alt_type)
    if kind is None:
        raise row.error(f"unknown alt_type {row.values['alt_type']!r}", "alt_type")
    name = row.values["alt_name"]
    if not name:
        raise row.error("alt_name is empty", "alt_name")
    add_name(entity, make_name(name, entity.schema, kind, NameQuality.STRONG))
    if row.values["alt_remarks"]:
        entity.remarks.append(f"{name}: {row.values['alt_remarks']}")


def _add_address(row: _Row, entity: Entity) -> None:
    """Rows with every field null exist for most parties; they state no address and are skipped.

    The legacy file gives street and a combined "city, state/province, postal code" field; the
    latter goes to `city` as written because splitting it by guesswork would corrupt addresses.
    """
    street, locality, country_name = (
        row.values["Address"],
        row.values["City/State/Province/Postal Code"],
        row.values["Country"],
    )
    if not (street or locality or country_name):
        return
    code = country_code(country_name)
    full = ", ".join(part for part in (street, locality, country_name) if part)
    entity.addresses.append(Address(full=full, street=street, city=locality, country=code))
    if code and code not in entity.countries:
        entity.countries.append(code)
    if row.values["Add_remarks"]:
        entity.remarks.append(f"{full}: {row.values['Add_remarks']}")
