"""What every parser returns, and the one error type it raises on bad input."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sanctionwatch.errors import InputError
from sanctionwatch.model import Entity

__all__ = ["ParsedList", "SourceFormatError"]


class SourceFormatError(InputError, ValueError):
    """Bad input: names the file and, where known, the line and the element or field at fault.

    The registry catches it and activates nothing, so the previous version stays in force.
    """

    def __init__(
        self,
        path: Path | str,
        message: str,
        *,
        line: int | None = None,
        element: str | None = None,
    ) -> None:
        self.path = str(path)
        self.message = message
        self.line = line
        self.element = element
        where = self.path if line is None else f"{self.path}:{line}"
        what = f" <{element}>" if element else ""
        super().__init__(f"{where}:{what} {message}")


@dataclass(slots=True)
class ParsedList:
    """One publication of one list, fully parsed."""

    source: str  # "ofac-sdn", "ofac-cons", "un", "eu", "uk", "ftm"
    format: str  # "ofac-advanced-xml", "ofac-xml", "ofac-csv", "un-xml", "eu-xml", "uk-ofsi-xlsx", ...
    published: date | None
    entities: list[Entity] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    # Records the parser left out on purpose, counted by reason ("de-listed targets": 3), so that the
    # update says so instead of the party count silently falling short of the file's record count.
    skipped: dict[str, int] = field(default_factory=dict)
    # FollowTheMoney sources only: every entity of the file as FtM has it (id, schema, properties,
    # datasets, referents, target ...), parties and the rest alike, which the registry keeps beside the
    # parties so that FtM clients get back the entities, ids and graph they gave.
    ftm_entities: list[dict[str, Any]] = field(default_factory=list)
    # What the import made of each entity, by role then schema: {"party": {"Person": 3}, "non-target":
    # {...}, "non-party": {"Sanction": 2}, "unknown-schema": {...}}; the CLI prints it.
    import_counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Every parser's records are de-duplicated here, once (`Entity.normalize`), not by each parser."""
        for entity in self.entities:
            entity.normalize()
