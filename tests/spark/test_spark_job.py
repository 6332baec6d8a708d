"""The Spark job on real PySpark (local mode, two workers): the same answers as `screen-file`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest

from sanctionwatch.errors import InputError
from sanctionwatch.registry.store import Registry
from sanctionwatch.screening.batch import screen_file
from sanctionwatch.screening.frozen import FrozenSnapshot
from sanctionwatch.screening.screener import Screener

FLAT = ("id", "rank", "entity_id", "score", "matched_name", "source_ids", "programs", "error")


def _rows(table: Any) -> list[tuple[Any, ...]]:
    return sorted((tuple(row[c] for c in FLAT) for row in table), key=lambda r: (str(r[0]), r[1] or 0))


def test_the_dev_benchmark_gives_what_screen_file_gives(
    spark: Any, dev_lists: tuple[str, FrozenSnapshot], shared_data: Path, tmp_path: Path
) -> None:
    from sanctionwatch.spark.job import screen_dataframe, ship_snapshot

    url, frozen = dev_lists
    queries = shared_data.parent / "bench" / "dev" / "queries.csv"
    registry = Registry.open(url)
    try:
        expected_path = tmp_path / "screen-file.parquet"
        screen_file(Screener.from_registry(registry), queries, expected_path, workers=1)
    finally:
        registry.close()
    expected = _rows(pq.read_table(expected_path).to_pylist())

    frame = spark.read.option("header", True).option("multiLine", True).csv(str(queries))
    results = screen_dataframe(frame, ship_snapshot(spark, str(frozen.path)))
    got = results.collect()
    assert _rows([row.asDict() for row in got]) == expected
    assert len(expected) > 15_000
    assert {row["snapshot"] for row in got} == {frozen.digest}
    assert {row["list_versions"] for row in got} == {frozen.list_versions}
    assert {row["row"] for row in got} == set(range(1, frame.count() + 1))  # no input row lost

    # The same snapshot again: the very same rows.
    again = screen_dataframe(frame, ship_snapshot(spark, str(frozen.path))).collect()
    assert sorted(map(tuple, again)) == sorted(map(tuple, got))


def test_bad_rows_keep_their_error_and_rows_without_id_their_number(
    spark: Any, dev_lists: tuple[str, FrozenSnapshot], tmp_path: Path
) -> None:
    from sanctionwatch.spark.job import screen_dataframe, ship_snapshot

    _url, frozen = dev_lists
    source = tmp_path / "in.csv"
    source.write_text(
        "id,name,birth_date,country\n"
        "a,KOREA MINING DEVELOPMENT TRADING CORPORATION,,\n"
        "b,Anna Mueller,1999-13-45,\n"
        ",Harbour Bakery,,\n"
        "d,Harbour Bakery,,Atlantis\n"
        "e,,,\n",
        encoding="utf-8",
    )
    frame = spark.read.option("header", True).csv(str(source))
    rows = screen_dataframe(frame, ship_snapshot(spark, str(frozen.path))).collect()
    by_row = {r["row"]: r for r in rows if (r["rank"] or 1) == 1}
    assert set(by_row) == {1, 2, 3, 4, 5}
    assert (by_row[1]["status"], by_row[1]["entity_id"]) == ("hit", "ofac-sdn:9345")
    assert by_row[2]["status"] == "error" and "birth_date" in by_row[2]["error"] and by_row[2]["id"] == "b"
    assert (by_row[3]["status"], by_row[3]["id"]) == ("no_hit", "3")  # no id: its row number, as screen-file
    assert by_row[4]["status"] == "error" and "country" in by_row[4]["error"]
    assert by_row[5]["status"] == "error"


def test_a_delta_rescreen_keeps_hits_on_the_changed_parties_only(
    spark: Any, dev_lists: tuple[str, FrozenSnapshot], tmp_path: Path
) -> None:
    from sanctionwatch.spark.job import screen_dataframe, ship_snapshot

    _url, frozen = dev_lists
    source = tmp_path / "in.csv"
    source.write_text("id,name\nq,KOREA MINING DEVELOPMENT TRADING CORPORATION\n", encoding="utf-8")
    frame = spark.read.option("header", True).csv(str(source))
    shipped = ship_snapshot(spark, str(frozen.path))
    full = [r["entity_id"] for r in screen_dataframe(frame, shipped).collect()]
    assert "ofac-sdn:9345" in full
    changed = screen_dataframe(frame, shipped, only={"ofac-sdn:1"}).collect()
    assert [(r["status"], r["entity_id"]) for r in changed] == [("no_hit", None)]
    kept = screen_dataframe(frame, shipped, only={"ofac-sdn:9345"}).collect()
    assert [r["entity_id"] for r in kept] == ["ofac-sdn:9345"]


def test_columns_are_mapped_by_name_and_a_bad_mapping_is_refused(
    spark: Any, dev_lists: tuple[str, FrozenSnapshot]
) -> None:
    from sanctionwatch.spark.job import screen_dataframe, ship_snapshot

    _url, frozen = dev_lists
    shipped = ship_snapshot(spark, str(frozen.path))
    frame = spark.createDataFrame(
        [("c1", "KOREA MINING DEVELOPMENT TRADING CORPORATION")], ["customer_id", "full_name"]
    )
    with pytest.raises(InputError, match="none of the columns name, identifier"):
        screen_dataframe(frame, shipped)
    with pytest.raises(InputError, match="no column 'fullname'"):
        screen_dataframe(frame, shipped, columns={"fullname": "name"})
    with pytest.raises(InputError, match="'surname' is not one of"):
        screen_dataframe(frame, shipped, columns={"full_name": "surname"})
    [row, *_] = screen_dataframe(frame, shipped, columns={"customer_id": "id", "full_name": "name"}).collect()
    assert (row["id"], row["entity_id"]) == ("c1", "ofac-sdn:9345")
