"""Which engine screened: its version, and a fingerprint of everything that decides a score.

The version string alone (`sanctionwatch.__version__`) does not move with every change of the matcher,
so a receipt also names the SHA-256 of the engine's own files: the matching package (code, compiled
kernel's source, the name model), the reference tables it reads, and the screening package. A replay
that gives another result on the same list versions then says whether the engine changed since, or
whether something that should not happen did.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sanctionwatch
from sanctionwatch.matching.model import MODEL_FILE

__all__ = ["EngineIdentity", "engine_identity"]

_ROOT = Path(__file__).parent.parent  # the sanctionwatch package
# (package directory, file suffixes): what decides a screening's result.
_PARTS = (("matching", (".py", ".pyx", ".json")), ("refdata", (".tsv", ".py")), ("screening", (".py",)))


@dataclass(frozen=True, slots=True)
class EngineIdentity:
    version: str
    fingerprint: str  # SHA-256 over the engine's files (_PARTS), by relative path
    model_sha256: str  # the name model's file (matching/name_model.json)

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "fingerprint": self.fingerprint, "model_sha256": self.model_sha256}


def _files() -> list[Path]:
    found: list[Path] = []
    for directory, suffixes in _PARTS:
        found.extend(p for p in (_ROOT / directory).rglob("*") if p.is_file() and p.suffix in suffixes)
    return sorted(found, key=lambda p: p.relative_to(_ROOT).as_posix())


@cache
def engine_identity() -> EngineIdentity:
    """Computed once per process (about a megabyte read): the engine does not change while it runs."""
    digest = hashlib.sha256()
    for path in _files():
        data = path.read_bytes()
        digest.update(f"{path.relative_to(_ROOT).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    model = hashlib.sha256(MODEL_FILE.read_bytes()).hexdigest()
    return EngineIdentity(sanctionwatch.__version__, digest.hexdigest(), model)
