"""Shared fixtures: the real official list files beside the project, and scratch space."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _shared_data_dir() -> Path:
    override = os.environ.get("SANCTIONWATCH_SHARED_DATA")
    return Path(override) if override else PROJECT_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real list files (../shared/data). Missing data fails loudly in CI and skips elsewhere."""
    path = _shared_data_dir()
    if not path.is_dir():
        message = f"real list data not found at {path} (set SANCTIONWATCH_SHARED_DATA)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES
