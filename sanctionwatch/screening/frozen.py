"""A frozen snapshot of the active lists: one file a cluster job ships to its executors.

A Spark executor cannot reach the bank's registry database, and must not: every row it screens has to
be screened against exactly the lists the job started with. `freeze` writes the active versions'
parties to one gzip file of JSON lines (a header, then one party a line, in the registry's order, gzip's own
timestamp zeroed), so that the same lists in the same registry always give the same bytes, and the file's SHA-256 names the
snapshot in every output row. `read_frozen` refuses a file that is not one, naming the line.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sanctionwatch import __version__
from sanctionwatch.model import Entity
from sanctionwatch.sources.base import SourceFormatError

if TYPE_CHECKING:  # reading a snapshot (what an executor does) needs no database layer
    from sanctionwatch.registry.store import Registry

__all__ = [
    "FORMAT",
    "FrozenSnapshot",
    "FrozenVersion",
    "describe_frozen",
    "file_digest",
    "freeze",
    "read_frozen",
]

FORMAT = "sanctionwatch-snapshot/1"
_BLOCK = 1 << 20


@dataclass(frozen=True, slots=True)
class FrozenVersion:
    source: str
    number: int
    parties: int

    @property
    def label(self) -> str:
        return f"{self.source}/{self.number}"


@dataclass(frozen=True, slots=True)
class FrozenSnapshot:
    path: Path
    digest: str  # SHA-256 of the file: what every output row names
    versions: tuple[FrozenVersion, ...]
    parties: int
    frozen_at: str
    engine_version: str  # the engine that froze it (the one that screens says its own)

    @property
    def list_versions(self) -> str:
        return ", ".join(v.label for v in self.versions)


def freeze(registry: Registry, path: Path) -> FrozenSnapshot:
    """Write the active versions' parties to `path`; refuses an empty registry (nothing to screen against)."""
    versions = sorted(registry.active_versions(), key=lambda v: v.source)
    if not versions:
        raise SourceFormatError(path, "the registry holds no active list: nothing to freeze")
    # In the registry's own order: the index an executor builds from the file is then the very index
    # `Screener.from_registry` builds, ties between equal scores broken alike.
    entities = list(registry.iter_entities())
    counts = {v.source: 0 for v in versions}
    for entity in entities:
        counts[entity.source] = counts.get(entity.source, 0) + 1
    header = {
        "format": FORMAT,
        "versions": [
            {"source": v.source, "number": v.number, "parties": counts.get(v.source, 0)} for v in versions
        ],
        "parties": len(entities),
        # The day, not the moment: freezing the same lists twice the same day gives the same file.
        "frozen_at": datetime.now(UTC).date().isoformat(),
        "engine_version": __version__,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
        out.write((_dump(header) + "\n").encode())
        for entity in entities:
            out.write((_dump(entity.to_dict()) + "\n").encode())
    return _snapshot(path, header, file_digest(path))


def read_frozen(path: Path) -> tuple[FrozenSnapshot, list[Entity]]:
    """The snapshot's description and its parties; SourceFormatError names the file and line at fault."""
    snapshot = describe_frozen(path)
    lines = _lines(path)
    next(lines)
    entities: list[Entity] = []
    for number, text in lines:
        data = _json(path, number, text)
        try:
            entities.append(Entity.from_dict(data))
        except (KeyError, TypeError, ValueError) as exc:
            raise SourceFormatError(path, f"line {number}: not a party record ({exc})") from None
    if len(entities) != snapshot.parties:
        raise SourceFormatError(
            path, f"{len(entities)} parties, the header says {snapshot.parties}: truncated?"
        )
    return snapshot, entities


def describe_frozen(path: Path) -> FrozenSnapshot:
    """The snapshot's description from its header and hash, without reading its parties (a driver
    that only ships the file needs no more; the executors read it whole and check it)."""
    lines = _lines(path)
    first = next(lines, None)
    if first is None:
        raise SourceFormatError(path, "empty: not a sanctionwatch snapshot")
    header = _json(path, 1, first[1])
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise SourceFormatError(path, f"line 1: not a {FORMAT} file")
    return _snapshot(path, header, file_digest(path))


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _snapshot(path: Path, header: dict[str, Any], digest: str) -> FrozenSnapshot:
    try:
        versions = tuple(
            FrozenVersion(str(v["source"]), int(v["number"]), int(v["parties"])) for v in header["versions"]
        )
        return FrozenSnapshot(
            path,
            digest,
            versions,
            int(header["parties"]),
            str(header["frozen_at"]),
            str(header["engine_version"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise SourceFormatError(path, f"line 1: a header field is missing or wrong ({exc})") from None


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            for number, line in enumerate(stream, start=1):
                if line.strip():
                    yield number, line
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise SourceFormatError(path, f"cannot be read as a gzip file of JSON lines: {exc}") from None


def _json(path: Path, number: int, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceFormatError(path, f"line {number}: not JSON ({exc.msg})") from None


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
