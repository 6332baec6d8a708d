"""`update`: obtain list files (publisher, mirror, given files or the shipped sample), parse, ingest.

Each source is handled on its own: one list failing (unreachable, malformed, held by the guard)
never blocks the others, and never touches that source's active version.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sanctionwatch.registry.freshness import CheckOutcome, files_digest, official_sources, record_check
from sanctionwatch.registry.store import IngestResult, Registry, RegistryError
from sanctionwatch.sources.base import SourceFormatError
from sanctionwatch.sources.catalog import UnknownSourceError, parse_files, source_spec
from sanctionwatch.sources.fetch import Fetched, FetchError, SourceUnreachableError, fetch_source

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
        left_out = ", ".join(f"{count} {reason}" for reason, count in parsed.skipped.items())
        progress(
            f"storing {parsed.source}: {len(parsed.entities)} parties"
            + (f" (left out: {left_out})" if left_out else "")
        )
        try:
            outcomes.append(SourceOutcome(parsed.source, result=registry.ingest(parsed, force=force)))
        except RegistryError as exc:
            outcomes.append(SourceOutcome(parsed.source, error=str(exc)))
    return outcomes


def _utcnow() -> datetime:
    return datetime.now(UTC)


def update_official(
    registry: Registry,
    sources: Sequence[str],
    *,
    cache: Path,
    mirror: str | None = None,
    force: bool = False,
    progress: Progress = _quiet,
    clock: Callable[[], datetime] = _utcnow,
) -> list[SourceOutcome]:
    """Fetch and ingest each source from its publisher or the mirror, recording each check's outcome
    (registry/freshness.py) at `clock()`: a failure, a version held by the guard, or a success."""
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
        except FetchError as exc:
            unreachable = isinstance(exc, SourceUnreachableError)
            outcomes.append(SourceOutcome(name, error=str(exc), unreachable=unreachable))
            record_check(registry.engine, name, CheckOutcome.FAILED, clock(), reason=str(exc))
            continue
        for copy in fetched:
            if copy.not_modified:
                progress(
                    f"{name}: {copy.origin} not modified since the last fetch (HTTP 304); reading the cached copy"
                )
        paths = [f.path for f in fetched]
        ingested = update_from_files(registry, paths, source=name, force=force, progress=progress)
        _record(registry, name, fetched, ingested, clock())
        outcomes.extend(ingested)
    return outcomes


def _record(
    registry: Registry, name: str, fetched: Sequence[Fetched], ingested: Sequence[SourceOutcome], at: datetime
) -> None:
    """One check's record: failed if any file of it failed or was held (screening does not use it)."""
    problems = [o.error for o in ingested if o.error] + [
        f"version {o.result.version.number} held by the sanity guard: {o.result.problems}"
        for o in ingested
        if o.result is not None and not o.result.version.active
    ]
    if problems:
        record_check(registry.engine, name, CheckOutcome.FAILED, at, reason="; ".join(problems))
        return
    published = next((o.result.version.published for o in ingested if o.result is not None), None)
    outcome = CheckOutcome.NOT_MODIFIED if all(f.not_modified for f in fetched) else CheckOutcome.FETCHED
    record_check(
        registry.engine,
        name,
        outcome,
        at,
        digest=files_digest(f.path for f in fetched),
        published=published,
    )


def sample_files() -> dict[str, list[Path]]:
    """The small sample lists shipped with the package (official formats, public facts), by source."""
    return {
        directory.name: sorted(
            p for p in directory.iterdir() if p.is_file() and not p.name.startswith("README")
        )
        for directory in sorted(SAMPLES.iterdir())
        if directory.is_dir()
    }
