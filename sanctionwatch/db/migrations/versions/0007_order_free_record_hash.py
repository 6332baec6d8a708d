"""Record hashes that ignore the order and repetition of a field's values (`Entity.content_hash`).

Stored records are keyed by their hash, and an update counts a party as changed when its hash
differs from the active version's. Without this re-keying, the first update after the upgrade would
report every party whose lists were not already sorted as changed, and every alert and good-guy
suppression would look stale. So every stored record is re-keyed, its data de-duplicated
(`Entity.normalize`), and every place that holds a record hash follows: the versions' entries and
digests, the record terms, and the party hashes of alerts and good guys (one record's hash, or the
SHA-256 of several records' sorted hashes, as `monitoring.rescreen` computes them). Records that
now coincide (they differed only in order or repeats) become one.

A party hash that cannot be traced back to its records (a record since deleted) is left as it is
and counted in a warning: the pair alerts again once, which errs on the side of review.

Downgrade re-keys the other way (SHA-256 of the stored data, the previous rule); data stays
de-duplicated, so an older parser's repeats would show as changes once.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import math
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

from sanctionwatch.model import Entity

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

_CHUNK = 500
_MAX_COMBINATIONS = 10_000  # records per party tried when tracing a multi-record party hash

_records = sa.table(
    "entity_records",
    sa.column("hash", sa.String),
    sa.column("entity_id", sa.String),
    sa.column("schema", sa.String),
    sa.column("caption", sa.Text),
    sa.column("data", sa.Text),
)
_version_entities = sa.table(
    "version_entities",
    sa.column("version_id", sa.Integer),
    sa.column("entity_id", sa.String),
    sa.column("record_hash", sa.String),
)
_record_terms = sa.table(
    "record_terms",
    sa.column("record_hash", sa.String),
    sa.column("kind", sa.String),
    sa.column("value", sa.String),
)
_list_versions = sa.table("list_versions", sa.column("id", sa.Integer), sa.column("digest", sa.String))
_alerts = sa.table(
    "alerts",
    sa.column("id", sa.Integer),
    sa.column("source_ids", sa.JSON),
    sa.column("record_hash", sa.String),
)
_good_guys = sa.table(
    "good_guys",
    sa.column("customer_id", sa.String),
    sa.column("entity_id", sa.String),
    sa.column("alert_id", sa.Integer),
    sa.column("record_hash", sa.String),
)

# data -> (hash, data to store)
_Rekey = Callable[[str], tuple[str, str]]


def _current(data: str) -> tuple[str, str]:
    entity = Entity.from_dict(json.loads(data))
    entity.normalize()
    return entity.content_hash(), entity.canonical_json()


def _previous(data: str) -> tuple[str, str]:
    return hashlib.sha256(data.encode("utf-8")).hexdigest(), data


def upgrade() -> None:
    _rekey(op.get_bind(), _current)


def downgrade() -> None:
    _rekey(op.get_bind(), _previous)


def _rekey(conn: sa.Connection, rekey: _Rekey) -> None:
    old_hashes = list(conn.execute(sa.select(_records.c.hash)).scalars())
    existing = set(old_hashes)
    mapping: dict[str, str] = {}
    entity_of: dict[str, str] = {}
    by_entity: dict[str, list[tuple[str, str]]] = {}
    written: set[str] = set()
    for chunk in _chunks(old_hashes):
        rows = conn.execute(sa.select(_records).where(_records.c.hash.in_(chunk))).all()
        fresh: list[dict[str, str]] = []
        terms_from: dict[str, str] = {}
        for row in rows:
            new_hash, data = rekey(row.data)
            mapping[row.hash] = new_hash
            entity_of[row.hash] = row.entity_id
            by_entity.setdefault(row.entity_id, []).append((row.hash, new_hash))
            if new_hash in existing or new_hash in written:
                continue
            written.add(new_hash)
            terms_from[new_hash] = row.hash
            fresh.append(
                {
                    "hash": new_hash,
                    "entity_id": row.entity_id,
                    "schema": row.schema,
                    "caption": row.caption,
                    "data": data,
                }
            )
        if fresh:
            conn.execute(sa.insert(_records), fresh)
            terms = conn.execute(
                sa.select(_record_terms).where(_record_terms.c.record_hash.in_(list(terms_from.values())))
            ).all()
            old_to_new = {old: new for new, old in terms_from.items()}
            copied = [
                {"record_hash": old_to_new[t.record_hash], "kind": t.kind, "value": t.value} for t in terms
            ]
            if copied:
                conn.execute(sa.insert(_record_terms), copied)
    moved = [{"_id": entity_of[old], "_old": old, "_new": new} for old, new in mapping.items() if old != new]
    if not moved:
        return
    conn.execute(
        sa.update(_version_entities)
        .where(  # the entity id first: version_entities is indexed by it, not by the hash
            _version_entities.c.entity_id == sa.bindparam("_id"),
            _version_entities.c.record_hash == sa.bindparam("_old"),
        )
        .values(record_hash=sa.bindparam("_new")),
        moved,
    )
    gone = [m["_old"] for m in moved]
    for chunk in _chunks(gone):
        conn.execute(sa.delete(_record_terms).where(_record_terms.c.record_hash.in_(chunk)))
        conn.execute(sa.delete(_records).where(_records.c.hash.in_(chunk)))
    _redigest(conn)
    _rekey_parties(conn, mapping, by_entity)


def _redigest(conn: sa.Connection) -> None:
    """Each version's digest over its sorted (entity id, record hash) pairs, as the registry computes it."""
    for version_id in list(conn.execute(sa.select(_list_versions.c.id)).scalars()):
        pairs = dict(
            conn.execute(
                sa.select(_version_entities.c.entity_id, _version_entities.c.record_hash).where(
                    _version_entities.c.version_id == version_id
                )
            ).all()
        )
        text = "\n".join(f"{k} {pairs[k]}" for k in sorted(pairs))
        conn.execute(
            sa.update(_list_versions)
            .where(_list_versions.c.id == version_id)
            .values(digest=hashlib.sha256(text.encode()).hexdigest())
        )


def _party(hashes: Sequence[str]) -> str:
    """A listed party's state as monitoring.rescreen computes it from its records' hashes."""
    if len(hashes) == 1:
        return hashes[0]
    return hashlib.sha256("\n".join(sorted(hashes)).encode()).hexdigest()


def _rekey_parties(
    conn: sa.Connection, mapping: dict[str, str], by_entity: dict[str, list[tuple[str, str]]]
) -> None:
    def new_party(old: str, source_ids: Sequence[str]) -> str | None:
        if old in mapping:
            return mapping[old]
        options = [by_entity.get(s, []) for s in source_ids]
        if not options or math.prod(len(o) for o in options) > _MAX_COMBINATIONS:
            return None
        for combo in itertools.product(*options):
            if _party([pair[0] for pair in combo]) == old:
                return _party([pair[1] for pair in combo])
        return None

    untraced = 0
    source_ids: dict[int, list[str]] = {}
    for alert in conn.execute(sa.select(_alerts)).all():
        source_ids[alert.id] = list(alert.source_ids)
        new = new_party(alert.record_hash, alert.source_ids)
        if new is None:
            untraced += 1
        elif new != alert.record_hash:
            conn.execute(sa.update(_alerts).where(_alerts.c.id == alert.id).values(record_hash=new))
    for good in conn.execute(sa.select(_good_guys)).all():
        new = new_party(good.record_hash, source_ids.get(good.alert_id, []))
        if new is None:
            untraced += 1
        elif new != good.record_hash:
            conn.execute(
                sa.update(_good_guys)
                .where(_good_guys.c.customer_id == good.customer_id, _good_guys.c.entity_id == good.entity_id)
                .values(record_hash=new)
            )
    if untraced:
        log.warning(
            "%d alert or good-guy party hash(es) not traced to stored records: left as they were", untraced
        )


def _chunks(items: list[str]) -> list[list[str]]:
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]
