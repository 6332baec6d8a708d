"""`screen-payment --receipts` end to end (issue 22): a receipt per message, one batch, that the
examiner's `receipt verify` (with the public key only) and `receipt replay` accept; an existing file is
never written over. Real sample messages against an internal list (tests/evidence/payment_lists.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanctionwatch.cli.app import app
from sanctionwatch.db.engine import connect
from sanctionwatch.errors import InputError
from sanctionwatch.evidence.signing import SigningKeyError, create_signing_key, load_public_key
from sanctionwatch.evidence.verify import verify_file
from sanctionwatch.payments.holds import PaymentHolds
from sanctionwatch.registry.store import Registry
from tests.cli.runner import run, run_json
from tests.evidence.payment_lists import CLEAN, HELD, HELD_FIELD, LISTED_ID, PAYEES, payee_list
from tests.evidence.test_receipts import ingest

KEY_ENV = "SANCTIONWATCH_SIGNING_KEY"


@dataclass(frozen=True)
class Bank:
    db: Path
    key: Path
    public: Path  # what the deployment hands an examiner (`receipt public-key`)

    def screened(self) -> int:
        engine = connect(f"sqlite:///{self.db}")
        try:
            return len(PaymentHolds(engine).recent(limit=1000))
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bank]:
    """A registry with the internal list and a signing key (made in process: the commands under test
    are the screening and the examiner's ones)."""
    scratch = tmp_path_factory.mktemp("payment-receipt-cli")
    db = scratch / "registry.db"
    registry = Registry(connect(f"sqlite:///{db}"))
    try:
        ingest(registry, payee_list(scratch / "payees.csv"), PAYEES)
    finally:
        registry.close()
    key = create_signing_key(scratch / "signing-key.pem")
    public = scratch / "public.pem"
    public.write_text(key.public.pem(), encoding="utf-8")
    with pytest.MonkeyPatch.context() as env:
        env.setenv(KEY_ENV, str(key.path))
        yield Bank(db, key.path, public)


def test_a_receipt_per_message_that_verifies_offline_and_replays_the_same(
    bank: Bank, shared_data: Path, tmp_path: Path
) -> None:
    db = bank.db
    held, clean = shared_data.joinpath(*HELD), shared_data.joinpath(*CLEAN)
    receipts = tmp_path / "receipts.jsonl"
    screened = run(
        db, "screen-payment", str(held), str(clean), "--receipts", str(receipts), "--json", check=False
    )
    assert screened.returncode == 4, screened.stderr  # one is held
    assert "2 receipts" in screened.stderr and str(receipts) in screened.stderr
    decisions = json.loads(screened.stdout)["messages"]
    documents = [json.loads(line) for line in receipts.read_text(encoding="utf-8").splitlines()]
    assert (
        [d["result"]["outcome"] for d in documents] == [m["decision"] for m in decisions] == ["hold", "pass"]
    )
    assert [d["query"]["message"]["text"].encode() for d in documents] == [
        held.read_bytes(),
        clean.read_bytes(),
    ]
    assert [(h["field"], h["entity_id"]) for h in documents[0]["result"]["hits"]] == [(HELD_FIELD, LISTED_ID)]
    assert documents[0]["result"]["recorded"]["case"] == decisions[0]["case"]
    assert {d["audit"]["seq"] for d in documents} == {documents[0]["audit"]["seq"]}  # one batch

    verified = run_json(db, "receipt", "verify", str(receipts), "--public-key", str(bank.public))
    assert verified["ok"] and [r["ok"] for r in verified["receipts"]] == [True, True]
    assert all(c.ok for c in verify_file(receipts, load_public_key(bank.public)))  # the same, in process

    replayed = run_json(db, "receipt", "replay", str(receipts))
    assert [(r["outcome"], r["against"]) for r in replayed] == [("same", {PAYEES: 1})] * 2


def test_receipts_are_never_written_over_nor_made_without_a_key(
    bank: Bank, shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both refused before anything is screened (in process: the refusals need no fresh process)."""
    before = bank.screened()
    args = ["screen-payment", str(shared_data.joinpath(*HELD)), "--db", str(bank.db), "--receipts"]
    existing = tmp_path / "existing.jsonl"
    existing.write_text("evidence\n", encoding="utf-8")
    refused = CliRunner().invoke(app, [*args, str(existing)])
    assert refused.exit_code == InputError.exit_code, refused.output
    # The console wraps long lines, inside a path too: compared without whitespace.
    assert "".join(f"--receipts {existing}: exists already".split()) in "".join(refused.stderr.split())
    assert existing.read_text(encoding="utf-8") == "evidence\n"

    monkeypatch.setenv(KEY_ENV, str(tmp_path / "no-such-key.pem"))
    keyless = CliRunner().invoke(app, [*args, str(tmp_path / "r.jsonl")])
    assert keyless.exit_code == SigningKeyError.exit_code, keyless.output
    assert "sanctionwatch receipt init-key" in " ".join(keyless.stderr.split())
    assert not (tmp_path / "r.jsonl").exists() and bank.screened() == before
