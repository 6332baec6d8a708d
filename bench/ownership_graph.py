"""Ownership aggregation at scale: the 50 % rule and the EU/UK tests over a generated ownership graph.

Usage: PYTHONPATH=$PWD .venv/bin/python -m bench.ownership_graph [--companies 500000] [--edges 1000000]
       [--planted 500] [--listed 10000] [--exposed 0.2] [--seed N] [--authority ofac|eu|uk|all] [--no-write]

What is generated (fixed seed; no external data)
  --companies companies `co:N` and --edges holdings in all, of three parts:
  a. The random part: every company not used by b. gets 0-12 owners (most 1-4; the distribution is
     stretched or shrunk to fill the edge budget), drawn from all companies uniformly or, a third of the
     time, from a pool of holding companies (1 % of them) with weights falling as 1/(rank+5), so that a
     few own thousands. Shares sum to at most 100 % per owned company, wholly owned subsidiaries are
     common, about 2 % of the holdings ended in the past (so `graph.on(None)` has something to leave
     out). Owners drawn at random make long chains and cycles of every length.
  b. The planted cases, --planted of them, cycling through the kinds below, each on companies of its
     own; the depth-taking kinds cycle through depths 1 to 6. Each case's remaining capital is held by
     0-2 random companies (which are never blocked, so they change nothing):
       chain            listed person -> A1 -> ... -> Ad, every link above 50 %: all blocked everywhere
       chain-at-half    the same with one link (k, drawn) at exactly 50 %: OFAC blocks all; EU/UK A1..A(k-1)
       aggregate        two listed persons hold a + b >= 50 % of A1 (each < 50 %; half the cases exactly
                        25 % + 25 %), then a majority chain to Ad: OFAC blocks all, EU/UK none
       aggregate-via    X holds a of A; Y holds > 50 % of B; B holds b of A (a, b < 50 %, a + b >= 50 %):
                        OFAC blocks B and A, EU/UK only B
       near-miss        49 % or 49.9999 %, then a wholly owned subsidiary: nobody blocked
       via-unblocked    25 % of A, A holds 60 % of B (OFAC FAQ 401): nobody blocked
       cycle            X: 40 % of A, 60 % of B; B: 20 % of A; A: 10 % of B, > 50 % of C: A, B, C everywhere
       cycle-miss       X: 30 % of A; A: 60 % of B; B: 30 % of A: nobody blocked
       sold             a majority holding that ended in 2023, then a majority chain: nobody blocked today
     and one more case held back: a person `lp:<listed>` not designated at first, owning a majority
     chain of six companies. It is designated alone afterwards (`designate([it])` on the assessor that
     already holds everything else): that is the "one new designation" figure.
  c. The exposure: a share --exposed of the random companies get one or two minority holdings (80 % /
     20 %) from the listed side (the listed persons, the planted companies, the held-back case), drawn
     with a skew so a few hold many. Their sum per company is below 50 % (one in ten exactly 49.9999 %),
     so the aggregation walks into these companies, records them as minorities, and must block none.
  --listed persons `lp:N` are designated; the planted cases take theirs from them, the rest own only
  exposure holdings.

Why the truth is known without running the Assessor
  No random company is held by anybody but random companies and the exposure, whose holdings add up to
  less than 50 % per company: no random company can be blocked under any rule, and random companies
  block nobody. Each planted case is therefore decided only by its own holdings, and its blocked
  companies per authority are written down where the case is built (the table above), not computed.
  tests/ownership/test_ownership_bench.py checks this design at a small size against a naive
  reference (a fixed point recomputed from scratch until nothing changes, over the whole graph).

What is measured
  1. generation; OwnershipGraph(holdings) build; graph.on(None) (the merged, indexed active graph);
     resident memory after them.
  2. per authority: full aggregation = Assessor(active, RULES[a]).designate(all listed), timed
                                                                             [target <= 60 s on 2 cores]
     planted blocked companies found / planted, by depth                    [target: all]
     false blocks: companies blocked that the construction does not block   [target: 0]
     one new designation: designate([held-back person]) on that assessor    [target <= 2 s]
     (its six companies must be exactly what it adds to the blocked set).
  3. peak RSS (getrusage), the whole run, the load average and the CPU reference of
     bench.screening_speed (shared machines vary; compare runs only at similar values).
The aggregation is single-threaded: "2 cores" is the machine, the second core is idle here.
The table is printed and, unless --no-write, appended as a dated section to bench/RESULTS.md. Exit
status 1 when a planted company is missed or a company is falsely blocked.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from itertools import accumulate

from bench.screening_speed import (
    Row,
    command_line,
    cpu_model,
    cpu_reference,
    git_revision,
    nproc,
    proc_status_mb,
    publish,
    render,
    timed,
)
from sanctionwatch.ownership.aggregate import Assessor, Standing
from sanctionwatch.ownership.graph import Holding, OwnershipGraph
from sanctionwatch.ownership.rules import PARTS, RULES, Authority

SEED = 20261206
AGGREGATION_TARGET_S = 60.0
DESIGNATION_TARGET_S = 2.0
HALF = PARTS // 2
JUST_UNDER = HALF - 1  # 49.9999 %
NEW_CHAIN_DEPTH = 6
MAX_DEPTH = 6
# Random companies' owner counts 0..12: most have one to four (mean about 2 before the budget is met).
OWNER_COUNT_WEIGHTS = (12, 38, 22, 13, 8, 2.5, 1.5, 1, 0.8, 0.5, 0.4, 0.2, 0.1)
HOLDING_POOL_SHARE = 0.01  # companies that are holding companies
HOLDING_POOL_DRAW = 0.35  # an owner is drawn from the holding companies this often
ENDED_SHARE = 0.02  # random holdings that ended in the past
ENDED_ON = date(2024, 12, 31)
SOLD_ON = date(2023, 6, 30)
STARTED_ON = date(2015, 1, 1)


class Kind(StrEnum):
    CHAIN = "chain"
    CHAIN_AT_HALF = "chain-at-half"
    AGGREGATE = "aggregate"
    AGGREGATE_VIA = "aggregate-via"
    NEAR_MISS = "near-miss"
    VIA_UNBLOCKED = "via-unblocked"
    CYCLE = "cycle"
    CYCLE_MISS = "cycle-miss"
    SOLD = "sold"


KINDS = tuple(Kind)
DEPTH_KINDS = frozenset({Kind.CHAIN, Kind.CHAIN_AT_HALF, Kind.AGGREGATE})


@dataclass(frozen=True, slots=True)
class Case:
    """One planted case: its companies, and which of them each rule blocks (by construction)."""

    kind: Kind
    companies: tuple[str, ...]
    ofac: frozenset[str]
    eu_uk: frozenset[str]
    depth_of: tuple[tuple[str, int], ...]  # blocked company -> links from the nearest listed person

    def blocked(self, authority: Authority) -> frozenset[str]:
        return self.ofac if authority is Authority.OFAC else self.eu_uk


@dataclass(frozen=True, slots=True)
class World:
    holdings: tuple[Holding, ...]
    listed: tuple[str, ...]
    cases: tuple[Case, ...]
    new_person: str  # held back: designated alone after the full aggregation
    new_blocked: frozenset[str]  # what designating it blocks, under every rule
    random_companies: tuple[str, ...]
    exposed: int  # random companies with minority holdings from the listed side
    owner_counts: Counter[int]  # random companies by their number of random owners

    def truth(self, authority: Authority) -> frozenset[str]:
        """Companies blocked by ownership (listed persons aside) before the held-back designation."""
        return frozenset().union(*(case.blocked(authority) for case in self.cases))

    def depths(self) -> dict[str, int]:
        return {node: depth for case in self.cases for node, depth in case.depth_of}


@dataclass(slots=True)
class _Builder:
    """Hands out companies and listed persons and records holdings with the room left in each company."""

    rng: random.Random
    free_companies: list[str]
    free_listed: list[str]
    holdings: list[Holding] = field(default_factory=list)
    held: dict[str, int] = field(default_factory=dict)  # active share already held, per planted company

    def company(self) -> str:
        if not self.free_companies:
            raise SystemExit("--companies is too small for the planted cases")
        company = self.free_companies.pop()
        self.held[company] = 0
        return company

    def person(self) -> str:
        if not self.free_listed:
            raise SystemExit("--listed is too small for the planted cases (two persons per case at most)")
        return self.free_listed.pop()

    def hold(self, owner: str, owned: str, share: int, *, ended: bool = False) -> None:
        if ended:
            self.holdings.append(Holding(owner, owned, share, start=STARTED_ON, end=SOLD_ON, source="bench"))
            return
        self.held[owned] += share
        if self.held[owned] > PARTS:
            raise AssertionError(f"planted {owned} held {self.held[owned]} > 100 %")
        self.holdings.append(Holding(owner, owned, share, source="bench"))

    def majority(self) -> int:
        return self.rng.randint(HALF + 1, PARTS)

    def chain(self, top: str, depth: int, half_at: int = 0) -> list[str]:
        """top -> A1 -> ... -> A<depth>, links above 50 %; link `half_at` (1-based) at exactly 50 %."""
        nodes = [self.company() for _ in range(depth)]
        owner = top
        for position, node in enumerate(nodes, start=1):
            self.hold(owner, node, HALF if position == half_at else self.majority())
            owner = node
        return nodes


def _plant(build: _Builder, kind: Kind, depth: int) -> Case:
    """Builds one case and states, from its construction, what each rule blocks."""
    rng = build.rng
    if kind is Kind.CHAIN:
        nodes = build.chain(build.person(), depth)
        return _case(kind, nodes, nodes, nodes)
    if kind is Kind.CHAIN_AT_HALF:
        half_at = rng.randint(1, depth)
        nodes = build.chain(build.person(), depth, half_at)
        return _case(kind, nodes, nodes, nodes[: half_at - 1])
    if kind is Kind.AGGREGATE:
        first, second = build.person(), build.person()
        if rng.random() < 0.5:
            a = b = PARTS // 4
        else:
            a = rng.randint(PARTS // 50, JUST_UNDER)
            b = rng.randint(max(HALF - a, 1), min(JUST_UNDER, PARTS - a))
        top = build.company()
        build.hold(first, top, a)
        build.hold(second, top, b)
        nodes = [top, *build.chain(top, depth - 1)]
        return _case(kind, nodes, nodes, [])
    if kind is Kind.AGGREGATE_VIA:
        x, y = build.person(), build.person()
        a_node, b_node = build.company(), build.company()
        a = rng.randint(PARTS // 50, JUST_UNDER)
        b = rng.randint(max(HALF - a, 1), min(JUST_UNDER, PARTS - a))
        build.hold(x, a_node, a)
        build.hold(y, b_node, build.majority())
        build.hold(b_node, a_node, b)
        return _case(kind, [a_node, b_node], [a_node, b_node], [b_node], depths={a_node: 2, b_node: 1})
    if kind is Kind.NEAR_MISS:
        a_node, b_node = build.company(), build.company()
        build.hold(build.person(), a_node, rng.choice((PARTS * 49 // 100, JUST_UNDER)))
        build.hold(a_node, b_node, PARTS)
        return _case(kind, [a_node, b_node], [], [])
    if kind is Kind.VIA_UNBLOCKED:
        a_node, b_node = build.company(), build.company()
        build.hold(build.person(), a_node, PARTS // 4)
        build.hold(a_node, b_node, PARTS * 60 // 100)
        return _case(kind, [a_node, b_node], [], [])
    if kind is Kind.CYCLE:
        x = build.person()
        a_node, b_node, c_node = build.company(), build.company(), build.company()
        build.hold(x, a_node, PARTS * 40 // 100)
        build.hold(x, b_node, PARTS * 60 // 100)
        build.hold(b_node, a_node, PARTS * 20 // 100)
        build.hold(a_node, b_node, PARTS * 10 // 100)
        build.hold(a_node, c_node, build.majority())
        nodes = [a_node, b_node, c_node]
        return _case(kind, nodes, nodes, nodes, depths={a_node: 2, b_node: 1, c_node: 3})
    if kind is Kind.CYCLE_MISS:
        a_node, b_node = build.company(), build.company()
        build.hold(build.person(), a_node, PARTS * 30 // 100)
        build.hold(a_node, b_node, PARTS * 60 // 100)
        build.hold(b_node, a_node, PARTS * 30 // 100)
        return _case(kind, [a_node, b_node], [], [])
    if kind is Kind.SOLD:
        top = build.company()
        build.hold(build.person(), top, build.majority(), ended=True)
        nodes = [top, *build.chain(top, 1)]
        return _case(kind, nodes, [], [])
    raise AssertionError(kind)


def _case(
    kind: Kind,
    companies: Sequence[str],
    ofac: Sequence[str],
    eu_uk: Sequence[str],
    depths: dict[str, int] | None = None,
) -> Case:
    depth_of = depths if depths is not None else {node: i for i, node in enumerate(companies, start=1)}
    blocked = set(ofac) | set(eu_uk)
    return Case(
        kind,
        tuple(companies),
        frozenset(ofac),
        frozenset(eu_uk),
        tuple((node, depth_of[node]) for node in companies if node in blocked),
    )


def generate(*, companies: int, edges: int, planted: int, listed: int, exposed: float, seed: int) -> World:
    """The whole graph: planted cases, the held-back designation, the exposure, the random part."""
    if not 0 <= exposed <= 1:
        raise SystemExit(f"--exposed is a share of the random companies, 0 to 1, not {exposed}")
    rng = random.Random(seed)
    company_ids = [f"co:{i}" for i in range(companies)]
    rng.shuffle(company_ids)  # planted companies are not told apart by their numbers
    persons = [f"lp:{i}" for i in range(listed)]
    build = _Builder(rng, company_ids, list(reversed(persons)))

    cases = []
    for index in range(planted):
        kind = KINDS[index % len(KINDS)]
        depth = 1 + (index // len(KINDS)) % MAX_DEPTH if kind in DEPTH_KINDS else 0
        cases.append(_plant(build, kind, depth))
    new_person = f"lp:{listed}"
    new_blocked = build.chain(new_person, NEW_CHAIN_DEPTH)
    planted_companies = list(build.held)
    random_ids = build.free_companies  # what is left, in shuffled order
    if len(random_ids) < 2:
        raise SystemExit("--companies leaves fewer than two random companies")

    # Random co-owners of the planted companies' remaining capital (never blocked: they change nothing).
    for company in planted_companies:
        co_owners = rng.sample(random_ids, rng.choice((0, 1, 1, 2)))
        for owner in co_owners:
            room = PARTS - build.held[company]
            if room > 0:
                build.hold(owner, company, rng.randint(1, room))

    # Exposure: minority holdings of the listed side in random companies, under 50 % per company.
    listed_side = [*persons, *planted_companies, new_person]
    rng.shuffle(listed_side)
    side_weights = list(accumulate(1 / (rank + 3) for rank in range(len(listed_side))))
    exposed_count = round(exposed * len(random_ids))
    exposure_held: dict[str, int] = {}
    for owned in rng.sample(random_ids, exposed_count):
        two = rng.random() < 0.2
        total = JUST_UNDER if rng.random() < 0.1 else rng.randint(PARTS // 100, JUST_UNDER)
        shares = [total] if not two else [split := rng.randint(1, total - 1), total - split]
        owners = rng.choices(listed_side, cum_weights=side_weights, k=len(shares))
        if len(set(owners)) < len(owners):
            owners, shares = owners[:1], [total]
        for owner, share in zip(owners, shares, strict=True):
            build.holdings.append(Holding(owner, owned, share, source="bench"))
        exposure_held[owned] = total

    budget = edges - len(build.holdings)
    if budget < 0:
        raise SystemExit(
            f"--edges {edges:,} is fewer than the planted and exposure holdings ({len(build.holdings):,})"
        )
    random_holdings, owner_counts = _random_part(rng, random_ids, budget, exposure_held)
    holdings = tuple(build.holdings) + tuple(random_holdings)
    return World(
        holdings=holdings,
        listed=tuple(persons),
        cases=tuple(cases),
        new_person=new_person,
        new_blocked=frozenset(new_blocked),
        random_companies=tuple(random_ids),
        exposed=exposed_count,
        owner_counts=owner_counts,
    )


def _random_part(
    rng: random.Random, ids: list[str], budget: int, exposure_held: dict[str, int]
) -> tuple[list[Holding], Counter[int]]:
    """`budget` holdings among random companies only: skewed owners, shares within what is left."""
    count = len(ids)
    most = min(len(OWNER_COUNT_WEIGHTS) - 1, count - 1)
    if budget > count * most:
        raise SystemExit(f"--edges: {budget:,} random holdings do not fit {count:,} random companies")
    owners_of = rng.choices(range(most + 1), weights=OWNER_COUNT_WEIGHTS[: most + 1], k=count)
    gap = budget - sum(owners_of)
    while gap > 0:  # more holdings than drawn: add owners at random
        j = rng.randrange(count)
        if owners_of[j] < most:
            owners_of[j] += 1
            gap -= 1
    # Fewer: take owners from companies with several first, so that most keep one to four.
    floor = 1 if sum(k - 1 for k in owners_of if k > 1) >= -gap else 0
    while gap < 0:
        j = rng.randrange(count)
        if owners_of[j] > floor:
            owners_of[j] -= 1
            gap += 1
    pool = ids[: max(1, int(count * HOLDING_POOL_SHARE))]
    pool_draws = iter(rng.choices(pool, weights=[1 / (rank + 5) for rank in range(len(pool))], k=budget))
    holdings: list[Holding] = []
    for owned, k in zip(ids, owners_of, strict=True):
        if k == 0:
            continue
        owners: set[str] = set()
        while len(owners) < k:
            owner = next(pool_draws, None) if rng.random() < HOLDING_POOL_DRAW else None
            if owner is None:
                owner = ids[rng.randrange(count)]
            if owner != owned:
                owners.add(owner)
        room = PARTS - exposure_held.get(owned, 0)
        wholly = k == 1 and rng.random() < 0.5  # a wholly owned subsidiary (what exposure leaves)
        total = room if wholly else rng.randint(min(room, PARTS * 30 // 100), room)
        weights = [rng.random() + 0.05 for _ in range(k)]
        scale = total / sum(weights)
        for owner, weight in zip(sorted(owners), weights, strict=True):
            ended = rng.random() < ENDED_SHARE
            holdings.append(
                Holding(
                    owner,
                    owned,
                    int(weight * scale),
                    start=STARTED_ON if ended else None,
                    end=ENDED_ON if ended else None,
                    source="bench",
                )
            )
    return holdings, Counter(owners_of)


# ---- scoring --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Score:
    """How the Assessor's blocked set compares with the construction's, for one rule."""

    expected: int
    found: int
    false_blocks: tuple[str, ...]  # blocked by ownership, not by the construction (sorted)
    missed: tuple[str, ...]
    by_depth: tuple[tuple[int, int, int], ...]  # (depth, found, expected)
    listed_not_listed: int  # designated persons whose standing is not LISTED

    @property
    def correct(self) -> bool:
        return self.found == self.expected and not self.false_blocks and not self.listed_not_listed


def score(assessor: Assessor, world: World, authority: Authority, extra: Iterable[str] = ()) -> Score:
    """Compares `assessor.findings` with the truth (plus `extra`, blocked by a later designation)."""
    truth = world.truth(authority) | frozenset(extra)
    blocked = {n for n, f in assessor.findings.items() if f.standing is Standing.BLOCKED}
    listed = {n for n, f in assessor.findings.items() if f.standing is Standing.LISTED}
    depths = world.depths()
    per_depth: dict[int, list[int]] = {}
    for node in truth:
        tally = per_depth.setdefault(depths.get(node, 0), [0, 0])
        tally[1] += 1
        tally[0] += node in blocked
    return Score(
        expected=len(truth),
        found=len(truth & blocked),
        false_blocks=tuple(sorted(blocked - truth)),
        missed=tuple(sorted(truth - blocked)),
        by_depth=tuple((d, found, total) for d, (found, total) in sorted(per_depth.items())),
        listed_not_listed=len(set(world.listed) - listed),
    )


# ---- the run --------------------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _standings(assessor: Assessor) -> str:
    counts = Counter(f.standing for f in assessor.findings.values())
    return ", ".join(f"{counts[s]:,} {s}" for s in Standing)


def measure(world: World, authorities: Sequence[Authority]) -> tuple[list[Row], bool]:
    """Builds the graph, runs each rule, and returns the table's rows and whether all was correct."""
    rows: list[Row] = []
    graph, build_s = timed(lambda: OwnershipGraph(world.holdings))
    rows.append(Row("build OwnershipGraph", f"{build_s:.2f} s", note=f"{len(graph):,} holdings"))
    active, on_s = timed(lambda: graph.on(None))
    active_count = sum(len(held) for held in active.by_owner.values())
    rows.append(
        Row(
            "graph.on(None)",
            f"{on_s:.2f} s",
            note=f"{active_count:,} holdings in force, {len(active.disagreements)} disagreements",
        )
    )
    rows.append(Row("RSS after the graphs", f"{proc_status_mb('VmRSS'):.0f} MB"))
    correct = True
    for authority in authorities:
        _log(f"{authority}: aggregating ...")
        assessor = Assessor(active, RULES[authority])
        started = time.perf_counter()
        changed = assessor.designate(world.listed)
        full_s = time.perf_counter() - started
        result = score(assessor, world, authority)
        correct &= result.correct
        rows.append(
            Row(
                f"{authority}: full aggregation",
                f"{full_s:.2f} s",
                f"<= {AGGREGATION_TARGET_S:.0f} s: {_met(full_s <= AGGREGATION_TARGET_S)}",
                f"designate({len(world.listed):,} listed); {len(changed):,} findings: {_standings(assessor)}",
            )
        )
        depth_note = ", ".join(f"depth {d}: {found}/{total}" for d, found, total in result.by_depth)
        rows.append(
            Row(
                f"{authority}: planted found",
                f"{result.found:,}/{result.expected:,}",
                f"all: {_met(result.found == result.expected)}",
                depth_note + (f"; missed e.g. {', '.join(result.missed[:5])}" if result.missed else ""),
            )
        )
        rows.append(
            Row(
                f"{authority}: false blocks",
                f"{len(result.false_blocks):,}",
                f"0: {_met(not result.false_blocks)}",
                _false_note(world, authority, result),
            )
        )
        blocked_before = assessor.blocked()
        started = time.perf_counter()
        changed = assessor.designate([world.new_person])
        new_s = time.perf_counter() - started
        added = assessor.blocked() - blocked_before
        expected_added = world.new_blocked | {world.new_person}
        after = score(assessor, world, authority, world.new_blocked)
        ok = added == expected_added and after.correct
        correct &= ok
        rows.append(
            Row(
                f"{authority}: one new designation",
                f"{new_s * 1000:.1f} ms",
                f"<= {DESIGNATION_TARGET_S:.0f} s: {_met(new_s <= DESIGNATION_TARGET_S)}",
                f"{len(changed):,} findings changed; newly blocked {len(added - {world.new_person})} of "
                f"{len(world.new_blocked)} planted ({'exactly' if ok else 'NOT exactly'} the planted chain"
                f"); after it: found {after.found:,}/{after.expected:,}, false {len(after.false_blocks)}",
            )
        )
    return rows, correct


def _false_note(world: World, authority: Authority, result: Score) -> str:
    near = {c for case in world.cases for c in case.companies} - world.truth(authority)
    planted_false = len(near & set(result.false_blocks))
    note = (
        f"{len(near):,} planted companies this rule must not block ({planted_false} blocked); "
        f"{world.exposed:,} exposed random companies ({len(result.false_blocks) - planted_false} blocked)"
    )
    if result.false_blocks:
        note += f"; e.g. {', '.join(result.false_blocks[:5])}"
    if result.listed_not_listed:
        note += f"; {result.listed_not_listed} designated persons not LISTED"
    return note


def _describe(world: World, seconds: float) -> Row:
    kinds = Counter(case.kind for case in world.cases)
    companies = len(world.random_companies) + sum(len(case.companies) for case in world.cases)
    counts = world.owner_counts
    total = sum(counts.values())
    one_to_four = sum(counts[k] for k in range(1, 5)) / total
    owners_per_holder = Counter(h.owner for h in world.holdings)
    largest = max(owners_per_holder.values())
    return Row(
        "generated graph",
        f"{len(world.holdings):,} holdings",
        note=(
            f"{companies + NEW_CHAIN_DEPTH:,} companies in holdings ({len(world.random_companies):,} random), "
            f"{len(world.listed):,} listed persons; random companies with 1-4 random owners "
            f"{one_to_four:.0%}, none {counts[0] / total:.0%}; largest holder holds {largest:,}; "
            f"{world.exposed:,} random companies exposed to the listed side; planted cases: "
            + ", ".join(f"{kinds[k]} {k}" for k in KINDS)
            + f"; generated in {seconds:.1f} s"
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--companies", type=int, default=500_000)
    parser.add_argument("--edges", type=int, default=1_000_000, help="holdings in all")
    parser.add_argument("--planted", type=int, default=500, help="planted cases")
    parser.add_argument("--listed", type=int, default=10_000, help="designated persons")
    parser.add_argument("--exposed", type=float, default=0.2, help="share of random companies exposed")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--authority", choices=[*(a.value for a in Authority), "all"], default="all")
    parser.add_argument("--no-write", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()
    authorities = list(Authority) if args.authority == "all" else [Authority(args.authority)]
    command = command_line("bench.ownership_graph")
    machine = (
        f"{nproc()} cores, {cpu_model()}, {platform.python_implementation()} {platform.python_version()}"
    )
    revision = git_revision()
    print(f"command: {command}\nmachine: {machine}; code: {revision}\n", flush=True)
    load_start = os.getloadavg()[0]
    reference_start = cpu_reference()
    run_started = time.perf_counter()

    _log("generating ...")
    world, generate_s = timed(
        lambda: generate(
            companies=args.companies,
            edges=args.edges,
            planted=args.planted,
            listed=args.listed,
            exposed=args.exposed,
            seed=args.seed,
        )
    )
    rows = [_describe(world, generate_s)]
    measured, correct = measure(world, authorities)
    rows += measured
    rows.append(Row("peak RSS", f"{_peak_rss_mb():.0f} MB", note="getrusage ru_maxrss, generation included"))
    rows.append(
        Row(
            "whole benchmark run",
            f"{time.perf_counter() - run_started:.0f} s",
            note=f"1-min load average {load_start:.2f} at start, {os.getloadavg()[0]:.2f} at end",
        )
    )
    rows.append(
        Row(
            "CPU reference: 10 M-step pure-Python loop, best of 3",
            f"{reference_start:.2f} s at start, {cpu_reference():.2f} s at end",
            note="as in bench.screening_speed: compare runs only at similar values",
        )
    )
    section = (
        f"## Ownership aggregation (issue 20): {args.companies:,} companies, {args.edges:,} holdings, "
        f"{date.today().isoformat()}\n\n"
        "Targets (2 cores): full aggregation <= 60 s; the change after one new designation <= 2 s; "
        "every planted blocked company found, none falsely.\n"
        f"Machine: {machine}. Code: {revision}. CPU reference {reference_start:.2f} s.\n"
        f"Command: `{command}`\n\n"
        f"{render(rows)}\n"
    )
    publish(section, write=not args.no_write)
    if not correct:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
