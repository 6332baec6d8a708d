"""A user's own list from the command line: ingested, versioned, guarded, screened, monitored, audited."""

from __future__ import annotations

from pathlib import Path

from sanctionwatch.config import cli_actor
from tests.cli.runner import run, run_json

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "internal-deny-list.csv"


def test_an_internal_list_lives_like_an_official_one(db: Path, tmp_path: Path) -> None:
    run(db, "update", "--sample")
    customers = tmp_path / "customers.csv"
    customers.write_text("id,name,schema\nn-1,Northwind Sundries Trading LLC,Company\n", encoding="utf-8")
    imported = run_json(db, "customers", "import", str(customers))
    assert imported["screening"]["alerts"] == []  # on no official list

    [outcome] = run_json(db, "update", "--source", "internal:deny", "--file", str(EXAMPLE))
    assert (outcome["source"], outcome["version"], outcome["entities"], outcome["active"]) == (
        "internal:deny",
        1,
        3,
        True,
    )
    # Monitored: the customer on the new list alerts after the update (the delta re-screen).
    [alert] = run_json(db, "alerts", "list")
    assert (alert["customer_id"], alert["entity_id"], alert["trigger"]) == (
        "n-1",
        "internal:deny:C-002",
        "delta",
    )

    listed = {(v["source"], v["version"], v["active"]) for v in run_json(db, "lists")}
    assert ("internal:deny", 1, True) in listed and ("un", 1, True) in listed
    # Screened: a name only on the internal list, with and without the source filter.
    [hit, *_] = run_json(db, "screen", "Bart Quillfeather")["hits"]
    assert hit["entity_id"] == "internal:deny:C-001"
    only = run_json(db, "screen", "Bart Quillfeather", "--source", "internal:deny")["hits"]
    assert [h["entity_id"] for h in only] == ["internal:deny:C-001"]
    assert run_json(db, "entity", "internal:deny:C-003")["schema"] == "Vessel"

    # Versioned and guarded: dropping one row of three is a 33 % shrink, held until forced.
    smaller = tmp_path / "deny.csv"
    smaller.write_text(
        "".join(EXAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)[:3]), encoding="utf-8"
    )
    held = run(db, "update", "--source", "internal:deny", "--file", str(smaller), "--json", check=False)
    assert held.returncode == 2 and "shrank by 33.3%" in held.stdout
    run(db, "update", "--source", "internal:deny", "--file", str(smaller), "--force")
    changes = run_json(db, "changes", "--source", "internal:deny")
    assert [r["source_id"] for r in changes["removed"]] == ["C-003"] and changes["added"] == []

    # Audited: each activation, by the account that ran the command.
    activations = [
        r for r in run_json(db, "audit", "list", "--limit", "100") if r["action"] == "list.activated"
    ]
    ours = [r for r in activations if r["subject"].startswith("internal:deny/")]
    assert [r["subject"] for r in ours] == ["internal:deny/1", "internal:deny/3"]
    assert {r["actor"] for r in ours} == {cli_actor()}


def test_internal_sources_are_refused_with_a_reason(db: Path, tmp_path: Path) -> None:
    assert "internal:NAME" in run(db, "sources").stdout
    no_file = run(db, "update", "--source", "internal:deny", check=False)
    assert no_file.returncode == 2 and "no official download" in no_file.stderr
    bad_name = run(db, "update", "--source", "internal:Deny", "--file", str(EXAMPLE), check=False)
    assert bad_name.returncode == 2 and "bad internal list name" in " ".join(bad_name.stderr.split())
    unknown = run(db, "lists", "--source", "nope", check=False)
    assert unknown.returncode == 2 and "internal:NAME" in unknown.stderr
    broken = tmp_path / "deny.csv"
    broken.write_text("id,name,schema\n1,,Person\n", encoding="utf-8")
    refused = run(db, "update", "--source", "internal:deny", "--file", str(broken), check=False)
    assert refused.returncode == 1 and "row 2, column 'name'" in " ".join(refused.stderr.split())
    assert run_json(db, "lists") == []  # nothing ingested
    # Without a target, the internal header is not guessed at.
    guessed = run(db, "update", "--file", str(EXAMPLE), check=False)
    assert guessed.returncode == 1 and "--source internal:" in " ".join(guessed.stderr.split())
