"""The frozen snapshot: the same lists give the same bytes, a damaged file is refused by line, and the index
built from it screens as the registry's does."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from sanctionwatch.registry.store import Registry
from sanctionwatch.screening.frozen import FrozenSnapshot, describe_frozen, freeze, read_frozen
from sanctionwatch.screening.query import Query
from sanctionwatch.screening.screener import Screener
from sanctionwatch.sources.base import SourceFormatError


def test_freezing_twice_gives_the_same_file_and_the_same_screening(
    dev_lists: tuple[str, FrozenSnapshot], tmp_path: Path
) -> None:
    url, _ = dev_lists
    registry = Registry.open(url)
    try:
        first = freeze(registry, tmp_path / "a.swsnap")
        second = freeze(registry, tmp_path / "b.swsnap")
        from_registry = Screener.from_registry(registry)
    finally:
        registry.close()
    assert first.digest == second.digest
    assert (tmp_path / "a.swsnap").read_bytes() == (tmp_path / "b.swsnap").read_bytes()
    assert first.list_versions == "ofac-sdn/1" and first.parties == first.versions[0].parties > 10_000
    described, entities = read_frozen(first.path)
    assert described == first and describe_frozen(first.path) == first
    frozen = Screener.from_entities(entities)
    for name in (
        "Kim Jong Un",
        "KOREA MINING DEVELOPMENT TRADING CORP",
        "Banco Nacional de Cuba",
        "Anna Mueller",
    ):
        assert [h.to_json() for h in frozen.screen(Query(name))] == [
            h.to_json() for h in from_registry.screen(Query(name))
        ]


def test_a_damaged_snapshot_is_refused_naming_what_is_wrong(
    dev_lists: tuple[str, FrozenSnapshot], tmp_path: Path
) -> None:
    _, frozen = dev_lists
    lines = gzip.decompress(frozen.path.read_bytes()).decode().splitlines()

    def write(name: str, content: list[str]) -> Path:
        path = tmp_path / name
        path.write_bytes(gzip.compress(("\n".join(content) + "\n").encode()))
        return path

    with pytest.raises(SourceFormatError, match="truncated"):
        read_frozen(write("short.swsnap", lines[:-3]))
    with pytest.raises(SourceFormatError, match="line 3: not JSON"):
        read_frozen(write("broken.swsnap", [lines[0], lines[1], "{oops", *lines[3:]]))
    with pytest.raises(SourceFormatError, match="line 1: not a sanctionwatch-snapshot/1 file"):
        read_frozen(write("other.swsnap", ['{"format": "something else"}', *lines[1:]]))
    plain = tmp_path / "plain.swsnap"
    plain.write_text("not gzip", encoding="utf-8")
    with pytest.raises(SourceFormatError, match="gzip"):
        read_frozen(plain)


def test_an_empty_registry_is_not_frozen(tmp_path: Path) -> None:
    registry = Registry.open(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        with pytest.raises(SourceFormatError, match="no active list"):
            freeze(registry, tmp_path / "x.swsnap")
    finally:
        registry.close()
