"""The batch runner: every input format to every output format, in input order, on one core or two."""

from __future__ import annotations

import csv
import gzip
import json
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from openpyxl import load_workbook

from sanctionwatch.model import Entity, Name
from sanctionwatch.screening.batch import screen_file
from sanctionwatch.screening.batchio import OutputFormatError
from sanctionwatch.screening.query import Hit, Query
from sanctionwatch.screening.screener import Screener
from sanctionwatch.sources.base import SourceFormatError
from tests.screening.test_batchio import HEADER, WRITERS, write_csv

ENTITIES = [
    Entity("ofac-sdn", "1", "Person", [Name("KIM Jong Un")], programs=["DPRK3"]),
    Entity("ofac-sdn", "2", "Organization", [Name("KOREA KWANGSON BANKING CORP")], programs=["NPWMD"]),
    Entity("un", "KPi.066", "Person", [Name("RI Pyong Chol")]),
]


class ExactScreener:
    """A stand-in with the Screener's interface: a hit only for a name equal to a listed one."""

    threshold = 0.5

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.by_name = {n.full.casefold(): e for e in entities for n in e.names}
        self.calls = 0

    def screen(self, query: Query, *, threshold: float | None = None, limit: int = 5) -> list[Hit]:
        self.calls += 1
        entity = self.by_name.get(query.name.casefold())
        if entity is None:
            return []
        return [
            Hit(entity.id, 1.0, [entity.id], entity.caption, entity.caption, entity.schema, entity.programs)
        ][:limit]


class UnpicklableScreener(ExactScreener):
    """Proves the index reaches workers by fork, not by pickling."""

    def __reduce__(self) -> NoReturn:
        raise AssertionError("the screener must never be pickled")


INPUT = [
    ["a", "Kim Jong Un", "Person", "", "", ""],
    ["b", "Jane Doe", "", "", "", ""],
    ["c", "Ri Pyong Chol", "", "1950-99-01", "", ""],
    ["d", "korea kwangson banking corp", "", "", "KP", ""],
]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def screened_ids(path: Path) -> list[tuple[str, list[str]]]:
    return [(r["id"], [h["entity_id"] for h in r["hits"]]) for r in read_jsonl(path)]


EXPECTED = [("a", ["ofac-sdn:1"]), ("b", []), ("c", []), ("d", ["ofac-sdn:2"])]


@pytest.mark.parametrize("suffix", list(WRITERS))
def test_every_input_format_is_screened_to_the_contract(tmp_path: Path, suffix: str) -> None:
    source = WRITERS[suffix](tmp_path / f"in{suffix}", HEADER, INPUT)
    summary = screen_file(ExactScreener(ENTITIES), source, tmp_path / "out.jsonl", workers=1)
    assert screened_ids(tmp_path / "out.jsonl") == EXPECTED
    assert (summary.rows, summary.with_hits, summary.errors, summary.workers) == (4, 2, 1, 1)


def test_a_broken_row_is_reported_in_place_and_the_rest_screened(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", HEADER, INPUT)
    screen_file(ExactScreener(ENTITIES), source, tmp_path / "out.jsonl", workers=1)
    broken = read_jsonl(tmp_path / "out.jsonl")[2]
    assert broken == {
        "id": "c",
        "hits": [],
        "error": "row 3: birth_date: '1950-99-01' is not YYYY, YYYY-MM or YYYY-MM-DD",
    }


def test_gzipped_input_is_screened(tmp_path: Path) -> None:
    plain = write_csv(tmp_path / "plain.csv", HEADER, INPUT)
    (tmp_path / "in.csv.gz").write_bytes(gzip.compress(plain.read_bytes()))
    screen_file(ExactScreener(ENTITIES), tmp_path / "in.csv.gz", tmp_path / "out.jsonl", workers=1)
    assert screened_ids(tmp_path / "out.jsonl") == EXPECTED


def flat_output(path: Path) -> list[tuple[str, ...]]:
    """The first three columns (id, rank, entity_id) of a flat output, as text, header dropped."""
    rows: list[Any]
    if path.suffix == ".csv":
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))[1:]
    elif path.suffix == ".xlsx":
        book = load_workbook(path, read_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))[1:]
        book.close()
    else:
        rows = [tuple(r.values()) for r in pq.read_table(path).to_pylist()]
    return [tuple("" if v is None else str(v) for v in (*row, None, None)[:3]) for row in rows]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_every_flat_output_format_lists_each_query_once_or_per_hit(tmp_path: Path, suffix: str) -> None:
    source = write_csv(tmp_path / "in.csv", HEADER, INPUT)
    screen_file(ExactScreener(ENTITIES), source, tmp_path / f"out{suffix}", workers=1)
    assert flat_output(tmp_path / f"out{suffix}") == [
        ("a", "1", "ofac-sdn:1"),
        ("b", "", ""),
        ("c", "", ""),
        ("d", "1", "ofac-sdn:2"),
    ]


def many_rows(count: int) -> list[list[str]]:
    names = ["Kim Jong Un", "Jane Doe", "Ri Pyong Chol", "Nobody Known"]
    return [[f"id-{i}", names[i % 4], "", "", "", ""] for i in range(count)]


def test_two_workers_keep_input_order(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", HEADER, [*many_rows(500), ["bad", "", "", "", "", ""]])
    screener = UnpicklableScreener(ENTITIES)
    summary = screen_file(screener, source, tmp_path / "out.jsonl", workers=2, chunk_size=7)
    records = read_jsonl(tmp_path / "out.jsonl")
    assert [r["id"] for r in records] == [f"id-{i}" for i in range(500)] + ["bad"]
    assert [bool(r["hits"]) for r in records[:8]] == [True, False, True, False] * 2
    assert (summary.rows, summary.with_hits, summary.errors, summary.workers) == (501, 250, 1, 2)
    assert screener.calls == 0  # every query was screened in a forked worker


def test_one_worker_and_two_give_identical_output(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", HEADER, many_rows(300))
    screen_file(ExactScreener(ENTITIES), source, tmp_path / "one.jsonl", workers=1, chunk_size=11)
    screen_file(ExactScreener(ENTITIES), source, tmp_path / "two.jsonl", workers=2, chunk_size=11)
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()


def test_a_small_file_is_screened_in_process_by_default(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", HEADER, INPUT)
    screener = ExactScreener(ENTITIES)
    assert screen_file(screener, source, tmp_path / "out.jsonl").workers == 1
    assert screener.calls == 3  # the broken row never reaches the screener


def test_progress_reports_rows_written_so_far(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", HEADER, many_rows(25))
    seen: list[int] = []
    screen_file(
        ExactScreener(ENTITIES),
        source,
        tmp_path / "out.jsonl",
        workers=1,
        chunk_size=10,
        progress=seen.append,
    )
    assert seen == [10, 20, 25]


def test_threshold_and_limit_reach_the_screener(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", HEADER, INPUT[:1])
    screen_file(ExactScreener(ENTITIES), source, tmp_path / "out.jsonl", workers=1, limit=0)
    assert screened_ids(tmp_path / "out.jsonl") == [("a", [])]


@pytest.mark.parametrize(("content", "expected"), [("", ""), ("id,name\n", "")])
def test_an_empty_file_gives_an_empty_output(tmp_path: Path, content: str, expected: str) -> None:
    (tmp_path / "in.csv").write_text(content)
    summary = screen_file(ExactScreener(ENTITIES), tmp_path / "in.csv", tmp_path / "out.jsonl", workers=2)
    assert (tmp_path / "out.jsonl").read_text() == expected
    assert summary.rows == 0


def test_missing_columns_fail_before_any_screening_or_output(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", ["id", "customer"], [["1", "Kim Jong Un"]])
    screener = ExactScreener(ENTITIES)
    with pytest.raises(SourceFormatError, match=r"in\.csv.*no 'name' column"):
        screen_file(screener, source, tmp_path / "out.jsonl")
    assert screener.calls == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_an_unknown_output_format_fails_before_reading(tmp_path: Path) -> None:
    with pytest.raises(OutputFormatError):
        screen_file(ExactScreener(ENTITIES), tmp_path / "missing.csv", tmp_path / "out.txt")


class FailingScreener(ExactScreener):
    def screen(self, query: Query, *, threshold: float | None = None, limit: int = 5) -> list[Hit]:
        if query.id == "id-250":
            raise ZeroDivisionError("engine bug")
        return super().screen(query, threshold=threshold, limit=limit)


@pytest.mark.parametrize("workers", [1, 2])
def test_an_engine_failure_stops_the_run_and_leaves_no_output(tmp_path: Path, workers: int) -> None:
    source = write_csv(tmp_path / "in.csv", HEADER, many_rows(400))
    with pytest.raises(ZeroDivisionError, match="engine bug"):
        screen_file(FailingScreener(ENTITIES), source, tmp_path / "out.jsonl", workers=workers, chunk_size=50)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


# ---- with the real engine -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_screener() -> Screener:
    return Screener.from_entities(ENTITIES)


@pytest.mark.parametrize("workers", [1, 2])
def test_the_real_screener_finds_listed_names_and_fills_the_contract(
    tmp_path: Path, real_screener: Screener, workers: int
) -> None:
    source = write_csv(tmp_path / "in.csv", HEADER, [*INPUT, *many_rows(40)])
    summary = screen_file(real_screener, source, tmp_path / "out.jsonl", workers=workers, chunk_size=9)
    records = read_jsonl(tmp_path / "out.jsonl")
    assert [r["id"] for r in records] == ["a", "b", "c", "d"] + [f"id-{i}" for i in range(40)]
    first = records[0]["hits"][0]
    assert first["entity_id"] == "ofac-sdn:1"
    assert first["source_ids"] == ["ofac-sdn:1"]
    assert first["programs"] == ["DPRK3"]
    assert first["score"] >= real_screener.threshold
    assert set(first) >= {"entity_id", "score", "source_ids", "matched_name", "programs", "explanation"}
    assert records[1]["hits"] == []  # Jane Doe is nobody on the list
    assert records[2]["error"].startswith("row 3: birth_date")
    assert (summary.errors, summary.workers) == (1, workers)


def test_the_real_screener_gives_the_same_file_on_one_core_or_two(
    tmp_path: Path, real_screener: Screener
) -> None:
    source = write_csv(tmp_path / "in.csv", HEADER, many_rows(120))
    for workers in (1, 2):
        screen_file(
            real_screener, source, tmp_path / f"w{workers}.jsonl", workers=workers, threshold=0, chunk_size=13
        )
    assert (tmp_path / "w1.jsonl").read_bytes() == (tmp_path / "w2.jsonl").read_bytes()


# ---- explanations: built only where the output shows them -------------------------------------------


class _CountingScreener(Screener):
    """The real screener, counting the explanations it builds."""

    built = 0

    def _explanation(self, *args: Any) -> Any:
        type(self).built += 1
        return super()._explanation(*args)


@pytest.mark.parametrize(("suffix", "explained"), [(".csv", False), (".parquet", False), (".jsonl", True)])
def test_a_flat_output_builds_no_explanation_and_jsonl_shows_them(
    tmp_path: Path, suffix: str, explained: bool
) -> None:
    screener = _CountingScreener.from_entities(ENTITIES)
    _CountingScreener.built = 0
    source = write_csv(tmp_path / "in.csv", HEADER, INPUT)
    summary = screen_file(screener, source, tmp_path / f"out{suffix}", workers=1)
    assert summary.with_hits == 2
    assert (_CountingScreener.built > 0) is explained
    if explained:
        lines = [
            json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        assert all(hit["explanation"]["matched_name"] for line in lines for hit in line["hits"])


def test_a_hit_explained_on_first_read_is_the_one_built_at_once_and_survives_pickling() -> None:
    screener = Screener.from_entities(ENTITIES)
    [lazy] = screener.screen(Query("KIM Jong Un", schema="Person"))
    [other] = screener.screen(Query("KIM Jong Un", schema="Person"))
    eager = Hit(other.entity_id, other.score, other.source_ids, other.matched_name, other.caption, other.schema,
                other.programs, other.explanation)  # fmt: skip
    copy = pickle.loads(pickle.dumps(lazy))  # the index behind the explanation's function does not travel
    assert copy == lazy == eager
    assert copy.to_json() == lazy.to_json() == eager.to_json()
    assert lazy.to_json()["explanation"]["token_pairs"]  # the words that matched are in it
    with pytest.raises(TypeError, match="explanation or explain"):
        Hit("x", 1.0, [], "X", "X", "Person", [], lazy.explanation, explain=lambda: lazy.explanation)  # type: ignore[arg-type,return-value]
