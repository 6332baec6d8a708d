"""The monitoring workflow end to end, as a compliance team runs it: real OFAC issues, a customer file,
an update, the alerts it raises, a four-eyes decision and the audit log behind it all."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from sanctionwatch.monitoring.webhooks import verify_signature
from tests.cli.runner import run, run_json, run_with_password
from tests.monitoring.receiver import receiving

pytestmark = pytest.mark.realdata

# Parties OFAC added on 2025-11-19 (absent from the 2025-11-04 issue), as a bank's records would hold
# them: names reordered, legal forms abbreviated, with the birth date where the list gives one.
NEWLY_LISTED = {
    "c-volosovik": ("Person", "Aleksandr Volosovik", "1983-01-30", "ofac-sdn:53994"),
    "c-medialand": ("Company", "MEDIA LAND LLC", "", "ofac-sdn:53997"),
    "c-troth": ("Company", "Troth Star Co., Ltd.", "", "ofac-sdn:55507"),
    "c-ruhani": ("Person", "Seyyed Mohammad Ruhani", "1986-06-23", "ofac-sdn:56025"),
}
ORDINARY = [
    "Maria Schmidt", "Acme Widgets GmbH", "Jean Dupont", "Kim Min-jun", "Oleg Petrov", "Wang Wei",
    "Mohammed Al Farsi", "Blue Ocean Shipping Ltd", "Ivan Ivanov", "Lucia Fernandez",
]  # fmt: skip


def _customer_file(folder: Path) -> Path:
    path = folder / "customers.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "name", "schema", "birth_date", "segment"])
        for customer_id, (schema, name, born, _entity) in NEWLY_LISTED.items():
            writer.writerow(
                [customer_id, name, schema, born, "retail" if schema == "Person" else "corporate"]
            )
        for number, name in enumerate(ORDINARY):
            writer.writerow([f"o-{number}", name, "", "", "retail"])
    return path


def test_an_update_alerts_exactly_the_customers_it_newly_lists_and_decisions_need_two_people(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANCTIONWATCH_WEBHOOK_ALLOW_PRIVATE", "1")  # the receiver is on loopback
    folder = shared_data / "ofac_sdn_advanced_xml"
    db = tmp_path / "registry.db"
    run(db, "update", "--file", str(folder / "sdn_advanced_2025-11-04.xml.bz2"))
    imported = run_json(db, "customers", "import", str(_customer_file(tmp_path)))
    assert (imported["added"], imported["rejected"]) == (14, 0)
    before = {a["id"] for a in run_json(db, "alerts", "list")}

    with receiving() as receiver:
        added = run(db, "webhooks", "add", receiver.url("/hook")).stdout.split()
        secret = added[-1]
        updated = run(db, "update", "--file", str(folder / "sdn_advanced_2025-11-19.xml.bz2"))
        posts = receiver.at("/hook")
    assert "new alert(s)" in updated.stderr and "webhook 1: delivered" in updated.stderr
    assert secret not in updated.stderr + updated.stdout
    assert len(posts) == 1 and verify_signature(secret, posts[0].headers, posts[0].body)
    event = json.loads(posts[0].body)
    assert event["type"] == "alerts.created" and event["data"]["trigger"] == "delta"
    assert {a["customer_id"] for a in event["data"]["alerts"]} == set(NEWLY_LISTED)

    alerts = [a for a in run_json(db, "alerts", "list") if a["id"] not in before]
    assert {a["customer_id"] for a in alerts} == set(NEWLY_LISTED)
    for customer_id, (_schema, _name, _born, entity_id) in NEWLY_LISTED.items():
        mine = [a for a in alerts if a["customer_id"] == customer_id]
        assert entity_id in {a["entity_id"] for a in mine}, customer_id
    assert all(a["list_version"] == "ofac-sdn/2" and a["status"] == "open" for a in alerts)
    assert all(
        {"id", "customer_id", "entity_id", "source_ids", "score", "status", "list_version"} <= a.keys()
        for a in alerts
    )

    # A full re-screen on the same lists raises nothing new.
    full = run_json(db, "rescreen", "--full")
    assert full["alerts_created"] == 0 and full["customers_screened"] == 14

    # Four eyes: alice proposes, alice cannot confirm (even as approver), bob confirms.
    for user in ("alice", "bob"):
        run_with_password(db, "users", "create", user, "--role", "approver")
    target = next(a for a in alerts if a["customer_id"] == "c-troth")
    as_alice = ("--user", "alice")
    run_with_password(db, "cases", "review", str(target["id"]), *as_alice)
    run_with_password(db, "cases", "propose", str(target["id"]), "--decision", "false_positive",
                   "--reason", "different company, other registration", *as_alice)  # fmt: skip
    refused = run_with_password(db, "cases", "confirm", str(target["id"]), *as_alice, check=False)
    assert refused.returncode == 1 and "four-eyes" in refused.stderr
    run_with_password(db, "cases", "confirm", str(target["id"]), "--user", "bob")
    decided = run_json(db, "alerts", "show", str(target["id"]))
    assert (decided["status"], decided["proposed_by"], decided["confirmed_by"]) == (
        "confirmed",
        "user:alice",
        "user:bob",
    )

    verified = run(db, "audit", "verify")
    assert "intact" in verified.stdout
    exported = run(db, "audit", "export", "--format", "csv").stdout
    assert "case.confirm" in exported and "list.activated" in exported and "screening.delta" in exported
