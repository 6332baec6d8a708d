"""Signed screening receipts in process (issue 22): they verify with the public key alone, no changed
byte verifies, each check catches what it guards, and they replay against the list versions they name.

One registry per module (the real UN list and an internal list, on SQLite); a test that changes a
registry builds a small one of its own. The command line is tested end to end in
tests/cli/test_receipt_cli.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from sanctionwatch.db.engine import connect
from sanctionwatch.evidence.merkle import MerkleTree
from sanctionwatch.evidence.receipt import (
    Channel,
    ReceiptBatch,
    Screened,
    Settings,
    body_of,
    leaf_of,
    sign_one,
)
from sanctionwatch.evidence.replay import ReplayOutcome, ScreenerCache, replay_receipt
from sanctionwatch.evidence.signing import ALGORITHM, SigningKey, create_signing_key
from sanctionwatch.evidence.verify import Check, ReceiptCheck, verify_document, verify_file
from sanctionwatch.registry.audit import AuditLog, canonical_json, record_hash
from sanctionwatch.registry.store import Registry, VersionInfo
from sanctionwatch.registry.update import update_from_files
from sanctionwatch.screening.query import Hit, Query
from sanctionwatch.screening.screener import Screener
from tests.evidence.receipt_lists import NO_MATCH, UN_FILE, UN_HIT, WATCH, WATCHED, WATCHED_ID, watch_list
from tests.postgres import drop_pg_database, make_pg_database

BASE64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="


@dataclass(frozen=True)
class World:
    """A deployment as the screening commands see it: its registry, screener, active lists and key."""

    registry: Registry
    screener: Screener
    versions: list[VersionInfo]
    key: SigningKey

    @property
    def engine(self) -> Engine:
        return self.registry.engine

    def issue(self, name: str) -> bytes:
        """The receipt of screening `name` as `screen --receipt` writes it: one line, newline included."""
        query = Query(name)
        hits = self.screener.screen(query)
        line = sign_one(
            self.engine, self.key, Screened(query, hits), channel=Channel.CLI, actor="test:receipts",
            settings=Settings(self.screener.threshold, 5), versions=self.versions, subject="one query",
        )  # fmt: skip
        return line.encode("utf-8")


def world_of(registry: Registry, key: SigningKey) -> World:
    return World(registry, Screener.from_registry(registry), registry.active_versions(), key)


def ingest(registry: Registry, path: Path, source: str | None = None) -> None:
    [outcome] = update_from_files(registry, [path], source=source)
    assert outcome.ok, outcome.error or outcome.result


@pytest.fixture(scope="module")
def world(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from receipts_world(shared_data, tmp_path_factory.mktemp("receipts"))


def receipts_world(shared_data: Path, scratch: Path) -> Iterator[World]:
    """A registry of the UN list and the internal watch list, with a signing key of its own."""
    registry = Registry(connect(f"sqlite:///{scratch / 'registry.db'}"))
    try:
        ingest(registry, shared_data.joinpath(*UN_FILE))
        ingest(registry, watch_list(scratch / "watch.csv", version=1), WATCH)
        yield world_of(registry, create_signing_key(scratch / "signing-key.pem"))
    finally:
        registry.close()


@pytest.fixture(scope="module")
def hit(world: World) -> bytes:
    return world.issue(UN_HIT)


@pytest.fixture
def watch_world(tmp_path: Path) -> Iterator[World]:
    """A registry of its own (the internal list alone) for a test that changes it."""
    registry = Registry(connect(f"sqlite:///{tmp_path / 'watch.db'}"))
    try:
        ingest(registry, watch_list(tmp_path / "watch-1.csv", version=1), WATCH)
        yield world_of(registry, create_signing_key(tmp_path / "signing-key.pem"))
    finally:
        registry.close()


def states(check: ReceiptCheck) -> list[tuple[Check, bool | None]]:
    return [(r.check, r.ok) for r in check.results]


def failed(check: ReceiptCheck) -> set[Check]:
    return {r.check for r in check.results if r.ok is False}


def replaced(data: bytes, position: int, byte: int) -> bytes:
    return data[:position] + bytes([byte]) + data[position + 1 :]


def resigned(document: dict[str, Any], key: SigningKey) -> bytes:
    """A receipt edited and signed again with the deployment's own key: what an insider could make."""
    unsigned = {k: v for k, v in document.items() if k != "signature"}
    value = key.sign(canonical_json(unsigned).encode("utf-8"))
    signed = {**unsigned, "signature": {"algorithm": ALGORITHM, "key_id": key.id, "value": value}}
    return canonical_json(signed).encode("utf-8")


# ---- verification ---------------------------------------------------------------------------------


def test_a_receipt_verifies_with_the_public_key_alone(world: World, hit: bytes) -> None:
    document = json.loads(hit)
    assert document["result"]["outcome"] == "hit"
    assert document["result"]["hits"][0]["entity_id"] == "un:KPi.013"
    assert {(item["source"], item["version"]) for item in document["lists"]} == {("un", 1), (WATCH, 1)}
    assert document["signature"]["key_id"] == world.key.id

    offline = verify_document(hit.rstrip(b"\n"), world.key.public)
    assert offline.ok and offline.receipt_id == document["id"]
    assert states(offline) == [
        (Check.FORM, True),
        (Check.SIGNATURE, True),
        (Check.AUDIT_RECORD, True),
        (Check.INCLUSION, True),
        (Check.AUDIT_CHAIN, None),  # no database given
    ]
    online = verify_document(hit.rstrip(b"\n"), world.key.public, log=AuditLog(world.engine))
    assert online.ok and states(online)[-1] == (Check.AUDIT_CHAIN, True)


def test_changing_any_one_byte_of_a_receipt_file_breaks_it(world: World, hit: bytes, tmp_path: Path) -> None:
    """Every byte of the file, the closing newline included: none can change and still verify."""
    path = tmp_path / "receipt.json"
    public = world.key.public

    def holds(data: bytes) -> bool:
        path.write_bytes(data)
        checks = list(verify_file(path, public))
        return bool(checks) and all(c.ok for c in checks)

    assert holds(hit)
    assert [p for p in range(len(hit)) if holds(replaced(hit, p, hit[p] ^ 0x01))] == []

    # Whitespace where JSON allows it (after the first brace, around a colon or comma, at the end)
    # and inside a name; and the newline that ends the file.
    name = hit.index(UN_HIT.encode())
    places = [0, 1, hit.index(b'":') + 1, hit.index(b',"'), name + 4, len(hit) - 2, len(hit) - 1]
    changed = [(p, b) for p in places for b in b" \n\t\r" if hit[p] != b and holds(replaced(hit, p, b))]
    assert changed == []


def test_no_other_text_of_the_signature_verifies(world: World, hit: bytes) -> None:
    """The signature is the one member the signature cannot cover: every base64 character in every
    place of its value (the last ones carry bits that a lenient decoder drops) must break it."""
    line = hit.rstrip(b"\n")
    value = json.loads(line)["signature"]["value"].encode("ascii")
    start = line.index(value)
    accepted = [
        (p - start, chr(b))
        for p in range(start, start + len(value))
        for b in BASE64
        if b != line[p] and verify_document(replaced(line, p, b), world.key.public).ok
    ]
    assert accepted == []


def test_a_receipt_with_a_renamed_member_is_reported_not_raised(world: World, hit: bytes) -> None:
    """A changed member name is a changed receipt: every check still reports, none raises."""
    line = hit.rstrip(b"\n")
    for member in (b'"prev_hash"', b'"seq"', b'"merkle_root"', b'"inclusion"', b'"lists"'):
        renamed = line.replace(member, member[:-2] + b'~"', 1)
        check = verify_document(renamed, world.key.public, log=AuditLog(world.engine))
        assert not check.ok, member
        assert Check.SIGNATURE in failed(check), member


def test_a_wrong_public_key_fails_the_signature_naming_both_keys(
    world: World, hit: bytes, tmp_path: Path
) -> None:
    other = create_signing_key(tmp_path / "another-deployment.pem")
    check = verify_document(hit.rstrip(b"\n"), other.public)
    assert not check.ok and failed(check) == {Check.SIGNATURE}
    [signature] = [r for r in check.results if r.check is Check.SIGNATURE]
    assert world.key.id in signature.detail and other.id in signature.detail


def test_each_check_catches_what_it_guards(world: World, hit: bytes) -> None:
    """An insider with the signing key edits a receipt and signs it again: the audit record and the
    Merkle path still expose it, and a rewritten audit record is exposed by the database's chain."""
    public, log = world.key.public, AuditLog(world.engine)
    original = json.loads(hit)

    edited = json.loads(hit)
    edited["result"]["hits"][0]["score"] = 0.31  # a weaker hit than the one screened
    assert failed(verify_document(resigned(edited, world.key), public)) == {Check.INCLUSION}

    edited["audit"]["details"]["merkle_root"] = leaf_of(body_of(edited)).hex()  # a tree of one
    assert failed(verify_document(resigned(edited, world.key), public)) == {Check.AUDIT_RECORD}

    audit = edited["audit"]
    audit["hash"] = record_hash(
        seq=audit["seq"], at=datetime.fromisoformat(audit["at"]), actor=audit["actor"],
        action=audit["action"], subject=audit["subject"], details=audit["details"],
        list_versions=audit["list_versions"], engine_version=audit["engine_version"],
        prev_hash=audit["prev_hash"],
    )  # fmt: skip
    forged = resigned(edited, world.key)
    assert verify_document(forged, public).ok  # offline, a forgery by the key's holder holds ...
    online = verify_document(forged, public, log=log)  # ... until the deployment's chain is asked
    assert failed(online) == {Check.AUDIT_CHAIN}
    [chain] = [r for r in online.results if r.check is Check.AUDIT_CHAIN]
    assert f"record {audit['seq']} has hash" in chain.detail and original["audit"]["hash"] in chain.detail

    other_lists = json.loads(hit)
    other_lists["lists"][0]["version"] += 1  # not the version the audit record names
    assert failed(verify_document(resigned(other_lists, world.key), public)) == {
        Check.AUDIT_RECORD,
        Check.INCLUSION,
    }


def test_a_batch_has_one_audit_record_and_a_path_per_receipt(world: World) -> None:
    names = [UN_HIT, NO_MATCH, "", WATCHED, "Kim Jong Un"]
    lines: list[bytes] = []
    with ReceiptBatch(
        channel=Channel.FILE, actor="test:receipts", settings=Settings(world.screener.threshold, 5),
        versions=world.versions,
    ) as batch:  # fmt: skip
        for row, name in enumerate(names, 1):
            query = Query(name, id=f"r{row}")
            if name:
                batch.add(Screened(query, world.screener.screen(query), row=row))
            else:
                batch.add(Screened(query, error=f"row {row}: name: empty", row=row))
        issued = batch.sign(
            world.engine, world.key, lambda line, _index: lines.append(line.encode()), subject="five"
        )
    documents = [json.loads(line) for line in lines]
    assert [d["result"]["outcome"] for d in documents] == ["hit", "no match", "error", "hit", "no match"]
    assert [d["query"]["row"] for d in documents] == [1, 2, 3, 4, 5]
    assert [d["inclusion"]["index"] for d in documents] == [0, 1, 2, 3, 4]
    assert {d["inclusion"]["size"] for d in documents} == {5}
    assert all(d["inclusion"]["path"] for d in documents)
    assert all(verify_document(line.rstrip(b"\n"), world.key.public).ok for line in lines)

    root = MerkleTree([leaf_of(body_of(d)) for d in documents]).root.hex()
    assert issued.merkle_root == root and issued.count == 5
    holding = [r for r in AuditLog(world.engine).records() if r.details.get("merkle_root") == root]
    assert [(r.seq, r.action, r.details["receipts"]) for r in holding] == [
        (issued.audit_seq, "screening.receipts", 5)
    ]
    assert {d["audit"]["seq"] for d in documents} == {issued.audit_seq}


# ---- replay ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "outcome"), [(UN_HIT, "hit"), (NO_MATCH, "no match")])
def test_a_receipt_replays_to_the_same_result(world: World, name: str, outcome: str) -> None:
    document = json.loads(world.issue(name))
    assert document["result"]["outcome"] == outcome
    replay = replay_receipt(document, world.registry)
    assert (replay.outcome, replay.against, replay.differences) == (
        ReplayOutcome.SAME,
        {"un": 1, WATCH: 1},
        [],
    )
    current = replay_receipt(document, world.registry, against_current=True)
    assert current.outcome is ReplayOutcome.SAME
    assert current.reasons == ["the same list versions are active now"]


def test_receipts_of_the_same_versions_replay_on_one_index(world: World) -> None:
    """A file's receipts name the same versions: one index is built for all of them, not one each."""
    screeners: ScreenerCache = {}
    documents = [json.loads(world.issue(name)) for name in (UN_HIT, NO_MATCH, WATCHED)]
    outcomes = [replay_receipt(d, world.registry, screeners=screeners).outcome for d in documents]
    assert outcomes == [ReplayOutcome.SAME] * 3
    assert len(screeners) == 1


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (
            "UPDATE list_versions SET digest = :other WHERE source = :source AND number = 1",
            "the registry's internal:watch/1 holds other parties than the receipt's",
        ),
        (
            "UPDATE list_versions SET files = :files WHERE source = :source AND number = 1",
            "the registry's internal:watch/1 was ingested from other files than the receipt names",
        ),
    ],
)
def test_a_version_not_as_the_receipt_names_it_is_not_replayed(
    watch_world: World, tamper: str, reason: str
) -> None:
    document = json.loads(watch_world.issue(WATCHED))
    assert [h["entity_id"] for h in document["result"]["hits"]] == [WATCHED_ID]
    assert replay_receipt(document, watch_world.registry).outcome is ReplayOutcome.SAME
    files = json.dumps([{"name": "watch-1.csv", "sha256": "0" * 64, "size": 1}])
    with watch_world.engine.begin() as conn:
        conn.execute(text(tamper), {"other": "f" * 64, "files": files, "source": WATCH})
    replay = replay_receipt(document, watch_world.registry)
    assert (replay.outcome, replay.against) == (ReplayOutcome.NOT_REPLAYABLE, {})
    assert len(replay.reasons) == 1 and replay.reasons[0].startswith(reason)


# ---- on PostgreSQL ----------------------------------------------------------------------------------


def test_on_postgresql_a_receipt_verifies_against_the_chain_and_replays(
    pg_server: str, tmp_path: Path
) -> None:
    name, url = make_pg_database(pg_server)
    registry = Registry(connect(url))
    try:
        ingest(registry, watch_list(tmp_path / "watch-1.csv", version=1), WATCH)
        world = world_of(registry, create_signing_key(tmp_path / "signing-key.pem"))
        line = world.issue(WATCHED)
        check = verify_document(line.rstrip(b"\n"), world.key.public, log=AuditLog(registry.engine))
        assert check.ok and states(check)[-1] == (Check.AUDIT_CHAIN, True)
        replay = replay_receipt(json.loads(line), registry)
        assert (replay.outcome, replay.against) == (ReplayOutcome.SAME, {WATCH: 1})
    finally:
        registry.close()
        drop_pg_database(pg_server, name)


# ---- property -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def memory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, SigningKey]]:
    engine = connect("sqlite://")
    try:
        yield engine, create_signing_key(tmp_path_factory.mktemp("memory") / "signing-key.pem")
    finally:
        engine.dispose()


_TEXT = st.text(st.characters(codec="utf-8"), max_size=20)
_HITS = st.lists(
    st.builds(
        Hit,
        entity_id=st.from_regex(r"\Aun:KP[ie]\.[0-9]{3}\Z"),
        score=st.floats(0, 1),
        source_ids=st.lists(_TEXT, max_size=2),
        matched_name=_TEXT,
        caption=_TEXT,
        schema=st.sampled_from(["Person", "Organization", "Vessel"]),
        programs=st.lists(_TEXT, max_size=2),
    ),
    max_size=3,
)
_SCREENED = st.builds(
    Screened,
    query=st.builds(
        Query,
        name=_TEXT,
        schema=st.sampled_from([None, "Person", "Company", "Spaceship"]),
        birth_date=st.sampled_from([None, "1971", "1971-03-14", "1971-02-30"]),
        country=st.sampled_from([None, "kp", "DE", "Atlantis"]),
        identifier=st.none() | _TEXT,
        id=st.none() | _TEXT,
    ),
    hits=_HITS,
    error=st.none() | _TEXT,
    row=st.none() | st.integers(1, 10**6),
)


@settings(max_examples=80)
@given(screenings=st.lists(_SCREENED, min_size=1, max_size=4), data=st.data())
def test_no_single_byte_change_of_any_receipt_verifies(
    memory: tuple[Engine, SigningKey], screenings: list[Screened], data: st.DataObject
) -> None:
    engine, key = memory
    lines: list[bytes] = []

    def write(line: str, _index: int) -> None:
        lines.append(line.encode("utf-8"))

    with ReceiptBatch(
        channel=Channel.FILE, actor="test:property", settings=Settings(0.5, 5), versions=[]
    ) as batch:
        for screened in screenings:
            batch.add(screened)
        batch.sign(engine, key, write, subject="property")
    line = data.draw(st.sampled_from(lines)).rstrip(b"\n")
    assert verify_document(line, key.public).ok
    value = json.loads(line)["signature"]["value"].encode("ascii")
    start = line.index(value)
    # Anywhere, or within the signature's value (the one member the signature does not cover); drawn
    # as offsets and a non-zero XOR, so that the draws do not depend on the receipt's length.
    within_signature = data.draw(st.booleans())
    offset = data.draw(st.integers(0, 2**16))
    position = start + offset % len(value) if within_signature else offset % len(line)
    flip = data.draw(st.integers(1, 255))
    assert not verify_document(replaced(line, position, line[position] ^ flip), key.public).ok
