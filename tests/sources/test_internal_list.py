"""A user's own list: the source names internal:NAME, the documented CSV/XLSX layout, its refusals."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.model import entity_local_id, entity_source
from sanctionwatch.sources.base import SourceFormatError
from sanctionwatch.sources.catalog import UnknownSourceError, parse_files, source_spec
from sanctionwatch.sources.internal_list import COLUMNS, SEPARATOR, split_values

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "internal-deny-list.csv"
HEADER = "id,name,schema,aliases,birth_date,nationality,country,identifiers,program,notes\n"


def _csv(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "deny.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def _refusal(path: Path, source: str = "internal:deny") -> str:
    with pytest.raises(SourceFormatError) as caught:
        parse_files([path], source)
    return str(caught.value)


def test_the_shipped_example_reads_field_by_field() -> None:
    [parsed] = parse_files([EXAMPLE], "internal:deny")
    assert (parsed.source, parsed.format, len(parsed.entities)) == ("internal:deny", "internal-list", 3)
    person, company, vessel = parsed.entities
    assert person.id == "internal:deny:C-001" and person.schema == "Person"
    assert [n.full for n in person.names] == [
        "Bartholomew Quillfeather",
        "Bart Quillfeather",
        "B. Quillfeather",
    ]
    assert [n.kind for n in person.names] == ["primary", "alias", "alias"]
    assert [d.value for d in person.birth_dates] == ["1971-03-14"]
    assert person.nationalities == ["gb"] and person.programs == ["fraud"]
    assert [(i.kind, i.value) for i in person.identifiers] == [("passport", "XQ1234567")]
    assert person.remarks == ["Chargeback fraud ring (case 2025-118)"]
    assert (company.schema, company.countries) == ("Company", ["ae"])
    assert (vessel.schema, [(i.kind, i.value) for i in vessel.identifiers]) == (
        "Vessel",
        [("imo", "9876543")],
    )


def test_only_the_required_columns_are_needed_and_order_is_free(tmp_path: Path) -> None:
    path = _csv(tmp_path, "Person,7,Jane Roe\n", header="schema,id,name\n")
    [parsed] = parse_files([path], "internal:mini")
    [entity] = parsed.entities
    assert (entity.id, entity.caption, entity.schema) == ("internal:mini:7", "Jane Roe", "Person")


def test_every_bad_cell_is_named_by_row_and_column_and_nothing_is_ingested(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "A1,Good Person,Person,,1970,,,,,\n"
        "A2,,Person,,,,,,,\n"
        "A3,Bad Date,Person,,31/12/1970,,,,,\n"
        "A4,Bad Schema,Human,,,,,,,\n"
        "A5,Bad Country,Person,,,Atlantis,,,,\n"
        "A6,Bad Identifier,Person,,,,,shoe-size:44,,\n"
        "A1,Twice,Person,,,,,,,\n",
    )
    message = _refusal(path)
    assert message.startswith(str(path))
    assert "refused as a whole, nothing ingested (6 problem(s))" in message
    for expected in (
        "row 3, column 'name': empty, but required",
        "row 4, column 'birth_date': '31/12/1970' is no ISO date",
        "row 5, column 'schema': unknown schema 'Human'",
        "row 6, column 'nationality': 'Atlantis' names no country",
        "row 7, column 'identifiers': 'shoe-size:44' is not kind:value",
        "row 8, column 'id': duplicate id 'A1' (first on row 2)",
    ):
        assert expected in message


def test_header_problems_are_named(tmp_path: Path) -> None:
    message = _refusal(_csv(tmp_path, "1,X,Person,y\n", header="id,name,schema,comment\n"))
    assert "row 1, column 'comment': unknown column" in message
    message = _refusal(_csv(tmp_path, "1,X\n", header="id,name\n"))
    assert "row 1, column 'schema': required column missing" in message
    message = _refusal(_csv(tmp_path, "1,X,Person,Y\n", header="id,name,schema,name\n"))
    assert "row 1, column 'name': column given twice" in message
    message = _refusal(_csv(tmp_path, "1,X,Person,extra\n", header="id,name,schema\n"))
    assert "row 2: 4 cells for 3 columns" in message
    message = _refusal(_csv(tmp_path, "1,X,Person,,lost\n", header="id,name,schema,,\n"))
    assert "row 2: a value in column 5, which has no name in the header" in message
    assert "holds no rows" in _refusal(_csv(tmp_path, "", header="id,name,schema\n"))


def test_an_xlsx_list_reads_like_the_csv(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "name", "schema", "birth_date", "identifiers"])
    sheet.append([101, "Jane Roe", "Person", "1980-02-03", "passport:P1"])
    sheet.append([102.0, "Roe Holdings", "Company", None, None])
    path = tmp_path / "deny.xlsx"
    book.save(path)
    [parsed] = parse_files([path], "internal:deny")
    assert [e.source_id for e in parsed.entities] == ["101", "102"]
    assert [d.value for d in parsed.entities[0].birth_dates] == ["1980-02-03"]
    book.create_sheet("second")
    book.save(path)
    assert "holds one sheet" in _refusal(path)


def test_an_internal_csv_is_never_read_as_an_official_list(tmp_path: Path) -> None:
    # Without a target it is refused by its header, asking for the internal source to feed.
    with pytest.raises(SourceFormatError, match="--source internal:deny"):
        parse_files([EXAMPLE])
    # With an internal target, an official file is read against the internal layout, and refused.
    ofac = _csv(tmp_path, "", header='36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA"\n')
    assert "unknown column" in _refusal(ofac)
    xml = tmp_path / "un.xml"
    xml.write_text("<CONSOLIDATED_LIST/>", encoding="utf-8")
    assert "not XML" in _refusal(xml)
    # And an internal list is one file.
    with pytest.raises(SourceFormatError, match="exactly one"):
        parse_files([EXAMPLE, EXAMPLE], "internal:deny")


def test_ftm_lines_feed_an_internal_list(tmp_path: Path) -> None:
    path = tmp_path / "deny.ftm.json"
    path.write_text(
        '{"id": "x-1", "schema": "Person", "properties": {"name": ["Jane Roe"]}, "target": true}\n',
        encoding="utf-8",
    )
    [parsed] = parse_files([path], "internal:ftm-deny")
    assert [e.id for e in parsed.entities] == ["internal:ftm-deny:x-1"]


@pytest.mark.parametrize(
    "name", ["internal:deny", "internal:a", "internal:team-2_list", "internal:" + "x" * 23]
)
def test_good_internal_names_are_sources(name: str) -> None:
    spec = source_spec(name)
    assert spec.name == name and spec.files == ()


@pytest.mark.parametrize(
    "name",
    ["internal:", "internal:Deny", "internal:a b", "internal:-x", "internal:../x", "internal:" + "x" * 24],
)
def test_bad_internal_names_are_refused_by_name(name: str) -> None:
    with pytest.raises(UnknownSourceError, match="bad internal list name"):
        source_spec(name)


def test_unknown_sources_name_the_internal_form() -> None:
    assert source_spec("un").files
    with pytest.raises(UnknownSourceError, match="internal:NAME"):
        source_spec("nope")


def test_entity_ids_of_internal_lists_split_at_the_right_colon() -> None:
    assert entity_source("internal:deny:C:17") == "internal:deny"
    assert entity_local_id("internal:deny:C:17") == "C:17"
    assert (entity_source("ofac-sdn:20157"), entity_local_id("ofac-sdn:20157")) == ("ofac-sdn", "20157")


_PIECE = st.text(
    alphabet=st.characters(blacklist_characters=SEPARATOR, blacklist_categories=("Cs",)), min_size=1
).filter(lambda s: s.strip() == s and bool(s))


@given(st.lists(_PIECE, max_size=6), st.sampled_from([";", "; ", " ;", ";;"]))
def test_alias_splitting_keeps_every_piece_and_drops_only_empty_ones(pieces: list[str], glue: str) -> None:
    assert split_values(glue.join(pieces)) == pieces
    assert split_values(glue.join(pieces) + ";") == pieces


def test_the_layout_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for column in COLUMNS:
        assert f"`{column}`" in readme
