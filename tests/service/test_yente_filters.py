"""What yente's result parameters filter on, in process: parties linked across lists, and the registry's
record history (when a record's present content arrived), which the HTTP tests cannot pin to a second."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from sanctionwatch.api.yente_params import FilterOp, ResultFilter, SearchFilters
from sanctionwatch.model import Entity, Name
from sanctionwatch.registry import tables
from sanctionwatch.registry.store import Registry
from sanctionwatch.screening.live import Snapshot
from sanctionwatch.screening.party import PartyQuery, screen_party
from sanctionwatch.screening.screener import Screener
from sanctionwatch.sources.base import ParsedList


def _org(source: str, source_id: str, name: str, **fields: object) -> Entity:
    return Entity(source, source_id, "Organization", names=[Name(name)], **fields)  # type: ignore[arg-type]


T1, T2, T3 = (datetime(2024, 1, day, tzinfo=UTC) for day in (1, 2, 3))
# The OFAC record cites the UN one: one party of two records. Another bank, alone.
LINKED_OFAC = _org("ofac-sdn", "1", "KOREA DAESONG BANK", properties={"unscId": ["KPe.1"]}, countries=["kp"])
LINKED_UN = _org("un", "KPe.1", "KOREA DAESONG BANK", countries=["kp"])
OTHER = _org("ofac-sdn", "2", "KOREA DAESONG TRADING BANK", countries=["cn"])
SCREENER = Screener.from_entities([LINKED_OFAC, LINKED_UN, OTHER])
PARTY = PartyQuery(names=["Korea Daesong Bank"])


def _found(result_filter: ResultFilter, limit: int = 5) -> list[str]:
    hits = screen_party(SCREENER, PARTY, threshold=0.0, limit=limit, admits=result_filter.predicate())
    return [hit.entity_id for hit in hits]


def test_unfiltered_the_linked_party_comes_first() -> None:
    assert ResultFilter().predicate() is None  # nothing asked, nothing for screening to call
    found = _found(ResultFilter())
    assert len(found) == 2 and found[0] in (LINKED_OFAC.id, LINKED_UN.id) and found[1] == OTHER.id


def test_an_excluded_referent_excludes_its_party_and_the_limit_is_still_filled() -> None:
    assert _found(ResultFilter(excluded_ids=frozenset({LINKED_UN.id})), limit=1) == [OTHER.id]
    assert _found(ResultFilter(excluded_ids=frozenset({LINKED_OFAC.id})), limit=1) == [OTHER.id]


def test_dataset_groups_need_a_record_in_each() -> None:
    un_only = _found(ResultFilter(source_groups=(frozenset({"un"}),)))
    assert len(un_only) == 1 and un_only[0] != OTHER.id
    both = ResultFilter(source_groups=(frozenset({"ofac-sdn"}), frozenset({"un"})))
    assert _found(both) == un_only
    assert len(_found(ResultFilter(source_groups=(frozenset({"ofac-sdn", "un"}),)))) == 2


def test_changed_since_takes_the_latest_change_of_the_partys_records() -> None:
    changes = {LINKED_OFAC.id: T1, LINKED_UN.id: T3, OTHER.id: T2}
    since_t2 = _found(ResultFilter(changed_since=T2, last_changes=changes))
    assert len(since_t2) == 2  # at the instant counts
    since_t3 = _found(ResultFilter(changed_since=T3, last_changes=changes))
    assert len(since_t3) == 1 and since_t3[0] != OTHER.id  # its UN record changed at T3
    assert _found(ResultFilter(changed_since=T3, last_changes={})) == []  # unknown history: not changed


def test_schema_and_country_filters() -> None:
    assert _found(ResultFilter(excluded_schemata=frozenset({"Organization"}))) == []
    assert len(_found(ResultFilter(excluded_schemata=frozenset({"Company"})))) == 2
    assert _found(ResultFilter(country_groups=(frozenset({"cn"}),))) == [OTHER.id]
    assert _found(ResultFilter(country_groups=(frozenset({"cn"}), frozenset({"kp"})))) == []


def test_search_filters_combine_with_or_and_and() -> None:
    snapshot = Snapshot(SCREENER, versions=(), build_seconds=0.0)
    any_of = SearchFilters(countries=("cn", "kp"), filter_op=FilterOp.OR).narrow(snapshot, ResultFilter())
    all_of = SearchFilters(countries=("cn", "kp"), filter_op=FilterOp.AND).narrow(snapshot, ResultFilter())
    assert len(_found(any_of)) == 2 and _found(all_of) == []
    assert _found(SearchFilters(target=False).narrow(snapshot, ResultFilter())) == []


# ---- the registry's record history -------------------------------------------------------------------------


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    opened = Registry.open(f"sqlite:///{tmp_path / 'registry.db'}")
    try:
        yield opened
    finally:
        opened.close()


def _ingest(registry: Registry, day: int, *entities: Entity) -> None:
    """A version of the `un` list, fetched (as the registry records it) on 2024-01-<day>."""
    result = registry.ingest(ParsedList("un", "test", None, list(entities)), force=True)
    with registry.engine.begin() as conn:
        conn.execute(
            update(tables.list_versions)
            .where(tables.list_versions.c.id == result.version.id)
            .values(fetched=datetime(2024, 1, day))
        )


def test_last_changes_follow_the_versions_in_force(registry: Registry) -> None:
    a = _org("un", "A", "ALPHA TRADING")
    b1, b2 = _org("un", "B", "BETA BANK"), _org("un", "B", "BETA BANK", remarks=["renamed branch"])
    c = _org("un", "C", "GAMMA SHIPPING")
    _ingest(registry, 1, a, b1)
    _ingest(registry, 2, a, b2)  # B changed
    _ingest(registry, 3, a, c)  # B gone, C new
    _ingest(registry, 4, a, b2, c)  # B back, as it was on day 2: a change all the same
    day = {n: datetime(2024, 1, n, tzinfo=UTC) for n in range(1, 5)}
    assert registry.last_changes(registry.active_versions()) == {
        "un:A": day[1],
        "un:B": day[4],
        "un:C": day[3],
    }
    registry.activate("un", 2, force=True)  # rolled back: day 2's content, as it was then
    assert registry.last_changes(registry.active_versions()) == {"un:A": day[1], "un:B": day[2]}
