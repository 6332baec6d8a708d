"""`--receipts` of the commands that screen the customer base, end to end (issue 22): `customers import`,
`rescreen [--full]`, and an `update` or `activate` whose delta screens some customers each write a signed
receipt per customer screened, which verifies with the public key and replays to the same hits.

One deployment per module (an internal list of made-up parties and a signing key, made by the
commands); each test works on a copy of its registry file.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanctionwatch.cli.app import app
from sanctionwatch.evidence.signing import load_public_key
from sanctionwatch.evidence.verify import verify_file
from tests.cli.runner import run, run_json
from tests.cli.test_receipt_cli import KEY_ENV, joined, receipts_in, replayed
from tests.evidence.receipt_lists import WATCH, WATCHED, WATCHED_ID, watch_list

CUSTOMERS = (
    "id,name,schema,birth_date,country,segment\n"
    f"c-corvin,{WATCHED},Company,,ae,corporate\n"
    "c-quentin,Quentin Farrowdale;Q. Farrowdale,Person,1971,gb|ie,retail\n"  # two names, two countries
    "c-ada,Ada Lovelace,Person,1815-12-10,gb,retail\n"
)


@dataclass(frozen=True)
class Deployment:
    db: Path
    key: Path


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    scratch = tmp_path_factory.mktemp("monitoring-receipts")
    db, key = scratch / "registry.db", scratch / "signing-key.pem"
    with pytest.MonkeyPatch.context() as env:
        env.setenv(KEY_ENV, str(key))
        run(db, "update", "--source", WATCH, "--file", str(watch_list(scratch / "watch-1.csv", version=1)))
        run(db, "receipt", "init-key")
    return Deployment(db, key)


@pytest.fixture
def db(deployment: Deployment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the deployment's registry, and its key for the commands."""
    monkeypatch.setenv(KEY_ENV, str(deployment.key))
    copy = tmp_path / "registry.db"
    shutil.copyfile(deployment.db, copy)
    return copy


def customers_file(tmp_path: Path) -> Path:
    path = tmp_path / "customers.csv"
    path.write_text(CUSTOMERS, encoding="utf-8")
    return path


def verified(path: Path, key: Path) -> None:
    """Every receipt of the file holds, checked with the public key alone."""
    checks = list(verify_file(path, load_public_key(key)))
    assert checks and all(c.ok for c in checks), [c.to_json() for c in checks if not c.ok]


def test_import_rescreen_and_an_update_delta_write_receipts_that_verify_and_replay(
    db: Path, deployment: Deployment, tmp_path: Path
) -> None:
    imported = tmp_path / "import.jsonl"
    report = run_json(db, "customers", "import", str(customers_file(tmp_path)), "--receipts", str(imported))
    assert report["screening"]["customers_screened"] == 3
    documents = receipts_in(imported)
    by_customer = {d["extra"]["customer"]: d for d in documents}
    assert set(by_customer) == {"c-corvin", "c-quentin", "c-ada"}
    assert {(d["channel"], d["extra"]["kind"], d["extra"]["run"]) for d in documents} == {
        ("monitoring", "customers", report["screening"]["run"])
    }
    corvin = by_customer["c-corvin"]
    assert corvin["result"]["outcome"] == "hit" and corvin["result"]["hits"][0]["entity_id"] == WATCHED_ID
    quentin = by_customer["c-quentin"]["query"]
    assert quentin["screened"]["names"] == ["Quentin Farrowdale", "Q. Farrowdale"]
    assert quentin["screened"]["countries"] == ["gb", "ie"] and len(quentin["normalized"]) == 4
    assert "segment" not in json.dumps(quentin)  # an attribute, not screened: not in the receipt
    verified(imported, deployment.key)
    assert {r["outcome"] for r in replayed(db, imported)} == {"same"}

    # Nothing owed: no receipt, and no empty file left behind.
    nothing = tmp_path / "nothing.jsonl"
    quiet = run(db, "rescreen", "--receipts", str(nothing))
    assert (
        joined("no customer was screened: no receipt written") in joined(quiet.stderr)
        and not nothing.exists()
    )

    # A full re-screen, one file per customer in a new directory.
    folder = tmp_path / "full"
    full = run(db, "rescreen", "--full", "--receipts", str(folder))
    assert joined("3 receipts (audit record") in joined(full.stderr)
    files = sorted(folder.iterdir())
    assert [f.name for f in files] == [f"{n:07d}.receipt.json" for n in (1, 2, 3)]
    assert {receipts_in(f)[0]["extra"]["kind"] for f in files} == {"full"}
    for file in files:
        verified(file, deployment.key)

    # The list drops the watched party, then lists it again: the update's delta screens only the
    # customers that could match it, and only they get a receipt.
    run(db, "update", "--source", WATCH, "--file", str(watch_list(tmp_path / "watch-2.csv", version=2)))
    delta = tmp_path / "delta.jsonl"
    again = watch_list(tmp_path / "watch-3.csv", version=1)
    updated = run(db, "update", "--source", WATCH, "--file", str(again), "--receipts", str(delta))
    assert joined("1 receipts (audit record") in joined(updated.stderr)
    [document] = receipts_in(delta)
    assert (document["extra"]["customer"], document["extra"]["kind"]) == ("c-corvin", "delta")
    assert {v["source"]: v["version"] for v in document["lists"]} == {WATCH: 3}
    assert document["result"]["hits"][0]["entity_id"] == WATCHED_ID
    verified(delta, deployment.key)
    [replay] = replayed(db, delta)
    assert (replay["outcome"], replay["against"]) == ("same", {WATCH: 3})

    # A roll back and forth by `activate` screens as an update does, with its receipts.
    run(db, "activate", WATCH, "2")
    forth = tmp_path / "activate.jsonl"
    run(db, "activate", WATCH, "3", "--receipts", str(forth))
    [activated] = receipts_in(forth)
    assert (activated["extra"]["customer"], activated["extra"]["kind"]) == ("c-corvin", "delta")
    assert activated["result"]["hits"] == document["result"]["hits"]
    verified(forth, deployment.key)


def test_receipts_without_a_screening_or_over_a_file_are_refused_before_anything_changes(
    db: Path, tmp_path: Path
) -> None:
    customers = customers_file(tmp_path)
    target = tmp_path / "r.jsonl"
    no_screen = CliRunner().invoke(
        app,
        ["customers", "import", str(customers), "--no-screen", "--receipts", str(target), "--db", str(db)],
    )
    assert no_screen.exit_code == 2 and joined("--no-screen") in joined(no_screen.stderr)
    newer = str(watch_list(tmp_path / "watch-2.csv", version=2))
    no_rescreen = CliRunner().invoke(
        app,
        [
            "update",
            "--source",
            WATCH,
            "--file",
            newer,
            "--no-rescreen",
            "--receipts",
            str(target),
            "--db",
            str(db),
        ],
    )
    assert no_rescreen.exit_code == 2 and joined("--no-rescreen") in joined(no_rescreen.stderr)

    target.write_text("kept\n", encoding="utf-8")
    exists = CliRunner().invoke(
        app, ["update", "--source", WATCH, "--file", newer, "--receipts", str(target), "--db", str(db)]
    )
    assert exists.exit_code == 1 and joined(f"--receipts {target}: exists already") in joined(exists.stderr)
    assert target.read_text(encoding="utf-8") == "kept\n"
    assert [v["version"] for v in run_json(db, "lists") if v["source"] == WATCH] == [1]  # not updated
    assert run_json(db, "customers", "count")["customers"] == 0
