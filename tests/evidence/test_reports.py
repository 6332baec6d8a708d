"""The management report's figures, computed on a real database of either backend (tests/evidence/world.py):
alerts by status and age, time to decision, false-positive rates by list and programme, screenings per
day with their origins, the lists' freshness as the system judges it, and the period's refusals."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from sanctionwatch.db.engine import connect
from sanctionwatch.errors import InputError
from sanctionwatch.evidence.period import MAX_DAYS, Period, parse_period
from sanctionwatch.evidence.reports import ManagementReport, management_report
from sanctionwatch.evidence.screening_counts import COLUMNS, ORIGINS
from sanctionwatch.registry.freshness import freshness_of
from sanctionwatch.registry.store import Registry
from tests.evidence.world import FORMULA, T0, World

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture(scope="module")
def engine(world: World) -> Iterator[Engine]:
    eng = connect(world.url)
    try:
        yield eng
    finally:
        eng.dispose()


def report(
    engine: Engine, period: Period = MARCH, now: datetime = T0 + timedelta(hours=12)
) -> ManagementReport:
    return management_report(engine, period, now)


def rates(rows: list[dict[str, object]]) -> dict[object, tuple[object, object, object]]:
    return {r["key"]: (r["decided"], r["false_positives"], r["rate"]) for r in rows}


def test_alerts_by_status_and_the_time_decisions_took(engine: Engine) -> None:
    figures = report(engine).to_json()["alerts"]
    assert figures["by_status"] == {"open": 1, "in_review": 1, "proposed": 1, "confirmed": 4, "closed": 1}
    assert figures["raised"] == 8
    # Confirmed 2, 5, 10, 30 and 100 hours after the alerts were raised: the shared-value one counts too.
    assert figures["time_to_decision"] == {"decided": 5, "median_hours": 10.0, "p90_hours": 100.0}


@pytest.mark.parametrize(
    ("hours", "band"),
    [
        (12, "<1 day"),
        (24, "1-7 days"),
        (24 * 7 - 1, "1-7 days"),
        (24 * 10, "7-30 days"),
        (24 * 30, ">30 days"),
    ],
)
def test_undecided_alerts_by_age_at_the_reports_time(engine: Engine, hours: int, band: str) -> None:
    """Open, in review and proposed (three alerts, all raised at T0); a band includes its lower end."""
    ages = report(engine, now=T0 + timedelta(hours=hours)).to_json()["alerts"]["by_age"]
    assert {a["band"]: a["count"] for a in ages} == {
        b: 3 if b == band else 0 for b in ("<1 day", "1-7 days", "7-30 days", ">30 days")
    }


def test_false_positive_rates_of_name_hits_by_list_and_by_programme(engine: Engine) -> None:
    fp = report(engine).to_json()["false_positives"]
    # The shared-value alert (a false positive too) is no name hit: four decided, three false positives.
    assert fp["overall"] == {"key": "all", "decided": 4, "false_positives": 3, "rate": 0.75}
    assert rates(fp["by_source"]) == {
        "ofac-sdn": (2, 1, 0.5),
        "internal:deny": (1, 1, 1.0),
        "un": (1, 1, 1.0),
    }
    assert [r["key"] for r in fp["by_source"]] == ["ofac-sdn", "internal:deny", "un"]  # most decided first
    # Each party's programmes in the version it alerted on: the bank is under DPRK3 and NPWMD (a true match).
    assert rates(fp["by_programme"]) == {
        "DPRK": (1, 1, 1.0),
        "DPRK2": (1, 1, 1.0),
        "DPRK3": (1, 0, 0.0),
        "NPWMD": (1, 0, 0.0),
        FORMULA: (1, 1, 1.0),
    }


def test_the_period_counts_alerts_raised_and_decisions_confirmed_in_it(engine: Engine) -> None:
    third = report(engine, Period(date(2026, 3, 3), date(2026, 3, 3))).to_json()
    assert third["alerts"]["raised"] == 0  # all were raised on the 2nd
    assert third["alerts"]["time_to_decision"]["decided"] == 1  # HWANG, 30 h after: the 3rd at 15:00
    assert third["false_positives"]["overall"] == {
        "key": "all",
        "decided": 1,
        "false_positives": 1,
        "rate": 1.0,
    }
    assert rates(third["false_positives"]["by_programme"]) == {"DPRK2": (1, 1, 1.0)}

    rest = report(engine, Period(date(2026, 3, 3), date(2026, 3, 31))).to_json()["alerts"]["time_to_decision"]
    assert rest == {"decided": 2, "median_hours": 65.0, "p90_hours": 100.0}
    before = report(engine, Period(None, date(2026, 3, 1))).to_json()
    assert before["alerts"]["raised"] == 0 and before["false_positives"]["overall"]["decided"] == 0
    assert before["false_positives"]["overall"]["rate"] is None  # nothing decided: no rate, not 0


def test_screenings_per_day_from_the_records_and_where_each_count_comes_from(
    engine: Engine, world: World
) -> None:
    now = datetime.now(UTC)
    today = report(engine, Period(now.date(), now.date()), now).to_json()["screenings"]
    assert set(today["origins"]) == set(COLUMNS) == set(ORIGINS)  # every column says where it comes from
    [day] = today["days"]
    assert day == {
        "day": now.date().isoformat(),
        "single": world.trail_notes,
        "single_unrecorded": 0,
        "file_rows": 0,
        "files": 0,
        "monitoring_customers": world.customers,
        "monitoring_runs": 1,
        "payments": world.payments,
    }
    assert today["totals"] == {k: v for k, v in day.items() if k != "day"}

    # Without --since the days start at the first one with a record; every day up to --until is listed.
    later = now.date() + timedelta(days=2)
    spread = report(engine, Period(None, later), now).to_json()["screenings"]["days"]
    assert [d["day"] for d in spread] == [(now.date() + timedelta(days=i)).isoformat() for i in range(3)]
    assert [d["single"] for d in spread] == [world.trail_notes, 0, 0]
    yesterday = now.date() - timedelta(days=1)
    [empty] = report(engine, Period(yesterday, yesterday), now).to_json()["screenings"]["days"]
    assert set(empty.values()) == {yesterday.isoformat(), 0}


def test_the_lists_freshness_is_the_one_the_system_judges(engine: Engine) -> None:
    now = datetime.now(UTC)
    lists = {row["source"]: row for row in report(engine, now=now).to_json()["lists"]}
    judged = freshness_of(Registry(engine), now)
    assert {f.source: f.state.value for f in judged} == {
        source: row["state"] for source, row in lists.items() if row["state"] is not None
    }
    assert lists["un"]["state"] == "failing" and "connection refused" in lists["un"]["reason"]
    assert lists["un"]["active_version"] == 1 and lists["un"]["published"] is not None
    assert lists["ofac-sdn"]["active_version"] == 1 and lists["ofac-sdn"]["fetched"] is not None
    assert lists["eu"]["active_version"] is None  # official, never loaded: listed all the same
    # An internal list has no official download: listed with its version, its freshness not judged.
    assert lists["internal:deny"]["state"] is None and lists["internal:deny"]["active_version"] == 1


@pytest.mark.parametrize(
    ("since", "until", "refusal"),
    [
        ("2026-02-30", None, "--since: '2026-02-30' is not a date of the calendar"),
        ("20260301", None, "--since: '20260301' is not a date (write it YYYY-MM-DD)"),
        ("2026-W10-1", None, "--since: '2026-W10-1' is not a date"),
        (None, "31/03/2026", "--until: '31/03/2026' is not a date"),
        (None, "9999-12-31", "--until: 9999-12-31 is out of range"),
        ("2026-04-01", "2026-03-01", "--since: 2026-04-01 is after --until 2026-03-01"),
        (
            "1990-01-01",
            "2026-03-01",
            f"--since: 1990-01-01 to 2026-03-01 is 13209 days; a report lists at most {MAX_DAYS}",
        ),
    ],
)
def test_bad_periods_are_refused_by_name(since: str | None, until: str | None, refusal: str) -> None:
    with pytest.raises(InputError, match="^" + re.escape(refusal)):
        parse_period(since, until, today=date(2026, 3, 31), names=("--since", "--until"))


def test_a_period_is_whole_utc_days_both_included() -> None:
    period = parse_period("2026-03-01", "2026-03-31", today=date(2026, 6, 1))
    assert period.start == datetime(2026, 3, 1, tzinfo=UTC)
    assert period.end == datetime(2026, 4, 1, tzinfo=UTC)
    assert period.holds(datetime(2026, 3, 31, 23, 59, 59, tzinfo=UTC))
    assert not period.holds(datetime(2026, 4, 1, tzinfo=UTC))
    assert parse_period(None, None, today=date(2026, 6, 1)) == Period(None, date(2026, 6, 1))
