"""The lists over time: what each version changed, and designations per programme and year.

What an analyst's changes page shows ("2025-11-19: 105 added, 2 removed") and its chart; both are
read from the registry's versions and records, never kept apart from them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sanctionwatch.model import Entity
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.terms import program_matches

__all__ = ["change_timeline", "designations_by_year"]


@dataclass(frozen=True, slots=True)
class VersionChange:
    source: str
    version: int
    previous: int | None
    published: date | None
    added: int
    removed: int
    changed: int

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "version": self.version,
            "previous": self.previous,
            "published": self.published.isoformat() if self.published else None,
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
        }


def change_timeline(
    registry: Registry, *, programs: Sequence[str] = (), authorities: Sequence[str] = ()
) -> list[VersionChange]:
    """Every version of every source against the one before it, newest publication first."""
    out: list[VersionChange] = []
    for version in registry.versions():
        diff = registry.changes(
            version.source, to_number=version.number, programs=programs, authorities=authorities
        )
        out.append(
            VersionChange(
                version.source,
                version.number,
                diff.old.number if diff.old else None,
                version.published,
                len(diff.added),
                len(diff.removed),
                len(diff.changed),
            )
        )
    return sorted(out, key=lambda c: (c.published or date.min, c.source, c.version), reverse=True)


def designations_by_year(
    entities: Iterable[Entity], *, programs: Sequence[str] = (), top: int = 8
) -> dict[str, dict[int, int]]:
    """Parties designated per year, per programme (the `top` largest, or those asked for)."""
    counts: dict[str, Counter[int]] = {}
    for entity in entities:
        if not entity.listed_on or not entity.listed_on[:4].isdigit():
            continue
        year = int(entity.listed_on[:4])
        for program in set(entity.programs):
            if programs and not any(program_matches(program, wanted) for wanted in programs):
                continue
            counts.setdefault(program, Counter())[year] += 1
    largest = sorted(counts, key=lambda p: sum(counts[p].values()), reverse=True)[:top]
    return {program: dict(sorted(counts[program].items())) for program in largest}
