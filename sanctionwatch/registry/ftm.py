"""FollowTheMoney entities of `ftm:NAME` versions, kept as FtM has them (issue 18).

A FtM file is a graph: a listed Person, its Sanction, its Address, the Ownership that ties it to a
company. The registry's parties (`model.Entity`) are what screening needs, with that graph folded in;
FtM clients (yente's) want the graph back: the entities under their own ids, the `referents` merged
into them, `target` as the publisher set it, and the non-parties themselves. So each version of an FtM
source also keeps every entity of its file (`ftm_records`, content-addressed like the parties), the
entity references between them (`ftm_references`, read both ways for adjacency) and the referents
(`ftm_referents`). Reads take the version ids of one index snapshot, so that an answer never mixes
two versions of a dataset.

FtM's rule that one id is one entity holds across datasets: two `ftm:` sources that both carry
`NK-abc` hold two fragments of one entity, which `FtmEntities.get` returns together for the caller to
merge.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy
from followthemoney.types import registry
from sqlalchemy import Connection, Engine, insert, select

from sanctionwatch.registry import tables as t

__all__ = [
    "STATED_DATES",
    "Adjacent",
    "FtmEntities",
    "FtmFragment",
    "ftm_digest",
    "merged_proxy",
    "stated_dates_of",
    "store_ftm",
]

_CHUNK = 500
# The dates an FtM export states of an entity (yente shows them as they are).
STATED_DATES = ("first_seen", "last_seen", "last_change")


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _hash(record: dict[str, Any]) -> str:
    """The record's identity: property values as sets, so a reordering by the publisher stores nothing new."""
    document = dict(record)
    document["properties"] = {k: sorted(set(v)) for k, v in record.get("properties", {}).items()}
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _role(record: dict[str, Any]) -> str:
    role = record.get("role")
    return str(role) if role else "non-party"


def ftm_digest(records: Sequence[dict[str, Any]]) -> str:
    """What a version's FtM entities add to its digest: a new Payment is a new version of the dataset
    even when no party changed."""
    pairs = sorted(f"{r['id']} {_hash(_stored(r))}" for r in records)
    return hashlib.sha256("\n".join(pairs).encode()).hexdigest()


def _stored(record: dict[str, Any]) -> dict[str, Any]:
    """The record as kept: without the import's `role`, which `version_ftm` holds."""
    return {k: v for k, v in record.items() if k != "role"}


def _references(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(property, other id) for every entity-typed value of the record."""
    schema = model.get(record["schema"])
    if schema is None:
        return []
    found: list[tuple[str, str]] = []
    for prop_name, values in record.get("properties", {}).items():
        prop = schema.get(prop_name)
        if prop is not None and prop.type == registry.entity:
            found.extend((prop_name, value) for value in values if value != record["id"])
    return found


def store_ftm(conn: Connection, version_id: int, records: Sequence[dict[str, Any]]) -> None:
    """Write a version's FtM entities (each record carries its import `role`) in the caller's transaction."""
    rows = {}
    positions: dict[str, int] = {}
    for record in records:
        stored = _stored(record)
        rows[_hash(stored)] = (record, stored)
        positions.setdefault(record["id"], len(positions))
    existing: set[str] = set()
    hashes = list(rows)
    for chunk in _chunks(hashes):
        existing.update(
            conn.execute(select(t.ftm_records.c.hash).where(t.ftm_records.c.hash.in_(chunk))).scalars()
        )
    new = [
        {
            "hash": h,
            "ftm_id": rows[h][1]["id"],
            "schema": rows[h][1]["schema"],
            "data": json.dumps(rows[h][1], sort_keys=True, ensure_ascii=False, separators=(",", ":")),
        }
        for h in hashes
        if h not in existing
    ]
    for chunk in _chunks(new):
        conn.execute(insert(t.ftm_records), list(chunk))
    members = [
        {
            "version_id": version_id,
            "ftm_id": record["id"],
            "record_hash": h,
            "role": _role(record),
            "position": positions[record["id"]],
        }
        for h, (record, _) in rows.items()
    ]
    references = list(
        dict.fromkeys(
            (record["id"], prop, other) for record, _ in rows.values() for prop, other in _references(record)
        )
    )
    referents = list(
        dict.fromkeys(
            (referent, record["id"])
            for record, _ in rows.values()
            for referent in record.get("referents", [])
            if referent != record["id"]
        )
    )
    for chunk in _chunks(members):
        conn.execute(insert(t.version_ftm), list(chunk))
    for chunk in _chunks(references):
        conn.execute(
            insert(t.ftm_references),
            [{"version_id": version_id, "ftm_id": a, "prop": p, "other_id": b} for a, p, b in chunk],
        )
    for chunk in _chunks(referents):
        conn.execute(
            insert(t.ftm_referents),
            [{"version_id": version_id, "referent": r, "ftm_id": i} for r, i in chunk],
        )


@dataclass(frozen=True, slots=True)
class FtmFragment:
    """One entity as one FtM source's version holds it."""

    source: str  # "ftm:us_ofac_sdn"
    role: str  # party | non-target | non-party
    data: dict[str, Any]  # id, schema, caption, properties, datasets, referents, target, first_seen ...
    position: int = 0  # its place in its version's file

    @property
    def id(self) -> str:
        return str(self.data["id"])


@dataclass(frozen=True, slots=True)
class Adjacent:
    """An entity next to another: `prop` is the property that ties them, read from `holder`'s side."""

    prop: str
    holder: str  # the id of the entity holding the property (the root when `outbound`)
    outbound: bool  # True: the root points at it; False: it points at the root
    fragments: tuple[FtmFragment, ...]


class FtmEntities:
    """Reads of the FtM entities of given versions (one index snapshot's `ftm:` versions)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, version_ids: Sequence[int], ids: Iterable[str]) -> dict[str, list[FtmFragment]]:
        """Each id's fragments, one per source that holds it (most often one)."""
        wanted = list(dict.fromkeys(ids))
        found: dict[str, list[FtmFragment]] = {}
        if not version_ids or not wanted:
            return found
        with self.engine.connect() as conn:
            for chunk in _chunks(wanted):
                query = (
                    select(
                        t.version_ftm.c.ftm_id,
                        t.version_ftm.c.role,
                        t.list_versions.c.source,
                        t.ftm_records.c.data,
                        t.version_ftm.c.position,
                    )
                    .join(t.ftm_records, t.ftm_records.c.hash == t.version_ftm.c.record_hash)
                    .join(t.list_versions, t.list_versions.c.id == t.version_ftm.c.version_id)
                    .where(
                        t.version_ftm.c.version_id.in_(list(version_ids)), t.version_ftm.c.ftm_id.in_(chunk)
                    )
                    .order_by(t.list_versions.c.source)
                )
                for ftm_id, role, source, data, position in conn.execute(query):
                    found.setdefault(ftm_id, []).append(FtmFragment(source, role, json.loads(data), position))
        return found

    def every(self, version_ids: Sequence[int], batch: int = 1000) -> Iterator[FtmFragment]:
        """Every entity the versions hold, one fragment per version and id, ordered by id then source
        (an id's fragments come together): what an index over all of them reads, streamed so that a
        large dataset is never held at once."""
        if not version_ids:
            return
        query = (
            select(t.version_ftm.c.role, t.list_versions.c.source, t.ftm_records.c.data)
            .join(t.ftm_records, t.ftm_records.c.hash == t.version_ftm.c.record_hash)
            .join(t.list_versions, t.list_versions.c.id == t.version_ftm.c.version_id)
            .where(t.version_ftm.c.version_id.in_(list(version_ids)))
            .order_by(t.version_ftm.c.ftm_id, t.list_versions.c.source)
        )
        with self.engine.connect() as conn:
            for role, source, data in conn.execution_options(yield_per=batch).execute(query):
                yield FtmFragment(source, role, json.loads(data))

    def stated_dates(self, version_ids: Sequence[int]) -> dict[str, dict[str, str]]:
        """Per party record ("<source>:<FtM id>"), the `first_seen` / `last_seen` / `last_change` its
        dataset states, as FtM-facing answers show them: the earliest first sighting and the latest
        others over the fragments of the source. Non-parties are left out: they are never results."""
        out: dict[str, dict[str, str]] = {}
        if not version_ids:
            return out
        query = (
            select(t.version_ftm.c.ftm_id, t.list_versions.c.source, t.ftm_records.c.data)
            .join(t.ftm_records, t.ftm_records.c.hash == t.version_ftm.c.record_hash)
            .join(t.list_versions, t.list_versions.c.id == t.version_ftm.c.version_id)
            .where(t.version_ftm.c.version_id.in_(list(version_ids)), t.version_ftm.c.role != "non-party")
        )
        fragments: dict[str, list[dict[str, Any]]] = {}
        with self.engine.connect() as conn:
            for ftm_id, source, data in conn.execution_options(yield_per=1000).execute(query):
                record = json.loads(data)
                fragments.setdefault(f"{source}:{ftm_id}", []).append(
                    {k: record.get(k) for k in STATED_DATES}
                )
        for record_id, dated in fragments.items():
            shown = dict(zip(STATED_DATES, stated_dates_of(dated), strict=True))
            out[record_id] = {key: value for key, value in shown.items() if value is not None}
        return out

    def canonical(self, version_ids: Sequence[int], referent: str) -> list[str]:
        """The ids of the entities `referent` was merged into (FtM `referents`), sorted."""
        if not version_ids:
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.ftm_referents.c.ftm_id)
                .where(
                    t.ftm_referents.c.version_id.in_(list(version_ids)),
                    t.ftm_referents.c.referent == referent,
                )
                .distinct()
            ).scalars()
            return sorted(rows)

    def adjacent(self, version_ids: Sequence[int], entity_id: str) -> list[Adjacent]:
        """The entities one reference away from `entity_id`, both ways: those it points at (its
        addressEntity, an Ownership's owner) and those pointing at it (its Sanction, its Ownerships).

        Ordered by property, then by the adjacent entity's place in its file (the dataset's own order, as
        yente keeps it), then id. An id a reference names but no version holds is left out: the caller
        shows the reference itself (the id) from the entity's own properties.
        """
        if not version_ids:
            return []
        versions = list(version_ids)
        with self.engine.connect() as conn:
            outbound = conn.execute(
                select(t.ftm_references.c.prop, t.ftm_references.c.other_id)
                .where(t.ftm_references.c.version_id.in_(versions), t.ftm_references.c.ftm_id == entity_id)
                .distinct()
            ).all()
            inbound = conn.execute(
                select(t.ftm_references.c.prop, t.ftm_references.c.ftm_id)
                .where(t.ftm_references.c.version_id.in_(versions), t.ftm_references.c.other_id == entity_id)
                .distinct()
            ).all()
        fragments = self.get(versions, [other for _, other in outbound] + [holder for _, holder in inbound])

        def order(pair: tuple[str, str]) -> tuple[str, int, str]:
            prop, other = pair
            return prop, fragments[other][0].position, other

        out = [
            Adjacent(prop, entity_id, True, tuple(fragments[other]))
            for prop, other in sorted((p for p in outbound if p[1] in fragments), key=order)
        ]
        out.extend(
            Adjacent(prop, holder, False, tuple(fragments[holder]))
            for prop, holder in sorted((p for p in inbound if p[1] in fragments), key=order)
        )
        return out


def stated_dates_of(records: Iterable[Mapping[str, Any]]) -> tuple[str | None, str | None, str | None]:
    """(first_seen, last_seen, last_change) of an entity as the fragments its datasets hold state them, as
    every FtM-facing answer shows them: the earliest first sighting, the latest last sighting and change."""
    held = list(records)
    found = [[str(r[key]) for r in held if r.get(key)] for key in STATED_DATES]
    return min(found[0], default=None), max(found[1], default=None), max(found[2], default=None)


def merged_proxy(fragments: Sequence[FtmFragment]) -> EntityProxy:
    """The fragments of one id (one per FtM dataset holding it) as one FtM entity, FtM's way: the more
    specific schema wins; when two schemata cannot be merged (a Person and a Vessel under one id), the
    first fragment's schema keeps the values it has room for. The one merge every answer and the search
    index use, so that what is searched is what is shown."""

    def proxy(data: dict[str, Any]) -> EntityProxy:
        return model.get_proxy(
            {"id": data["id"], "schema": data["schema"], "properties": data.get("properties", {})},
            cleaned=True,
        )

    merged = proxy(fragments[0].data)
    for fragment in fragments[1:]:
        other = proxy(fragment.data)
        try:
            merged.merge(other)
        except InvalidData:
            for prop, values in other.properties.items():
                merged.add(prop, values, quiet=True, cleaned=True)
    return merged
