"""Downloads over real HTTP on loopback: conditional requests, retries, refusal of non-list content."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanctionwatch.sources.catalog import SOURCES
from sanctionwatch.sources.fetch import FetchError, SourceUnreachableError, download, fetch_source
from tests.httpserver import ListServerHandler, serve_directory


@pytest.fixture
def mirror(tmp_path: Path, shared_data: Path) -> Path:
    root = tmp_path / "mirror"
    (root / "un").mkdir(parents=True)
    (root / "un" / "consolidated.xml").symlink_to(
        shared_data / "un_consolidated" / "consolidated_2026-02-27.xml"
    )
    return root


def test_download_then_conditional_request_reuses_cache(mirror: Path, tmp_path: Path) -> None:
    target = tmp_path / "cache" / "consolidated.xml"
    with serve_directory(mirror) as base:
        first = download(f"{base}/un/consolidated.xml", target)
        second = download(f"{base}/un/consolidated.xml", target)
    assert not first.not_modified and second.not_modified
    assert target.read_bytes() == (mirror / "un" / "consolidated.xml").read_bytes()


def test_transient_server_errors_are_retried(mirror: Path, tmp_path: Path) -> None:
    with serve_directory(mirror) as base:
        ListServerHandler.behaviour["/un/consolidated.xml"] = ["500", "500"]
        fetched = download(f"{base}/un/consolidated.xml", tmp_path / "c.xml")
        assert ListServerHandler.hits["/un/consolidated.xml"] == 3
    assert fetched.path.stat().st_size > 1_000_000


def test_html_page_is_refused_and_nothing_is_written(mirror: Path, tmp_path: Path) -> None:
    target = tmp_path / "c.xml"
    with serve_directory(mirror) as base:
        ListServerHandler.behaviour["/un/consolidated.xml"] = ["html"]
        with pytest.raises(FetchError, match="text/html"):
            download(f"{base}/un/consolidated.xml", target)
    assert not target.exists()


def test_missing_file_is_a_clear_error(mirror: Path, tmp_path: Path) -> None:
    with serve_directory(mirror) as base, pytest.raises(FetchError, match="HTTP 404"):
        download(f"{base}/un/nothing.xml", tmp_path / "x.xml")


def test_unreachable_host_is_reported_as_such(tmp_path: Path) -> None:
    with pytest.raises(SourceUnreachableError):
        download("http://127.0.0.1:9/consolidated.xml", tmp_path / "x.xml")


def test_fetch_source_from_mirror_directory_and_url(mirror: Path, tmp_path: Path) -> None:
    [local] = fetch_source(SOURCES["un"], tmp_path / "cache", mirror=str(mirror))
    assert local.path == mirror / "un" / "consolidated.xml"
    with serve_directory(mirror) as base:
        [remote] = fetch_source(SOURCES["un"], tmp_path / "cache", mirror=base)
    assert remote.path.read_bytes() == local.path.read_bytes()


def test_mirror_without_the_file_names_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"ofac-sdn/SDN_ADVANCED\.XML"):
        fetch_source(SOURCES["ofac-sdn"], tmp_path, mirror=str(tmp_path))
