"""`update`: obtain list files (publisher, mirror, given files or the shipped sample), parse, ingest.

Each source is handled on its own: one list failing (unreachable, malformed, held by the guard)
never blocks the others, and never touches that source's active version.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sanctionwatch.registry.store import IngestResult, Registry, RegistryError
from sanctionwatch.sources.base import SourceFormatError
from sanctionwatch.sources.catalog import SOURCES, UnknownSourceError, parse_files, source_spec
from sanctionwatch.sources.fetch import FetchError, SourceUnreachableError, fetch_source

__all__ = ["SourceOutcome", "official_sources", "sample_files", "update_from_files", "update_official"]

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@dataclass(slots=True)
class SourceOutcome:
    source: str
    result: IngestResult | None = None
    error: str | None = None
    unreachable: bool = False

    @property
    def ok(self) -> bool:
        return self.result is not None and self.result.version.active


Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


def update_from_files(
    registry: Registry,
    paths: Sequence[Path],
    *,
    source: str | None = None,
    force: bool = False,
    progress: Progress = _quiet,
) -> list[SourceOutcome]:
    """Ingest the given files (grouped into publications); a parse error ingests nothing of that call."""
    progress(f"parsing {', '.join(p.name for p in paths)}")
    try:
        parsed_lists = parse_files(paths, source)
    except (SourceFormatError, UnknownSourceError) as exc:
        return [SourceOutcome(source or "?", error=str(exc))]
    outcomes = []
    for parsed in parsed_lists:
        progress(f"storing {parsed.source}: {len(parsed.entities)} parties")
        try:
            outcomes.append(SourceOutcome(parsed.source, result=registry.ingest(parsed, force=force)))
        except RegistryError as exc:
            outcomes.append(SourceOutcome(parsed.source, error=str(exc)))
    return outcomes


def update_official(
    registry: Registry,
    sources: Sequence[str],
    *,
    cache: Path,
    mirror: str | None = None,
    force: bool = False,
    progress: Progress = _quiet,
) -> list[SourceOutcome]:
    """Fetch and ingest each source from its publisher or the mirror."""
    outcomes = []
    for name in sources:
        try:
            spec = source_spec(name)
        except UnknownSourceError as exc:
            outcomes.append(SourceOutcome(name, error=str(exc)))
            continue
        if not spec.files:
            outcomes.append(
                SourceOutcome(name, error=f"{name} has no official download: give its file (--file)")
            )
            continue
        progress(f"fetching {name} from {mirror or 'the publisher'}")
        try:
            fetched = fetch_source(spec, cache, mirror=mirror)
        except SourceUnreachableError as exc:
            outcomes.append(SourceOutcome(name, error=str(exc), unreachable=True))
            continue
        except FetchError as exc:
            outcomes.append(SourceOutcome(name, error=str(exc)))
            continue
        for copy in fetched:
            if copy.not_modified:
                progress(
                    f"{name}: {copy.origin} not modified since the last fetch (HTTP 304); reading the cached copy"
                )
        outcomes.extend(
            update_from_files(
                registry, [f.path for f in fetched], source=name, force=force, progress=progress
            )
        )
    return outcomes


def sample_files() -> dict[str, list[Path]]:
    """The small sample lists shipped with the package (official formats, public facts), by source."""
    return {
        directory.name: sorted(
            p for p in directory.iterdir() if p.is_file() and not p.name.startswith("README")
        )
        for directory in sorted(SAMPLES.iterdir())
        if directory.is_dir()
    }


def official_sources() -> list[str]:
    return [name for name, spec in SOURCES.items() if spec.files]
