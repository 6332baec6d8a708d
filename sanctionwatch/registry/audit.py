"""The audit log: append-only and hash-chained, so that any later edit of it shows.

Every decision an examiner may ask about (who closed which case, why, on which list versions, with
which engine) is one record. Each record's hash covers its whole content *and* the previous record's
hash, so altering, deleting, inserting or reordering a record breaks the chain from that record on,
and `AuditLog.verify` names the first record where it breaks.

How a record's hash is computed (enough for an examiner to recompute it from an export): the SHA-256,
in lower-case hex, of the UTF-8 bytes of the canonical JSON (keys sorted, separators `,` and `:`, no
whitespace, non-ASCII characters as themselves) of the object

    {"seq", "at", "actor", "action", "subject", "details", "list_versions", "engine_version", "prev_hash"}

where `at` is the time in UTC as ISO 8601 with microseconds (`2026-01-31T09:15:02.123456+00:00`),
`details` and `list_versions` are JSON objects, and `prev_hash` is the previous record's hash
(`GENESIS`, 64 zeros, for record 1). The `details` and `list_versions` columns hold exactly that
canonical JSON text.

The `audit_head` row holds the last record's number and hash. It exists for two reasons: appending
updates it *first*, which serializes concurrent appenders on every backend (the row lock on
PostgreSQL, the database write lock on SQLite), so that sequence numbers never collide or skip; and
deleting the last records of the log, which leaves a perfectly valid shorter chain, shows as a
mismatch against it.

What verification cannot detect on its own: someone with write access who rewrites the whole chain
from some record on *and* the head, consistently (or deletes the last records and moves the head back),
produces a log that verifies. Only a copy of the head hash kept outside the database (printed by
`sanctionwatch audit verify` and by every `audit export`, e.g. filed daily in a ticket, an e-mail or a
write-once store) exposes that: `verify(expect_head=HASH)` fails when the chain no longer holds the
record with that hash, however consistent the rest is. A missing `audit_head` row is itself damage.

Why the log lives in the registry (and its tables in `registry/tables.py`), not in `sanctionwatch.db` or
a package of its own: it depends on the registry and the registry depends on it. Every record names the
list versions active when it was written (`active_list_versions` reads `list_versions`), and activating
a list version writes its record in the activation's own transaction (`registry.store`). A log below the
registry could not read the list versions; one above it could not be written by the activation. So it
sits in the registry, where every package that records decisions (access, screening, monitoring,
cases, the CLI) is above it and may write to it.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Collection, Generator, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal, TextIO

from sqlalchemy import ColumnElement, Connection, Engine, Row, insert, or_, select, update

import sanctionwatch
from sanctionwatch.db.engine import as_utc
from sanctionwatch.errors import SanctionwatchError
from sanctionwatch.registry import tables
from sanctionwatch.registry.tables import VersionStatus, audit_head, audit_log
from sanctionwatch.sources.csvsafe import formula_safe_row

__all__ = [
    "GENESIS",
    "RECORD_FIELDS",
    "AuditLog",
    "AuditRecord",
    "append",
    "canonical_json",
    "record_hash",
    "records_about",
]

GENESIS = "0" * 64
ExportFormat = Literal["csv", "json"]

_BATCH = 1000  # rows fetched at a time when streaming the log (verify, export)
RECORD_FIELDS = (  # every field of a record, in the order exports give them
    "seq",
    "at",
    "actor",
    "action",
    "subject",
    "details",
    "list_versions",
    "engine_version",
    "prev_hash",
    "hash",
)
# Checked before writing so that both backends refuse the same input (SQLite ignores column lengths,
# PostgreSQL rejects NUL characters in text).
_LIMITS = {"actor": 200, "action": 64, "subject": 300}


class AuditError(SanctionwatchError, RuntimeError):
    """The audit log cannot be used as asked (missing head row, unreadable record, bad input)."""


@dataclass(frozen=True, slots=True)
class AuditRecord:
    seq: int
    at: datetime
    actor: str
    action: str
    subject: str
    details: dict[str, Any]
    list_versions: dict[str, int]
    engine_version: str
    prev_hash: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        """Every field, `at` as the exact string that was hashed."""
        return {
            "seq": self.seq,
            "at": _timestamp(self.at),
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "details": self.details,
            "list_versions": self.list_versions,
            "engine_version": self.engine_version,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


@dataclass(frozen=True, slots=True)
class AuditHead:
    """The `audit_head` row: the number and hash of the last record (0 and GENESIS when empty)."""

    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class Verification:
    """The outcome of `AuditLog.verify`.

    `checked` counts the records found intact before the first problem (all of them when `ok`).
    `head_seq`/`head_hash` are the last verified record's number and hash when `ok` (keep the hash
    outside the database), else the `audit_head` row as read.
    """

    ok: bool
    checked: int
    first_bad_seq: int | None
    problem: str | None
    head_seq: int = 0
    head_hash: str = GENESIS
    anchor_seq: int | None = None  # where the expected head was found in the chain, when one was given

    def to_json(self) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "ok": self.ok,
            "checked": self.checked,
            "first_bad_seq": self.first_bad_seq,
            "problem": self.problem,
            "head_seq": self.head_seq,
            "head": self.head_hash,
        }
        if self.anchor_seq is not None:
            shown["anchor_seq"] = self.anchor_seq
        return shown


@dataclass(frozen=True, slots=True)
class Exported:
    """What `AuditLog.write_export` wrote: how many records, and the last one's number and hash (the
    head of the exported chain, to keep outside the database as an anchor)."""

    count: int
    head: AuditHead


def canonical_json(value: Any) -> str:
    """The one text of a JSON value that is hashed and stored (NaN and infinities are refused)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _timestamp(at: datetime) -> str:
    return as_utc(at).astimezone(UTC).isoformat(timespec="microseconds")


def record_hash(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    details: Mapping[str, Any],
    list_versions: Mapping[str, int],
    engine_version: str,
    prev_hash: str,
) -> str:
    """SHA-256 (hex) of the canonical JSON of every field of a record but its own hash."""
    document = {
        "seq": seq,
        "at": _timestamp(at),
        "actor": actor,
        "action": action,
        "subject": subject,
        "details": dict(details),
        "list_versions": dict(list_versions),
        "engine_version": engine_version,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()


def active_list_versions(conn: Connection) -> dict[str, int]:
    """{source: number} of the list versions screening uses right now."""
    lv = tables.list_versions
    rows = conn.execute(select(lv.c.source, lv.c.number).where(lv.c.status == VersionStatus.ACTIVE)).all()
    return {str(source): int(number) for source, number in rows}


def _check_text(field: str, value: str) -> None:
    if not value.strip() and field != "subject":
        raise AuditError(f"{field}: empty")
    if len(value) > _LIMITS[field]:
        raise AuditError(f"{field}: longer than {_LIMITS[field]} characters")
    if "\x00" in value:
        raise AuditError(f"{field}: contains a NUL character")


def append(
    conn: Connection,
    *,
    actor: str,
    action: str,
    subject: str,
    details: Mapping[str, Any] | None = None,
    list_versions: Mapping[str, int] | None = None,
) -> AuditRecord:
    """Append one record inside the caller's transaction.

    It runs in the caller's transaction so that a decision and its audit record commit or roll back
    together: there is never a decision without its record, nor a record of a decision that did not
    happen. The caller commits; until then, other appenders wait on the head row (keep the
    transaction short). On PostgreSQL use the default READ COMMITTED isolation: under REPEATABLE READ
    or SERIALIZABLE a concurrent append fails with a serialization error instead of waiting.

    `list_versions` defaults to the active list versions, read under the same lock. `details` must
    be JSON-serializable (TypeError or ValueError otherwise; nothing is written then).
    """
    for field, value in (("actor", actor), ("action", action), ("subject", subject)):
        _check_text(field, value)
    # Serialize first, so that bad input fails before the head is touched.
    details_json = canonical_json(dict(details or {}))
    given_versions = None if list_versions is None else {str(k): int(v) for k, v in list_versions.items()}

    # The head update must be the transaction's first statement on SQLite: it takes the write lock
    # (waiting for it with the busy timeout) before anything is read, so no stale snapshot is used.
    # On PostgreSQL it takes the row lock; a waiting appender then sees the committed head.
    bumped = conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=audit_head.c.seq + 1))
    if bumped.rowcount != 1:
        raise AuditError("audit_head row missing: is the database migrated?")
    head_seq, head_hash = conn.execute(
        select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)
    ).one()

    versions = active_list_versions(conn) if given_versions is None else given_versions
    versions_json = canonical_json(versions)
    record = AuditRecord(
        seq=int(head_seq),
        at=datetime.now(UTC),  # microsecond resolution, as both backends store it
        actor=actor,
        action=action,
        subject=subject,
        details=json.loads(details_json),  # as it will read back (e.g. integer keys become strings)
        list_versions=versions,
        engine_version=sanctionwatch.__version__,
        prev_hash=str(head_hash),
        hash="",
    )
    digest = _hash_of(record)
    conn.execute(
        insert(audit_log).values(
            seq=record.seq,
            at=record.at,
            actor=record.actor,
            action=record.action,
            subject=record.subject,
            details=details_json,
            list_versions=versions_json,
            engine_version=record.engine_version,
            prev_hash=record.prev_hash,
            hash=digest,
        )
    )
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(hash=digest))
    return replace(record, hash=digest)


def records_about(
    conn: Connection,
    *,
    subjects: Collection[str] = (),
    subject_prefix: str | None = None,
    since: datetime | None = None,
) -> list[AuditRecord]:
    """The records whose subject is one of `subjects`, or starts with `subject_prefix`, oldest first;
    with `since`, only those written at or after it.

    Read in the caller's transaction, so that a document citing the log (a case file) cites the
    records its own audit record was appended after. The subject is not indexed: this reads the whole
    log, which suits an occasional export, not a per-request path.
    """
    wanted: list[ColumnElement[bool]] = [audit_log.c.subject.in_(list(subjects))] if subjects else []
    if subject_prefix:
        wanted.append(audit_log.c.subject.startswith(subject_prefix, autoescape=True))
    if not wanted:
        return []
    stmt = select(audit_log).where(or_(*wanted)).order_by(audit_log.c.seq)
    if since is not None:
        stmt = stmt.where(audit_log.c.at >= since)
    return [_from_row(row) for row in conn.execute(stmt)]


def _hash_of(record: AuditRecord) -> str:
    """The hash a record's content and place in the chain call for (whatever its `hash` field says)."""
    return record_hash(
        seq=record.seq,
        at=record.at,
        actor=record.actor,
        action=record.action,
        subject=record.subject,
        details=record.details,
        list_versions=record.list_versions,
        engine_version=record.engine_version,
        prev_hash=record.prev_hash,
    )


def _find_head(conn: Connection) -> AuditHead | None:
    """The `audit_head` row, or None when it is gone (deleted: the migration always writes it)."""
    row = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).first()
    return None if row is None else AuditHead(int(row.seq), str(row.hash))


def _read_head(conn: Connection) -> AuditHead:
    head = _find_head(conn)
    if head is None:
        raise AuditError("audit_head row missing: is the database migrated?")
    return head


HEAD_MISSING = (
    "the audit_head row is missing (deleted?): the end of the log cannot be checked and nothing can be "
    "appended; the log cannot be trusted"
)


def _stream(
    conn: Connection, since_seq: int = 0, limit: int | None = None
) -> Generator[Row[Any], None, None]:
    """The log's rows in seq order, fetched in batches (a server-side cursor on PostgreSQL)."""
    stmt = select(audit_log).where(audit_log.c.seq > since_seq).order_by(audit_log.c.seq)
    if limit is not None:
        stmt = stmt.limit(limit)
    result = conn.execute(stmt.execution_options(yield_per=_BATCH))
    try:
        yield from result
    finally:
        result.close()


def _parse_json(text: str) -> Any:
    """A stored JSON column, which must be in canonical form (any edit of the text shows)."""
    value = json.loads(text)
    if canonical_json(value) != text:
        raise ValueError("not in canonical form")
    return value


def _from_row(row: Row[Any]) -> AuditRecord:
    try:
        details = json.loads(row.details)
        versions = json.loads(row.list_versions)
    except ValueError as exc:
        raise AuditError(f"record {row.seq}: unreadable JSON ({exc}); run `audit verify`") from None
    return _record(row, details, versions)


def _record(row: Row[Any], details: dict[str, Any], versions: dict[str, int]) -> AuditRecord:
    """A stored row as a record, its JSON columns already read."""
    return AuditRecord(
        seq=int(row.seq),
        at=as_utc(row.at),
        actor=row.actor,
        action=row.action,
        subject=row.subject,
        details=details,
        list_versions=versions,
        engine_version=row.engine_version,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def _row_hash(row: Row[Any]) -> str | None:
    """The hash a stored row should have, or None when its JSON columns were mangled."""
    try:
        details = _parse_json(row.details)
        versions = _parse_json(row.list_versions)
    except ValueError:
        return None
    if not isinstance(details, dict) or not isinstance(versions, dict):
        return None
    return _hash_of(_record(row, details, versions))


def _gap_problem(prev_seq: int, seq: int) -> tuple[int, str]:
    if seq < 1:
        return seq, f"record {seq}: not a valid record number (records are numbered from 1)"
    missing = prev_seq + 1
    if prev_seq == 0:
        span = "record 1 missing" if seq == 2 else f"records 1 to {seq - 1} missing"
        return missing, f"{span} (the log starts at record {seq})"
    span = f"record {missing} missing" if seq == missing + 1 else f"records {missing} to {seq - 1} missing"
    return missing, f"{span} ({prev_seq} is followed by {seq})"


class AuditLog:
    """The audit log of one registry database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(
        self,
        *,
        actor: str,
        action: str,
        subject: str,
        details: Mapping[str, Any] | None = None,
        list_versions: Mapping[str, int] | None = None,
    ) -> AuditRecord:
        """Append one record in a transaction of its own (for events that change nothing else)."""
        with self.engine.begin() as conn:
            return append(
                conn,
                actor=actor,
                action=action,
                subject=subject,
                details=details,
                list_versions=list_versions,
            )

    def head(self) -> AuditHead:
        with self.engine.connect() as conn:
            return _read_head(conn)

    def records(self, *, since_seq: int = 0, limit: int | None = None) -> list[AuditRecord]:
        """The records numbered after `since_seq`, oldest first, at most `limit` of them."""
        with self.engine.connect() as conn:
            return [_from_row(row) for row in _stream(conn, since_seq, limit)]

    def of_actions(
        self, actions: Collection[str], *, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[AuditRecord]:
        """The records of these actions written in [since, until), oldest first, streamed: what a report
        counts (screenings by day) without reading the whole log."""
        stmt = select(audit_log).where(audit_log.c.action.in_(list(actions))).order_by(audit_log.c.seq)
        if since is not None:
            stmt = stmt.where(audit_log.c.at >= since)
        if until is not None:
            stmt = stmt.where(audit_log.c.at < until)
        with self.engine.connect() as conn:
            result = conn.execute(stmt.execution_options(yield_per=_BATCH))
            try:
                for row in result:
                    yield _from_row(row)
            finally:
                result.close()

    def latest(self, limit: int) -> list[AuditRecord]:
        """The last `limit` records, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(audit_log).order_by(audit_log.c.seq.desc()).limit(limit)).all()
        return [_from_row(row) for row in reversed(rows)]

    def verify(self, expect_head: str | None = None) -> Verification:
        """Walk the whole chain, in seq order and in batches, and report the first problem.

        Checks, record by record: numbers contiguous from 1; `prev_hash` equal to the previous
        record's hash (GENESIS for record 1), which catches reordering and renumbering; the stored
        hash equal to the recomputed one, which catches any edit of the content; then the last record
        against the head row, which catches a deleted tail (a missing head row is reported as damage,
        not raised). It runs alongside appenders: records appended while it reads are checked if seen,
        and a head that moved on is not a problem.

        A rewrite of the whole chain and the head together passes those checks; `expect_head`, a head
        hash kept outside the database, catches it: the chain must still hold the record with that hash
        (the hash covers the record's number and its predecessor's hash, so finding it proves the whole
        chain up to it unchanged). A log that has grown since the anchor was taken passes.
        """
        anchor = expect_head.strip().lower() if expect_head is not None else None
        with self.engine.connect() as conn:
            found_head = _find_head(conn)
            if found_head is None:
                return Verification(False, 0, None, HEAD_MISSING)
            head = found_head

            def bad(seq: int, problem: str, checked: int) -> Verification:
                return Verification(False, checked, seq, problem, head.seq, head.hash)

            checked = 0
            prev_seq, prev_hash = 0, GENESIS
            hash_at_head: str | None = GENESIS if head.seq == 0 else None
            anchor_seq: int | None = 0 if anchor == GENESIS else None
            with closing(_stream(conn)) as rows:
                for row in rows:
                    seq = int(row.seq)
                    if seq != prev_seq + 1:
                        return bad(*_gap_problem(prev_seq, seq), checked)
                    if row.prev_hash != prev_hash:
                        if seq == 1:
                            return bad(
                                1, "record 1: does not start the chain (prev_hash is not GENESIS)", checked
                            )
                        return bad(
                            seq,
                            f"record {seq}: does not follow record {prev_seq} (prev_hash mismatch)",
                            checked,
                        )
                    if _row_hash(row) != row.hash:
                        return bad(seq, f"record {seq}: content altered (its hash does not match)", checked)
                    checked += 1
                    prev_seq, prev_hash = seq, row.hash
                    if seq == head.seq:
                        hash_at_head = row.hash
                    if row.hash == anchor:
                        anchor_seq = seq

            if prev_seq < head.seq:
                return bad(
                    prev_seq + 1,
                    f"head says {head.seq} records, the log ends at {prev_seq}: the last records were deleted",
                    checked,
                )
            if hash_at_head != head.hash:
                return bad(
                    head.seq,
                    f"head altered: it says record {head.seq} has hash {head.hash}, "
                    f"but record {head.seq} has hash {hash_at_head}",
                    checked,
                )
            if prev_seq > head.seq:
                # Appends may have committed since the head was read; they move the head along.
                moved = _read_head(conn)
                if prev_seq > moved.seq:
                    return Verification(
                        False,
                        checked,
                        moved.seq + 1,
                        f"record {moved.seq + 1}: past the head (head says {moved.seq} records, "
                        f"the log ends at {prev_seq}): records were added or the head was altered",
                        moved.seq,
                        moved.hash,
                    )
            if anchor is not None and anchor_seq is None:
                return Verification(
                    False,
                    checked,
                    None,
                    f"the expected head {anchor} is not in the chain (which ends at record {prev_seq}, "
                    f"hash {prev_hash}): the log was rewritten or its last records deleted",
                    prev_seq,
                    prev_hash,
                )
            return Verification(True, checked, None, None, prev_seq, prev_hash, anchor_seq)

    def export(self, out: TextIO, fmt: ExportFormat = "json") -> int:
        """Write every record (see `write_export`); returns how many."""
        return self.write_export(out, fmt).count

    def write_export(self, out: TextIO, fmt: ExportFormat = "json") -> Exported:
        """Write every record, oldest first, with its hash and prev_hash; returns how many, and the head.

        `json` is one JSON array with one record per line (valid JSON as a whole, yet greppable and
        written as it streams); `csv` has a header row, one row per record, and `details` and
        `list_versions` as their canonical JSON text. Either is enough to recompute every hash (see
        the module documentation). For CSV, open the file with `newline=""`; a text cell that starts
        with `=`, `+`, `-`, `@`, a tab or a carriage return has a `'` in front, so that no spreadsheet
        runs it as a formula (sources.csvsafe.original_text takes it off before recomputing a hash).

        The head (the last record's number and hash) is returned rather than written into the file, so
        that both formats stay plain records that a standard reader takes whole; the command line
        prints it on standard error, to be kept apart as the anchor `verify(expect_head=...)` checks.
        """
        if fmt not in ("csv", "json"):
            raise AuditError(f"export format {fmt!r}: use csv or json")
        count = 0
        head = AuditHead(0, GENESIS)
        with self.engine.connect() as conn:
            if fmt == "csv":
                writer = csv.writer(out)
                writer.writerow(RECORD_FIELDS)
                for row in _stream(conn):
                    rec = _from_row(row)
                    head = AuditHead(rec.seq, rec.hash)
                    writer.writerow(
                        formula_safe_row(
                            [
                                rec.seq,
                                _timestamp(rec.at),
                                rec.actor,
                                rec.action,
                                rec.subject,
                                canonical_json(rec.details),
                                canonical_json(rec.list_versions),
                                rec.engine_version,
                                rec.prev_hash,
                                rec.hash,
                            ]
                        )
                    )
                    count += 1
                return Exported(count, head)
            out.write("[")
            for row in _stream(conn):
                rec = _from_row(row)
                head = AuditHead(rec.seq, rec.hash)
                out.write(",\n" if count else "\n")
                out.write(canonical_json(rec.to_json()))
                count += 1
            out.write("\n]\n")
        return Exported(count, head)
