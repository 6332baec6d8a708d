"""One ownership network for one screening snapshot: the three ways in, assessed under every rule.

What the CLI, the API, the pages and monitoring ask of ownership goes through `Network`: which rule
finds a node blocked (or to review) and why, the chain of owners above it as a tree with shares, and
screening a name against the entities that are blocked without being listed (those nobody can find by
screening the lists alone).

A party that several lists name is one party: a UN designation makes its OFAC record's key count for
the EU and UK rules too, so that a holding stated against either record is weighed under each rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from sanctionwatch.model import Entity, Name, Schema, is_ftm_source
from sanctionwatch.ownership.aggregate import Assessor, Finding, Standing
from sanctionwatch.ownership.graph import ActiveGraph, Holding, HoldingKind, OwnershipGraph
from sanctionwatch.ownership.network import ListedParties, ftm_holdings, list_holdings, listed_parties
from sanctionwatch.ownership.rules import PARTS, RULES, Authority
from sanctionwatch.ownership.store import OwnershipStore
from sanctionwatch.registry.ftm import FtmEntities, FtmFragment
from sanctionwatch.registry.store import Registry, VersionInfo
from sanctionwatch.screening.query import Hit, Query
from sanctionwatch.screening.screener import Screener

__all__ = ["DERIVED_SOURCE", "ChainStep", "Network", "OwnershipHit", "load_network"]

DERIVED_SOURCE = "ownership"  # the source of the made-up records of entities blocked by ownership
MAX_CHAIN_DEPTH = 12


@dataclass(frozen=True, slots=True)
class ChainStep:
    """A node and the owners that counted towards its standing: a tree, drawn by every interface."""

    node: str
    name: str
    standing: Standing | None  # None: holds a share, but is neither listed nor blocked itself
    share: int | None = None  # what this owner holds of the step below it
    kind: HoldingKind | None = None
    source: str | None = None
    owners: tuple[ChainStep, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "node": self.node,
            "name": self.name,
            "standing": self.standing.value if self.standing else None,
            "share": None if self.share is None else self.share / 10_000,
            "kind": self.kind.value if self.kind else None,
            "source": self.source,
            "owners": [owner.to_json() for owner in self.owners],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ChainStep:
        """The tree back from `to_json` (an alert keeps the chain that raised it)."""
        share = data.get("share")
        return cls(
            node=str(data["node"]),
            name=str(data["name"]),
            standing=Standing(data["standing"]) if data.get("standing") else None,
            share=None if share is None else round(float(share) * 10_000),
            kind=HoldingKind(data["kind"]) if data.get("kind") else None,
            source=data.get("source"),
            owners=tuple(cls.from_json(owner) for owner in data.get("owners", ())),
        )

    def lines(self, depth: int = 0) -> list[str]:
        """The tree as text, the owned party at the top and each owner below what it holds."""
        standing = f" [{self.standing}]" if self.standing else ""
        label = f"{self.name} ({self.node}){standing}"
        if depth:
            if self.kind is HoldingKind.CONTROL:
                held = "controlled by"
            elif self.share is None:
                held = "a share not stated, held by"
            else:
                held = f"{self.share / 10_000:g} % held by"
            label = "    " * (depth - 1) + f"└ {held} {label}" + (f"  ({self.source})" if self.source else "")
        out = [label]
        for owner in self.owners:
            out.extend(owner.lines(depth + 1))
        return out


@dataclass(frozen=True, slots=True)
class OwnershipHit:
    """A name screened against an entity blocked (or to review) by ownership, with every rule's finding."""

    hit: Hit
    node: str
    findings: dict[Authority, Finding]


@dataclass
class Network:
    """The holdings of one snapshot and its imports, those in force on `day`, and each rule's result."""

    graph: OwnershipGraph
    active: ActiveGraph  # the holdings in force on `day`, merged per pair: what every question reads
    names: dict[str, str]
    listed: ListedParties
    day: date | None = None
    problems: list[str] = field(default_factory=list)
    assessors: dict[Authority, Assessor] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        screener: Screener,
        ftm_fragments: Iterable[FtmFragment] = (),
        imported: tuple[list[Holding], dict[str, str]] = ([], {}),
        *,
        day: date | None = None,
    ) -> Network:
        entities = screener.index.entities
        listed = _listed_by_party(screener)
        graph = OwnershipGraph()
        problems: list[str] = []
        for holding in list_holdings(entities, {e.id for e in entities}):
            graph.add(holding)
        for item in ftm_holdings(ftm_fragments):
            if isinstance(item, str):
                problems.append(item)
            else:
                graph.add(item)
        holdings, labels = imported
        for holding in holdings:
            graph.add(holding)
        names = {**labels, **listed.names}
        active = graph.on(day)
        network = cls(graph, active, names, listed, day, problems)
        for (owner, owned), shares in sorted(active.disagreements.items()):
            problems.append(
                f"{owner} holds {owned}: sources state different shares {shares}; the largest is used"
            )
        for authority, rule in RULES.items():
            assessor = Assessor(active, rule)
            assessor.designate(sorted(listed.by_authority.get(authority, ())))
            network.assessors[authority] = assessor
        return network

    def name(self, node: str) -> str:
        if node in self.names:
            return self.names[node]
        return node.split(":", 1)[1] if node.startswith(("name:", "party:")) else node

    def findings(self, node: str) -> dict[Authority, Finding]:
        """Each rule's finding on the node; a rule that finds nothing is left out."""
        return {
            a: f for a, assessor in self.assessors.items() if (f := assessor.findings.get(node)) is not None
        }

    def flagged(
        self, standings: Iterable[Standing] = (Standing.BLOCKED, Standing.REVIEW)
    ) -> dict[str, dict[Authority, Finding]]:
        """Every node some rule finds blocked or to review, except those listed themselves."""
        wanted = set(standings)
        out: dict[str, dict[Authority, Finding]] = {}
        for authority, assessor in self.assessors.items():
            for node, finding in assessor.findings.items():
                if finding.standing in wanted:
                    out.setdefault(node, {})[authority] = finding
        listed = set().union(*self.listed.by_authority.values()) if self.listed.by_authority else set()
        return {node: found for node, found in out.items() if node not in listed}

    def finding_json(self, node: str, authority: Authority) -> dict[str, Any]:
        """One rule's finding on the node as every interface shows it: standing, share in percent, the
        reason, the rule's own statement and the chain of owners."""
        finding = self.assessors[authority].findings[node]
        return {
            "standing": finding.standing.value,
            "share": finding.share * 100 / PARTS,
            "reason": finding.reason(self.names),
            "rule": RULES[authority].statement,
            "chain": self.chain(node, authority).to_json(),
        }

    def hit_json(self, found: OwnershipHit) -> dict[str, Any]:
        """A name screened against entities blocked by ownership: the match and each rule's finding."""
        return {
            "node": found.node,
            "name": self.name(found.node),
            "score": round(found.hit.score, 4),
            "matched_name": found.hit.matched_name,
            "findings": [
                {"authority": a.value, **self.finding_json(found.node, a)} for a in sorted(found.findings)
            ],
        }

    def near_listed(self, node: str, hops: int = 2) -> list[tuple[str, ...]]:
        """Paths of at most `hops` links (ownership, control or directorship, either way) from the node
        to a party some list names: the ties a person should see even where no rule blocks anything.
        Each path alternates nodes and the links between them: (node, "owns 30 %", other, ...)."""
        graph = self.active
        listed = self.listed.records
        paths: list[tuple[str, ...]] = []
        frontier: list[tuple[str, ...]] = [(node,)]
        for _ in range(hops):
            following: list[tuple[str, ...]] = []
            for path in frontier:
                here = path[-1]
                seen = set(path[::2])
                steps = [(h.owned, _link_text(h, forward=True)) for h in graph.holdings_of(here)]
                steps += [(h.owner, _link_text(h, forward=False)) for h in graph.owners_of(here)]
                for other, text in steps:
                    if other in seen:
                        continue
                    longer = (*path, text, other)
                    if other in listed:
                        paths.append(longer)
                    else:
                        following.append(longer)
            frontier = following
        return paths

    def chain(self, node: str, authority: Authority) -> ChainStep:
        """The owners that count under the rule, up to the listed parties, as a tree (cycles cut)."""
        return self._step(node, authority, frozenset())

    def _step(self, node: str, authority: Authority, seen: frozenset[str]) -> ChainStep:
        finding = self.assessors[authority].findings.get(node)
        standing = finding.standing if finding else None
        owners: tuple[ChainStep, ...] = ()
        if (
            finding is not None
            and standing is not Standing.LISTED
            and node not in seen
            and len(seen) < MAX_CHAIN_DEPTH
        ):
            owners = tuple(
                _with_holding(self._step(c.owner, authority, seen | {node}), c.share, c.kind, c.source)
                for c in finding.contributions
            )
        return ChainStep(node, self.name(node), standing, owners=owners)

    @cached_property
    def _derived_screener(self) -> tuple[Screener, dict[str, str]]:
        records: list[Entity] = []
        node_of: dict[str, str] = {}
        for index, node in enumerate(sorted(self.flagged())):
            name = self.name(node)
            if not name or node.startswith("customer:"):
                continue
            source_id = str(index)
            records.append(Entity(DERIVED_SOURCE, source_id, Schema.LEGAL_ENTITY, names=[Name(name)]))
            node_of[f"{DERIVED_SOURCE}:{source_id}"] = node
        return Screener.from_entities(records), node_of

    def screen(self, query: Query, *, threshold: float | None = None, limit: int = 5) -> list[OwnershipHit]:
        """The query against the entities blocked or to review by ownership that no list names."""
        screener, node_of = self._derived_screener
        if not node_of:
            return []
        out = []
        for hit in screener.screen(query, threshold=threshold, limit=limit):
            node = node_of[hit.entity_id]
            out.append(OwnershipHit(hit, node, self.findings(node)))
        return out


def _link_text(holding: Holding, *, forward: bool) -> str:
    """How `holding` ties its two ends, read from the end the path is at."""
    if holding.kind is HoldingKind.DIRECTORSHIP:
        return "directs" if forward else "directed by"
    if holding.kind is HoldingKind.CONTROL or holding.share is None:
        return "controls" if forward else "controlled by"
    share = f"{holding.share / 10_000:g} %"
    return f"owns {share} of" if forward else f"{share} owned by"


def _with_holding(step: ChainStep, share: int | None, kind: HoldingKind, source: str) -> ChainStep:
    return ChainStep(step.node, step.name, step.standing, share, kind, source, step.owners)


def _listed_by_party(screener: Screener) -> ListedParties:
    """Listed parties per authority, each party's records all counting for every list that names it."""
    index = screener.index
    listed = listed_parties(index.entities)
    for members in listed.by_authority.values():
        extra: set[str] = set()
        for key in members:
            position = index.position_of(key)
            if position is None:
                continue
            extra.update(index.entities[r.position].id for r in index.parties.records(position))
        members |= extra
    return listed


def load_network(
    registry: Registry,
    screener: Screener | None = None,
    *,
    day: date | None = None,
    versions: Sequence[VersionInfo] | None = None,
) -> Network:
    """The network of the registry's active lists (or of the `versions` given: a past screening
    replayed, with the `screener` of those versions), their FtM datasets and the imported holdings."""
    versions = registry.active_versions() if versions is None else versions
    screener = screener if screener is not None else Screener.from_versions(registry, versions)
    ftm_versions = [v.id for v in versions if is_ftm_source(v.source)]
    fragments = FtmEntities(registry.engine).every(ftm_versions)
    return Network.build(screener, fragments, OwnershipStore(registry.engine).holdings(), day=day)
