"""Crash and race probes, rerun on demand on both databases: what held, what did not.

    .venv/bin/python -m bench.fault_injection [--backend sqlite|postgresql ...] [--rounds N]

Real processes, real faults, the real UN list file (../shared/data/un_consolidated):

- update-kill: `update --file` killed with SIGKILL at several moments; afterwards the registry holds no
  trace of that version or the whole of it, and the next update succeeds.
- import-kill: `customers import` killed with SIGKILL while it screens; the customers still owed a screen
  show in `customers count`, and the same import run again screens every one of them.
- disabled-user: a key issued for a user who is then disabled neither authenticates nor confirms.
- four-eyes-race: eight threads take random case steps on the same twenty alerts; no proposer ever
  confirms their own proposal, each case moves once per step, and the audit chain verifies.
- stray-quote: a customer file with an unclosed quote on row 2: every line is a customer or a row error.
- connection-drop (PostgreSQL): the service's database connections are terminated under load; no
  request gets a 500 (reads retry on a fresh connection, the rest get 503 with Retry-After).

Prints one line per probe and backend; exits 1 when anything did not hold.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
from psycopg import sql
from sqlalchemy import func, select

from sanctionwatch.access.keys import ApiKeys
from sanctionwatch.access.roles import Role
from sanctionwatch.access.users import Users
from sanctionwatch.cases.workflow import Actor, CaseError, Cases
from sanctionwatch.db.engine import connect
from sanctionwatch.monitoring.alerts import Alerts, Finding
from sanctionwatch.monitoring.tables import alerts, customers
from sanctionwatch.registry.audit import AuditLog
from sanctionwatch.registry.tables import list_versions
from sanctionwatch.screening.query import Hit

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("SANCTIONWATCH_SHARED_DATA", ROOT.parent / "shared" / "data"))
UN_FILE = DATA / "un_consolidated" / "consolidated_2026-02-27.xml"
PG_ADMIN = os.environ.get("SANCTIONWATCH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
PASSWORD = "a long enough password"


@dataclass(frozen=True)
class Outcome:
    probe: str
    backend: str
    held: bool
    detail: str


# ---- databases and processes ----------------------------------------------------------------------


@contextmanager
def scratch_database(backend: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / f'{uuid.uuid4().hex[:8]}.db'}"
        return
    name = f"sw_fault_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def start(database: str, *args: str, key: str | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "SANCTIONWATCH_DB": database, "COLUMNS": "200"}
    if key:
        env["SANCTIONWATCH_API_KEY"] = key
    return subprocess.Popen(
        [sys.executable, "-m", "sanctionwatch", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(database: str, *args: str, key: str | None = None) -> tuple[int, str, str]:
    proc = start(database, *args, key=key)
    out, err = proc.communicate(timeout=900)
    return proc.returncode, out, err


def scalar(database: str, query: object) -> int:
    engine = connect(database)
    try:
        with engine.connect() as conn:
            return int(conn.execute(query).scalar_one())  # type: ignore[call-overload]
    finally:
        engine.dispose()


# ---- the probes -------------------------------------------------------------------------------------


def update_kill(database: str, folder: Path, rounds: int) -> Outcome:
    assert finish(database, "update", "--file", str(UN_FILE))[0] == 0
    complete = scalar(database, select(func.max(list_versions.c.entity_count)))
    bad: list[str] = []
    for delay in [0.3 + 0.7 * i for i in range(rounds)]:
        proc = start(database, "update", "--file", str(UN_FILE), "--force")
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
        listing = json.loads(finish(database, "lists", "--json")[1])
        partial = [v for v in listing if v["entities"] not in (0, complete)]
        active = [v for v in listing if v["active"]]
        if partial or len(active) != 1 or active[0]["entities"] != complete:
            bad.append(f"after {delay:.1f} s: {listing}")
    code = finish(database, "update", "--file", str(UN_FILE), "--force")[0]
    if code != 0:
        bad.append(f"the next update exited {code}")
    return Outcome("update-kill", "", not bad, "; ".join(bad) or f"{rounds} kills, no partial version")


def customer_file(path: Path, count: int) -> Path:
    rng = random.Random(count)
    first = ["Anna", "Peter", "Maria", "John", "Wei", "Olga", "Hans", "Greta", "Jose", "Lucia"]
    last = ["Smith", "Muller", "Garcia", "Ivanov", "Chen", "Tanaka", "Rossi", "Dubois", "Novak"]
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "name", "schema", "country"])
        for i in range(count):
            writer.writerow(
                [f"C-{i}", f"{rng.choice(first)} {rng.choice(last)} {rng.choice(last)}", "Person", "DE"]
            )
        writer.writerow(["K-1", "Kim Jong-un", "Person", "KP"])
    return path


def import_kill(database: str, folder: Path, rounds: int) -> Outcome:
    assert finish(database, "update", "--sample")[0] == 0
    count = 40_000
    path = customer_file(folder / "customers.csv", count)
    owed = 0
    for _ in range(max(rounds, 1)):
        proc = start(database, "customers", "import", str(path))
        while proc.poll() is None:
            screened = scalar(
                database,
                select(func.count()).select_from(customers).where(customers.c.screened_at.is_not(None)),
            )
            if screened:
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.005)
        proc.communicate()
        shown = json.loads(finish(database, "customers", "count", "--json")[1])
        owed = shown["unscreened"]
        if owed:
            break
    if not owed:
        return Outcome("import-kill", "", True, "the kill never landed mid-screen (nothing was owed)")
    code, out, _err = finish(database, "customers", "import", str(path), "--json")
    made_up = json.loads(out)["screening"]["customers_screened"] if code == 0 else 0
    left = json.loads(finish(database, "customers", "count", "--json")[1])["unscreened"]
    alerted = "K-1" in {a["customer_id"] for a in json.loads(finish(database, "alerts", "list", "--json")[1])}
    held = made_up == owed and left == 0 and alerted
    return Outcome("import-kill", "", held, f"{owed} owed after the kill, {made_up} made up, {left} left")


def _alert(database: str, customer_id: str) -> int:
    engine = connect(database)
    try:
        hit = Hit("un:KPe.001", 0.92, ["un:KPe.001"], "TANCHON COMMERCIAL BANK", "TANCHON", "Organization")
        raised = Alerts(engine).raise_alerts(
            [Finding(customer_id, "c" * 64, hit, "r" * 64, "un/1")], trigger="customers"
        )
        return int(raised.created[0]["id"])
    finally:
        engine.dispose()


def disabled_user(database: str, folder: Path, rounds: int) -> Outcome:
    engine = connect(database)
    try:
        Users(engine).create("alice", "analyst", PASSWORD)
        Users(engine).create("carol", "approver", PASSWORD)
        key = ApiKeys(engine).create("carol's integration", "approver", owner="carol")[1]
    finally:
        engine.dispose()
    alert_id = _alert(database, "leaver-case")
    engine = connect(database)
    try:
        Cases(engine).review(alert_id, Actor("user:alice", Role.ANALYST))
        Cases(engine).propose(alert_id, Actor("user:alice", Role.ANALYST), "false_positive", "other bank")
    finally:
        engine.dispose()
    assert finish(database, "users", "disable", "carol")[0] == 0
    code, _out, err = finish(database, "cases", "confirm", str(alert_id), key=key)
    status = scalar(database, select(func.count()).select_from(alerts).where(alerts.c.status == "proposed"))
    held = code != 0 and status == 1
    return Outcome("disabled-user", "", held, f"confirm exited {code}: {err.strip()[:80]}")


def four_eyes_race(database: str, folder: Path, rounds: int) -> Outcome:
    engine = connect(database)
    people = {f"p{i}": Role.APPROVER for i in range(8)}
    try:
        for name, role in people.items():
            Users(engine).create(name, role.value, PASSWORD)
    finally:
        engine.dispose()
    ids = [_alert(database, f"race-{i}") for i in range(20)]
    steps: list[Callable[[Cases, int, Actor], None]] = [
        lambda c, a, me: c.review(a, me),
        lambda c, a, me: c.propose(a, me, "false_positive", "race"),
        lambda c, a, me: c.confirm(a, me),
        lambda c, a, me: c.send_back(a, me, "race"),
        lambda c, a, me: c.comment(a, me, "race"),
    ]

    def work(worker: int) -> None:
        rng = random.Random(worker)
        own = connect(database)
        try:
            cases, me = Cases(own), Actor(f"user:p{worker}", Role.APPROVER)
            for _ in range(150 * max(rounds, 1)):
                with suppress(CaseError):
                    rng.choice(steps)(cases, rng.choice(ids), me)
        finally:
            own.dispose()

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine = connect(database)
    try:
        with engine.connect() as conn:
            own_confirmed = conn.execute(
                select(func.count()).select_from(alerts).where(alerts.c.confirmed_by == alerts.c.proposed_by)
            ).scalar_one()
        chain = AuditLog(engine).verify()
    finally:
        engine.dispose()
    held = own_confirmed == 0 and chain.ok
    return Outcome(
        "four-eyes-race", "", held, f"self-confirmed cases: {own_confirmed}; audit chain ok: {chain.ok}"
    )


def stray_quote(database: str, folder: Path, rounds: int) -> Outcome:
    assert finish(database, "update", "--sample")[0] == 0
    path = folder / "stray.csv"
    lines = ["id,name,country", "Q-0001,Anna Schmidt,DE", 'Q-0002,"Stray quote Person,DE']
    lines += [f"Q-{i:04d},Person Number{i},DE" for i in range(3, 1003)]
    path.write_text("\n".join(lines) + "\n")
    _code, out, _err = finish(database, "customers", "import", str(path), "--no-screen", "--json")
    report = json.loads(out)
    accounted = report["added"] + report["updated"] + report["unchanged"] + report["rejected"]
    return Outcome(
        "stray-quote",
        "",
        accounted == 1002,
        f"{accounted} of 1002 rows accounted for: {report['rejected']} rejected",
    )


def connection_drop(database: str, folder: Path, rounds: int) -> Outcome:
    if not database.startswith("postgresql"):
        return Outcome("connection-drop", "", True, "PostgreSQL only")
    assert finish(database, "update", "--sample")[0] == 0
    engine = connect(database)
    try:
        key = ApiKeys(engine).create("probe", "analyst")[1]
    finally:
        engine.dispose()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = start(database, "serve", "--port", str(port), "--workers", "1")
    url = f"http://127.0.0.1:{port}"
    statuses: dict[int, int] = {}
    try:
        for _ in range(120):
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        name = database.rsplit("/", 1)[1]
        headers = {"Authorization": f"ApiKey {key}"}
        with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
            for i in range(200 * max(rounds, 1)):
                if i % 10 == 5:
                    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                        admin.execute(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = %s AND pid <> pg_backend_pid()",
                            (name,),
                        )
                answer = (
                    client.get("/lists") if i % 2 else client.post("/screen", json={"name": "Kim Jong Un"})
                )
                statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=60)
    errors = sum(n for code, n in statuses.items() if code >= 500 and code != 503)
    return Outcome("connection-drop", "", errors == 0, f"answers by status: {dict(sorted(statuses.items()))}")


PROBES: dict[str, Callable[[str, Path, int], Outcome]] = {
    "update-kill": update_kill,
    "import-kill": import_kill,
    "disabled-user": disabled_user,
    "four-eyes-race": four_eyes_race,
    "stray-quote": stray_quote,
    "connection-drop": connection_drop,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--probe", action="append", choices=list(PROBES))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="sw-faults-") as scratch:
        for backend in args.backend or ["sqlite", "postgresql"]:
            for name in args.probe or list(PROBES):
                folder = Path(scratch) / f"{backend}-{name}"
                folder.mkdir()
                with scratch_database(backend, folder) as database:
                    started = time.perf_counter()
                    try:
                        outcome = PROBES[name](database, folder, args.rounds)
                    except Exception as exc:  # a probe that crashed did not show that anything held
                        outcome = Outcome(name, "", False, f"probe failed: {exc!r}")
                outcome = Outcome(name, backend, outcome.held, outcome.detail)
                outcomes.append(outcome)
                print(
                    f"{'held' if outcome.held else 'NOT HELD':9} {name:16} {backend:10} "
                    f"{time.perf_counter() - started:6.1f} s  {outcome.detail}",
                    flush=True,
                )
    failed = [o for o in outcomes if not o.held]
    print(f"{len(outcomes) - len(failed)} held, {len(failed)} not held")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
