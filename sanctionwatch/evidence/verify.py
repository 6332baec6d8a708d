"""Checking a receipt with nothing but the receipt and the deployment's public key.

Each check is named, and a receipt holds only when all of them do:

- form: one line of canonical JSON in the receipt format (so that changing any byte of the file,
  whitespace included, is caught: a changed byte either breaks the form or one of the checks below);
- signature: Ed25519 by the key given, over the canonical JSON of every member but `signature`;
- audit record: the record's hash recomputed from its fields (registry.audit's documented rule), and
  its list versions the receipt's own;
- inclusion: the receipt's Merkle leaf, up its audit path, gives the root the audit record holds;
- audit chain (only when the deployment's database is given): the record with that number in the
  database's log has that hash, and the log's chain verifies up to its head. Offline the receipt links
  to the chain through its record's `prev_hash`, which an examiner compares with an exported log.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sanctionwatch.errors import InputError
from sanctionwatch.evidence.merkle import root_from_path
from sanctionwatch.evidence.receipt import SIGNED_FORMATS, body_of, leaf_of
from sanctionwatch.evidence.signing import ALGORITHM, PublicKey
from sanctionwatch.registry.audit import RECORD_FIELDS, AuditLog, canonical_json, record_hash

__all__ = ["Check", "CheckResult", "ReceiptCheck", "verify_document", "verify_file"]


class Check(StrEnum):
    FORM = "form"
    SIGNATURE = "signature"
    AUDIT_RECORD = "audit record"
    INCLUSION = "inclusion"
    AUDIT_CHAIN = "audit chain"


@dataclass(frozen=True, slots=True)
class CheckResult:
    check: Check
    ok: bool | None  # None: not checked (the audit chain without a database)
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check.value, "ok": self.ok, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class ReceiptCheck:
    """The checks of one receipt (one line of a receipts file)."""

    line: int
    receipt_id: str | None
    results: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.results) and all(r.ok is not False for r in self.results)

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "receipt": self.receipt_id,
            "ok": self.ok,
            "checks": [r.to_json() for r in self.results],
        }


def verify_file(path: Path, public: PublicKey, *, log: AuditLog | None = None) -> Iterator[ReceiptCheck]:
    """The checks of every receipt in the file, one per line. An unreadable file is an InputError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    if not data:
        raise InputError(f"{path}: empty, no receipt in it")
    lines = data.split(b"\n")
    if lines[-1] != b"":
        yield ReceiptCheck(
            len(lines), None, [CheckResult(Check.FORM, False, "the file does not end with a newline")]
        )
        return
    for number, raw in enumerate(lines[:-1], 1):
        yield verify_document(raw, public, line=number, log=log)


def verify_document(
    raw: bytes, public: PublicKey, *, line: int = 1, log: AuditLog | None = None
) -> ReceiptCheck:
    """Every check of one receipt given as the bytes of its line (without the newline)."""
    document, problem = _parse(raw)
    if document is None:
        return ReceiptCheck(line, None, [CheckResult(Check.FORM, False, problem)])
    receipt_id = str(document.get("id"))
    results = [CheckResult(Check.FORM, True, str(document["format"]))]
    results.append(_signature(document, public))
    audit = document.get("audit")
    if not isinstance(audit, dict):
        results.append(CheckResult(Check.AUDIT_RECORD, False, "no audit record"))
        return ReceiptCheck(line, receipt_id, results)
    results.append(_audit_record(document, audit))
    results.append(_inclusion(document, audit))
    results.append(_chain(audit, log))
    return ReceiptCheck(line, receipt_id, results)


def _parse(raw: bytes) -> tuple[dict[str, Any] | None, str]:
    try:
        text = raw.decode("utf-8")
        document = json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        return None, f"not JSON ({exc})"
    if not isinstance(document, dict) or document.get("format") not in SIGNED_FORMATS:
        return None, f"neither a {' nor a '.join(SIGNED_FORMATS)} document"
    try:
        canonical = canonical_json(document)
    except ValueError as exc:
        return None, f"not canonical JSON ({exc})"
    if canonical != text:
        return None, "not in canonical form (keys sorted, no whitespace): the receipt was changed"
    return document, ""


def _signature(document: dict[str, Any], public: PublicKey) -> CheckResult:
    signature = document.get("signature")
    if not isinstance(signature, dict) or signature.get("algorithm") != ALGORITHM:
        return CheckResult(Check.SIGNATURE, False, f"no {ALGORITHM} signature")
    if signature.get("key_id") != public.id:
        return CheckResult(
            Check.SIGNATURE,
            False,
            f"signed by key {signature.get('key_id')}, not by the key given ({public.id})",
        )
    unsigned = {k: v for k, v in document.items() if k != "signature"}
    if not public.verifies(str(signature.get("value", "")), canonical_json(unsigned).encode("utf-8")):
        return CheckResult(Check.SIGNATURE, False, f"the signature does not verify with key {public.id}")
    return CheckResult(Check.SIGNATURE, True, f"{ALGORITHM}, key {public.id}")


def _audit_record(document: dict[str, Any], audit: dict[str, Any]) -> CheckResult:
    missing = [name for name in RECORD_FIELDS if name not in audit]
    if missing:
        return CheckResult(Check.AUDIT_RECORD, False, f"audit record without {', '.join(missing)}")
    try:
        expected = record_hash(
            seq=int(audit["seq"]),
            at=datetime.fromisoformat(str(audit["at"])),
            actor=str(audit["actor"]),
            action=str(audit["action"]),
            subject=str(audit["subject"]),
            details=audit["details"],
            list_versions=audit["list_versions"],
            engine_version=str(audit["engine_version"]),
            prev_hash=str(audit["prev_hash"]),
        )
    except (TypeError, ValueError) as exc:
        return CheckResult(Check.AUDIT_RECORD, False, f"audit record unreadable ({exc})")
    if expected != audit["hash"]:
        return CheckResult(
            Check.AUDIT_RECORD,
            False,
            f"record {audit['seq']}: its fields hash to {expected}, not {audit['hash']}",
        )
    lists = document.get("lists")
    named = {
        str(item.get("source")): item.get("version")
        for item in (lists if isinstance(lists, list) else [])
        if isinstance(item, dict)
    }
    if named != audit["list_versions"]:
        return CheckResult(
            Check.AUDIT_RECORD,
            False,
            f"record {audit['seq']} names lists {audit['list_versions']}, the receipt {named}",
        )
    return CheckResult(
        Check.AUDIT_RECORD, True, f"record {audit['seq']}, hash {audit['hash']}, after {audit['prev_hash']}"
    )


def _inclusion(document: dict[str, Any], audit: dict[str, Any]) -> CheckResult:
    inclusion = document.get("inclusion")
    details = audit.get("details")
    if not isinstance(details, dict):
        details = {}
    root = details.get("merkle_root")
    if not isinstance(inclusion, dict) or not isinstance(root, str):
        return CheckResult(Check.INCLUSION, False, "no inclusion path or no Merkle root in the audit record")
    try:
        index, size = int(inclusion["index"]), int(inclusion["size"])
        path = [bytes.fromhex(str(h)) for h in inclusion["path"]]
    except (KeyError, TypeError, ValueError) as exc:
        return CheckResult(Check.INCLUSION, False, f"inclusion path unreadable ({exc})")
    if details.get("receipts") != size:
        return CheckResult(
            Check.INCLUSION,
            False,
            f"the record holds {details.get('receipts')} receipts, the path says {size}",
        )
    reached = root_from_path(leaf_of(body_of(document)), index, size, path)
    if reached is None or reached.hex() != root:
        return CheckResult(
            Check.INCLUSION, False, f"receipt {index + 1} of {size} does not lead to the record's root {root}"
        )
    return CheckResult(Check.INCLUSION, True, f"receipt {index + 1} of {size} under root {root}")


def _chain(audit: dict[str, Any], log: AuditLog | None) -> CheckResult:
    # Read with .get: a changed receipt may lack any member, and is reported, never raised on.
    seq, receipt_hash = audit.get("seq"), audit.get("hash")
    if log is None:
        return CheckResult(
            Check.AUDIT_CHAIN,
            None,
            f"not checked (no database given): record {seq} follows {audit.get('prev_hash')}",
        )
    if not isinstance(seq, int) or isinstance(seq, bool):
        return CheckResult(Check.AUDIT_CHAIN, False, f"the audit record has no record number ({seq!r})")
    found = log.records(since_seq=seq - 1, limit=1)
    if not found or found[0].seq != seq:
        return CheckResult(Check.AUDIT_CHAIN, False, f"the database's log has no record {seq}")
    if found[0].hash != receipt_hash:
        return CheckResult(
            Check.AUDIT_CHAIN,
            False,
            f"the database's record {seq} has hash {found[0].hash}, the receipt {receipt_hash}",
        )
    verification = log.verify()
    if not verification.ok:
        return CheckResult(
            Check.AUDIT_CHAIN,
            False,
            f"the database's chain breaks at record {verification.first_bad_seq}: {verification.problem}",
        )
    return CheckResult(
        Check.AUDIT_CHAIN,
        True,
        f"record {seq} is in the database's chain, which verifies to head {verification.head_seq} ({verification.head_hash})",
    )
