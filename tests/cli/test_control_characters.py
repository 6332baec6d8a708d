"""Key names, user names and key owners are plain text: control and bidi-override characters are refused
at creation, so `keys list` and the pages never print an escape sequence, on either database."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sanctionwatch.access.keys import ApiKeys
from sanctionwatch.access.roles import AccessError
from sanctionwatch.access.users import Users
from sanctionwatch.db.engine import connect
from tests.cli.runner import run
from tests.postgres import drop_pg_database, make_pg_database

PASSWORD = "a long enough password"
REFUSED = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", *map(chr, range(0x202A, 0x202F)),
           *map(chr, range(0x2066, 0x206A))]  # fmt: skip


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = connect(f"sqlite:///{tmp_path_factory.mktemp('names') / 'registry.db'}")
        yield engine
        engine.dispose()
        return
    admin = request.getfixturevalue("pg_server")
    name, url = make_pg_database(admin)
    engine = connect(url)
    try:
        yield engine
    finally:
        engine.dispose()
        drop_pg_database(admin, name)


@pytest.mark.parametrize("bad", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_names_and_owners_with_control_characters_are_refused(engine: Engine, bad: str) -> None:
    keys, users = ApiKeys(engine), Users(engine)
    before = (len(keys.list()), len(users.list()))
    with pytest.raises(AccessError, match=rf"^name: contains the control character U\+{ord(bad):04X}"):
        keys.create(f"tool{bad}name", "viewer")
    with pytest.raises(AccessError, match=rf"^name: contains the control character U\+{ord(bad):04X}"):
        users.create(f"bo{bad}b", "viewer", PASSWORD)
    with pytest.raises(AccessError, match=rf"^owner: contains the control character U\+{ord(bad):04X}"):
        keys.create("tool", "viewer", owner=f"al{bad}ice")
    assert (len(keys.list()), len(users.list())) == before


def test_ordinary_names_in_any_script_are_accepted(engine: Engine) -> None:
    user = Users(engine).create("Zoë Ünal-李", "analyst", PASSWORD)
    record, _ = ApiKeys(engine).create("Onboarding — Zoë's tool", "analyst", owner=user.name)
    assert (record.name, record.owner) == ("Onboarding — Zoë's tool", "Zoë Ünal-李")


def test_cli_refuses_a_key_name_with_an_escape_sequence(db: Path) -> None:
    refused = run(db, "keys", "create", "--role", "admin", "--name", "\x1b[2J\x1b[Hroot", check=False)
    assert refused.returncode == 1
    assert "name: contains the control character U+001B" in refused.stderr
    assert "\x1b[2J" not in refused.stderr + refused.stdout
    listing = run(db, "keys", "list").stdout
    assert "root" not in listing and "\x1b[2J" not in listing


def test_cli_refuses_a_user_name_with_a_direction_override(db: Path) -> None:
    refused = subprocess.run(
        [sys.executable, "-m", "sanctionwatch", "users", "create", "bob\u202egnp.exe", "--role", "viewer",
         "--password-stdin"],
        input=PASSWORD + "\n", capture_output=True, text=True, timeout=600,
        env={**os.environ, "SANCTIONWATCH_DB": str(db), "COLUMNS": "220"},
    )  # fmt: skip
    assert refused.returncode == 1
    assert "name: contains the control character U+202E" in refused.stderr
