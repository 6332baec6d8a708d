"""Payment screening from the command line: a directory of wires screened, a hold released by two people."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.runner import run, run_json, run_with_password

MT = Path(__file__).resolve().parents[1] / "fixtures" / "payments" / "mt"
ISO = Path(__file__).resolve().parents[1] / "fixtures" / "payments" / "iso20022"
OLD_LISTS_ALLOWED = ("--max-list-age", "100000")  # the shipped sample lists are years old


def screened(db: Path, *args: str) -> tuple[int, list[dict[str, Any]]]:
    proc = run(db, "screen-payment", *args, "--json", check=False)
    assert proc.returncode in (0, 4), proc.stderr
    return proc.returncode, json.loads(proc.stdout)["messages"]


def test_wires_are_held_on_old_lists_and_on_hits_and_two_people_release_one(db: Path) -> None:
    run(db, "update", "--sample")
    # The sample lists are old: every message is held until they are updated, and the CLI says so.
    stale = run(db, "screen-payment", str(MT / "mt103_ordinary.fin"), "--dry-run", check=False)
    assert stale.returncode == 4 and "LISTS TOO OLD" in stale.stderr

    code, [ordinary] = screened(db, str(MT / "mt103_ordinary.fin"), *OLD_LISTS_ALLOWED)
    assert code == 0 and ordinary["decision"] == "pass" and ordinary["state"] == "passed"

    code, [held] = screened(db, str(MT / "mt103_listed_beneficiary.fin"), *OLD_LISTS_ALLOWED)
    assert code == 4 and held["state"] == "held"
    assert {(h["field"], h["kind"]) for h in held["hits"]} == {("59", "name")}
    queue = run_json(db, "payments", "list", "--state", "held")["payments"]
    assert [p["id"] for p in queue] == [held["id"]]
    shown = run_json(db, "payments", "show", str(held["id"]))
    assert shown["case"] == held["case"] and ":59:/DE89370400440532013000" in shown["message"]

    run_with_password(
        db, "users", "create", "alice", "--role", "approver"
    )  # an approver, yet not for her own
    run_with_password(db, "users", "create", "bob", "--role", "approver")
    case = str(held["case"])
    run_with_password(db, "cases", "review", case, "--user", "alice")
    run_with_password(db, "cases", "propose", case, "--decision", "false_positive",
                      "--reason", "Berlin importer, registry extract on file", "--user", "alice")  # fmt: skip
    refused = run_with_password(db, "cases", "confirm", case, "--user", "alice", check=False)
    assert refused.returncode != 0 and "four-eyes" in refused.stderr
    run_with_password(db, "cases", "confirm", case, "--user", "bob")
    assert run_json(db, "payments", "show", str(held["id"]))["state"] == "released"

    code, [again] = screened(db, str(MT / "mt103_listed_beneficiary.fin"), *OLD_LISTS_ALLOWED)
    assert code == 0 and (again["decision"], again["released_by_case"]) == ("pass", held["case"])
    audit = run(db, "audit", "export", "--format", "csv").stdout
    assert "payment.held" in audit and "case.confirm" in audit


def test_a_directory_and_files_of_both_formats_every_unreadable_one_held(db: Path) -> None:
    run(db, "update", "--sample")
    code, messages = screened(
        db, str(MT), str(ISO / "pacs008_two_transactions.xml"), "--dry-run", *OLD_LISTS_ALLOWED
    )
    assert code == 4
    by_file = {Path(str(m["source"]).split("#")[0]).name: m for m in messages}
    assert by_file["unclosed_block4.fin"]["decision"] == "hold"
    assert by_file["mt199_free_format.fin"]["hits"][0]["kind"] == "unreadable"
    assert by_file["README.md"]["decision"] == "hold"  # not a message: never passed
    assert by_file["mt103_ordinary.fin"]["decision"] == "pass"
    assert by_file["pacs008_two_transactions.xml"]["message_type"].startswith("pacs.008")
    assert all("id" not in m for m in messages)  # a dry run records nothing
    assert run_json(db, "payments", "list")["payments"] == []


def test_bad_arguments_are_refused_naming_them(db: Path) -> None:
    run(db, "update", "--sample")
    missing = run(db, "screen-payment", str(MT / "nope.fin"), check=False)
    assert missing.returncode == 2 or "no such file" in missing.stderr
    bad_state = run(db, "payments", "list", "--state", "lost", check=False)
    assert bad_state.returncode != 0 and "--state" in bad_state.stderr
    bad_age = run(db, "screen-payment", str(MT / "mt103_ordinary.fin"), "--max-list-age", "0", check=False)
    assert bad_age.returncode != 0 and "--max-list-age" in bad_age.stderr
