"""`update` from an HTTP mirror: a list the server says is unchanged (304) is read from the cache, and said so."""

from __future__ import annotations

from pathlib import Path

from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.update import update_official
from tests.httpserver import serve_directory


def test_an_unchanged_list_is_reported_as_not_modified(
    registry: Registry, shared_data: Path, tmp_path: Path
) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "un").mkdir(parents=True)
    (mirror / "un" / "consolidated.xml").symlink_to(
        shared_data / "un_consolidated" / "consolidated_2026-02-27.xml"
    )
    said: list[str] = []
    with serve_directory(mirror) as base:
        first = update_official(registry, ["un"], cache=tmp_path / "cache", mirror=base, progress=said.append)
        assert not [line for line in said if "not modified" in line]
        second = update_official(
            registry, ["un"], cache=tmp_path / "cache", mirror=base, progress=said.append
        )
    assert [o.error for o in first + second] == [None] * len(first + second)
    assert [line for line in said if "not modified since the last fetch (HTTP 304)" in line] == [
        f"un: {base}/un/consolidated.xml not modified since the last fetch (HTTP 304); reading the cached copy"
    ]
