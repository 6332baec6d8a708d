"""The layering contracts (import-linter, configured in pyproject.toml) hold, and do fail when a layer is crossed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

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


def test_a_lower_layer_importing_a_higher_one_breaks_the_contract(tmp_path: Path) -> None:
    project = copy_of_the_project(tmp_path)
    store = project / "sanctionwatch" / "registry" / "store.py"
    store.write_text(store.read_text() + "\nfrom sanctionwatch.screening import jobs  # noqa: E402\n")
    result = lint_imports(project)
    assert result.returncode != 0
    assert "sanctionwatch.registry is not allowed to import sanctionwatch.screening" in result.stdout
    assert "sanctionwatch.registry.store -> sanctionwatch.screening.jobs" in result.stdout


def test_the_api_may_not_import_the_pages(tmp_path: Path) -> None:
    project = copy_of_the_project(tmp_path)
    app = project / "sanctionwatch" / "api" / "app.py"
    app.write_text(app.read_text() + "\nfrom sanctionwatch.web import routes  # noqa: E402\n")
    result = lint_imports(project)
    assert result.returncode != 0
    assert "sanctionwatch.api is not allowed to import sanctionwatch.web" in result.stdout
