"""`sanctionwatch keys ...` and `sanctionwatch users ...` end to end, as an administrator scripts them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import update

from sanctionwatch.access.keys import ApiKeys
from sanctionwatch.access.roles import Role
from sanctionwatch.access.tables import users as users_table
from sanctionwatch.access.users import Users
from sanctionwatch.cases.workflow import Actor, Cases
from sanctionwatch.db.engine import connect
from sanctionwatch.monitoring.alerts import Alerts, Finding
from sanctionwatch.screening.query import Hit
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


def test_a_disabled_users_key_neither_authenticates_nor_decides(db: Path) -> None:
    """A person who has left is none of the four eyes, whichever credential they still hold."""
    engine = connect(f"sqlite:///{db}")
    try:
        users = Users(engine)
        users.create("alice", "analyst", "a long enough password")
        users.create("carol", "approver", "a long enough password")
        carol_key = ApiKeys(engine).create("carol's integration", "approver", owner="carol")[1]
        hit = Hit(
            "ofac-sdn:18778", 0.92, ["ofac-sdn:18778"], "TANCHON COMMERCIAL BANK", "TANCHON", "Organization"
        )
        alert_id = int(
            Alerts(engine)
            .raise_alerts([Finding("c-1", "c" * 64, hit, "r" * 64, "ofac-sdn/1")], trigger="customers")
            .created[0]["id"]
        )
        actor = Actor("user:alice", Role.ANALYST)
        Cases(engine).review(alert_id, actor)
        Cases(engine).propose(alert_id, actor, "false_positive", "another bank")
        assert ApiKeys(engine).verify(carol_key) is not None

        run(db, "users", "disable", "carol")
        assert ApiKeys(engine).verify(carol_key) is None
        refused = run_with_key(db, carol_key, "cases", "confirm", str(alert_id))
        assert refused.returncode == 1 and "invalid or revoked API key" in refused.stderr
        assert (Alerts(engine).get(alert_id) or {}).get("status") == "proposed"  # nothing cleared
    finally:
        engine.dispose()


def test_a_key_acts_with_no_more_than_its_users_role_today(db: Path) -> None:
    engine = connect(f"sqlite:///{db}")
    try:
        Users(engine).create("bob", "approver", "a long enough password")
        key = ApiKeys(engine).create("bob's integration", "approver", owner="bob")[1]
        with engine.begin() as conn:
            conn.execute(update(users_table).where(users_table.c.name == "bob").values(role="viewer"))
        record = ApiKeys(engine).verify(key)
        assert record is not None and record.role is Role.VIEWER
    finally:
        engine.dispose()


def run_with_key(db: Path, key: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sanctionwatch", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "SANCTIONWATCH_DB": str(db), "SANCTIONWATCH_API_KEY": key, "COLUMNS": "220"},
        timeout=300,
    )
