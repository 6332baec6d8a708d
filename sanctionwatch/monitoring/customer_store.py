"""The customer base in the registry database, indexed for both screening directions.

Customer -> lists is ordinary screening. Lists -> customers is what delta screening needs when a list
changes: which of a million customers could match the nineteen parties just designated? For that each
customer's name tokens (the matcher's own forms: folded, transliterated, legal forms dropped) and
identifiers are kept in tables of their own, and every token of the customers' vocabulary under each of
its lookup keys (the keys the matcher retrieves lookalike spellings by).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, select, update

from sanctionwatch.db.engine import take_lock
from sanctionwatch.db.tables import meta
from sanctionwatch.matching.index import KEY_SCHEME, token_keys
from sanctionwatch.matching.names import is_noise, name_forms
from sanctionwatch.matching.normalize import identifier_key
from sanctionwatch.monitoring import tables as t
from sanctionwatch.monitoring.customer import Customer, read_customers
from sanctionwatch.registry import audit
from sanctionwatch.screening.batchio import RowError

__all__ = ["Customers"]

BATCH = 2000  # customers written per statement batch
KEY_SCHEME_SETTING = "customer_token_keys.scheme"
MAX_TOKEN = 100  # the column's width; longer "tokens" are not names
_SIGN = 1 << 63


@dataclass(slots=True)
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    @property
    def changed(self) -> int:
        return self.added + self.updated

    def to_json(self) -> dict[str, int]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }


def signed_key(key_hash: int) -> int:
    """A 64-bit key hash as the signed integer both databases store (BIGINT is signed)."""
    return key_hash - (1 << 64) if key_hash >= _SIGN else key_hash


def lookup_keys(token: str) -> list[int]:
    """The keys the matcher's index files a token under, as stored (signed).

    They are the matcher's: an engine whose keys change needs the customers' vocabulary keys rebuilt
    (`customer_token_keys`), or delta screening would miss lookalikes.
    """
    return [signed_key(k) for k in token_keys(token)]


def customer_tokens(customer: Customer) -> set[str]:
    """The tokens delta screening finds a customer by: those of every form of every name, noise excluded."""
    tokens: set[str] = set()
    for name in customer.names:
        for form in name_forms(name, organization=customer.organization):
            tokens.update(tok for tok in form.tokens if not is_noise(tok) and len(tok) <= MAX_TOKEN)
    return tokens


def _now() -> datetime:
    return datetime.now(UTC)


def _sorted_chunks(values: Collection[Any]) -> Iterator[list[Any]]:
    """The values, sorted, in lists of BATCH: what one IN (...) of a statement takes."""
    ordered = sorted(values)
    for start in range(0, len(ordered), BATCH):
        yield ordered[start : start + BATCH]


def _digest(ids: Sequence[str]) -> str:
    """SHA-256 of the ids, one per line: which customers a batch wrote, in a line of the audit log."""
    return hashlib.sha256("\n".join(ids).encode()).hexdigest()


class Customers:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ---- writing ---------------------------------------------------------------------------------

    def upsert(
        self, customers: Iterable[Customer], *, actor: str = "system", source: str = ""
    ) -> tuple[ImportSummary, list[str]]:
        """Add new customers and replace changed ones (by id); the summary and the ids added or changed.

        A customer whose content is unchanged is not touched: its alerts and decisions stay as they are.
        A later record with the same id in one import wins, as a later export of the same customer would.
        Each batch is written, with its audit record, in a transaction of its own: a file that breaks
        half-way leaves the batches before it imported and on record, and nothing of the rest.
        """
        summary = ImportSummary()
        written: list[str] = []
        batch: dict[str, Customer] = {}
        for customer in customers:
            batch[customer.id] = customer
            if len(batch) >= BATCH:
                written.extend(self._write(batch, summary, actor, source))
                batch = {}
        if batch or not (summary.added + summary.updated + summary.unchanged):
            # (An empty file is written as an empty batch: the attempt is on record too.)
            written.extend(self._write(batch, summary, actor, source))
        return summary, written

    def import_file(
        self, path: Path, *, actor: str = "system", source: str | None = None
    ) -> tuple[ImportSummary, list[RowError]]:
        """Import a customer file (read_customers): the good rows are written, the bad ones returned, by
        row, for the caller to report. SourceFormatError for a file that holds no customers at all."""
        rejected: list[RowError] = []

        def valid() -> Iterator[Customer]:
            for record in read_customers(path):
                if isinstance(record, RowError):
                    rejected.append(record)
                else:
                    yield record

        summary, _written = self.upsert(valid(), actor=actor, source=source or path.name)
        summary.rejected = len(rejected)
        return summary, rejected

    def _write(
        self, batch: dict[str, Customer], summary: ImportSummary, actor: str, source: str
    ) -> list[str]:
        now = _now()
        with self.engine.begin() as conn:
            # One writer of customers (and of alerts) at a time: two imports of the same new customer
            # would otherwise both insert it.
            take_lock(conn, "monitoring")
            known = dict(
                conn.execute(
                    select(t.customers.c.id, t.customers.c.hash).where(t.customers.c.id.in_(list(batch)))
                ).all()
            )
            new = [c for c in batch.values() if c.id not in known]
            changed = [c for c in batch.values() if c.id in known and known[c.id] != c.hash]
            summary.added += len(new)
            summary.updated += len(changed)
            summary.unchanged += len(batch) - len(new) - len(changed)
            if new:
                conn.execute(insert(t.customers), [self._row(c, now) | {"created_at": now} for c in new])
            if changed:
                conn.execute(
                    update(t.customers)
                    .where(t.customers.c.id == bindparam("_id"))
                    .values(
                        schema=bindparam("schema"),
                        name=bindparam("name"),
                        data=bindparam("data"),
                        hash=bindparam("hash"),
                        updated_at=bindparam("updated_at"),
                        screened_at=None,
                    ),
                    [{"_id": c.id, **self._row(c, now)} for c in changed],
                )
                self._drop_index(conn, [c.id for c in changed])
            self._index(conn, [*new, *changed])
            audit.append(
                conn, actor=actor, action="customers.imported", subject=source or "customers",
                details={"added": len(new), "updated": len(changed), "unchanged": len(batch) - len(new) - len(changed),
                         "ids": _digest(sorted(c.id for c in (*new, *changed)))},
            )  # fmt: skip
        return [c.id for c in (*new, *changed)]

    @staticmethod
    def _row(customer: Customer, now: datetime) -> dict[str, Any]:
        return {
            "id": customer.id,
            "schema": customer.schema,
            "name": customer.name,
            "data": customer.data(),
            "hash": customer.hash,
            "updated_at": now,
        }

    def _index(self, conn: Connection, customers: Sequence[Customer]) -> None:
        token_rows: list[dict[str, str]] = []
        identifier_rows: list[dict[str, str]] = []
        vocabulary: set[str] = set()
        for customer in customers:
            tokens = customer_tokens(customer)
            vocabulary |= tokens
            token_rows.extend({"token": tok, "customer_id": customer.id} for tok in tokens)
            keys = {identifier_key(v)[:200] for v in customer.identifiers} - {""}  # cut, then deduplicated
            identifier_rows.extend({"key": key, "customer_id": customer.id} for key in keys)
        if token_rows:
            conn.execute(insert(t.customer_tokens), token_rows)
        if identifier_rows:
            conn.execute(insert(t.customer_identifiers), identifier_rows)
        self._add_vocabulary(conn, vocabulary)

    @staticmethod
    def _add_vocabulary(conn: Connection, tokens: Collection[str]) -> None:
        """Lookup keys for the tokens the vocabulary does not have yet (under one key scheme, a token's
        keys never change: see refile_vocabulary for a new one)."""
        if not tokens:
            return
        known: set[str] = set()
        for chunk in _sorted_chunks(tokens):
            known.update(
                conn.execute(
                    select(t.token_keys.c.token).where(t.token_keys.c.token.in_(chunk)).distinct()
                ).scalars()
            )
        rows = [
            {"key": key, "token": tok}
            for tok in sorted(tokens)
            if tok not in known
            for key in set(lookup_keys(tok))
        ]
        for start in range(0, len(rows), BATCH * 10):
            conn.execute(insert(t.token_keys), rows[start : start + BATCH * 10])

    def refile_vocabulary(self) -> bool:
        """File the whole vocabulary again if it was filed under another key scheme than the matcher's
        (an engine upgrade that changed its keys); True when it did. Without it, a delta screen would
        look new parties up under keys the customers' tokens were never filed under, and miss them."""
        with self.engine.begin() as conn:
            take_lock(conn, "monitoring")
            filed = conn.execute(select(meta.c.value).where(meta.c.name == KEY_SCHEME_SETTING)).scalar()
            if filed == str(KEY_SCHEME):
                return False
            conn.execute(delete(t.token_keys))
            vocabulary = conn.execute(select(t.customer_tokens.c.token).distinct()).scalars().all()
            self._add_vocabulary(conn, vocabulary)
            conn.execute(delete(meta).where(meta.c.name == KEY_SCHEME_SETTING))
            conn.execute(insert(meta).values(name=KEY_SCHEME_SETTING, value=str(KEY_SCHEME)))
        return True

    @staticmethod
    def _drop_index(conn: Connection, ids: Sequence[str]) -> None:
        conn.execute(delete(t.customer_tokens).where(t.customer_tokens.c.customer_id.in_(ids)))
        conn.execute(delete(t.customer_identifiers).where(t.customer_identifiers.c.customer_id.in_(ids)))

    def delete(self, ids: Sequence[str], *, actor: str = "system") -> int:
        """Remove customers (their alerts and cases stay, for the record); how many there were."""
        removed: list[str] = []
        with self.engine.begin() as conn:
            take_lock(conn, "monitoring")
            for chunk in _sorted_chunks(ids):
                self._drop_index(conn, chunk)
                removed.extend(
                    conn.execute(
                        delete(t.customers).where(t.customers.c.id.in_(chunk)).returning(t.customers.c.id)
                    )
                    .scalars()
                    .all()
                )
            if removed:  # on record exactly what was removed, in the same transaction
                audit.append(
                    conn, actor=actor, action="customers.deleted", subject=f"{len(removed)} customers",
                    details={"ids": sorted(removed)[:1000], "more": max(0, len(removed) - 1000)},
                )  # fmt: skip
        return len(removed)

    def mark_screened(self, screened: Sequence[tuple[str, str]], at: datetime | None = None) -> None:
        """Mark (id, hash) pairs screened: a customer changed since it was read stays unscreened."""
        when = at or _now()
        c = t.customers.c
        with self.engine.begin() as conn:
            for start in range(0, len(screened), BATCH):
                chunk = [{"_id": i, "_hash": h} for i, h in screened[start : start + BATCH]]
                conn.execute(
                    update(t.customers)
                    .where(c.id == bindparam("_id"), c.hash == bindparam("_hash"))
                    .values(screened_at=when),
                    chunk,
                )

    # ---- reading ---------------------------------------------------------------------------------

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(t.customers)).scalar_one())

    def unscreened_count(self) -> int:
        """Customers not screened against the whole registry since they were added or changed: work owed
        (an import or a screen that crashed, a customer whose screen failed), which the next screening
        command makes up and which shows until it has."""
        with self.engine.connect() as conn:
            query = select(func.count()).select_from(t.customers).where(t.customers.c.screened_at.is_(None))
            return int(conn.execute(query).scalar_one())

    def get(self, customer_id: str) -> Customer | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.customers.c.id, t.customers.c.data).where(t.customers.c.id == customer_id)
            ).first()
        return Customer.from_data(row.id, row.data) if row else None

    def many(self, ids: Collection[str]) -> list[Customer]:
        found: list[Customer] = []
        with self.engine.connect() as conn:
            for chunk in _sorted_chunks(ids):
                rows = conn.execute(
                    select(t.customers.c.id, t.customers.c.data).where(t.customers.c.id.in_(chunk))
                )
                found.extend(Customer.from_data(row.id, row.data) for row in rows)
        return found

    def hashes(self, ids: Collection[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        with self.engine.connect() as conn:
            for chunk in _sorted_chunks(ids):
                out.update(
                    conn.execute(
                        select(t.customers.c.id, t.customers.c.hash).where(t.customers.c.id.in_(chunk))
                    ).all()
                )
        return out

    def iter_all(self, *, unscreened_only: bool = False, batch: int = BATCH) -> Iterator[list[Customer]]:
        """Every customer, in id order, a batch at a time (keyset pages: no offset scans on a big base)."""
        last = ""
        while True:
            query = select(t.customers.c.id, t.customers.c.data).where(t.customers.c.id > last)
            if unscreened_only:
                query = query.where(t.customers.c.screened_at.is_(None))
            with self.engine.connect() as conn:
                rows = conn.execute(query.order_by(t.customers.c.id).limit(batch)).all()
            if not rows:
                return
            yield [Customer.from_data(row.id, row.data) for row in rows]
            last = rows[-1].id

    # ---- the other direction: which customers could a listed party match? -------------------------

    def tokens_with_keys(self, keys: Collection[int]) -> set[str]:
        """Vocabulary tokens filed under any of these lookup keys."""
        found: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in _sorted_chunks(keys):
                found.update(
                    conn.execute(select(t.token_keys.c.token).where(t.token_keys.c.key.in_(chunk))).scalars()
                )
        return found

    def with_tokens(self, tokens: Collection[str]) -> dict[str, set[str]]:
        """Customer id -> which of these tokens its names have."""
        found: dict[str, set[str]] = {}
        with self.engine.connect() as conn:
            for chunk in _sorted_chunks(tokens):
                rows = conn.execute(
                    select(t.customer_tokens.c.customer_id, t.customer_tokens.c.token).where(
                        t.customer_tokens.c.token.in_(chunk)
                    )
                )
                for customer_id, token in rows:
                    found.setdefault(customer_id, set()).add(token)
        return found

    def with_identifiers(self, keys: Collection[str]) -> set[str]:
        """Ids of customers holding any of these identifiers (identifier_key form)."""
        found: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in _sorted_chunks(keys):
                found.update(
                    conn.execute(
                        select(t.customer_identifiers.c.customer_id).where(
                            t.customer_identifiers.c.key.in_(chunk)
                        )
                    ).scalars()
                )
        return found
