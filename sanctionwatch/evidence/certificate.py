"""The no-match certificate of a customer file: which customers, against which lists and versions, by
which engine, and that none of them is a hit; signed like a receipt (and checked by the same
`receipt verify`).

A certificate is only ever issued for a clean result. A file with a hit, or with a row that could not
be screened, gets none: the refusal names the rows (fail closed: a certificate that covered a row
nobody screened would certify what did not happen). Each customer is named by its id and the SHA-256
of its query as read (name, schema, birth date, country, identifier), so the certificate proves what was
screened without carrying the customers' data; the file itself is named by its SHA-256.
"""

from __future__ import annotations

import hashlib
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from sanctionwatch.errors import ConflictError
from sanctionwatch.evidence.engine import engine_identity
from sanctionwatch.evidence.receipt import (
    CERTIFICATE_FORMAT,
    Channel,
    ReceiptBatch,
    Settings,
    query_json,
)
from sanctionwatch.evidence.signing import SigningKey
from sanctionwatch.registry.audit import canonical_json
from sanctionwatch.registry.store import VersionInfo
from sanctionwatch.screening.batch import RowResult, screen_file
from sanctionwatch.screening.screener import Screener
from sanctionwatch.screening.trail import file_digest

__all__ = ["CertificateRefusedError", "Certified", "certify_file"]

_NAMED = 20  # rows named in a refusal at most


class CertificateRefusedError(ConflictError):
    """The file has hits or rows that could not be screened: no certificate can say "no match"."""


@dataclass(frozen=True, slots=True)
class Certified:
    line: str  # the certificate, canonical JSON and a newline
    rows: int
    audit_seq: int


def certify_file(
    engine: Engine,
    key: SigningKey,
    screener: Screener,
    path: Path,
    *,
    settings: Settings,
    versions: Sequence[VersionInfo],
    actor: str,
    workers: int | None = None,
) -> Certified:
    """Screen `path` (any file `screen-file` reads) and certify it, or raise CertificateRefusedError."""
    rows: list[RowResult] = []
    digest = file_digest(path)
    with tempfile.TemporaryDirectory(prefix="sw-certify-") as scratch:
        screen_file(
            screener, path, Path(scratch) / "results.jsonl", threshold=settings.threshold,
            limit=settings.limit, workers=workers, on_result=rows.append,
        )  # fmt: skip
    _refuse_unless_clean(path, rows)
    body: dict[str, Any] = {
        "format": CERTIFICATE_FORMAT,
        "id": str(uuid.uuid4()),
        "issued_at": datetime.now(UTC).isoformat(timespec="microseconds"),
        "channel": Channel.CERTIFICATE.value,
        "actor": actor,
        "customers": {
            "file": path.name,
            "sha256": digest,
            "rows": len(rows),
            "screened": [_customer(row) for row in rows],
        },
        "settings": settings.to_json(),
        "engine": engine_identity().to_json(),
        "result": {"outcome": "no match", "rows": len(rows), "hits": 0},
    }
    lines: list[str] = []
    with ReceiptBatch(
        channel=Channel.CERTIFICATE, actor=actor, settings=settings, versions=versions
    ) as batch:
        body["lists"] = batch.lists
        batch.add_body(body)
        issued = batch.sign(engine, key, lambda line, _index: lines.append(line), subject=path.name)
    return Certified(lines[0], len(rows), issued.audit_seq)


def _customer(row: RowResult) -> dict[str, Any]:
    assert row.query is not None  # a row without a query refused the certificate already
    given = query_json(row.query)
    return {
        "row": row.row,
        "id": row.id,
        "query_sha256": hashlib.sha256(canonical_json(given).encode("utf-8")).hexdigest(),
    }


def _refuse_unless_clean(path: Path, rows: Sequence[RowResult]) -> None:
    if not rows:
        raise CertificateRefusedError(f"{path}: no customer in it, nothing to certify")
    hits = [r for r in rows if r.hits]
    errors = [r for r in rows if r.error is not None]
    if not hits and not errors:
        return
    parts = []
    if hits:
        named = ", ".join(
            f"row {r.row} ({r.id}: {r.hits[0].caption}, {r.hits[0].score:.2f})" for r in hits[:_NAMED]
        )
        parts.append(f"{len(hits)} row(s) with hits: {named}{' ...' if len(hits) > _NAMED else ''}")
    if errors:
        named = "; ".join(str(r.error) for r in errors[:_NAMED])
        parts.append(f"{len(errors)} row(s) not screened: {named}{' ...' if len(errors) > _NAMED else ''}")
    raise CertificateRefusedError(f"{path}: no no-match certificate: " + "; ".join(parts))
