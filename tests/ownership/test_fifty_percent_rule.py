"""OFAC's worked examples of the 50 % rule (FAQ 398-401), and the EU and UK tests, on small graphs.

Each example is written from the guidance's description: who owns what share of whom, and what OFAC
says follows. The names X, Y (blocked persons) and A, B, C (entities) are the guidance's own.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionwatch.ownership.aggregate import Assessor, Standing
from sanctionwatch.ownership.graph import Holding, HoldingKind, OwnershipGraph
from sanctionwatch.ownership.rules import PARTS, RULES, Authority, parse_percentage, percent_text


def pct(value: float) -> int:
    return round(value * PARTS / 100)


def assess(
    holdings: list[tuple[str, str, float | None]],
    listed: list[str],
    authority: Authority = Authority.OFAC,
    day: date | None = None,
) -> Assessor:
    graph = OwnershipGraph(
        Holding(o, e, None if s is None else pct(s), source="test") for o, e, s in holdings
    )
    assessor = Assessor(graph.on(day), RULES[authority])
    assessor.designate(listed)
    return assessor


def standing(assessor: Assessor, node: str) -> Standing | None:
    finding = assessor.findings.get(node)
    return finding.standing if finding else None


# -- OFAC ------------------------------------------------------------------------------------


def test_ofac_example_1_chain_of_fifty_percent_holdings_blocks_each_link() -> None:
    result = assess([("X", "A", 50), ("A", "B", 50)], ["X"])
    assert standing(result, "A") is Standing.BLOCKED
    assert standing(result, "B") is Standing.BLOCKED
    assert result.findings["B"].contributions[0].owner == "A"
    assert result.findings["B"].contributions[0].owner_standing is Standing.BLOCKED


def test_ofac_example_2_holdings_through_two_blocked_entities_add_up() -> None:
    result = assess([("X", "A", 50), ("X", "B", 50), ("A", "C", 25), ("B", "C", 25)], ["X"])
    assert standing(result, "C") is Standing.BLOCKED
    assert result.findings["C"].share == pct(50)
    assert sorted(c.owner for c in result.findings["C"].contributions) == ["A", "B"]


def test_ofac_example_3_direct_and_indirect_holdings_add_up() -> None:
    result = assess([("X", "A", 50), ("X", "B", 10), ("A", "B", 40)], ["X"])
    assert standing(result, "B") is Standing.BLOCKED
    assert result.findings["B"].share == pct(50)
    assert "50 % held by blocked persons" in result.findings["B"].reason()


def test_ofac_holdings_through_an_entity_that_is_not_blocked_do_not_count() -> None:
    # X holds 25 % of A and 25 % of B; A and B each hold 50 % of C: A and B are not blocked, so C is not.
    result = assess([("X", "A", 25), ("X", "B", 25), ("A", "C", 50), ("B", "C", 50)], ["X"])
    assert standing(result, "A") is Standing.MINORITY
    assert standing(result, "B") is Standing.MINORITY
    assert "C" not in result.findings


def test_ofac_aggregates_different_blocked_persons() -> None:
    result = assess([("X", "A", 25), ("Y", "A", 25)], ["X", "Y"])
    assert standing(result, "A") is Standing.BLOCKED
    assert "25 % by X (listed); 25 % by Y (listed)" in result.findings["A"].reason()


def test_ofac_just_under_half_is_not_blocked_and_is_said_to_be_a_minority() -> None:
    result = assess([("X", "A", 49.99)], ["X"])
    assert standing(result, "A") is Standing.MINORITY
    assert result.findings["A"].reason().startswith("49.99 % held by blocked persons, below the rule")


def test_ofac_control_without_ownership_is_raised_for_review_not_blocked() -> None:
    graph = OwnershipGraph([Holding("X", "A", None, HoldingKind.CONTROL, source="test")])
    result = Assessor(graph.on(None), RULES[Authority.OFAC])
    result.designate(["X"])
    assert standing(result, "A") is Standing.REVIEW


def test_a_holding_without_a_stated_share_is_raised_for_review() -> None:
    result = assess([("X", "A", None)], ["X"])
    assert standing(result, "A") is Standing.REVIEW
    assert "a share not stated by X" in result.findings["A"].reason()


def test_ownership_cycles_end_and_block_every_member() -> None:
    result = assess([("X", "A", 50), ("A", "B", 60), ("B", "A", 30), ("B", "C", 50), ("C", "B", 40)], ["X"])
    assert {n for n in "ABC" if standing(result, n) is Standing.BLOCKED} == {"A", "B", "C"}


def test_two_sources_stating_one_holding_are_one_holding() -> None:
    graph = OwnershipGraph(
        [Holding("X", "A", pct(30), source="list"), Holding("X", "A", pct(30), source="file")]
    )
    result = Assessor(graph.on(None), RULES[Authority.OFAC])
    result.designate(["X"])
    assert standing(result, "A") is Standing.MINORITY


def test_sources_disagreeing_use_the_larger_share_and_say_so() -> None:
    graph = OwnershipGraph(
        [Holding("X", "A", pct(30), source="list"), Holding("X", "A", pct(55), source="file")]
    )
    active = graph.on(None)
    assert active.disagreements == {("X", "A"): (pct(30), pct(55))}
    result = Assessor(active, RULES[Authority.OFAC])
    result.designate(["X"])
    assert standing(result, "A") is Standing.BLOCKED


def test_dates_are_respected() -> None:
    graph = OwnershipGraph(
        [
            Holding("X", "A", pct(60), start=date(2020, 1, 1), end=date(2023, 6, 30), source="file"),
            Holding("X", "B", pct(60), start=date(2024, 1, 1), source="file"),
        ]
    )
    for day, blocked in ((date(2022, 1, 1), {"X", "A"}), (date(2024, 3, 1), {"X", "B"}), (None, {"X", "B"})):
        result = Assessor(graph.on(day), RULES[Authority.OFAC])
        result.designate(["X"])
        assert result.blocked() == blocked, day


# -- EU and UK ---------------------------------------------------------------------------------


def test_eu_and_uk_need_more_than_half() -> None:
    for authority in (Authority.EU, Authority.UK):
        assert standing(assess([("X", "A", 50)], ["X"], authority), "A") is Standing.MINORITY
        assert standing(assess([("X", "A", 50.01)], ["X"], authority), "A") is Standing.BLOCKED


def test_eu_counts_one_persons_holdings_through_what_it_owns() -> None:
    result = assess([("X", "A", 60), ("X", "B", 30), ("A", "B", 30)], ["X"], Authority.EU)
    assert standing(result, "B") is Standing.BLOCKED
    assert {c.root for c in result.findings["B"].contributions} == {"X"}


def test_eu_raises_joint_holdings_of_different_persons_for_review() -> None:
    result = assess([("X", "A", 30), ("Y", "A", 30)], ["X", "Y"], Authority.EU)
    assert standing(result, "A") is Standing.REVIEW
    assert result.findings["A"].share == pct(60)


def test_uk_control_blocks() -> None:
    graph = OwnershipGraph(
        [
            Holding("X", "A", None, HoldingKind.CONTROL, source="list"),
            Holding("A", "B", pct(51), source="list"),
        ]
    )
    result = Assessor(graph.on(None), RULES[Authority.UK])
    result.designate(["X"])
    assert result.blocked() == {"X", "A", "B"}
    assert (
        result.findings["A"].reason() == "blocked: controlled by a blocked person: controlled by X (listed)"
    )


# -- properties --------------------------------------------------------------------------------

NODES = st.sampled_from(list("ABCDEFGH"))
HOLDINGS = st.lists(st.tuples(NODES, NODES, st.integers(1, 100)).filter(lambda t: t[0] != t[1]), max_size=25)


@settings(max_examples=200, deadline=None)
@given(HOLDINGS, st.lists(NODES, min_size=1, max_size=4, unique=True), st.sampled_from(list(Authority)))
def test_designating_one_by_one_gives_what_designating_all_at_once_gives(
    holdings: list[tuple[str, str, int]], listed: list[str], authority: Authority
) -> None:
    graph = OwnershipGraph(Holding(o, e, pct(s), source="t") for o, e, s in holdings).on(None)
    at_once = Assessor(graph, RULES[authority])
    at_once.designate(listed)
    one_by_one = Assessor(graph, RULES[authority])
    for node in reversed(listed):
        one_by_one.designate([node])
    assert at_once.blocked() == one_by_one.blocked()
    assert {n: f.standing for n, f in at_once.findings.items()} == {
        n: f.standing for n, f in one_by_one.findings.items()
    }


@settings(max_examples=200, deadline=None)
@given(HOLDINGS, st.lists(NODES, min_size=1, max_size=4, unique=True))
def test_every_blocked_entity_is_held_at_the_threshold_by_blocked_owners(
    holdings: list[tuple[str, str, int]], listed: list[str]
) -> None:
    graph = OwnershipGraph(Holding(o, e, pct(s), source="t") for o, e, s in holdings).on(None)
    result = Assessor(graph, RULES[Authority.OFAC])
    result.designate(listed)
    blocked = result.blocked()
    for node in graph.by_owned:
        held = sum(h.share or 0 for h in graph.owners_of(node) if h.owner in blocked)
        assert (node in blocked) == (node in listed or held >= PARTS // 2), node


@given(st.floats(0, 100, allow_nan=False))
def test_percentages_read_back_as_written(value: float) -> None:
    share = parse_percentage(f"{value:.4f}")
    assert abs(share - value * PARTS / 100) <= 1
    assert parse_percentage(percent_text(share)) == share


def test_an_entity_blocked_by_ownership_and_then_listed_is_not_counted_twice() -> None:
    graph = OwnershipGraph(
        Holding(o, e, pct(s), source="t") for o, e, s in [("X", "A", 50), ("A", "B", 30)]
    ).on(None)
    result = Assessor(graph, RULES[Authority.OFAC])
    result.designate(["X"])
    result.designate(["A"])  # A, blocked through X, is designated in its own right
    assert standing(result, "A") is Standing.LISTED
    assert standing(result, "B") is Standing.MINORITY and result.findings["B"].share == pct(30)
