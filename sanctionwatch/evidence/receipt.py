"""Screening receipts: what was screened, against what, by which engine, with what result; signed.

The format (`sanctionwatch-receipt/1`) is one JSON object per receipt, written as canonical JSON (keys
sorted, no whitespace, UTF-8, numbers as Python writes them) and one newline. A file of receipts holds
one per line. The members:

- `format`, `id` (a UUID), `issued_at` (UTC, ISO 8601), `channel` (cli, api, screen-file, ...), `actor`;
- `query`: `given` (the fields as the caller gave them) and `normalized` (as the engine read them: the
  cleaned name and its words, the schema, the birth date, the ISO country, the identifier), or `error`
  when the query could not be screened; `row` for a line of a screened file;
- `settings`: threshold, limit, and the lists or programmes the screening was narrowed to;
- `engine`: version, fingerprint (SHA-256 of the engine's files) and the name model's SHA-256;
- `lists`: every list version screened against: source, version number, the SHA-256 digest of its
  parties (sorted entity id and record hash pairs), party count, publication and fetch times, and each
  official file it was ingested from with the file's SHA-256 and size;
- `result`: `outcome` ("hit", "no match" or "error") and every hit with its score (6 decimals), matched
  name, programmes and explanation;
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
    "FORMAT",
    "SCORE_DIGITS",
    "UNSIGNED",
    "Channel",
    "Issued",
    "Outcome",
    "Screened",
    "Settings",
    "body_of",
    "issue_receipts",
    "leaf_of",
    "lists_json",
    "query_json",
    "receipt_body",
]

FORMAT = "sanctionwatch-receipt/1"
SCORE_DIGITS = 6
UNSIGNED = ("audit", "inclusion", "signature")  # what the Merkle leaf leaves out
AUDIT_ACTION = "screening.receipts"


class Channel(StrEnum):
    CLI = "cli"
    API = "api"
    MATCH = "match"  # the yente-compatible /match
    FILE = "screen-file"


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


def _normalized(query: Query) -> dict[str, Any]:
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
            "fetched": v.fetched.astimezone(UTC).isoformat() if v.fetched.tzinfo else v.fetched.isoformat(),
            "files": [{"name": f["name"], "sha256": f["sha256"], "size": f["size"]} for f in v.files],
        }
        for v in sorted(versions, key=lambda v: v.source)
    ]


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
    query: dict[str, Any] = {"given": query_json(screened.query), "normalized": _normalized(screened.query)}
    if screened.row is not None:
        query["row"] = screened.row
    result: dict[str, Any] = {"outcome": outcome.value, "hits": [_hit_json(h) for h in screened.hits]}
    if screened.error is not None:
        result["error"] = screened.error
    body = {
        "format": FORMAT,
        "id": str(uuid.uuid4()),
        "issued_at": (issued_at or datetime.now(UTC)).isoformat(timespec="microseconds"),
        "channel": channel.value,
        "actor": actor,
        "query": query,
        "settings": settings.to_json(),
        "engine": engine_identity().to_json(),
        "lists": lists,
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


def issue_receipts(
    engine: Engine,
    key: SigningKey,
    bodies: Iterable[dict[str, Any]],
    write: Callable[[str], None],
    *,
    actor: str,
    channel: Channel,
    list_versions: Mapping[str, int],
    subject: str,
) -> Issued:
    """Sign `bodies` as one batch: one audit record holds their Merkle root, each receipt its path.

    The bodies are spooled to a temporary file as they come (a file of a million rows is never held
    in memory), the audit record is appended in its own transaction once all are known, and each signed
    receipt goes to `write` as one canonical JSON line (newline included), in the order given."""
    leaves: list[bytes] = []
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        for body in bodies:
            text = canonical_json(body)
            leaves.append(leaf_hash(text.encode("utf-8")))
            spool.write(text + "\n")
        tree = MerkleTree(leaves)
        root = tree.root.hex()
        with engine.begin() as conn:
            record = append(
                conn,
                actor=actor,
                action=AUDIT_ACTION,
                subject=subject,
                details={
                    "channel": channel.value,
                    "receipts": len(leaves),
                    "merkle_root": root,
                    "key_id": key.id,
                },
                list_versions=list_versions,
            )
        audit = record.to_json()
        spool.seek(0)
        for index, line in enumerate(spool):
            document = json.loads(line)
            document["audit"] = audit
            document["inclusion"] = {
                "index": index,
                "size": len(leaves),
                "path": [h.hex() for h in tree.path(index)],
            }
            signature = key.sign(canonical_json(document).encode("utf-8"))
            document["signature"] = {"algorithm": ALGORITHM, "key_id": key.id, "value": signature}
            write(canonical_json(document) + "\n")
    return Issued(len(leaves), record.seq, root, key.id)
