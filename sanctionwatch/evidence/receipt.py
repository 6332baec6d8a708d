"""Screening receipts: what was screened, against what, by which engine, with what result; signed.

The format (`sanctionwatch-receipt/1`) is one JSON object per receipt, written as canonical JSON (keys
sorted, no whitespace, UTF-8, numbers as Python writes them) and one newline. A file of receipts holds
one per line. The members:

- `format`, `id` (a UUID), `issued_at` (UTC, ISO 8601), `channel` (cli, api, screen-file, payment, ...),
  `actor`;
- `query`: `given` (the fields as the caller gave them) and `normalized` (as the engine read them: the
  cleaned name and its words, the schema, the birth date, the ISO country, the identifier), or `error`
  when the query could not be screened; `row` for a line of a screened file. A payment message's
  receipt (channel `payment`, `evidence.payment_receipt`) holds `message` instead: the message itself.
  A party screened with several values (a monitored customer, a /match example) also has `screened`:
  the screening call and its arguments, and `normalized` is then the list of the single queries it made
  (`evidence.party_receipt`).
- `settings`: threshold, limit, and the lists or programmes the screening was narrowed to;
- `engine`: version, fingerprint (SHA-256 of the engine's files) and the name model's SHA-256;
- `lists`: every list version screened against: source, version number, the SHA-256 digest of its
  parties (sorted entity id and record hash pairs), party count, publication and fetch times, and each
  official file it was ingested from with the file's SHA-256 and size;
- `result`: `outcome` ("hit", "no match" or "error"; "pass" or "hold" for a payment message) and every
  hit with its score (6 decimals), matched name, programmes and explanation;
- `audit`: the audit record this receipt belongs to, every field of it (an examiner recomputes its hash
  as `registry.audit` documents); its `details.merkle_root` is the root of an RFC 6962 Merkle tree over
  the receipts issued together (one for a single screening, one per row for a file);
- `inclusion`: this receipt's `index` among them, their `size`, and its audit `path` (hex);
- `signature`: `algorithm` Ed25519, the signing key's `key_id`, and `value`: the base64 signature of the
  canonical JSON of every other member.

The Merkle leaf of a receipt is the canonical JSON of the receipt without `audit`, `inclusion` and
`signature`. A receipt is checked by `evidence.verify`, and replayed by `evidence.replay`.
"""

from __future__ import annotations

import json
import tempfile
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine

from sanctionwatch.evidence.engine import engine_identity
from sanctionwatch.evidence.merkle import MerkleTree, leaf_hash
from sanctionwatch.evidence.signing import ALGORITHM, SigningKey
from sanctionwatch.matching.normalize import tokens
from sanctionwatch.registry.audit import append, canonical_json
from sanctionwatch.registry.store import VersionInfo
from sanctionwatch.screening.query import Hit, Query, QueryError
from sanctionwatch.screening.screener import validate

__all__ = [
    "CERTIFICATE_FORMAT",
    "FORMAT",
    "SCORE_DIGITS",
    "SIGNED_FORMATS",
    "UNSIGNED",
    "Channel",
    "Issued",
    "Outcome",
    "ReceiptBatch",
    "Screened",
    "Settings",
    "body_of",
    "common_members",
    "leaf_of",
    "lists_json",
    "normalized_json",
    "query_json",
    "receipt_body",
    "sign_one",
]

FORMAT = "sanctionwatch-receipt/1"
CERTIFICATE_FORMAT = "sanctionwatch-certificate/1"
SIGNED_FORMATS = (FORMAT, CERTIFICATE_FORMAT)  # what `evidence.verify` checks, signed the same way
SCORE_DIGITS = 6
UNSIGNED = ("audit", "inclusion", "signature")  # what the Merkle leaf leaves out
AUDIT_ACTION = "screening.receipts"


class Channel(StrEnum):
    CLI = "cli"
    API = "api"
    MATCH = "match"  # the yente-compatible /match
    FILE = "screen-file"
    CERTIFICATE = "certificate"  # a no-match certificate of a customer file
    PAYMENT = "payment"  # a payment message (screen-payment, POST /payments/screen)
    MONITORING = "monitoring"  # a customer screened by a monitoring run (rescreen, import, update, activate)


class Outcome(StrEnum):
    HIT = "hit"
    NO_MATCH = "no match"
    ERROR = "error"  # the query could not be screened (its reason is kept)

    @classmethod
    def of(cls, screened: Screened) -> Outcome:
        if screened.error is not None:
            return cls.ERROR
        return cls.HIT if screened.hits else cls.NO_MATCH


@dataclass(frozen=True, slots=True)
class Settings:
    threshold: float  # the one applied (the default resolved)
    limit: int
    sources: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "limit": self.limit,
            "sources": list(self.sources),
            "programs": list(self.programs),
        }


@dataclass(frozen=True, slots=True)
class Screened:
    """One screening as it happened. `error` when the query could not be screened (a file's bad row)."""

    query: Query
    hits: Sequence[Hit] = ()
    error: str | None = None
    row: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # channel-specific facts, kept as given


def query_json(query: Query) -> dict[str, Any]:
    return {
        "name": query.name,
        "schema": query.schema,
        "birth_date": query.birth_date,
        "country": query.country,
        "identifier": query.identifier,
        "id": query.id,
    }


def normalized_json(query: Query) -> dict[str, Any]:
    """The query as the engine reads it (or why it refuses it): what a receipt's `normalized` holds."""
    try:
        clean = validate(query)
    except QueryError as exc:
        return {"error": str(exc)}
    return {
        "name": clean.name,
        "words": tokens(clean.name) if clean.name else [],
        "schema": clean.schema,
        "birth_date": clean.birth_date,
        "country": clean.country,
        "identifier": clean.identifier,
    }


def _hit_json(hit: Hit) -> dict[str, Any]:
    return {**hit.to_json(), "score": round(hit.score, SCORE_DIGITS)}


def lists_json(versions: Iterable[VersionInfo]) -> list[dict[str, Any]]:
    return [
        {
            "source": v.source,
            "version": v.number,
            "digest": v.digest,
            "entities": v.entity_count,
            "published": v.published.isoformat() if v.published else None,
            # the registry stores UTC; SQLite gives it back without a zone
            "fetched": (v.fetched if v.fetched.tzinfo else v.fetched.replace(tzinfo=UTC))
            .astimezone(UTC)
            .isoformat(),
            "files": [{"name": f["name"], "sha256": f["sha256"], "size": f["size"]} for f in v.files],
        }
        for v in sorted(versions, key=lambda v: v.source)
    ]


def common_members(
    *, channel: Channel, actor: str, lists: list[dict[str, Any]], issued_at: datetime | None = None
) -> dict[str, Any]:
    """The members every receipt has, whatever was screened: its format, id, time, channel, actor, the
    engine and the list versions."""
    return {
        "format": FORMAT,
        "id": str(uuid.uuid4()),
        "issued_at": (issued_at or datetime.now(UTC)).isoformat(timespec="microseconds"),
        "channel": channel.value,
        "actor": actor,
        "engine": engine_identity().to_json(),
        "lists": lists,
    }


_OWN_MEMBERS = frozenset({"query", "settings", "result"})  # what a screening's own receipt must say


def receipt_body(
    screened: Screened,
    *,
    channel: Channel,
    actor: str,
    settings: Settings,
    lists: list[dict[str, Any]],
    issued_at: datetime | None = None,
) -> dict[str, Any]:
    """Everything a receipt says but its audit record, inclusion path and signature."""
    outcome = Outcome.of(screened)
    query: dict[str, Any] = {
        "given": query_json(screened.query),
        "normalized": normalized_json(screened.query),
    }
    if screened.row is not None:
        query["row"] = screened.row
    result: dict[str, Any] = {"outcome": outcome.value, "hits": [_hit_json(h) for h in screened.hits]}
    if screened.error is not None:
        result["error"] = screened.error
    body = {
        **common_members(channel=channel, actor=actor, lists=lists, issued_at=issued_at),
        "query": query,
        "settings": settings.to_json(),
        "result": result,
    }
    if screened.extra:
        body["extra"] = dict(screened.extra)
    return body


def body_of(document: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in UNSIGNED}


def leaf_of(body: Mapping[str, Any]) -> bytes:
    return leaf_hash(canonical_json(dict(body)).encode("utf-8"))


@dataclass(frozen=True, slots=True)
class Issued:
    count: int
    audit_seq: int
    merkle_root: str
    key_id: str

    def to_json(self) -> dict[str, Any]:
        return {
            "receipts": self.count,
            "audit_seq": self.audit_seq,
            "merkle_root": self.merkle_root,
            "key_id": self.key_id,
        }


class ReceiptBatch:
    """The receipts of screenings made together, signed as one batch once all are added.

    One audit record holds the batch's Merkle root, each receipt its path. The bodies are spooled to a
    temporary file as they come (a file of a million rows is never held in memory); `sign` appends the
    audit record in its own transaction and hands each signed receipt to `write` as one canonical JSON
    line (newline included) with its index, in the order added."""

    def __init__(
        self,
        *,
        channel: Channel,
        actor: str,
        versions: Sequence[VersionInfo],
        settings: Settings | None = None,  # None: a batch of bodies made elsewhere (add_members, add_body)
    ) -> None:
        self.channel, self.actor, self.settings = channel, actor, settings
        self.lists = lists_json(versions)
        self.list_versions = {v.source: v.number for v in versions}
        self._leaves: list[bytes] = []
        self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed by __exit__)

    def __enter__(self) -> ReceiptBatch:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._spool.close()

    def __len__(self) -> int:
        return len(self._leaves)

    def add(self, screened: Screened) -> None:
        if self.settings is None:
            raise ValueError("a batch made without Settings takes bodies made elsewhere, not screenings")
        self.add_body(
            receipt_body(
                screened, channel=self.channel, actor=self.actor, settings=self.settings, lists=self.lists
            )
        )

    def add_members(self, members: Mapping[str, Any]) -> None:
        """The receipt of another kind of screening (a payment message's: evidence.payment_receipt): its
        own `query`, `settings` and `result` (and any other member it needs) on the members every receipt
        has, which the batch fills in, so that `receipt verify` checks it as any receipt. `engine` may be
        given when more than the matching engine decided: it must then extend the common identity."""
        missing = sorted(_OWN_MEMBERS - members.keys())
        common = common_members(channel=self.channel, actor=self.actor, lists=self.lists)
        taken = sorted((common.keys() - {"engine"}) & members.keys())
        if missing or taken:
            raise ValueError(f"a receipt's members: missing {missing}, the batch's own given {taken}")
        engine = members.get("engine", common["engine"])
        if not isinstance(engine, Mapping) or any(engine.get(k) != v for k, v in common["engine"].items()):
            raise ValueError("a receipt's engine must extend the engine identity, not replace it")
        self.add_body({**common, **members})

    def add_body(self, body: Mapping[str, Any]) -> None:
        """A body made elsewhere (a certificate's), signed with the batch like any receipt."""
        text = canonical_json(dict(body))
        self._leaves.append(leaf_hash(text.encode("utf-8")))
        self._spool.write(text + "\n")

    def sign(
        self, engine: Engine, key: SigningKey, write: Callable[[str, int], None], *, subject: str
    ) -> Issued:
        tree = MerkleTree(self._leaves)
        root = tree.root.hex()
        details = {
            "channel": self.channel.value,
            "receipts": len(self._leaves),
            "merkle_root": root,
            "key_id": key.id,
        }
        with engine.begin() as conn:
            record = append(
                conn, actor=self.actor, action=AUDIT_ACTION, subject=subject, details=details,
                list_versions=self.list_versions,
            )  # fmt: skip
        audit = record.to_json()
        self._spool.seek(0)
        for index, line in enumerate(self._spool):
            document = json.loads(line)
            document["audit"] = audit
            document["inclusion"] = {
                "index": index,
                "size": len(self._leaves),
                "path": [h.hex() for h in tree.path(index)],
            }
            signature = key.sign(canonical_json(document).encode("utf-8"))
            document["signature"] = {"algorithm": ALGORITHM, "key_id": key.id, "value": signature}
            write(canonical_json(document) + "\n", index)
        return Issued(len(self._leaves), record.seq, root, key.id)


def sign_one(
    engine: Engine,
    key: SigningKey,
    screened: Screened,
    *,
    channel: Channel,
    actor: str,
    settings: Settings,
    versions: Sequence[VersionInfo],
    subject: str,
) -> str:
    """The receipt of a single screening, as its canonical JSON line."""
    lines: list[str] = []
    with ReceiptBatch(channel=channel, actor=actor, settings=settings, versions=versions) as batch:
        batch.add(screened)
        batch.sign(engine, key, lambda line, _index: lines.append(line), subject=subject)
    return lines[0]
