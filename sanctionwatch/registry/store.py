"""The registry: write list versions atomically, activate them behind the sanity guard, read and diff them."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Select, func, insert, select, update

from sanctionwatch.db.engine import connect, dialect_insert
from sanctionwatch.errors import SanctionwatchError
from sanctionwatch.model import Entity, entity_local_id, entity_source
from sanctionwatch.registry import audit
from sanctionwatch.registry import tables as t
from sanctionwatch.registry.diff import ChangeWeight, FieldChange, compare_records, heaviest
from sanctionwatch.registry.ftm import ftm_digest, store_ftm
from sanctionwatch.registry.guard import activation_problems
from sanctionwatch.registry.tables import VersionStatus
from sanctionwatch.registry.terms import authority_matches, program_matches
from sanctionwatch.sources.base import ParsedList

__all__ = ["Registry", "RegistryError", "VersionInfo"]

_CHUNK = 500  # bound on IN (...) lists and insert batches, well within every backend's parameter limit


class RegistryError(SanctionwatchError):
    """A request the registry cannot satisfy (unknown version, duplicate ids in a list, ...).

    404 over HTTP: the only ones a caller of the API can meet are lookups of versions.
    """

    http_status = 404


@dataclass(frozen=True, slots=True)
class VersionInfo:
    id: int
    source: str
    number: int
    published: date | None
    fetched: datetime
    format: str
    files: list[dict[str, Any]]
    entity_count: int
    stats: dict[str, Any]
    status: VersionStatus
    status_reason: str | None
    activated_at: datetime | None
    # SHA-256 over the version's sorted (entity id, record hash) pairs: the parties exactly as they were.
    digest: str = ""

    @property
    def active(self) -> bool:
        return self.status is VersionStatus.ACTIVE

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "version": self.number,
            "published": self.published.isoformat() if self.published else None,
            "fetched": self.fetched.isoformat(),
            "entities": self.entity_count,
            "active": self.active,
            "status": self.status.value,
            "status_reason": self.status_reason,
            "format": self.format,
            "files": self.files,
        }


@dataclass(slots=True)
class IngestResult:
    version: VersionInfo
    added: int
    removed: int
    changed: int
    unchanged: bool = False  # identical content to the active version: no new version was written
    # Records of the file the parser left out on purpose, by reason (ParsedList.skipped): said, not hidden.
    left_out: dict[str, int] = field(default_factory=dict)

    @property
    def problems(self) -> str | None:
        return None if self.version.active else self.version.status_reason

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.version.source,
            "version": self.version.number,
            "published": self.version.published.isoformat() if self.version.published else None,
            "entities": self.version.entity_count,
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "active": self.version.active,
            "status": self.version.status,
            "status_reason": self.version.status_reason,
            "unchanged": self.unchanged,
            "left_out": self.left_out,
            # FtM sources: what became of each entity of the file, by role and schema
            **({"import": self.version.stats["import"]} if "import" in self.version.stats else {}),
        }


@dataclass(slots=True)
class EntitySummary:
    id: str
    source: str
    source_id: str
    schema: str
    name: str
    programs: list[str]
    authorities: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "source_id": self.source_id,
            "schema": self.schema,
            "name": self.name,
            "programs": self.programs,
            "authorities": self.authorities,
        }


@dataclass(slots=True)
class ChangedEntity:
    summary: EntitySummary
    fields: list[FieldChange]

    @property
    def weight(self) -> ChangeWeight:
        """How much this party's change matters: that of its weightiest field (see registry.diff)."""
        return heaviest(self.fields)


@dataclass(slots=True)
class Changes:
    source: str
    old: VersionInfo | None
    new: VersionInfo
    added: list[EntitySummary]
    removed: list[EntitySummary]
    changed: list[ChangedEntity]

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "from": self.old.number if self.old else None,
            "to": self.new.number,
            "added": [_change_row(s) for s in self.added],
            "removed": [_change_row(s) for s in self.removed],
            "changed": [
                {
                    "source_id": c.summary.source_id,
                    "name": c.summary.name,
                    "schema": c.summary.schema,
                    "programs": c.summary.programs,
                    "weight": c.weight.value,
                    "fields": [f.field for f in c.fields],
                    "details": [f.to_json() for f in c.fields],
                }
                for c in self.changed
            ],
        }


def _change_row(summary: EntitySummary) -> dict[str, Any]:
    return {
        "source_id": summary.source_id,
        "name": summary.name,
        "schema": summary.schema,
        "programs": summary.programs,
        "authorities": summary.authorities,
    }


def _ever_in_force_before(version: VersionInfo) -> Select[Any]:
    """The source's earlier versions that were ever activated, newest first: the versions in force
    before this one (the latest is its predecessor for a diff)."""
    return (
        select(t.list_versions)
        .where(
            t.list_versions.c.source == version.source,
            t.list_versions.c.number < version.number,
            t.list_versions.c.activated_at.is_not(None),
        )
        .order_by(t.list_versions.c.number.desc())
    )


def _now() -> datetime:
    return datetime.now(UTC)


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _file_meta(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return {"name": path.name, "sha256": digest.hexdigest(), "size": path.stat().st_size}


def _stats(entities: Sequence[Entity]) -> dict[str, Any]:
    programs: Counter[str] = Counter()
    for entity in entities:
        programs.update(set(entity.programs))
    return {
        "entities": len(entities),
        "schemas": dict(sorted(Counter(e.schema for e in entities).items())),
        "programs": dict(sorted(programs.items())),
    }


def _summary(data: dict[str, Any]) -> EntitySummary:
    entity = Entity.from_dict(data)
    return EntitySummary(
        id=entity.id,
        source=entity.source,
        source_id=entity.source_id,
        schema=entity.schema,
        name=entity.caption,
        programs=entity.programs,
        authorities=entity.authorities,
    )


class Registry:
    """One registry database. Thread-safe for reads; ingests of one source are serialized by a row lock."""

    def __init__(self, engine: Engine, *, actor: str = "system") -> None:
        self.engine = engine
        self.actor = actor  # who activations are recorded as, in the audit log

    @classmethod
    def open(cls, url: str) -> Registry:
        return cls(connect(url))

    def close(self) -> None:
        self.engine.dispose()

    # ---- writing -------------------------------------------------------------------------------------

    def ingest(self, parsed: ParsedList, *, force: bool = False) -> IngestResult:
        """Store a parsed publication as a new version and activate it if it passes the guard (or `force`).

        All in one transaction: if anything fails, nothing of the new version exists and the previous
        active version stays in force.
        """
        entities = parsed.entities
        rows = self._record_rows(entities)
        pairs = {row["entity_id"]: row["hash"] for row in rows}
        digest = hashlib.sha256("\n".join(f"{k} {pairs[k]}" for k in sorted(pairs)).encode()).hexdigest()
        if parsed.ftm_entities:  # FtM sources: the whole graph is the version, not its parties alone
            digest = hashlib.sha256(f"{digest}\nftm {ftm_digest(parsed.ftm_entities)}".encode()).hexdigest()
        stats = _stats(entities)
        if parsed.import_counts:
            stats["import"] = parsed.import_counts
        files = [_file_meta(p) for p in parsed.files]
        with self.engine.begin() as conn:
            self._lock_source(conn, parsed.source)
            active = self._active(conn, parsed.source)
            if active is not None and active.digest == digest:
                return IngestResult(active.info, 0, 0, 0, unchanged=True, left_out=dict(parsed.skipped))
            self._store_records(conn, rows)
            number = (
                conn.execute(
                    select(func.max(t.list_versions.c.number)).where(
                        t.list_versions.c.source == parsed.source
                    )
                ).scalar_one_or_none()
                or 0
            ) + 1
            version_id: int = conn.execute(
                insert(t.list_versions)
                .values(
                    source=parsed.source,
                    number=number,
                    published=parsed.published,
                    fetched=_now(),
                    format=parsed.format,
                    files=files,
                    digest=digest,
                    entity_count=len(entities),
                    stats=stats,
                    status=VersionStatus.HELD.value,
                )
                .returning(t.list_versions.c.id)
            ).scalar_one()
            for chunk in _chunks(list(pairs.items())):
                conn.execute(
                    insert(t.version_entities),
                    [{"version_id": version_id, "entity_id": k, "record_hash": h} for k, h in chunk],
                )
            if parsed.ftm_entities:
                store_ftm(conn, version_id, parsed.ftm_entities)
            old_pairs = self._pairs(conn, active.info.id) if active else {}
            added = len(pairs.keys() - old_pairs.keys())
            removed = len(old_pairs.keys() - pairs.keys())
            changed = sum(1 for k in pairs.keys() & old_pairs.keys() if pairs[k] != old_pairs[k])
            problems = activation_problems(active.info.stats if active else None, stats)
            if problems and not force:
                conn.execute(
                    update(t.list_versions)
                    .where(t.list_versions.c.id == version_id)
                    .values(status_reason="; ".join(problems))
                )
            else:
                self._activate(conn, parsed.source, version_id, forced_over=problems)
            info = self._version_by_id(conn, version_id)
        return IngestResult(info, added, removed, changed, left_out=dict(parsed.skipped))

    def activate(self, source: str, number: int, *, force: bool = False) -> VersionInfo:
        """Make an existing version the active one: release a held version, or roll back to an older one."""
        with self.engine.begin() as conn:
            self._lock_source(conn, source)
            target = self._version_by_number(conn, source, number)
            active = self._active(conn, source)
            if active is not None and active.info.id == target.id:
                return target
            problems = activation_problems(active.info.stats if active else None, target.stats)
            if problems and not force:
                raise RegistryError(
                    f"{source} version {number} not activated: {'; '.join(problems)} (use --force to override)"
                )
            self._activate(conn, source, target.id, forced_over=problems)
            return self._version_by_id(conn, target.id)

    def _record_rows(self, entities: Sequence[Entity]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        seen: set[str] = set()
        for entity in entities:
            if entity.id in seen:
                raise RegistryError(f"the list has two records with the id {entity.id}")
            seen.add(entity.id)
            rows.append(
                {
                    # Order-insensitive (see Entity.content_hash): a reordering stores nothing new.
                    "hash": entity.content_hash(),
                    "entity_id": entity.id,
                    "schema": entity.schema,
                    "caption": entity.caption,
                    "data": entity.canonical_json(),
                    "_terms": [("program", v) for v in dict.fromkeys(entity.programs)]
                    + [("authority", v) for v in dict.fromkeys(entity.authorities)]
                    + [("list", v) for v in dict.fromkeys(entity.lists)],
                }
            )
        return rows

    def _store_records(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        by_hash = {row["hash"]: row for row in rows}
        existing: set[str] = set()
        hashes = list(by_hash)
        for chunk in _chunks(hashes):
            existing.update(
                conn.execute(
                    select(t.entity_records.c.hash).where(t.entity_records.c.hash.in_(chunk))
                ).scalars()
            )
        new = [by_hash[h] for h in hashes if h not in existing]
        for chunk in _chunks(new):
            conn.execute(
                insert(t.entity_records), [{k: v for k, v in r.items() if k != "_terms"} for r in chunk]
            )
            terms = [
                {"record_hash": r["hash"], "kind": kind, "value": value[:200]}
                for r in chunk
                for kind, value in dict.fromkeys((k, v[:200]) for k, v in r["_terms"])
            ]
            if terms:
                conn.execute(insert(t.record_terms), terms)

    def _lock_source(self, conn: Connection, source: str) -> None:
        """Create the source row if needed, then lock it: concurrent ingests of one source queue up here."""
        conn.execute(dialect_insert(conn, t.sources).values(name=source).on_conflict_do_nothing())
        conn.execute(select(t.sources).where(t.sources.c.name == source).with_for_update()).first()

    def _activate(self, conn: Connection, source: str, version_id: int, *, forced_over: list[str]) -> None:
        now = _now()
        conn.execute(
            update(t.list_versions)
            .where(t.list_versions.c.source == source, t.list_versions.c.status == VersionStatus.ACTIVE.value)
            .values(status=VersionStatus.SUPERSEDED.value)
        )
        reason = f"activated with --force despite: {'; '.join(forced_over)}" if forced_over else None
        conn.execute(
            update(t.list_versions)
            .where(t.list_versions.c.id == version_id)
            .values(status=VersionStatus.ACTIVE.value, activated_at=now, status_reason=reason)
        )
        conn.execute(
            update(t.sources)
            .where(t.sources.c.name == source)
            .values(active_version_id=version_id, updated_at=now)
        )
        # In the same transaction: a version is active exactly when the audit log says it became so.
        number, count, digest = conn.execute(
            select(t.list_versions.c.number, t.list_versions.c.entity_count, t.list_versions.c.digest).where(
                t.list_versions.c.id == version_id
            )
        ).one()
        audit.append(
            conn,
            actor=self.actor,
            action="list.activated",
            subject=f"{source}/{number}",
            details={"entities": count, "digest": digest, "forced_over": forced_over},
        )

    # ---- reading -------------------------------------------------------------------------------------

    def sources(self) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.execute(select(t.sources.c.name).order_by(t.sources.c.name)).scalars())

    def versions(self, source: str | None = None) -> list[VersionInfo]:
        query = select(t.list_versions).order_by(t.list_versions.c.source, t.list_versions.c.number)
        if source:
            query = query.where(t.list_versions.c.source == source)
        with self.engine.connect() as conn:
            return [_version(row._mapping) for row in conn.execute(query)]

    def version(self, source: str, number: int | None = None) -> VersionInfo:
        """A version by number, or the active one when `number` is None."""
        with self.engine.connect() as conn:
            if number is None:
                active = self._active(conn, source)
                if active is None:
                    raise RegistryError(
                        f"no active version of {source}: run `sanctionwatch update --source {source}`"
                    )
                return active.info
            return self._version_by_number(conn, source, number)

    def active_versions(self) -> list[VersionInfo]:
        return [v for v in self.versions() if v.active]

    def entity(self, entity_id: str, *, version: VersionInfo | None = None) -> Entity | None:
        """A party's full record in the given version, or in its source's active version."""
        source = entity_source(entity_id)
        with self.engine.connect() as conn:
            if version is None:
                active = self._active(conn, source)
                if active is None:
                    return None
                version_id = active.info.id
            else:
                version_id = version.id
            row = conn.execute(
                select(t.entity_records.c.data)
                .join(t.version_entities, t.version_entities.c.record_hash == t.entity_records.c.hash)
                .where(
                    t.version_entities.c.version_id == version_id, t.version_entities.c.entity_id == entity_id
                )
            ).first()
        return Entity.from_dict(json.loads(row[0])) if row else None

    def iter_entities(self, sources: Iterable[str] | None = None) -> Iterator[Entity]:
        """Every party of the active versions (all sources, or those named): what screening runs against."""
        wanted = set(sources) if sources else None
        yield from self.version_entities(
            [v for v in self.active_versions() if wanted is None or v.source in wanted]
        )

    def version_entities(self, versions: Iterable[VersionInfo]) -> Iterator[Entity]:
        """Every party of the given versions, active or not: a past screening replayed as it was."""
        version_ids = [v.id for v in versions]
        if not version_ids:
            return
        query = (
            select(t.entity_records.c.data)
            .join(t.version_entities, t.version_entities.c.record_hash == t.entity_records.c.hash)
            .where(t.version_entities.c.version_id.in_(version_ids))
            .order_by(t.version_entities.c.entity_id)
        )
        with self.engine.connect() as conn:
            for (data,) in conn.execute(query.execution_options(yield_per=2000)):
                yield Entity.from_dict(json.loads(data))

    def entities(
        self,
        *,
        sources: Sequence[str] = (),
        programs: Sequence[str] = (),
        authorities: Sequence[str] = (),
        schemas: Sequence[str] = (),
    ) -> list[EntitySummary]:
        """Parties of the active versions matching every given filter (each filter: any of its values)."""
        versions = [v for v in self.active_versions() if not sources or v.source in sources]
        if not versions:
            return []
        with self.engine.connect() as conn:
            query = (
                select(t.entity_records.c.data)
                .join(t.version_entities, t.version_entities.c.record_hash == t.entity_records.c.hash)
                .where(t.version_entities.c.version_id.in_([v.id for v in versions]))
                .order_by(t.version_entities.c.entity_id)
            )
            if schemas:
                wanted_schemas = {s.casefold() for s in schemas}
                known = conn.execute(select(t.entity_records.c.schema).distinct()).scalars()
                query = query.where(
                    t.entity_records.c.schema.in_([s for s in known if s.casefold() in wanted_schemas])
                )
            for kind, wanted, matches in (
                ("program", programs, program_matches),
                ("authority", authorities, authority_matches),
            ):
                if not wanted:
                    continue
                values = conn.execute(
                    select(t.record_terms.c.value).where(t.record_terms.c.kind == kind).distinct()
                ).scalars()
                selected = [v for v in values if any(matches(v, w) for w in wanted)]
                query = query.where(
                    t.entity_records.c.hash.in_(
                        select(t.record_terms.c.record_hash).where(
                            t.record_terms.c.kind == kind, t.record_terms.c.value.in_(selected)
                        )
                    )
                )
            return [_summary(json.loads(data)) for (data,) in conn.execute(query)]

    def changes(
        self,
        source: str,
        *,
        from_number: int | None = None,
        to_number: int | None = None,
        programs: Sequence[str] = (),
        authorities: Sequence[str] = (),
    ) -> Changes:
        """Added, removed and changed parties between two versions (default: the active one and the one
        before it); with `programs` or `authorities`, only parties under one of them (on either side)."""
        with self.engine.connect() as conn:
            new = (
                self._version_by_number(conn, source, to_number) if to_number else self._latest(conn, source)
            )
            if from_number is not None:
                old: VersionInfo | None = self._version_by_number(conn, source, from_number)
            else:
                old = self._previous(conn, new)
            new_pairs = self._pairs(conn, new.id)
            old_pairs = self._pairs(conn, old.id) if old else {}
            added_ids = sorted(new_pairs.keys() - old_pairs.keys(), key=_id_order)
            removed_ids = sorted(old_pairs.keys() - new_pairs.keys(), key=_id_order)
            changed_ids = sorted(
                (k for k in new_pairs.keys() & old_pairs.keys() if new_pairs[k] != old_pairs[k]),
                key=_id_order,
            )
            hashes = [new_pairs[k] for k in added_ids + changed_ids] + [
                old_pairs[k] for k in removed_ids + changed_ids
            ]
            records = self._records(conn, hashes)
        added = [_summary(records[new_pairs[k]]) for k in added_ids]
        removed = [_summary(records[old_pairs[k]]) for k in removed_ids]
        changed = [
            ChangedEntity(
                _summary(records[new_pairs[k]]), compare_records(records[old_pairs[k]], records[new_pairs[k]])
            )
            for k in changed_ids
        ]
        if programs or authorities:

            def keep(*summaries: EntitySummary) -> bool:
                by_program = not programs or any(
                    program_matches(p, w) for s in summaries for p in s.programs for w in programs
                )
                by_authority = not authorities or any(
                    authority_matches(a, w) for s in summaries for a in s.authorities for w in authorities
                )
                return by_program and by_authority

            added = [s for s in added if keep(s)]
            removed = [s for s in removed if keep(s)]
            changed = [c for c in changed if keep(c.summary, _summary(records[old_pairs[c.summary.id]]))]
        return Changes(source, old, new, added, removed, changed)

    def last_changes(self, versions: Iterable[VersionInfo]) -> dict[str, datetime]:
        """When each record of these versions last changed: the fetch time of the earliest version, in
        the unbroken run of versions ever in force up to the given one, that already held the record's
        present content (an id that was absent, or held other content, in the version before starts a
        new run). What yente's `changed_since` filters on; times are UTC.

        Reads each source's versions once, newest first, until no record is left undecided.
        """
        out: dict[str, datetime] = {}
        with self.engine.connect() as conn:
            for version in versions:
                earlier = conn.execute(_ever_in_force_before(version)).all()
                current = self._pairs(conn, version.id)
                changed = dict.fromkeys(current, _utc(version.fetched))
                open_ids = set(current)
                for row in earlier:
                    if not open_ids:
                        break
                    older = _version(row._mapping)
                    pairs = self._pairs(conn, older.id)
                    same = {k for k in open_ids if pairs.get(k) == current[k]}
                    for k in same:
                        changed[k] = _utc(older.fetched)
                    open_ids = same
                out.update(changed)
        return out

    def first_seen(self, versions: Iterable[VersionInfo]) -> dict[str, datetime]:
        """When each record of these versions was first seen: the fetch time of the earliest version of
        its source, ever in force and not newer than the given one, that held the record's id (a record
        that left the list and came back keeps its first appearance). yente's `first_seen`; UTC.

        One aggregate query per source: the database does the work, not a walk through every version.
        """
        out: dict[str, datetime] = {}
        ve, lv = t.version_entities, t.list_versions
        with self.engine.connect() as conn:
            for version in versions:
                wanted = select(ve.c.entity_id).where(ve.c.version_id == version.id)
                rows = conn.execute(
                    select(ve.c.entity_id, func.min(lv.c.fetched))
                    .join(lv, lv.c.id == ve.c.version_id)
                    .where(
                        lv.c.source == version.source,
                        lv.c.number <= version.number,
                        (lv.c.activated_at.is_not(None)) | (lv.c.id == version.id),
                        ve.c.entity_id.in_(wanted),
                    )
                    .group_by(ve.c.entity_id)
                )
                out.update((entity_id, _utc(fetched)) for entity_id, fetched in rows)
        return out

    # ---- internals -------------------------------------------------------------------------------------

    def _active(self, conn: Connection, source: str) -> _Active | None:
        row = conn.execute(
            select(t.list_versions)
            .join(t.sources, t.sources.c.active_version_id == t.list_versions.c.id)
            .where(t.sources.c.name == source)
        ).first()
        return _Active(_version(row._mapping), row._mapping["digest"]) if row else None

    def _version_by_id(self, conn: Connection, version_id: int) -> VersionInfo:
        row = conn.execute(select(t.list_versions).where(t.list_versions.c.id == version_id)).one()
        return _version(row._mapping)

    def _version_by_number(self, conn: Connection, source: str, number: int) -> VersionInfo:
        row = conn.execute(
            select(t.list_versions).where(
                t.list_versions.c.source == source, t.list_versions.c.number == number
            )
        ).first()
        if row is None:
            raise RegistryError(f"{source} has no version {number}")
        return _version(row._mapping)

    def _latest(self, conn: Connection, source: str) -> VersionInfo:
        active = self._active(conn, source)
        if active is not None:
            return active.info
        row = conn.execute(
            select(t.list_versions)
            .where(t.list_versions.c.source == source)
            .order_by(t.list_versions.c.number.desc())
            .limit(1)
        ).first()
        if row is None:
            raise RegistryError(f"{source} has no versions: run `sanctionwatch update --source {source}`")
        return _version(row._mapping)

    def _previous(self, conn: Connection, version: VersionInfo) -> VersionInfo | None:
        """The version that was in force before this one: the latest earlier version that was ever activated."""
        row = conn.execute(_ever_in_force_before(version).limit(1)).first()
        return _version(row._mapping) if row else None

    def _pairs(self, conn: Connection, version_id: int) -> dict[str, str]:
        rows = conn.execute(
            select(t.version_entities.c.entity_id, t.version_entities.c.record_hash).where(
                t.version_entities.c.version_id == version_id
            )
        )
        return {entity_id: record_hash for entity_id, record_hash in rows}

    def _records(self, conn: Connection, hashes: Sequence[str]) -> dict[str, dict[str, Any]]:
        records: dict[str, dict[str, Any]] = {}
        unique_hashes = list(dict.fromkeys(hashes))
        for chunk in _chunks(unique_hashes):
            for record_hash, data in conn.execute(
                select(t.entity_records.c.hash, t.entity_records.c.data).where(
                    t.entity_records.c.hash.in_(chunk)
                )
            ):
                records[record_hash] = json.loads(data)
        return records


@dataclass(frozen=True, slots=True)
class _Active:
    info: VersionInfo
    digest: str


def _version(row: Any) -> VersionInfo:
    return VersionInfo(
        id=row["id"],
        source=row["source"],
        number=row["number"],
        published=row["published"],
        fetched=row["fetched"],
        format=row["format"],
        files=row["files"],
        entity_count=row["entity_count"],
        stats=row["stats"],
        status=VersionStatus(row["status"]),
        status_reason=row["status_reason"],
        activated_at=row["activated_at"],
        digest=row.get("digest") or "",
    )


def _utc(moment: datetime) -> datetime:
    """A stored time as UTC (SQLite gives back naive times; they were written in UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _id_order(entity_id: str) -> tuple[int, str]:
    """Numeric ids (OFAC uids) in numeric order, others alphabetically."""
    local = entity_local_id(entity_id)
    return (int(local), "") if local.isdecimal() else (1 << 62, local)
