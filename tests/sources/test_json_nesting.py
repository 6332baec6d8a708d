"""JSON lines nested 100,000 levels deep: an error naming the line (FtM) or the row (screening, customers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctionwatch.monitoring.customer import Customer, read_customers
from sanctionwatch.screening.batchio import RowError, read_queries
from sanctionwatch.sources.base import SourceFormatError
from sanctionwatch.sources.catalog import parse_files
from sanctionwatch.sources.jsonsafe import MAX_JSON_DEPTH, JsonNestingError, loads_shallow
from tests.cli.runner import run

GOOD_FTM = '{"id": "p1", "schema": "Person", "properties": {"name": ["Kim Jong Un"]}}\n'
DEEP = 100_000


def _deep_ftm_line(opener: str) -> str:
    closer = {"[": "]", "{": "}"}[opener]
    value = opener * DEEP if opener == "[" else '{"a":' * DEEP
    return '{"id": "p2", "schema": "Person", "properties": {"name": ' + value + closer * DEEP + "}}\n"


@pytest.mark.parametrize("opener", ["[", "{"])
def test_deeply_nested_ftm_line_is_refused_naming_the_line(tmp_path: Path, opener: str) -> None:
    path = tmp_path / "entities.ftm.json"
    path.write_text(GOOD_FTM + _deep_ftm_line(opener))
    with pytest.raises(SourceFormatError, match=f"nested more than {MAX_JSON_DEPTH} levels") as info:
        parse_files([path])
    assert (info.value.path, info.value.line) == (str(path), 2)


def test_update_with_a_deeply_nested_line_fails_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "entities.ftm.json"
    path.write_text(GOOD_FTM + _deep_ftm_line("["))
    proc = run(tmp_path / "registry.db", "update", "--file", str(path), check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "RecursionError" not in proc.stderr
    assert f"{path}:2" in proc.stderr.replace("\n", "")


def test_nesting_just_under_the_interpreter_limit_is_refused_too() -> None:
    """json decodes 900 levels, but whatever walks the value later would recurse too deep."""
    with pytest.raises(JsonNestingError):
        loads_shallow("[" * 900 + "]" * 900)
    assert loads_shallow("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is not None
    with pytest.raises(JsonNestingError):
        loads_shallow("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1))


def _query_file(tmp_path: Path) -> Path:
    path = tmp_path / "queries.jsonl"
    lines = [
        '{"id": "1", "name": "Kim Jong Un"}',
        "[" * DEEP,
        '{"id": "3", "name": ' + "[" * 900 + '"x"' + "]" * 900 + "}",
        '{"id": "4", "name": "Korea Kwangson Banking Corp"}',
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_screening_file_keeps_going_past_deeply_nested_rows(tmp_path: Path) -> None:
    rows = list(read_queries(_query_file(tmp_path)))
    assert [row for row, _ in rows] == [1, 2, 3, 4]
    errors = {row: str(result) for row, result in rows if isinstance(result, RowError)}
    assert set(errors) == {2, 3}
    assert all("nested more than" in message for message in errors.values())
    assert "line 2" in errors[2]


def test_customer_file_keeps_going_past_deeply_nested_rows(tmp_path: Path) -> None:
    path = tmp_path / "customers.jsonl"
    path.write_text(
        '{"id": "c1", "name": "Ann Smith"}\n'
        + '{"a": ' * 10
        + "[" * DEEP
        + "\n"
        + '{"id": "c3", "name": "Bob", "aliases": '
        + "[" * 900
        + '"B"'
        + "]" * 900
        + "}\n"
        + '{"id": "c4", "name": "Cid Jones"}\n'
    )
    records = list(read_customers(path))
    assert [type(r) for r in records] == [Customer, RowError, RowError, Customer]
    assert all("nested more than" in str(r) for r in records if isinstance(r, RowError))
