"""The layering contracts (import-linter, configured in pyproject.toml) hold, and do fail when a layer is crossed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(project / "pyproject.toml"), "--no-cache"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def copy_of_the_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(
        ROOT / "sanctionwatch", project / "sanctionwatch", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    return project


def test_the_layers_hold() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "added_import", "reported"),
    [
        # a lower stage importing a higher one
        (
            "registry/store.py",
            "from sanctionwatch.screening import jobs",
            "sanctionwatch.registry is not allowed to import sanctionwatch.screening",
        ),
        # the API may not import the pages that are built on it
        (
            "api/app.py",
            "from sanctionwatch.web import routes",
            "sanctionwatch.api is not allowed to import sanctionwatch.web",
        ),
        # two packages on one level are independent
        (
            "config.py",
            "from sanctionwatch import errors",
            "sanctionwatch.config is not allowed to import sanctionwatch.errors",
        ),
    ],
)
def test_crossing_a_layer_breaks_the_contract(
    tmp_path: Path, module: str, added_import: str, reported: str
) -> None:
    project = copy_of_the_project(tmp_path)
    path = project / "sanctionwatch" / module
    path.write_text(path.read_text() + f"\n{added_import}  # noqa: E402\n")
    result = lint_imports(project)
    assert result.returncode != 0
    assert reported in result.stdout
