"""Whether the lists a payment is screened against may be trusted: their versions, and how old they are.

A payment passed against lists older than the bank allows is a payment passed on doubt. So each active
official list's freshness (registry.freshness: its authority's policy, 14 days for OFAC, the UN, the EU and
the UK, 30 for Canada, Australia and Switzerland; failing when its checks fail) holds every message while the
list is stale or failing, with the reason in the decision. `max_age` replaces the policies with one age for
every list, for a bank whose rule is stricter (one day) or for a test on old sample lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sanctionwatch.payments.screening import ListState
from sanctionwatch.registry.freshness import describe_age, freshness_of, official_sources
from sanctionwatch.registry.store import Registry, VersionInfo

__all__ = ["list_state"]


def list_state(
    registry: Registry,
    versions: Sequence[VersionInfo],
    *,
    max_age: timedelta | None = None,
    now: datetime | None = None,
) -> ListState:
    """The state of the given (active) versions: their names, and a reason per list too old to trust."""
    names = tuple(f"{v.source}/{v.number}" for v in versions)
    if not versions:
        return ListState(names, ("no list is active: nothing to screen against",))
    official = set(official_sources())
    judged = [v.source for v in versions if v.source in official]
    stale: list[str] = []
    for fresh in freshness_of(registry, now, judged):
        if max_age is None:
            if fresh.degraded:
                stale.append(f"{fresh.source} is {fresh.state.value}: {fresh.reason}")
        elif fresh.age_seconds is None or fresh.age_seconds > max_age.total_seconds():
            age = describe_age(fresh.age_seconds) if fresh.age_seconds is not None else "of unknown age"
            stale.append(
                f"{fresh.source} is {age} old, over the {describe_age(max_age.total_seconds())} allowed"
            )
    return ListState(names, tuple(stale))
