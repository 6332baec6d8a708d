"""Signed screening receipts end to end (issue 22): `screen --receipt`, `screen-file --receipts` and
`receipt init-key | public-key | verify | replay`, as an operator and an examiner run them.

One deployment per module (the real UN list, an internal list and a signing key, made by the commands
themselves); each test works on a copy of its registry file, with the deployment's key.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from sanctionwatch.cli.app import app
from sanctionwatch.db.engine import connect
from sanctionwatch.errors import InputError
from sanctionwatch.evidence.signing import SigningKeyError, create_signing_key, load_public_key
from sanctionwatch.evidence.verify import verify_file
from sanctionwatch.registry.audit import AuditLog
from tests.cli.runner import run
from tests.evidence.receipt_lists import NO_MATCH, UN_FILE, UN_HIT, WATCH, WATCHED, WATCHED_ID, watch_list

KEY_ENV = "SANCTIONWATCH_SIGNING_KEY"
OFFLINE = [
    ("form", True),
    ("signature", True),
    ("audit record", True),
    ("inclusion", True),
    ("audit chain", None),
]


@dataclass(frozen=True)
class Deployment:
    scratch: Path
    db: Path
    key: Path


@pytest.fixture(scope="module")
def deployment(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    scratch = tmp_path_factory.mktemp("receipt-cli")
    db, key = scratch / "registry.db", scratch / "signing-key.pem"
    with pytest.MonkeyPatch.context() as env:
        env.setenv(KEY_ENV, str(key))
        run(db, "update", "--file", str(shared_data.joinpath(*UN_FILE)))
        run(db, "update", "--source", WATCH, "--file", str(watch_list(scratch / "watch-1.csv", version=1)))
        created = run(db, "receipt", "init-key")
    assert key.is_file() and created.stdout.startswith("-----BEGIN PUBLIC KEY-----")
    return Deployment(scratch, db, key)


@pytest.fixture
def db(deployment: Deployment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the deployment's registry, screened with the deployment's key."""
    monkeypatch.setenv(KEY_ENV, str(deployment.key))
    copy = tmp_path / "registry.db"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{deployment.db}{suffix}").exists():
            shutil.copyfile(f"{deployment.db}{suffix}", f"{copy}{suffix}")
    return copy


def receipts_in(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def public_key_file(db: Path, tmp_path: Path) -> Path:
    """The public key as the deployment hands it to an examiner: `receipt public-key`, saved."""
    path = tmp_path / "public.pem"
    path.write_text(run(db, "receipt", "public-key").stdout, encoding="utf-8")
    return path


def replayed(db: Path, receipt: Path, *args: str, code: int = 0) -> list[dict[str, Any]]:
    proc = run(db, "receipt", "replay", str(receipt), *args, "--json", check=False)
    assert proc.returncode == code, proc.stderr
    answer: list[dict[str, Any]] = json.loads(proc.stdout)
    return answer


def joined(text: str) -> str:
    """The text without its whitespace: the console wraps long lines, inside a path too."""
    return "".join(text.split())


def test_a_receipt_made_today_verifies_offline_with_the_public_key_alone(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    receipt = tmp_path / "r.json"
    screened = run(db, "screen", UN_HIT, "--receipt", str(receipt), "--json")
    assert json.loads(screened.stdout)["hits"][0]["entity_id"] == "un:KPi.013"
    assert joined(f"receipt written to {receipt}") in joined(screened.stderr)
    [document] = receipts_in(receipt)
    assert document["result"]["outcome"] == "hit" and document["channel"] == "cli"
    public = public_key_file(db, tmp_path)

    # The examiner has the receipt and the public key: no signing key, no database.
    monkeypatch.setenv(KEY_ENV, str(tmp_path / "no-such-key.pem"))
    elsewhere = tmp_path / "examiner" / "none.db"
    proc = run(elsewhere, "receipt", "verify", str(receipt), "--public-key", str(public), "--json")
    answer = json.loads(proc.stdout)
    assert answer["ok"] is True and answer["key_id"] == document["signature"]["key_id"]
    [checked] = answer["receipts"]
    assert (checked["line"], checked["receipt"], checked["ok"]) == (1, document["id"], True)
    assert [(c["check"], c["ok"]) for c in checked["checks"]] == OFFLINE
    assert checked["checks"][-1]["detail"].startswith("not checked (no database given)")
    assert not elsewhere.parent.exists()  # nothing was opened to check it

    shown = run(elsewhere, "receipt", "verify", str(receipt), "--public-key", str(public)).stdout
    assert "valid receipt" in shown and "1 of 1 receipts valid" in shown


def test_a_changed_receipt_or_another_key_fails_verification(db: Path, tmp_path: Path) -> None:
    receipt = tmp_path / "r.json"
    run(db, "screen", UN_HIT, "--receipt", str(receipt))
    public = public_key_file(db, tmp_path)
    data = receipt.read_bytes()
    changed = tmp_path / "changed.json"
    at = data.index(b'"score":') + len(b'"score":')
    changed.write_bytes(data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :])  # 0.9 -> 1.9
    proc = run(db, "receipt", "verify", str(changed), "--public-key", str(public), "--json", check=False)
    assert proc.returncode == 1 and json.loads(proc.stdout)["ok"] is False
    human = run(db, "receipt", "verify", str(changed), "--public-key", str(public), check=False)
    assert human.returncode == 1 and "INVALID" in human.stdout and "0 of 1 receipts valid" in human.stdout

    # Another deployment's public key (handed over by mistake).
    other = create_signing_key(tmp_path / "other-deployment.pem").public
    (tmp_path / "other.pem").write_text(other.pem(), encoding="utf-8")
    args = ("receipt", "verify", str(receipt), "--public-key", str(tmp_path / "other.pem"), "--json")
    proc = run(db, *args, check=False)
    assert proc.returncode == 1
    [checked] = json.loads(proc.stdout)["receipts"]
    [signature] = [c for c in checked["checks"] if c["check"] == "signature"]
    ours = load_public_key(public).id
    assert signature["ok"] is False and ours in signature["detail"] and other.id in signature["detail"]


@pytest.mark.parametrize(("name", "outcome"), [(UN_HIT, "hit"), (NO_MATCH, "no match")])
def test_a_receipt_replays_to_the_same_result(db: Path, tmp_path: Path, name: str, outcome: str) -> None:
    receipt = tmp_path / "r.json"
    run(db, "screen", name, "--receipt", str(receipt))
    [document] = receipts_in(receipt)
    assert document["result"]["outcome"] == outcome
    [replay] = replayed(db, receipt)
    assert replay["receipt"] == document["id"]
    assert (replay["outcome"], replay["against"], replay["differences"]) == (
        "same",
        {"un": 1, WATCH: 1},
        [],
    )
    shown = run(db, "receipt", "replay", str(receipt)).stdout
    assert joined(f"receipt {document['id']}: same (against {WATCH}/1, un/1)") in joined(shown)


def test_a_replaced_list_version_still_replays_until_it_is_purged(db: Path, tmp_path: Path) -> None:
    receipt = tmp_path / "r.json"
    run(db, "screen", WATCHED, "--receipt", str(receipt))
    [document] = receipts_in(receipt)
    [hit] = document["result"]["hits"]
    assert hit["entity_id"] == WATCHED_ID

    # The internal list's next version, without that party: activated as any update (8 % shrink).
    newer = watch_list(tmp_path / "watch-2.csv", version=2)
    [second] = json.loads(run(db, "update", "--source", WATCH, "--file", str(newer), "--json").stdout)
    assert (second["version"], second["active"], second["removed"]) == (2, True, 1)

    [same] = replayed(db, receipt)
    assert (same["outcome"], same["against"]) == ("same", {"un": 1, WATCH: 1})

    [now] = replayed(db, receipt, "--current")  # informative: exit 0 though the result differs
    assert (now["outcome"], now["against"]) == ("different", {"un": 1, WATCH: 2})
    assert now["reasons"] == [f"{WATCH}: version 1 then, 2 now"]
    assert now["differences"] == [
        {
            "entity_id": WATCHED_ID,
            "then": hit["score"],
            "now": None,
            "why": f"no longer a hit: removed from {WATCH}/2",
        }
    ]
    shown = joined(run(db, "receipt", "replay", str(receipt), "--current").stdout)
    assert joined(f"removed from {WATCH}/2") in shown

    # The archive purged of version 1 (its rows deleted): the receipt says so rather than replaying.
    engine = connect(f"sqlite:///{db}")
    try:
        with engine.begin() as conn:
            version_id = conn.execute(
                text("SELECT id FROM list_versions WHERE source = :s AND number = 1"), {"s": WATCH}
            ).scalar_one()
            conn.execute(text("DELETE FROM version_entities WHERE version_id = :v"), {"v": version_id})
            conn.execute(text("DELETE FROM list_versions WHERE id = :v"), {"v": version_id})
    finally:
        engine.dispose()
    [gone] = replayed(db, receipt, code=1)
    assert (gone["outcome"], gone["against"]) == ("not replayable", {})
    assert gone["reasons"] == [f"list version {WATCH}/1 is no longer in this registry"]


QUERIES = (
    "id,name,schema\n"
    f"q-1,{UN_HIT},Person\n"
    "q-2,,Person\n"  # no name: a bad row
    f"q-3,{NO_MATCH},Person\n"
    "q-4,Corvin Halloway,Spaceship\n"  # an unknown schema: a bad row
    f"q-5,{WATCHED},Company\n"
)
OUTCOMES = ["hit", "error", "no match", "error", "hit"]


def test_a_screened_file_has_a_receipt_per_row_under_one_audit_record(db: Path, tmp_path: Path) -> None:
    queries = tmp_path / "queries.csv"
    queries.write_text(QUERIES, encoding="utf-8")
    receipts = tmp_path / "receipts.jsonl"
    proc = run(
        db, "screen-file", str(queries), "-o", str(tmp_path / "out.jsonl"), "--receipts", str(receipts)
    )
    assert joined("5 receipts (audit record") in joined(proc.stderr)
    documents = receipts_in(receipts)
    assert [d["result"]["outcome"] for d in documents] == OUTCOMES
    assert [d["query"]["row"] for d in documents] == [1, 2, 3, 4, 5]
    assert [d["query"]["given"]["id"] for d in documents] == ["q-1", "q-2", "q-3", "q-4", "q-5"]
    assert [d["inclusion"]["index"] for d in documents] == [0, 1, 2, 3, 4]
    assert {d["inclusion"]["size"] for d in documents} == {5}
    assert [len(d["inclusion"]["path"]) for d in documents] == [3, 3, 3, 3, 1]  # RFC 6962, 5 leaves
    assert documents[3]["result"]["error"].startswith("row 4: schema: unknown 'Spaceship'")
    assert documents[3]["query"]["given"]["name"] == "Corvin Halloway"  # the row as it was given
    [root] = {d["audit"]["details"]["merkle_root"] for d in documents}
    [seq] = {d["audit"]["seq"] for d in documents}

    public = public_key_file(db, tmp_path)
    offline = json.loads(
        run(db, "receipt", "verify", str(receipts), "--public-key", str(public), "--json").stdout
    )
    assert offline["ok"] is True and [r["line"] for r in offline["receipts"]] == [1, 2, 3, 4, 5]
    assert all([(c["check"], c["ok"]) for c in r["checks"]] == OFFLINE for r in offline["receipts"])

    # Each row replays as it was screened, the bad rows refused as they were.
    assert [r["outcome"] for r in replayed(db, receipts)] == ["same"] * 5

    # The root is held by one audit record, the one each receipt names.
    exported = tmp_path / "audit.json"
    run(db, "audit", "export", "--output", str(exported))
    records = json.loads(exported.read_text(encoding="utf-8"))
    holding = [r for r in records if r["details"].get("merkle_root") == root]
    assert [(r["seq"], r["action"], r["details"]["receipts"]) for r in holding] == [
        (seq, "screening.receipts", 5)
    ]

    online = json.loads(run(db, "receipt", "verify", str(receipts), "--db", str(db), "--json").stdout)
    assert online["ok"] is True
    chain = [r["checks"][-1] for r in online["receipts"]]
    assert [(c["check"], c["ok"]) for c in chain] == [("audit chain", True)] * 5

    # One audit record changed in the database: the chain check fails, the receipts' own checks hold.
    engine = connect(f"sqlite:///{db}")
    try:
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE audit_log SET details = replace(details, :was, :now) WHERE seq = :s"),
                {"was": '"receipts":5', "now": '"receipts":4', "s": seq},
            )
    finally:
        engine.dispose()
    proc = run(db, "receipt", "verify", str(receipts), "--db", str(db), "--json", check=False)
    assert proc.returncode == 1
    tampered = json.loads(proc.stdout)
    assert tampered["ok"] is False
    for checked in tampered["receipts"]:
        assert [(c["check"], c["ok"]) for c in checked["checks"]] == [*OFFLINE[:-1], ("audit chain", False)]
        assert f"the database's chain breaks at record {seq}" in checked["checks"][-1]["detail"]


def test_a_screened_file_has_its_receipts_in_a_directory(db: Path, tmp_path: Path) -> None:
    queries = tmp_path / "queries.csv"
    queries.write_text(QUERIES, encoding="utf-8")
    folder = tmp_path / "receipts"
    run(db, "screen-file", str(queries), "-o", str(tmp_path / "out.csv"), "--receipts", str(folder))
    files = sorted(folder.iterdir())
    assert [f.name for f in files] == [f"000000{i}.receipt.json" for i in range(1, 6)]
    public = load_public_key(public_key_file(db, tmp_path))
    log_engine = connect(f"sqlite:///{db}")
    try:
        log = AuditLog(log_engine)
        checks = [check for path in files for check in verify_file(path, public, log=log)]
    finally:
        log_engine.dispose()
    assert len(checks) == 5 and all(c.ok for c in checks)
    documents = [receipts_in(path)[0] for path in files]
    assert [d["result"]["outcome"] for d in documents] == OUTCOMES
    assert [d["inclusion"]["index"] for d in documents] == [0, 1, 2, 3, 4]
    assert len({d["audit"]["details"]["merkle_root"] for d in documents}) == 1


# ---- refusals (in process: each is refused before anything is screened or written) ------------------


def test_a_receipt_is_never_written_over_an_existing_file(db: Path, tmp_path: Path) -> None:
    existing = tmp_path / "r.json"
    existing.write_text("kept\n", encoding="utf-8")
    refused = CliRunner().invoke(app, ["screen", UN_HIT, "--receipt", str(existing), "--db", str(db)])
    assert refused.exit_code == InputError.exit_code, refused.output
    assert joined(f"--receipt {existing}: exists already") in joined(refused.stderr)
    assert existing.read_text(encoding="utf-8") == "kept\n"

    queries = tmp_path / "queries.csv"
    queries.write_text(QUERIES, encoding="utf-8")
    args = ["screen-file", str(queries), "-o", str(tmp_path / "out.jsonl"), "--db", str(db)]
    refused = CliRunner().invoke(app, [*args, "--receipts", str(existing)])
    assert refused.exit_code == InputError.exit_code, refused.output
    assert joined(f"--receipts {existing}: exists already") in joined(refused.stderr)
    assert existing.read_text(encoding="utf-8") == "kept\n" and not (tmp_path / "out.jsonl").exists()


def test_a_receipt_in_a_missing_directory_is_refused_before_screening(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "no-such-dir" / "r.json"
    before = _audit_count(db)
    refused = CliRunner().invoke(app, ["screen", UN_HIT, "--receipt", str(target), "--db", str(db)])
    assert refused.exit_code == InputError.exit_code, refused.output
    assert joined(f"--receipt {target}") in joined(refused.stderr)
    assert not target.exists() and _audit_count(db) == before  # no record of a receipt not written


def test_no_signing_key_names_the_command_that_makes_one(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, str(tmp_path / "no-key.pem"))
    receipt = tmp_path / "r.json"
    refused = CliRunner().invoke(app, ["screen", UN_HIT, "--receipt", str(receipt), "--db", str(db)])
    assert refused.exit_code == SigningKeyError.exit_code, refused.output
    assert joined("sanctionwatch receipt init-key") in joined(refused.stderr)
    assert not receipt.exists()

    queries = tmp_path / "queries.csv"
    queries.write_text(QUERIES, encoding="utf-8")
    folder = tmp_path / "receipts"
    args = ["screen-file", str(queries), "-o", str(tmp_path / "out.jsonl"), "--receipts", str(folder)]
    refused = CliRunner().invoke(app, [*args, "--db", str(db)])
    assert refused.exit_code == SigningKeyError.exit_code, refused.output
    assert joined("sanctionwatch receipt init-key") in joined(refused.stderr)
    assert not folder.exists() and not (tmp_path / "out.jsonl").exists()


def test_init_key_never_replaces_a_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = tmp_path / "keys" / "signing-key.pem"
    monkeypatch.setenv(KEY_ENV, str(key))
    first = CliRunner().invoke(app, ["receipt", "init-key"])
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("-----BEGIN PUBLIC KEY-----")
    assert key.stat().st_mode & 0o777 == 0o600
    kept = key.read_bytes()
    again = CliRunner().invoke(app, ["receipt", "init-key"])
    assert again.exit_code == SigningKeyError.exit_code and again.exit_code != 0
    assert joined("a signing key exists already; it is never replaced") in joined(again.stderr)
    assert key.read_bytes() == kept
    shown = CliRunner().invoke(app, ["receipt", "public-key"])
    assert shown.exit_code == 0 and shown.stdout == first.stdout  # still the key first handed out


def _audit_count(db: Path) -> int:
    engine = connect(f"sqlite:///{db}")
    try:
        return AuditLog(engine).head().seq
    finally:
        engine.dispose()
