"""The ownership graph: who holds what share of whom, since when, according to which source.

Nodes are plain strings (a listed party's registry key such as `ofac-sdn:12345`, a customer's
`customer:ID`, or a third party's `party:...` key): the graph does not care what they are, the caller
says which of them are blocked. A holding is kept with its source so that two sources stating the
same holding are one holding (not two shares to add up), and a disagreement between them is visible.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = ["ActiveGraph", "Holding", "HoldingKind", "OwnershipGraph"]


class HoldingKind(StrEnum):
    OWNERSHIP = "ownership"  # a share of the capital (with or without a stated percentage)
    CONTROL = "control"  # control without a stated share ("owned or controlled by", a parent company)
    # A person who directs an organization: no rule weighs it, but a customer a directorship or two
    # away from a listed party is worth a look (Network.near_listed).
    DIRECTORSHIP = "directorship"


@dataclass(frozen=True, slots=True)
class Holding:
    owner: str
    owned: str
    share: int | None  # millionths of `owned`; None when the source states no percentage
    kind: HoldingKind = HoldingKind.OWNERSHIP
    start: date | None = None
    end: date | None = None  # the last day it was held; None while it is
    source: str = ""  # "ofac-sdn", "ftm:zala", "file owners.csv row 12"

    def active_on(self, day: date | None) -> bool:
        if day is None:
            return self.end is None
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


class OwnershipGraph:
    """Holdings by owner and by owned, with one holding per (owner, owned, kind) pair and day.

    When sources state different shares of the same pair, the largest is used (the decision errs
    towards blocking) and `disagreements` lists the pair, so that nothing is resolved silently.
    """

    def __init__(self, holdings: Iterable[Holding] = ()) -> None:
        self._all: list[Holding] = []
        for holding in holdings:
            self.add(holding)

    def add(self, holding: Holding) -> None:
        if holding.owner == holding.owned:
            raise ValueError(f"{holding.source or 'a holding'}: {holding.owner!r} cannot hold itself")
        if holding.share is not None and not 0 <= holding.share <= 1_000_000:
            raise ValueError(f"{holding.source or 'a holding'}: share out of range: {holding.share}")
        self._all.append(holding)

    def __len__(self) -> int:
        return len(self._all)

    def __iter__(self) -> Iterator[Holding]:
        return iter(self._all)

    def on(self, day: date | None) -> ActiveGraph:
        """The holdings in force on `day` (None: those without an end date, i.e. today's)."""
        return ActiveGraph(h for h in self._all if h.active_on(day))


class ActiveGraph:
    """The holdings in force on one day, merged per pair, indexed both ways."""

    def __init__(self, holdings: Iterable[Holding]) -> None:
        merged: dict[tuple[str, str, HoldingKind], Holding] = {}
        disagreements: dict[tuple[str, str], set[int | None]] = defaultdict(set)
        for holding in holdings:
            key = (holding.owner, holding.owned, holding.kind)
            kept = merged.get(key)
            if kept is None:
                merged[key] = holding
                continue
            if kept.share != holding.share:
                disagreements[(holding.owner, holding.owned)].update((kept.share, holding.share))
            if _larger(holding.share, kept.share):
                merged[key] = holding
        self.by_owner: dict[str, list[Holding]] = defaultdict(list)
        self.by_owned: dict[str, list[Holding]] = defaultdict(list)
        for holding in merged.values():
            self.by_owner[holding.owner].append(holding)
            self.by_owned[holding.owned].append(holding)
        self.disagreements = {
            pair: tuple(sorted(s for s in shares if s is not None)) for pair, shares in disagreements.items()
        }

    def owners_of(self, node: str) -> list[Holding]:
        return self.by_owned.get(node, [])

    def holdings_of(self, node: str) -> list[Holding]:
        return self.by_owner.get(node, [])


def _larger(share: int | None, than: int | None) -> bool:
    if share is None:
        return False
    return than is None or share > than
