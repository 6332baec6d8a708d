"""A database or disk that fails under a command: one clear line (what, which database, that nothing
was activated), exit code 1, no traceback; and indeed nothing activated."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sanctionwatch.cli.app import app
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.update import sample_files
from tests.cli.runner import run, run_json


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def assert_one_clear_line(stderr: str, *expected: str) -> None:
    assert "Traceback" not in stderr
    (line,) = lines(stderr)
    assert line.startswith("error ")
    assert "nothing of it was written or activated" in line
    for part in expected:
        assert part in line


def sample_ofac() -> list[str]:
    return [arg for path in sample_files()["ofac-sdn"] for arg in ("--file", str(path))]


def test_an_unreachable_database_is_one_line_without_the_password(db: Path) -> None:
    url = "postgresql+psycopg://postgres:s3cret@127.0.0.1:1/registry"
    proc = run(db, "update", *sample_ofac(), "--db", url, check=False)
    assert proc.returncode == 1
    assert_one_clear_line(proc.stderr, "the database failed", "postgres:***@127.0.0.1:1/registry")
    assert "s3cret" not in proc.stderr + proc.stdout


def test_an_update_the_database_refuses_half_way_activates_nothing(db: Path) -> None:
    assert run_json(db, "lists") == []  # the registry exists, migrated
    read_only = f"sqlite:///file:{db}?mode=ro&uri=true"
    proc = run(db, "update", *sample_ofac(), "--db", read_only, check=False)
    assert proc.returncode == 1
    assert_one_clear_line(proc.stderr, "attempt to write a readonly database", str(db.name))
    assert run_json(db, "lists") == []


def test_a_full_disk_during_an_update_is_one_line_and_activates_nothing(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(_registry: Registry, *_args: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(db))

    monkeypatch.setattr(Registry, "_store_records", disk_full)
    result = CliRunner().invoke(app, ["update", *sample_ofac(), "--db", str(db)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert_one_clear_line(result.stderr, "No space left on device", "a file operation failed")
    monkeypatch.undo()
    assert run_json(db, "lists") == []
