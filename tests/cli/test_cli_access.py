"""`sanctionwatch keys ...` and `sanctionwatch users ...` end to end, as an administrator scripts them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sanctionwatch.access.keys import ApiKeys
from sanctionwatch.access.users import Users
from sanctionwatch.registry.database import connect
from tests.cli.runner import run


def test_key_is_the_last_word_works_and_is_never_shown_again(db: Path) -> None:
    created = run(db, "keys", "create", "--role", "analyst", "--name", "onboarding system")
    key = created.stdout.split()[-1]
    engine = connect(f"sqlite:///{db}")
    try:
        record = ApiKeys(engine).verify(key)
        assert record is not None and record.role.value == "analyst" and record.name == "onboarding system"
        listing = run(db, "keys", "list").stdout
        assert "onboarding system" in listing and key not in listing and key[:10] in listing
        run(db, "keys", "revoke", str(record.id))
        assert ApiKeys(engine).verify(key) is None
    finally:
        engine.dispose()


def test_unknown_role_and_unknown_key_are_clear_errors(db: Path) -> None:
    bad_role = run(db, "keys", "create", "--role", "superuser", "--name", "x", check=False)
    assert bad_role.returncode == 1 and "unknown role 'superuser'" in bad_role.stderr
    missing = run(db, "keys", "revoke", "4242", check=False)
    assert missing.returncode == 1 and "no API key with id 4242" in missing.stderr


def test_user_created_from_stdin_can_log_in_and_be_disabled(db: Path) -> None:
    password = "a long enough password"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sanctionwatch",
            "users",
            "create",
            "alice",
            "--role",
            "approver",
            "--password-stdin",
        ],
        input=password + "\n",
        capture_output=True,
        text=True,
        env={"SANCTIONWATCH_DB": str(db), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert password not in proc.stdout + proc.stderr
    engine = connect(f"sqlite:///{db}")
    try:
        assert Users(engine).authenticate("alice", password) is not None
        assert Users(engine).authenticate("alice", "wrong password!!") is None
        run(db, "users", "disable", "alice")
        assert Users(engine).authenticate("alice", password) is None
    finally:
        engine.dispose()
    short = run(db, "users", "create", "bob", "--role", "viewer", "--password-stdin", check=False)
    assert short.returncode == 1 and "shorter than" in short.stderr
