"""Imported holdings: resolved to graph nodes once, at import, and kept with how they were resolved.

A file's parties are resolved against the lists in force when it is imported: a registry key is
checked, an identifier is looked up exactly, a name is screened and taken only at a score where the
engine is near certain (`RESOLVE_THRESHOLD`); anything else is a third party known only by its name
(`party:<name>`). A re-import of the same dataset replaces its holdings in one transaction, with an
audit record, so the graph never shows half of a file.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Engine

from sanctionwatch.db.tables import meta
from sanctionwatch.model import Schema
from sanctionwatch.ownership.graph import Holding, HoldingKind
from sanctionwatch.ownership.holdings_file import PartyRef, StatedHolding, read_holdings
from sanctionwatch.ownership.tables import ownership_holdings
from sanctionwatch.registry.audit import append
from sanctionwatch.screening.batchio import RowError
from sanctionwatch.screening.query import Query, QueryError
from sanctionwatch.screening.screener import Screener

__all__ = ["CUSTOMER_NODE", "PARTY_NODE", "RESOLVE_THRESHOLD", "ImportResult", "OwnershipStore", "Resolver"]

CUSTOMER_NODE = "customer:"
PARTY_NODE = "party:"
# A name is taken as a listed party only at this score: above it the dev benchmark's false matches are
# gone (bench/RESULTS.md); below it the owner stays a third party and the import says how many.
RESOLVE_THRESHOLD = 0.9
REVISION_KEY = "ownership_revision"  # in `meta`: changes with every import (OwnershipStore.revision)
_SPACES = re.compile(r"\s+")
_READINGS: tuple[str | None, ...] = (Schema.ORGANIZATION, Schema.PERSON, None)


@dataclass(frozen=True, slots=True)
class Resolved:
    key: str
    how: str  # "key", "identifier", "name 0.97", "unlisted"
    score: float | None = None


class Resolver:
    """File parties to graph nodes, against one screening snapshot."""

    def __init__(self, screener: Screener) -> None:
        self.screener = screener

    def resolve(self, ref: PartyRef, side: str) -> Resolved:
        if ref.key:
            if ref.key.startswith(CUSTOMER_NODE) and len(ref.key) > len(CUSTOMER_NODE):
                return Resolved(ref.key, "key")
            if self.screener.index.position_of(ref.key) is None:
                raise ValueError(f"{side}_id: {ref.key!r} is neither a listed party's key nor customer:ID")
            return Resolved(ref.key, "key")
        if ref.identifier:
            hits = self.screener.screen(
                Query(identifier=ref.identifier), threshold=RESOLVE_THRESHOLD, limit=2
            )
            if len(hits) == 1:
                return Resolved(hits[0].entity_id, "identifier", hits[0].score)
        if ref.name:
            try:
                # A file rarely says whether an owner is a person or a company: read it as either.
                hits = self.screener.screen_readings(
                    Query(ref.name), _READINGS, threshold=RESOLVE_THRESHOLD, limit=1
                )
            except QueryError as exc:
                raise ValueError(f"{side}: {exc}") from None
            if hits:
                return Resolved(hits[0].entity_id, f"name {hits[0].score:.2f}", hits[0].score)
            return Resolved(PARTY_NODE + _SPACES.sub(" ", ref.name.casefold()).strip(), "unlisted")
        return Resolved(PARTY_NODE + (ref.identifier or "").strip(), "unlisted")


@dataclass(slots=True)
class ImportResult:
    dataset: str
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    resolved: Counter[str] = field(
        default_factory=Counter
    )  # how parties were resolved: key, identifier, name, unlisted

    def to_json(self) -> dict[str, object]:
        return {
            "dataset": self.dataset,
            "imported": self.imported,
            "errors": [{"row": e.row, "error": e.reason} for e in self.errors],
            "resolved": dict(self.resolved),
        }


class OwnershipStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def import_file(
        self, path: Path, resolver: Resolver, *, dataset: str | None = None, actor: str = "system"
    ) -> ImportResult:
        """Replace the dataset's holdings with the file's (its good rows); errors are returned, row by row."""
        result = ImportResult(dataset or path.name)
        rows: list[dict[str, object]] = []
        now = datetime.now(UTC)
        for item in read_holdings(path):
            if isinstance(item, RowError):
                result.errors.append(item)
                continue
            try:
                rows.append(self._row(item, resolver, result, now, actor))
            except ValueError as exc:
                result.errors.append(RowError(item.row, str(exc)))
        result.imported = len(rows)
        with self.engine.begin() as conn:
            conn.execute(delete(ownership_holdings).where(ownership_holdings.c.dataset == result.dataset))
            conn.execute(delete(meta).where(meta.c.name == REVISION_KEY))
            conn.execute(
                insert(meta).values(name=REVISION_KEY, value=f"{now.isoformat()} {uuid.uuid4().hex}")
            )
            if rows:
                conn.execute(insert(ownership_holdings), rows)
            append(
                conn,
                actor=actor,
                action="ownership.import",
                subject=result.dataset,
                details={
                    "file": str(path),
                    "imported": result.imported,
                    "errors": len(result.errors),
                    "resolved": dict(result.resolved),
                },
            )
        return result

    def _row(
        self, item: StatedHolding, resolver: Resolver, result: ImportResult, now: datetime, actor: str
    ) -> dict[str, object]:
        owner, owned = resolver.resolve(item.owner, "owner"), resolver.resolve(item.owned, "owned")
        if owner.key == owned.key:
            raise ValueError(f"owner and owned resolve to the same party ({owner.key})")
        for resolved in (owner, owned):
            result.resolved[resolved.how.split(" ")[0]] += 1
        scores = [r.score for r in (owner, owned) if r.score is not None and r.how.startswith("name")]
        return {
            "dataset": result.dataset,
            "row": item.row,
            "owner_key": owner.key,
            "owner_label": item.owner.label(),
            "owner_resolved": owner.how,
            "owned_key": owned.key,
            "owned_label": item.owned.label(),
            "owned_resolved": owned.how,
            "share": item.share,
            "kind": item.kind.value,
            "start_date": item.start,
            "end_date": item.end,
            "source": item.source,
            "match_score": min(scores) if scores else None,
            "imported_at": now,
            "imported_by": actor,
        }

    def holdings(self) -> tuple[list[Holding], dict[str, str]]:
        """Every imported holding, and a label for each node (the name the file gave it)."""
        holdings: list[Holding] = []
        labels: dict[str, str] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(select(ownership_holdings).order_by(ownership_holdings.c.id)).mappings():
                holdings.append(
                    Holding(
                        row["owner_key"],
                        row["owned_key"],
                        row["share"],
                        HoldingKind(row["kind"]),
                        row["start_date"],
                        row["end_date"],
                        f"{row['dataset']} row {row['row']}"
                        + (f" ({row['source']})" if row["source"] else ""),
                    )
                )
                labels.setdefault(row["owner_key"], row["owner_label"])
                labels.setdefault(row["owned_key"], row["owned_label"])
        return holdings, labels

    def revision(self) -> str | None:
        """What changes whenever the imported holdings do: a mark every import writes in its own
        transaction (table `meta`), read by primary key, so that a cached network can ask on every
        request whether it is out of date without counting the holdings."""
        with self.engine.connect() as conn:
            return conn.execute(select(meta.c.value).where(meta.c.name == REVISION_KEY)).scalar()

    def datasets(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(ownership_holdings.c.dataset, func.count()).group_by(ownership_holdings.c.dataset)
            )
            return {dataset: count for dataset, count in rows}
