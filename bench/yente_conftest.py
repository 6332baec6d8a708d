"""The conftest.py that bench.yente_compat puts next to yente's HTTP tests: Sanctionwatch's own stand-in
for what those tests import from `.conftest`, so that they run against a Sanctionwatch server over HTTP.

Written for Sanctionwatch from yente's documented API contract, not taken from yente. It provides:

- `client`: an HTTP client for the running server (base URL and API key header set), which maps yente's
  fixture dataset names to Sanctionwatch's in request paths and in the `include_dataset` /
  `exclude_dataset` parameters; nothing else about a request is changed.
- `assert_entity_shape`: the entity contract every /search, /match and /entities answer must keep.
- `zala_test_dataset`, `parteispenden_test_dataset`: no-op fixtures (the harness imported the data before
  the server started).
- Stand-ins for yente's in-process helpers (catalog manifests, index names) and for the `yente` package
  itself: the tests that use them are deselected by the harness as tests of yente's internals; if one
  ever runs, the stand-in fails it loudly rather than letting it pass on a fake.

The harness passes the server, the key and the mappings in SANCTIONWATCH_YENTE_COMPAT (JSON).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import json
import os
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime
from types import ModuleType
from typing import Any

import httpx
import pytest
from followthemoney import model

CONFIG: dict[str, Any] = json.loads(os.environ["SANCTIONWATCH_YENTE_COMPAT"])
DATASETS: dict[str, str] = CONFIG["datasets"]  # yente fixture dataset -> Sanctionwatch dataset
SETTINGS: dict[str, Any] = CONFIG["settings"]  # plain values of yente's settings that tests read
DATASET_PARAMS = ("include_dataset", "exclude_dataset")


class YenteInternal:
    """Stands for a piece of yente's own code that an HTTP test cannot reach; any use of it fails."""

    def __init__(self, name: str) -> None:
        self._name = name

    def _refuse(self, *args: object, **kwargs: object) -> Any:
        raise RuntimeError(
            f"{self._name} is yente's own code, not reachable over HTTP (an internal test ran)"
        )

    __call__ = _refuse
    __enter__ = _refuse
    __aenter__ = _refuse
    __iter__ = _refuse

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return YenteInternal(f"{self._name}.{attr}")


class _YenteModule(ModuleType):
    """A module of the `yente` package: its settings that are plain values (from the harness's table),
    and stand-ins for everything else."""

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        if self.__name__ == "yente.settings" and attr in SETTINGS:
            return SETTINGS[attr]
        if self.__name__ == "yente" and attr == "settings":  # `from yente import settings`
            return importlib.import_module("yente.settings")
        return YenteInternal(f"{self.__name__}.{attr}")


class _YenteFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Answers `import yente...` (yente itself is not installed): the test modules import it at the top,
    though only their internal tests use it."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname == "yente" or fullname.startswith("yente."):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = _YenteModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module: ModuleType) -> None:
        return None


sys.meta_path.insert(0, _YenteFinder())


def _map_dataset(name: str) -> str:
    return DATASETS.get(name, name)


class CompatClient(httpx.Client):
    """An httpx client (the interface of yente's TestClient) for the Sanctionwatch server, mapping the
    fixture dataset names on the way out."""

    def build_request(self, method: str, url: httpx.URL | str, **kwargs: Any) -> httpx.Request:
        request = super().build_request(method, url, **kwargs)
        path = "/".join(_map_dataset(part) for part in request.url.path.split("/"))
        request.url = request.url.copy_with(path=path)
        items = request.url.params.multi_items()
        mapped: list[tuple[str, str | int | float | bool | None]] = [
            (key, _map_dataset(value) if key in DATASET_PARAMS else value) for key, value in items
        ]
        if mapped != items:  # otherwise the query string goes out exactly as the test wrote it
            request.url = request.url.copy_with(query=str(httpx.QueryParams(mapped)).encode("ascii"))
        return request


client = CompatClient(
    base_url=CONFIG["url"], headers={"Authorization": f"ApiKey {CONFIG['key']}"}, timeout=60
)

REQUIRED_ENTITY_KEYS = (
    "id",
    "caption",
    "schema",
    "properties",
    "datasets",
    "referents",
    "target",
    "first_seen",
    "last_seen",
    "last_change",
)


def _assert_timestamp(key: str, value: object) -> None:
    """yente sends first_seen / last_seen / last_change as ISO 8601 to the second, without a zone."""
    assert isinstance(value, str), f"{key}: {value!r} is not a string"
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is None and parsed.microsecond == 0, f"{key}: {value!r}"
    assert parsed.isoformat(timespec="seconds") == value, f"{key}: {value!r} is not YYYY-MM-DDTHH:MM:SS"


def assert_entity_shape(data: dict[str, Any]) -> None:
    """An entity as /search, /match and /entities send it: every documented key, each of its type."""
    missing = [key for key in REQUIRED_ENTITY_KEYS if key not in data]
    assert not missing, f"entity lacks {missing}; has {sorted(data)}"
    for key in ("id", "caption"):
        assert isinstance(data[key], str) and data[key], f"{key}: {data[key]!r}"
    assert isinstance(data["schema"], str) and model.get(data["schema"]) is not None, data["schema"]
    properties = data["properties"]
    assert isinstance(properties, dict), properties
    for prop, values in properties.items():
        assert isinstance(values, list), f"properties.{prop}: {values!r} is not a list"
        for value in values:
            if isinstance(value, dict):  # an adjacent entity, inlined by nested=true
                assert_entity_shape(value)
            else:
                assert isinstance(value, str), f"properties.{prop}: {value!r} is not a string"
    for key in ("datasets", "referents"):
        assert isinstance(data[key], list), f"{key}: {data[key]!r}"
        assert all(isinstance(item, str) and item for item in data[key]), f"{key}: {data[key]!r}"
    assert isinstance(data["target"], bool), f"target: {data['target']!r}"
    for key in ("first_seen", "last_seen", "last_change"):
        if data[key] is not None:
            _assert_timestamp(key, data[key])


@pytest.fixture
def zala_test_dataset() -> Iterator[None]:
    """The zala fixture dataset: imported by the harness before the server started."""
    yield


@pytest.fixture
def parteispenden_test_dataset() -> Iterator[None]:
    """The parteispenden fixture dataset: imported by the harness before the server started."""
    yield


# yente's in-process helpers (its catalog and Elasticsearch index), which only its internal tests use.
ZALA_MANIFEST = YenteInternal("conftest.ZALA_MANIFEST")
PARTEISPENDEN_MANIFEST = YenteInternal("conftest.PARTEISPENDEN_MANIFEST")
build_index_alias_name_for_fixture = YenteInternal("conftest.build_index_alias_name_for_fixture")
patch_yente_catalog = YenteInternal("conftest.patch_yente_catalog")
patch_catalog_response = YenteInternal("conftest.patch_catalog_response")


def pytest_configure(config: pytest.Config) -> None:
    # yente's async internal tests carry this mark; they are deselected, but the mark must be known.
    config.addinivalue_line("markers", "asyncio: an async test (yente's internal tests only)")
