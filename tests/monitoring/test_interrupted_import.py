"""An import killed (kill -9) while it screens leaves no customer unscreened for good, and says so meanwhile.

Real processes on both backends: `customers import` is killed as soon as its screening phase has marked
its first customers screened; then the customers still owed a screen must show (`customers count`), and
the next screening command (the same import again, or an update) must screen them and raise their alerts.
"""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sanctionwatch.db.engine import connect
from sanctionwatch.monitoring.tables import customers

LISTED = ("K-1", "Kim Jong-un")  # on the shipped sample list: an alert is owed once it is screened
FIRST = ["Anna", "Peter", "Maria", "John", "Wei", "Olga", "Hans", "Greta", "Jose", "Lucia", "Kenji", "Yuki"]
LAST = ["Smith", "Muller", "Garcia", "Ivanov", "Chen", "Tanaka", "Rossi", "Dubois", "Novak", "Silva"]


@pytest.fixture
def database(database_url: str) -> str:
    return database_url


def cli(database: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "SANCTIONWATCH_DB": database, "COLUMNS": "220"}
    return subprocess.Popen(
        [sys.executable, "-m", "sanctionwatch", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(database: str, *args: str) -> subprocess.CompletedProcess[str]:
    proc = cli(database, *args)
    out, err = proc.communicate(timeout=600)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def customer_file(path: Path, count: int) -> Path:
    rng = random.Random(count)
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "name", "schema", "country"])
        for i in range(count):
            writer.writerow(
                [f"C-{i}", f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}", "Person", "DE"]
            )
        writer.writerow([*LISTED, "Person", "KP"])
    return path


def screened(database: str) -> tuple[int, int]:
    """(customers, of them screened)."""
    engine = connect(database)
    try:
        with engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(customers)).scalar_one()
            done = conn.execute(
                select(func.count()).select_from(customers).where(customers.c.screened_at.is_not(None))
            ).scalar_one()
        return int(total), int(done)
    finally:
        engine.dispose()


def import_killed_while_screening(database: str, path: Path, expected: int) -> None:
    """Start the import and kill -9 it once it has marked its first customers screened."""
    proc = cli(database, "customers", "import", str(path))
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            total, done = screened(database)
            if total == expected and done > 0:
                break
            time.sleep(0.005)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()


@pytest.mark.postgres
def test_customers_left_unscreened_by_a_kill_show_and_are_made_up_by_the_next_run(
    database: str, tmp_path: Path
) -> None:
    assert finished(database, "update", "--sample").returncode == 0
    count = 40_000
    path = customer_file(tmp_path / "customers.csv", count)
    unscreened = 0
    for _attempt in range(3):  # the kill must land inside the screening phase; a bigger file if it did not
        import_killed_while_screening(database, path, count + 1)
        total, done = screened(database)
        unscreened = total - done
        if unscreened:
            break
        path = customer_file(tmp_path / "customers.csv", count := count * 2)
    assert total == count + 1 and unscreened > 0, "the kill never landed while customers were unscreened"

    # It shows: the count says how many are owed a screen.
    shown = finished(database, "customers", "count", "--json")
    assert json.loads(shown.stdout) == {"customers": total, "unscreened": unscreened}
    human = finished(database, "customers", "count")
    assert f"{unscreened} customer(s) not screened yet" in human.stderr

    # The same import again changes no customer, yet screens every one still owed (the listed one too).
    again = finished(database, "customers", "import", str(path), "--json")
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["added"] == 0 and report["updated"] == 0
    assert report["screening"]["customers_screened"] == unscreened
    assert screened(database) == (total, total)
    alerts = json.loads(finished(database, "alerts", "list", "--json").stdout)
    assert [a["customer_id"] for a in alerts] == [LISTED[0]]


@pytest.mark.postgres
def test_an_update_makes_up_the_customers_an_interrupted_import_left(database: str, tmp_path: Path) -> None:
    assert finished(database, "update", "--sample").returncode == 0
    count = 40_000
    path = customer_file(tmp_path / "customers.csv", count)
    import_killed_while_screening(database, path, count + 1)
    total, done = screened(database)
    if total - done == 0:
        pytest.fail("the kill did not land while customers were unscreened; enlarge the file")
    updated = finished(database, "update", "--sample")
    assert updated.returncode == 0, updated.stderr
    assert f"screened {total - done} customer(s) left unscreened" in updated.stderr
    assert screened(database) == (total, total)
    alerts = json.loads(finished(database, "alerts", "list", "--json").stdout)
    assert LISTED[0] in {a["customer_id"] for a in alerts}
