"""The ownership benchmark's own logic, at a tiny size: its truth, its scoring, its graph (no timings).

The benchmark states which companies each rule blocks from how it built them. Here that statement is
checked against a naive reference computed over the whole graph (a fixed point recomputed from
scratch until nothing changes, written apart from the Assessor), and the scoring is shown to notice
both a missed company and a false block.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from bench.ownership_graph import Kind, World, generate, measure, score
from sanctionwatch.ownership.aggregate import Assessor
from sanctionwatch.ownership.graph import Holding, OwnershipGraph
from sanctionwatch.ownership.rules import PARTS, RULES, Authority

HALF = PARTS // 2
SIZE = {"companies": 2_000, "edges": 4_000, "planted": 90, "listed": 300, "exposed": 0.3, "seed": 11}


@pytest.fixture(scope="module")
def world() -> World:
    return generate(**SIZE)  # type: ignore[arg-type]


def _by_owner(holdings: tuple[Holding, ...]) -> dict[str, list[Holding]]:
    index: dict[str, list[Holding]] = defaultdict(list)
    for h in holdings:
        if h.end is None:  # in force today
            index[h.owner].append(h)
    return index


def reference_ofac(holdings: tuple[Holding, ...], listed: set[str]) -> set[str]:
    """Blocked = listed plus whatever blocked owners together hold 50 % or more of, until stable."""
    by_owner = _by_owner(holdings)
    blocked = set(listed)
    while True:
        held: dict[str, int] = defaultdict(int)
        for owner in blocked:
            for h in by_owner[owner]:
                held[h.owned] += h.share or 0
        grown = listed | {node for node, share in held.items() if share >= HALF}
        if grown == blocked:
            return blocked - listed
        blocked = grown


def reference_eu_uk(holdings: tuple[Holding, ...], listed: set[str]) -> set[str]:
    """Per listed person: itself plus what it and its group hold more than 50 % of, until stable."""
    by_owner = _by_owner(holdings)
    blocked: set[str] = set()
    for root in listed:
        group = {root}
        while True:
            held: dict[str, int] = defaultdict(int)
            for owner in group:
                for h in by_owner[owner]:
                    held[h.owned] += h.share or 0
            grown = {root} | {node for node, share in held.items() if share > HALF}
            if grown == group:
                break
            group = grown
        blocked |= group
    return blocked - listed


def test_the_truth_stated_by_construction_is_what_a_naive_reference_finds(world: World) -> None:
    listed = set(world.listed)
    assert world.truth(Authority.OFAC) == reference_ofac(world.holdings, listed)
    assert world.truth(Authority.EU) == reference_eu_uk(world.holdings, listed)
    assert world.truth(Authority.UK) == world.truth(Authority.EU)
    with_new = listed | {world.new_person}
    assert reference_ofac(world.holdings, with_new) == world.truth(Authority.OFAC) | world.new_blocked
    assert reference_eu_uk(world.holdings, with_new) == world.truth(Authority.EU) | world.new_blocked


def test_every_kind_and_depth_is_planted_and_near_misses_exist_for_every_rule(world: World) -> None:
    assert {case.kind for case in world.cases} == set(Kind)
    assert {depth for case in world.cases for _, depth in case.depth_of} == {1, 2, 3, 4, 5, 6}
    planted = {company for case in world.cases for company in case.companies}
    for authority in Authority:
        assert planted - world.truth(authority), f"{authority}: no planted company it must not block"
    # The rules differ on the planted cases: OFAC adds up owners and blocks at exactly 50 %.
    assert world.truth(Authority.EU) < world.truth(Authority.OFAC)


def test_the_graph_has_the_shape_the_docstring_promises(world: World) -> None:
    assert len(world.holdings) == SIZE["edges"]
    held: dict[str, int] = defaultdict(int)
    for h in world.holdings:
        if h.end is None:
            held[h.owned] += h.share or 0
    assert max(held.values()) <= PARTS
    counts = world.owner_counts
    assert sum(counts[k] for k in range(1, 5)) > 0.6 * sum(counts.values())
    planted = {c for case in world.cases for c in case.companies}
    listed_side = set(world.listed) | {world.new_person} | world.new_blocked | planted
    random_ids = set(world.random_companies)
    exposure: dict[str, int] = defaultdict(int)
    for h in world.holdings:
        if h.owned in random_ids:
            assert h.owner in listed_side or h.owner in random_ids
            if h.owner in listed_side:
                exposure[h.owned] += h.share or 0
    assert len(exposure) == world.exposed
    assert max(exposure.values()) < HALF


@pytest.mark.parametrize("authority", list(Authority))
def test_the_assessor_scores_all_found_none_falsely(world: World, authority: Authority) -> None:
    assessor = Assessor(OwnershipGraph(world.holdings).on(None), RULES[authority])
    assessor.designate(world.listed)
    result = score(assessor, world, authority)
    assert result.expected == len(world.truth(authority)) > 0
    assert (result.found, result.false_blocks, result.missed) == (result.expected, (), ())
    assert sum(total for _, _, total in result.by_depth) == result.expected
    assert result.correct


def test_the_score_notices_a_miss_and_a_false_block(world: World) -> None:
    chain = next(case for case in world.cases if case.kind is Kind.CHAIN)
    owner_of_chain = next(
        h.owner for h in world.holdings if h.owned == chain.companies[0] and h.owner in world.listed
    )
    subsidiary = next(h for h in world.holdings if h.owned in world.random_companies and h.share == PARTS)
    graph = OwnershipGraph(world.holdings).on(None)
    assessor = Assessor(graph, RULES[Authority.OFAC])
    assessor.designate([p for p in world.listed if p != owner_of_chain] + [subsidiary.owner])
    result = score(assessor, world, Authority.OFAC)
    assert set(chain.companies) <= set(result.missed)
    assert subsidiary.owned in result.false_blocks
    assert result.listed_not_listed == 1
    assert not result.correct


def test_the_whole_measurement_passes_at_a_tiny_size(world: World) -> None:
    rows, correct = measure(world, list(Authority))
    assert correct
    assert [r.measure for r in rows if r.measure.startswith("ofac:")] == [
        "ofac: full aggregation",
        "ofac: planted found",
        "ofac: false blocks",
        "ofac: one new designation",
    ]


def test_a_budget_too_small_for_the_planted_cases_is_refused() -> None:
    with pytest.raises(SystemExit, match="--edges 100 is fewer than the planted and exposure holdings"):
        generate(companies=2_000, edges=100, planted=90, listed=300, exposed=0.3, seed=1)
    with pytest.raises(SystemExit, match="--listed is too small"):
        generate(companies=2_000, edges=4_000, planted=90, listed=10, exposed=0.3, seed=1)
