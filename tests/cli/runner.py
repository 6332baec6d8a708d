"""Running the `sanctionwatch` command as a user would: a subprocess, its own registry file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def run(db: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SANCTIONWATCH_DB": str(db),
        "SANCTIONWATCH_CACHE": str(db.parent / "cache"),
        "COLUMNS": "220",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "sanctionwatch", *args], capture_output=True, text=True, env=env, timeout=600
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


def run_json(db: Path, *args: str) -> Any:
    return json.loads(run(db, *args, "--json").stdout)


PASSWORD = "correct horse battery staple"


def run_with_password(db: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """The command with the users' password (PASSWORD) in the environment, as a script would pass it."""
    os.environ["SANCTIONWATCH_PASSWORD"] = PASSWORD
    try:
        return run(db, *args, check=check)
    finally:
        os.environ.pop("SANCTIONWATCH_PASSWORD", None)
