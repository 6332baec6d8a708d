"""Which engine screened: its version, and a fingerprint of everything that decides a score.

The version string alone (`sanctionwatch.__version__`) does not move with every change of the matcher,
so a receipt also names the SHA-256 of the engine's own files: the matching package (code, compiled
kernel's source, the name model), the reference tables it reads, and the screening package. A replay
that gives another result on the same list versions then says whether the engine changed since, or
whether something that should not happen did.

A payment message is decided by more than the matcher: the readers of its formats, the embargo places
and the ownership rules. Its receipt names these too (`payments_fingerprint`: the payments and
ownership packages' files), so a replay that differs says whether that code changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sanctionwatch
from sanctionwatch.matching.model import MODEL_FILE

__all__ = ["EngineIdentity", "engine_identity", "payments_fingerprint"]

_ROOT = Path(__file__).resolve().parents[1]  # the sanctionwatch package
# (package directory, file suffixes): what decides a screening's result.
_PARTS = (("matching", (".py", ".pyx", ".json")), ("refdata", (".tsv", ".py")), ("screening", (".py",)))
_PAYMENT_PARTS = (("payments", (".py",)), ("ownership", (".py",)))  # beside _PARTS, for a payment
Parts = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class EngineIdentity:
    version: str
    fingerprint: str  # SHA-256 over the engine's files (_PARTS), by relative path
    model_sha256: str  # the name model's file (matching/name_model.json)

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "fingerprint": self.fingerprint, "model_sha256": self.model_sha256}


def _files(parts: Parts) -> list[Path]:
    found: list[Path] = []
    for directory, suffixes in parts:
        found.extend(p for p in (_ROOT / directory).rglob("*") if p.is_file() and p.suffix in suffixes)
    return sorted(found, key=lambda p: p.relative_to(_ROOT).as_posix())


def _fingerprint(parts: Parts) -> str:
    digest = hashlib.sha256()
    for path in _files(parts):
        data = path.read_bytes()
        digest.update(f"{path.relative_to(_ROOT).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


@cache
def engine_identity() -> EngineIdentity:
    """Computed once per process (about a megabyte read): the engine does not change while it runs."""
    model = hashlib.sha256(MODEL_FILE.read_bytes()).hexdigest()
    return EngineIdentity(sanctionwatch.__version__, _fingerprint(_PARTS), model)


@cache
def payments_fingerprint() -> str:
    """SHA-256 of the payments and ownership packages' files, computed once per process."""
    return _fingerprint(_PAYMENT_PARTS)
