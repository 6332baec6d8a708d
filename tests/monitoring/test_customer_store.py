"""The customer base in the registry database: imports by id, the change hash, and the reverse index
(name tokens, their lookup keys, identifiers) that delta screening finds customers by."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, select

from sanctionwatch.db.engine import as_utc
from sanctionwatch.matching.normalize import identifier_key
from sanctionwatch.monitoring import customer_store
from sanctionwatch.monitoring import tables as t
from sanctionwatch.monitoring.customer import Customer, customer_from_record
from sanctionwatch.monitoring.customer_store import (
    Customers,
    ImportSummary,
    customer_tokens,
    lookup_keys,
    signed_key,
)
from sanctionwatch.registry.audit import AuditLog

ANN = Customer("c-01", "Person", ("Ann Lee",), birth_dates=("1980-02-03",), countries=("de",))
BO = Customer("c-02", "Person", ("Bo Schmidt", "Bodo Schmidt"), identifiers=("P 123-456",))
ACME = Customer(
    "c-03", "Company", ("Acme Widgets GmbH",), identifiers=("HRB 12345",), attributes={"segment": "corporate"}
)


def _row(engine: Engine, customer_id: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(select(t.customers).where(t.customers.c.id == customer_id)).one()


def _tokens_of(engine: Engine, customer_id: str) -> set[str]:
    with engine.connect() as conn:
        return set(
            conn.execute(
                select(t.customer_tokens.c.token).where(t.customer_tokens.c.customer_id == customer_id)
            ).scalars()
        )


def _identifiers_of(engine: Engine, customer_id: str) -> set[str]:
    with engine.connect() as conn:
        return set(
            conn.execute(
                select(t.customer_identifiers.c.key).where(
                    t.customer_identifiers.c.customer_id == customer_id
                )
            ).scalars()
        )


def _count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


# ---- imports ---------------------------------------------------------------------------------------


def test_upsert_counts_added_updated_and_unchanged(empty_engine: Engine) -> None:
    store = Customers(empty_engine)
    summary, changed = store.upsert([ANN, BO, ACME])
    assert summary.to_json() == {"added": 3, "updated": 0, "unchanged": 0, "rejected": 0}
    assert sorted(changed) == ["c-01", "c-02", "c-03"]

    new = Customer("c-04", "Person", ("Dee Park",))
    moved = replace(BO, countries=("fr",))
    summary, changed = store.upsert([ANN, moved, ACME, new])
    assert (summary.added, summary.updated, summary.unchanged) == (1, 1, 2)
    assert summary.changed == 2
    assert sorted(changed) == ["c-02", "c-04"]
    assert store.count() == 4
    assert store.get("c-02") == moved

    summary, changed = store.upsert([ANN, moved, ACME, new])
    assert summary == ImportSummary(unchanged=4) and changed == []


def test_a_later_record_with_the_same_id_wins_within_one_import(empty_engine: Engine) -> None:
    store = Customers(empty_engine)
    later = replace(ANN, names=("Ann Lee-Smith",))
    summary, changed = store.upsert([ANN, later])
    assert (summary.added, summary.updated, summary.unchanged) == (1, 0, 0)
    assert changed == ["c-01"]
    assert store.get("c-01") == later


def test_reading_back_get_many_and_hashes(empty_engine: Engine) -> None:
    store = Customers(empty_engine)
    store.upsert([ACME, BO, ANN])
    assert store.get("c-03") == ACME
    assert store.get("nobody") is None
    assert store.many(["c-03", "c-01", "nobody"]) == [ANN, ACME]
    assert store.many([]) == []
    assert store.hashes(["c-02", "c-03", "nobody"]) == {"c-02": BO.hash, "c-03": ACME.hash}


def test_an_unchanged_reimport_touches_neither_updated_at_nor_screened_at(empty_engine: Engine) -> None:
    store = Customers(empty_engine)
    store.upsert([ANN, BO])
    screened = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    store.mark_screened([(ANN.id, ANN.hash), (BO.id, BO.hash)], at=screened)
    before = _row(empty_engine, "c-01")
    tokens = _tokens_of(empty_engine, "c-01")

    summary, changed = store.upsert([ANN, BO])
    assert summary.unchanged == 2 and changed == []
    after = _row(empty_engine, "c-01")
    assert as_utc(after.updated_at) == as_utc(before.updated_at)
    assert as_utc(after.created_at) == as_utc(before.created_at)
    assert as_utc(after.screened_at) == screened
    assert _tokens_of(empty_engine, "c-01") == tokens
    assert [c.id for page in store.iter_all(unscreened_only=True) for c in page] == []


def test_a_changed_customer_is_unscreened_and_reindexed(empty_engine: Engine) -> None:
    store = Customers(empty_engine)
    store.upsert([ANN, BO])
    store.mark_screened([(ANN.id, ANN.hash), (BO.id, BO.hash)], at=datetime(2026, 1, 2, tzinfo=UTC))
    before = _row(empty_engine, "c-02")
    assert _tokens_of(empty_engine, "c-02") == {"bo", "bodo", "schmidt"}
    assert _identifiers_of(empty_engine, "c-02") == {identifier_key("P 123-456")} == {"P123456"}

    renamed = replace(BO, names=("Carla Weber",), identifiers=("X-9",))
    summary, changed = store.upsert([ANN, renamed])
    assert (summary.updated, summary.unchanged, changed) == (1, 1, ["c-02"])
    after = _row(empty_engine, "c-02")
    assert after.screened_at is None
    assert as_utc(after.updated_at) >= as_utc(before.updated_at)
    assert as_utc(after.created_at) == as_utc(before.created_at)
    assert after.name == "Carla Weber" and after.hash == renamed.hash
    assert _tokens_of(empty_engine, "c-02") == {"carla", "weber"}
    assert _identifiers_of(empty_engine, "c-02") == {"X9"}
    assert store.with_tokens(["schmidt", "bo"]) == {}
    assert store.with_identifiers(["P123456"]) == set()
    # The other customer keeps its screening.
    assert _row(empty_engine, "c-01").screened_at is not None
    assert [c.id for page in store.iter_all(unscreened_only=True) for c in page] == ["c-02"]


def test_an_attribute_change_alone_counts_as_a_change(empty_engine: Engine) -> None:
    store = Customers(empty_engine)
    store.upsert([ACME])
    store.mark_screened([(ACME.id, ACME.hash)])
    summary, changed = store.upsert([replace(ACME, attributes={"segment": "sme"})])
    assert (summary.updated, changed) == (1, ["c-03"])
    assert _row(empty_engine, "c-03").screened_at is None
    assert _tokens_of(empty_engine, "c-03") == {"acme", "widgets"}  # same names: same index


def test_delete_removes_the_customer_and_its_index_rows(empty_engine: Engine) -> None:
    store = Customers(empty_engine)
    store.upsert([ANN, BO, ACME])
    assert store.delete(["c-02", "c-03", "nobody"]) == 2
    assert store.get("c-02") is None and store.get("c-03") is None
    assert _tokens_of(empty_engine, "c-02") == set() == _tokens_of(empty_engine, "c-03")
    assert _identifiers_of(empty_engine, "c-02") == set() == _identifiers_of(empty_engine, "c-03")
    with empty_engine.connect() as conn:
        owners = set(conn.execute(select(t.customer_tokens.c.customer_id)).scalars())
        owners |= set(conn.execute(select(t.customer_identifiers.c.customer_id)).scalars())
    assert owners == {"c-01"}
    assert store.with_tokens(["schmidt", "acme"]) == {}
    assert store.count() == 1
    assert store.delete([]) == 0
    # Deleted and imported again: a new customer.
    summary, _ = store.upsert([BO])
    assert summary.added == 1 and _tokens_of(empty_engine, "c-02") == {"bo", "bodo", "schmidt"}


def test_iter_all_pages_in_id_order(empty_engine: Engine) -> None:
    store = Customers(empty_engine)
    base = [Customer(f"id-{n:02d}", "Person", (f"Person Number{chr(97 + n)}",)) for n in range(10)]
    store.upsert(reversed(base))
    pages = list(store.iter_all(batch=3))
    assert [len(p) for p in pages] == [3, 3, 3, 1]
    assert [c for page in pages for c in page] == base

    store.mark_screened([(c.id, c.hash) for c in base[::2]])
    unscreened = list(store.iter_all(unscreened_only=True, batch=3))
    assert [[c.id for c in p] for p in unscreened] == [
        ["id-01", "id-03", "id-05"],
        ["id-07", "id-09"],
    ]
    store.mark_screened([(c.id, c.hash) for c in base])
    assert list(store.iter_all(unscreened_only=True, batch=3)) == []


def test_iter_all_on_an_empty_base(empty_engine: Engine) -> None:
    assert list(Customers(empty_engine).iter_all()) == []


def test_mark_screened_records_the_time(empty_engine: Engine) -> None:
    store = Customers(empty_engine)
    store.upsert([ANN])
    start = datetime.now(UTC) - timedelta(seconds=1)
    store.mark_screened([(ANN.id, ANN.hash)])
    assert as_utc(_row(empty_engine, "c-01").screened_at) >= start


# ---- the reverse index -----------------------------------------------------------------------------


def test_a_korean_script_name_is_found_by_its_romanized_tokens(empty_engine: Engine) -> None:
    korean = Customer("k-1", "Person", ("김정은",))
    tokens = customer_tokens(korean)
    assert {"kim", "jong", "un"} <= tokens  # the McCune-Reischauer-like reading
    assert {"gim", "jeong", "eun"} <= tokens  # the Revised Romanization
    store = Customers(empty_engine)
    store.upsert([korean, ANN])
    assert _tokens_of(empty_engine, "k-1") == tokens
    assert store.with_tokens(["kim", "jong", "un"]) == {"k-1": {"kim", "jong", "un"}}


def test_organization_tokens_leave_out_legal_forms() -> None:
    assert customer_tokens(ACME) == {"acme", "widgets"}
    assert customer_tokens(BO) == {"bo", "bodo", "schmidt"}


def test_a_typo_is_found_through_the_lookup_keys_of_the_listed_spelling(empty_engine: Engine) -> None:
    store = Customers(empty_engine)
    store.upsert([Customer("t-1", "Person", ("Kimm Jong Un",)), ANN])
    assert _tokens_of(empty_engine, "t-1") == {"kimm", "jong", "un"}
    found = store.tokens_with_keys(lookup_keys("kim"))
    assert "kimm" in found
    assert "lee" not in found
    assert store.with_tokens(found) == {"t-1": {"kimm"}}
    assert store.tokens_with_keys([]) == set()


def test_the_vocabulary_keeps_every_lookup_key_of_every_token(empty_engine: Engine) -> None:
    store = Customers(empty_engine)
    store.upsert([ANN])
    for token in ("ann", "lee"):
        keys = set(lookup_keys(token))
        assert keys and all(-(1 << 63) <= k < (1 << 63) for k in keys)
        with empty_engine.connect() as conn:
            stored = set(
                conn.execute(select(t.token_keys.c.key).where(t.token_keys.c.token == token)).scalars()
            )
        assert stored == keys
    # A second customer with the same tokens adds no duplicate keys (the primary key would refuse them).
    before = _count(empty_engine, t.token_keys)
    store.upsert([Customer("c-99", "Person", ("Lee Ann",))])
    assert _count(empty_engine, t.token_keys) == before


def test_signed_key_maps_64_bit_hashes_into_bigint() -> None:
    assert signed_key(0) == 0
    assert signed_key((1 << 63) - 1) == (1 << 63) - 1
    assert signed_key(1 << 63) == -(1 << 63)
    assert signed_key((1 << 64) - 1) == -1


def test_identifiers_are_found_by_their_normalized_key(empty_engine: Engine) -> None:
    store = Customers(empty_engine)
    vessel = Customer("v-1", "Vessel", ("Ocean Star",), identifiers=("IMO 7937317", "imo-7937317"))
    store.upsert([vessel, BO])
    assert _identifiers_of(empty_engine, "v-1") == {"7937317"}
    assert store.with_identifiers([identifier_key("7937317")]) == {"v-1"}
    assert store.with_identifiers(["P123456", "7937317", "NOTHING"]) == {"v-1", "c-02"}
    assert store.with_identifiers([]) == set()


def test_two_long_identifiers_sharing_a_prefix_do_not_break_the_import(empty_engine: Engine) -> None:
    prefix = "A" * 200
    customer = Customer("long-1", "Person", ("Ann Lee",), identifiers=(prefix + "1", prefix + "2"))
    summary, _ = Customers(empty_engine).upsert([customer, BO])
    assert summary.added == 2


# ---- the audit trail -------------------------------------------------------------------------------


def test_every_import_and_delete_is_an_audit_record(empty_engine: Engine) -> None:
    store = Customers(empty_engine)
    log = AuditLog(empty_engine)
    start = log.head().seq
    store.upsert([ANN, BO], actor="alice", source="core-banking-2026-01-02.csv")
    store.upsert([ANN, replace(BO, countries=("fr",)), ACME])
    store.delete(["c-03"], actor="bob")
    records = log.records(since_seq=start)
    assert [r.action for r in records] == ["customers.imported", "customers.imported", "customers.deleted"]
    first, second, deleted = records
    assert (first.actor, first.subject) == ("alice", "core-banking-2026-01-02.csv")
    digest = hashlib.sha256
    assert first.details == {
        "added": 2,
        "updated": 0,
        "unchanged": 0,
        "ids": digest(b"c-01\nc-02").hexdigest(),
    }
    assert second.details == {
        "added": 1,
        "updated": 1,
        "unchanged": 1,
        "ids": digest(b"c-02\nc-03").hexdigest(),
    }
    assert second.subject == "customers" and second.actor == "system"
    assert deleted.actor == "bob" and deleted.details == {"ids": ["c-03"], "more": 0}
    verification = log.verify()
    assert verification.ok, verification.problem
    assert verification.checked == log.head().seq


def test_an_empty_import_is_still_recorded(empty_engine: Engine) -> None:
    summary, changed = Customers(empty_engine).upsert([])
    assert summary == ImportSummary() and changed == []
    (record,) = AuditLog(empty_engine).latest(1)
    assert record.action == "customers.imported" and record.details["added"] == 0


# ---- PostgreSQL ------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_the_store_round_trips_on_postgresql(pg_engine: Engine) -> None:
    store = Customers(pg_engine)
    korean = Customer("k-1", "Person", ("김정은", "Ким Чен Ын"), attributes={"note": "ü ß 한글"})
    typo = Customer("t-1", "Person", ("Kimm Jong Un",))
    summary, _ = store.upsert([ANN, BO, ACME, korean, typo])
    assert summary.added == 5
    assert store.many(["c-01", "c-02", "c-03", "k-1", "t-1"]) == [ANN, BO, ACME, korean, typo]
    assert store.hashes(["k-1"]) == {"k-1": korean.hash}
    summary, changed = store.upsert([ANN, replace(BO, names=("Carla Weber",)), ACME, korean, typo])
    assert (summary.updated, summary.unchanged, changed) == (1, 4, ["c-02"])
    assert store.with_tokens(["schmidt"]) == {}
    assert store.with_tokens(["kim"]) == {"k-1": {"kim"}}
    assert store.tokens_with_keys(lookup_keys("kim")) >= {"kim", "kimm"}
    assert store.with_identifiers(["HRB12345"]) == {"c-03"}
    assert [c.id for page in store.iter_all(batch=2) for c in page] == ["c-01", "c-02", "c-03", "k-1", "t-1"]
    assert store.delete(["c-03"]) == 1
    assert store.with_identifiers(["HRB12345"]) == set()
    assert AuditLog(pg_engine).verify().ok


@pytest.mark.postgres
def test_a_name_with_a_nul_character_cannot_break_a_postgresql_import(pg_engine: Engine) -> None:
    read = customer_from_record(1, {"id": "n-1", "name": "Ann\x00 Lee"})
    customers = [ANN] + ([read] if isinstance(read, Customer) else [])
    summary, _ = Customers(pg_engine).upsert(customers)
    assert summary.added == len(customers)


@pytest.mark.postgres
def test_an_overlong_id_cannot_break_a_postgresql_import(pg_engine: Engine) -> None:
    read = customer_from_record(1, {"id": "x" * 201, "name": "Ann Lee"})
    customers = [ANN] + ([read] if isinstance(read, Customer) else [])
    summary, _ = Customers(pg_engine).upsert(customers)
    assert summary.added == len(customers)


def test_the_vocabulary_is_filed_again_under_a_new_key_scheme(
    empty_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Customers(empty_engine)
    store.upsert([ANN, BO])
    assert store.refile_vocabulary() is False  # filed under the matcher's scheme already
    with empty_engine.begin() as conn:  # as an older engine with other keys would have left it
        conn.execute(delete(t.token_keys))
    monkeypatch.setattr(customer_store, "KEY_SCHEME", 2)
    assert store.refile_vocabulary() is True
    assert "schmidt" in store.tokens_with_keys(set(lookup_keys("schmidt")))
    assert store.refile_vocabulary() is False
