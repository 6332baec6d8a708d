"""The one error tree: every public error class of the package descends from SanctionwatchError, is
drawn in the tree of `sanctionwatch.errors`, and maps to a status and an exit code; the API and the CLI
each report it through their one handler."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path

import pytest
import typer
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import sanctionwatch
from sanctionwatch import errors
from sanctionwatch.access.roles import AccessError, AccessNotFoundError
from sanctionwatch.api.app import create_app
from sanctionwatch.api.limits import BusyError
from sanctionwatch.api.state import NotReadyError
from sanctionwatch.cases.workflow import CaseConflictError, CaseError, CaseNotFoundError, NotAllowedError
from sanctionwatch.cli.common import command_group
from sanctionwatch.errors import SanctionwatchError
from sanctionwatch.monitoring.webhooks import PrivateAddressError, UnknownWebhookError, WebhookUrlError
from sanctionwatch.registry.audit import AuditError
from sanctionwatch.registry.store import RegistryError
from sanctionwatch.screening.batchio import RowError
from sanctionwatch.screening.query import QueryError
from sanctionwatch.sources.fetch import FetchError, SourceUnreachableError
from tests.service.conftest import make_settings


def _public_error_classes() -> Iterator[type[BaseException]]:
    """Every public exception class defined in a module of the package (`__main__` runs the CLI)."""
    for module_info in pkgutil.walk_packages(sanctionwatch.__path__, "sanctionwatch."):
        if module_info.name.endswith("__main__"):
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
                and not name.startswith("_")
            ):
                yield value


PUBLIC = sorted(set(_public_error_classes()), key=lambda c: f"{c.__module__}.{c.__name__}")


def test_the_walk_finds_the_errors_of_every_layer() -> None:
    found = set(PUBLIC)
    assert {QueryError, RowError, NotReadyError, CaseError, SourceUnreachableError, AuditError} <= found
    assert SanctionwatchError in found  # the root itself, from sanctionwatch.errors


@pytest.mark.parametrize("cls", PUBLIC, ids=lambda c: c.__name__)
def test_every_public_error_is_in_the_tree(cls: type[BaseException]) -> None:
    assert issubclass(cls, SanctionwatchError), f"{cls.__module__}.{cls.__name__} is outside the error tree"
    assert 400 <= HTTPStatus(cls.http_status) < 600  # a known status, and an error's
    assert isinstance(cls.exit_code, int) and 1 <= cls.exit_code <= 125
    assert cls.cli_label in ("error", "refused")
    # The module docstring draws the tree: a class missing from it is a tree that lies.
    assert errors.__doc__ is not None and cls.__name__ in errors.__doc__


@pytest.mark.parametrize(
    ("cls", "status", "exit_code"),
    [
        (QueryError, 400, 1),
        (RowError, 400, 1),
        (CaseError, 400, 1),
        (CaseNotFoundError, 404, 1),
        (NotAllowedError, 403, 1),
        (CaseConflictError, 409, 1),
        (AccessError, 400, 1),
        (AccessNotFoundError, 404, 1),
        (WebhookUrlError, 400, 1),
        (PrivateAddressError, 400, 1),
        (UnknownWebhookError, 404, 1),
        (RegistryError, 404, 1),
        (NotReadyError, 503, 1),
        (BusyError, 503, 1),
        (AuditError, 500, 1),
        (FetchError, 502, 1),
        (SourceUnreachableError, 502, 3),
    ],
)
def test_the_mapping_the_interfaces_promise(
    cls: type[SanctionwatchError], status: int, exit_code: int
) -> None:
    assert (cls.http_status, cls.exit_code) == (status, exit_code)


def test_built_in_bases_that_callers_catch_are_kept() -> None:
    assert issubclass(QueryError, ValueError) and issubclass(AccessNotFoundError, AccessError)
    assert issubclass(WebhookUrlError, ValueError) and issubclass(PrivateAddressError, ValueError)
    assert issubclass(UnknownWebhookError, LookupError) and issubclass(AuditError, RuntimeError)
    assert issubclass(CaseNotFoundError, CaseError) and CaseNotFoundError.cli_label == "refused"


def test_the_errors_module_imports_nothing_from_the_project() -> None:
    source = Path(errors.__file__).read_text(encoding="utf-8")
    assert "import sanctionwatch" not in source and "from sanctionwatch" not in source


# ---- the API's handler ----------------------------------------------------------------------------------


@pytest.fixture
def app(tmp_path: Path) -> Iterator[FastAPI]:
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'registry.db'}", tmp_path))

    @app.get("/raise/{kind}")
    def raising(kind: str) -> None:
        raise {
            "conflict": CaseConflictError("alert 3 is closed"),
            "busy": BusyError("too many uploads at once", retry_after=7),
            "not-ready": NotReadyError("the index is being built"),
            "audit": AuditError("audit_head row missing"),
        }[kind]

    yield app
    app.state.service.registry.close()


def test_the_api_answers_with_the_class_status_and_headers(app: FastAPI) -> None:
    client = TestClient(app, raise_server_exceptions=False)
    conflict = client.get("/raise/conflict")
    assert (conflict.status_code, conflict.json()) == (409, {"detail": "alert 3 is closed"})
    busy = client.get("/raise/busy")
    assert (busy.status_code, busy.headers["retry-after"]) == (503, "7")
    assert client.get("/raise/not-ready").headers["retry-after"] == "5"
    # A 500 is left to the server (logged with its traceback), not turned into an answer of ours.
    audit = client.get("/raise/audit")
    assert audit.status_code == 500 and "audit_head" not in audit.text
    with pytest.raises(AuditError):
        TestClient(app).get("/raise/audit")


# ---- the CLI's handler ----------------------------------------------------------------------------------


def _cli(error: Exception) -> typer.Typer:
    cli = command_group()
    group = command_group()
    cli.add_typer(group, name="group")

    @group.command("fail")
    def fail() -> None:
        raise error

    @cli.command("other")
    def other() -> None:
        raise error

    return cli


@pytest.mark.parametrize(
    ("error", "line", "exit_code"),
    [
        (CaseConflictError("alert 3 is closed"), "refused alert 3 is closed", 1),
        (AccessNotFoundError("no API key with id 4242"), "error no API key with id 4242", 1),
        (SourceUnreachableError("ofac-sdn: no network"), "error ofac-sdn: no network", 3),
    ],
)
def test_the_cli_prints_one_line_and_exits_with_the_class_code(
    error: SanctionwatchError, line: str, exit_code: int
) -> None:
    for command in (["group", "fail"], ["other"]):
        result = CliRunner().invoke(_cli(error), command)
        assert result.exit_code == exit_code
        assert result.output.strip() == line
        assert not isinstance(result.exception, SanctionwatchError)


def test_the_cli_leaves_other_exceptions_to_be_seen() -> None:
    result = CliRunner().invoke(_cli(ValueError("a bug")), ["other"])
    assert isinstance(result.exception, ValueError)
