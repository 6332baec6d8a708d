"""Freshness: each check is recorded, and a source is judged fresh, stale or failing by its policy."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.registry.freshness import (
    POLICIES,
    CheckOutcome,
    CheckRecord,
    FreshnessPolicy,
    FreshnessState,
    assess,
    check_records,
    freshness_of,
    official_sources,
    record_check,
)
from sanctionwatch.registry.store import Registry
from sanctionwatch.registry.update import update_from_files, update_official

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = FreshnessPolicy(check_every=timedelta(hours=1), stale_after=timedelta(days=14))


def _record(**changes: object) -> CheckRecord:
    base: dict[str, object] = {
        "source": "un",
        "last_check_at": T0,
        "last_outcome": CheckOutcome.FETCHED,
        "last_success_at": T0,
        "last_failure_at": None,
        "last_failure_reason": None,
        "newest_digest": "d",
        "newest_published": date(2026, 3, 1),
        "newest_first_seen_at": T0,
        "checks": 1,
        "failures": 0,
        "alarm_state": None,
    }
    return CheckRecord(**(base | changes))  # type: ignore[arg-type]


def test_every_official_source_has_a_policy_stated() -> None:
    assert set(POLICIES) == set(official_sources())


def test_never_checked_is_not_degraded() -> None:
    judged = assess("un", None, POLICY, T0)
    assert judged.state is FreshnessState.NEVER_CHECKED and not judged.degraded


@given(st.integers(min_value=0, max_value=400 * 24), st.booleans())
def test_a_list_loaded_from_a_file_is_stale_by_its_own_date_when_never_checked(
    hours: int, dated: bool
) -> None:
    """No check recorded (the list came from a file): its active version's stated date, else its
    activation, ages it exactly as a checked file ages."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    now = start + timedelta(hours=hours)
    judged = assess(
        "un",
        None,
        POLICY,
        now,
        active_version=3,
        activated_at=start if not dated else now,
        active_published=date(2026, 1, 1) if dated else None,
    )
    stale = hours > 14 * 24
    assert judged.state is (FreshnessState.STALE if stale else FreshnessState.NEVER_CHECKED)
    assert judged.degraded is stale and judged.age_seconds == hours * 3600
    if stale:
        assert judged.reason is not None and "never checked" in judged.reason and "version 3" in judged.reason
        assert ("2026-01-01" in judged.reason) and (("dated" in judged.reason) is dated)


@given(st.integers(min_value=0, max_value=400 * 24))
def test_stale_exactly_when_the_published_file_is_older_than_the_alarm_age(hours: int) -> None:
    record = _record(newest_published=date(2026, 1, 1), newest_first_seen_at=T0)
    published_at = datetime(2026, 1, 1, tzinfo=UTC)
    now = published_at + timedelta(hours=hours)
    # checked successfully just now: only the file's age decides
    judged = assess("un", _with_success(record, now), POLICY, now)
    expected = FreshnessState.STALE if hours > 14 * 24 else FreshnessState.FRESH
    assert judged.state is expected
    assert judged.age_seconds == hours * 3600
    assert (judged.reason is not None) == (expected is FreshnessState.STALE)
    if judged.reason:
        assert "2026-01-01" in judged.reason


def _with_success(record: CheckRecord, at: datetime) -> CheckRecord:
    return _record(**{**_fields(record), "last_check_at": at, "last_success_at": at})


def _fields(record: CheckRecord) -> dict[str, object]:
    return {name: getattr(record, name) for name in CheckRecord.__slots__}


def test_a_file_without_a_date_ages_from_when_it_was_first_seen() -> None:
    record = _record(newest_published=None, newest_first_seen_at=T0)
    later = T0 + timedelta(days=15)
    judged = assess("un", _with_success(record, later), POLICY, later)
    assert judged.state is FreshnessState.STALE
    assert "first seen" in (judged.reason or "")


@given(st.integers(min_value=0, max_value=100))
def test_failing_when_no_check_succeeded_for_longer_than_the_allowed_intervals(hours: int) -> None:
    now = T0 + timedelta(hours=hours, minutes=1)
    judged = assess("un", _record(newest_published=T0.date()), POLICY, now)
    if hours >= POLICY.failing_after_checks:
        assert judged.state is FreshnessState.FAILING
        assert "no successful check for" in (judged.reason or "")
    else:
        assert judged.state is FreshnessState.FRESH


def test_a_failed_last_check_is_failing_and_says_why_before_stale() -> None:
    record = _record(
        last_outcome=CheckOutcome.FAILED,
        last_failure_at=T0,
        last_failure_reason="cannot reach https://x",
        newest_published=date(2025, 1, 1),
    )
    judged = assess("un", record, POLICY, T0)
    assert judged.state is FreshnessState.FAILING
    assert "cannot reach https://x" in (judged.reason or "")


def test_an_old_archive_loaded_from_a_file_rings_the_stale_alarm(
    registry: Registry, shared_data: Path
) -> None:
    """The fail-open this closes: a registry fed only from files (never `watch`ed) screening against a
    list months old said `never-checked`, not degraded."""
    [loaded] = update_from_files(registry, [shared_data / "un_consolidated" / "consolidated_2026-02-27.xml"])
    assert loaded.error is None, loaded.error
    [judged] = freshness_of(registry, datetime(2026, 12, 5, tzinfo=UTC), ["un"])
    assert judged.state is FreshnessState.STALE and judged.degraded, judged
    assert judged.reason is not None and "2026-02-27" in judged.reason
    [recent] = freshness_of(registry, datetime(2026, 3, 1, tzinfo=UTC), ["un"])
    assert recent.state is FreshnessState.NEVER_CHECKED and not recent.degraded


def test_checks_are_counted_and_a_new_file_moves_first_seen(registry: Registry) -> None:
    engine = registry.engine
    record_check(engine, "un", CheckOutcome.FETCHED, T0, digest="a", published=date(2026, 3, 1))
    record_check(engine, "un", CheckOutcome.NOT_MODIFIED, T0 + timedelta(hours=1), digest="a")
    failed = record_check(engine, "un", CheckOutcome.FAILED, T0 + timedelta(hours=2), reason="HTTP 503")
    assert (failed.checks, failed.failures, failed.last_failure_reason) == (3, 1, "HTTP 503")
    assert failed.newest_first_seen_at == T0 and failed.last_success_at == T0 + timedelta(hours=1)
    new = record_check(
        engine, "un", CheckOutcome.FETCHED, T0 + timedelta(hours=3), digest="b", published=date(2026, 3, 2)
    )
    assert (new.newest_published, new.newest_first_seen_at) == (date(2026, 3, 2), T0 + timedelta(hours=3))
    assert new.last_outcome is CheckOutcome.FETCHED and new.last_failure_at == T0 + timedelta(hours=2)
    assert set(check_records(engine)) == {"un"}


def test_update_official_records_a_failure_and_a_success(
    registry: Registry, shared_data: Path, tmp_path: Path
) -> None:
    mirror = tmp_path / "mirror"
    update_official(registry, ["un"], cache=tmp_path / "cache", mirror=str(mirror), clock=lambda: T0)
    [failing] = freshness_of(registry, T0, ["un"])
    assert failing.state is FreshnessState.FAILING and "mirror" in (failing.reason or "")
    (mirror / "un").mkdir(parents=True)
    (mirror / "un" / "consolidated.xml").symlink_to(
        shared_data / "un_consolidated" / "consolidated_2026-02-27.xml"
    )
    later = T0 + timedelta(hours=1)
    update_official(registry, ["un"], cache=tmp_path / "cache", mirror=str(mirror), clock=lambda: later)
    [fresh] = freshness_of(registry, later, ["un"])
    assert fresh.record is not None and fresh.record.newest_published is not None
    assert fresh.state is FreshnessState.FRESH, fresh.reason
    assert fresh.active_version == 1 and fresh.activated_at is not None
    assert (fresh.record.checks, fresh.record.failures) == (2, 1)
