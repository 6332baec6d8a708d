"""Who is blocked by ownership: each rule applied to the whole graph, with the reasons kept.

The determination is a fixed point. A listed party is blocked; an entity becomes blocked when the
shares that blocked parties hold in it reach the rule's threshold; an entity blocked that way counts
as a blocked owner in turn. Because blocking only ever spreads (nothing is unblocked by adding a
blocked party), a work list that visits each newly blocked node once finds the fixed point in time
linear in the holdings, terminates on ownership cycles, and extends from the last result when one
more party is designated (`Assessor.designate`), without starting over.

OFAC adds up the holdings of all blocked owners, and counts an entity's holdings towards its owners
only when that entity is blocked itself (OFAC FAQ 401): X owning 25 % of A, and A 50 % of B, blocks
neither. The EU and UK tests look at each designated person's own holdings, direct and through the
entities it owns or controls; where several designated persons together pass the threshold but none
alone does, the entity is raised for review, because joint action is a question of fact no file here
answers.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from sanctionwatch.ownership.graph import ActiveGraph, Holding, HoldingKind
from sanctionwatch.ownership.rules import OwnershipRule, percent_text

__all__ = ["Assessor", "Contribution", "Finding", "Standing"]


class Standing(StrEnum):
    LISTED = "listed"  # on a list whose authority applies the rule
    BLOCKED = "blocked"  # blocked by the rule, whether or not it is listed itself
    REVIEW = "review"  # a person must decide: a share not stated, control, or joint holdings
    MINORITY = "minority"  # blocked persons hold a share below the threshold (OFAC: act with caution)


@dataclass(frozen=True, slots=True)
class Contribution:
    """One holding that counted: who holds it, how much, and why that holder counts."""

    owner: str
    share: int | None  # millionths; None: held without a stated share, or control
    kind: HoldingKind
    source: str
    owner_standing: Standing  # LISTED or BLOCKED
    root: str | None = None  # EU/UK: the designated person whose holdings these are


@dataclass(frozen=True, slots=True)
class Finding:
    node: str
    standing: Standing
    share: int  # millionths held by blocked owners as the rule counts them
    contributions: tuple[Contribution, ...]
    rule: OwnershipRule

    def reason(self, names: Mapping[str, str] | None = None) -> str:
        """'62.5 %: 40 % by X (listed); 22.5 % by Y (blocked)' in the rule's own terms."""
        label = (names or {}).get
        if self.standing is Standing.LISTED:
            return "listed"
        parts = []
        for c in self.contributions:
            held = (
                percent_text(c.share)
                if c.share is not None
                else ("controlled" if c.kind is HoldingKind.CONTROL else "a share not stated")
            )
            parts.append(f"{held} by {label(c.owner) or c.owner} ({c.owner_standing})")
        head = {
            Standing.BLOCKED: f"blocked: {percent_text(self.share)} held by blocked persons",
            Standing.REVIEW: "for review",
            Standing.MINORITY: f"{percent_text(self.share)} held by blocked persons, below the rule",
        }[self.standing]
        if self.standing is Standing.BLOCKED and self.share == 0:
            head = "blocked: controlled by a blocked person"
        return f"{head}: " + "; ".join(parts)


class Assessor:
    """Applies one rule to one day's graph; `designate` adds listed parties and spreads the result."""

    def __init__(self, graph: ActiveGraph, rule: OwnershipRule) -> None:
        self.graph = graph
        self.rule = rule
        self.findings: dict[str, Finding] = {}
        self._share: dict[str, int] = defaultdict(int)  # aggregate share held by blocked owners
        self._counted: dict[str, list[Contribution]] = defaultdict(list)
        self._pending: dict[str, list[Contribution]] = defaultdict(list)  # unstated shares, control
        self._in_group: set[str] = set()  # EU/UK: nodes in some designated person's group
        # The nodes this call of `designate` reached, with their standing before it: only they can
        # change, so settling and reporting them alone keeps one new designation's cost to what it
        # reaches, not to every finding made so far.
        self._before: dict[str, Standing | None] = {}

    def designate(self, listed: Iterable[str]) -> set[str]:
        """Add listed parties; returns every node whose finding changed (new, or a new standing)."""
        self._before = {}
        fresh = [node for node in dict.fromkeys(listed) if self._standing(node) is not Standing.LISTED]
        for node in fresh:
            self._touch(node)
            self.findings[node] = Finding(node, Standing.LISTED, 0, (), self.rule)
        if self.rule.aggregate:
            # A node blocked by ownership that is now listed has had its holdings counted already.
            self._spread(deque(node for node in fresh if self._before.get(node) is not Standing.BLOCKED))
        else:
            for root in fresh:
                self._spread_group(root)
        self._settle()
        return {node for node, was in self._before.items() if self._standing(node) != was}

    def blocked(self) -> set[str]:
        """Every node blocked, listed ones included."""
        return {n for n, f in self.findings.items() if f.standing in (Standing.LISTED, Standing.BLOCKED)}

    # -- OFAC: aggregate across blocked owners ------------------------------------------------

    def _spread(self, queue: deque[str]) -> None:
        while queue:
            owner = queue.popleft()
            standing = self.findings[owner].standing
            for holding in self.graph.holdings_of(owner):
                if holding.kind is HoldingKind.DIRECTORSHIP:
                    continue  # a link, not a holding: it counts towards nothing a rule weighs
                owned = holding.owned
                self._touch(owned)
                contribution = _contribution(holding, standing)
                if holding.kind is HoldingKind.OWNERSHIP and holding.share is not None:
                    self._share[owned] += holding.share
                    self._counted[owned].append(contribution)
                    if self._standing(owned) not in (Standing.LISTED, Standing.BLOCKED) and self.rule.reached(
                        self._share[owned]
                    ):
                        self.findings[owned] = self._finding(owned, Standing.BLOCKED, self._share[owned])
                        queue.append(owned)
                elif holding.kind is HoldingKind.CONTROL and self.rule.control:
                    if self._standing(owned) not in (Standing.LISTED, Standing.BLOCKED):
                        self._counted[owned].append(contribution)
                        self.findings[owned] = self._finding(owned, Standing.BLOCKED, self._share[owned])
                        queue.append(owned)
                else:
                    self._pending[owned].append(contribution)

    # -- EU, UK: one designated person's holdings, direct and through what it owns or controls ----

    def _spread_group(self, root: str) -> None:
        group = {root}
        share: dict[str, int] = defaultdict(int)
        counted: dict[str, list[Contribution]] = defaultdict(list)
        queue = deque([root])
        while queue:
            member = queue.popleft()
            standing = Standing.LISTED if member == root else Standing.BLOCKED
            first_visit = member not in self._in_group
            self._in_group.add(member)
            for holding in self.graph.holdings_of(member):
                if holding.kind is HoldingKind.DIRECTORSHIP:
                    continue
                owned = holding.owned
                self._touch(owned)
                contribution = _contribution(holding, standing, root)
                if first_visit and holding.share is not None and holding.kind is HoldingKind.OWNERSHIP:
                    # What all groups together hold, each member counted once: the joint-holding review.
                    self._share[owned] += holding.share
                    self._counted[owned].append(contribution)
                if owned in group:
                    continue
                joins = False
                if holding.kind is HoldingKind.OWNERSHIP and holding.share is not None:
                    share[owned] += holding.share
                    counted[owned].append(contribution)
                    joins = self.rule.reached(share[owned])
                elif holding.kind is HoldingKind.CONTROL and self.rule.control:
                    counted[owned].append(contribution)
                    joins = True
                else:
                    self._pending[owned].append(contribution)
                if joins:
                    group.add(owned)
                    queue.append(owned)
                    current = self.findings.get(owned)
                    if (
                        current is None
                        or current.standing not in (Standing.LISTED, Standing.BLOCKED)
                        or (current.standing is Standing.BLOCKED and share[owned] > current.share)
                    ):
                        self.findings[owned] = Finding(
                            owned, Standing.BLOCKED, share[owned], tuple(counted[owned]), self.rule
                        )

    # -- what is left: below the threshold, unstated shares, control under OFAC ----------------

    def _settle(self) -> None:
        # Only the nodes reached by this call: no other node's shares, contributions or standing moved.
        for node in self._before:
            if node not in self._counted and node not in self._pending:
                continue
            standing = self._standing(node)
            if standing in (Standing.LISTED, Standing.BLOCKED):
                continue
            pending = self._pending.get(node, [])
            if not self.rule.aggregate and self.rule.reached(self._share[node]):
                self.findings[node] = self._finding(node, Standing.REVIEW, self._share[node])
            elif pending:
                contributions = tuple(self._counted.get(node, [])) + tuple(pending)
                self.findings[node] = Finding(
                    node, Standing.REVIEW, self._share[node], contributions, self.rule
                )
            elif self._share[node] > 0:
                self.findings[node] = self._finding(node, Standing.MINORITY, self._share[node])

    def _touch(self, node: str) -> None:
        if node not in self._before:
            self._before[node] = self._standing(node)

    def _standing(self, node: str) -> Standing | None:
        finding = self.findings.get(node)
        return finding.standing if finding is not None else None

    def _finding(self, node: str, standing: Standing, share: int) -> Finding:
        return Finding(node, standing, share, tuple(self._counted[node]), self.rule)


def _contribution(holding: Holding, standing: Standing, root: str | None = None) -> Contribution:
    return Contribution(holding.owner, holding.share, holding.kind, holding.source, standing, root)
