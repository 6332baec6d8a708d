"""The alert figures a compliance head asks for: the queue by status and age, how long decisions take,
and how often a name hit turns out to be a false positive, by list and by programme.

What counts as what, so that the numbers can be checked against the cases themselves:

- **raised in the period**: an alert whose `created_at` falls in it; its status is the one it has now.
- **age**: of an alert raised in the period and still undecided (open, in review, proposed), at the
  report's time.
- **decided**: an alert whose four-eyes confirmation (its `confirm` case event) falls in the period; its
  time to decision runs from the alert's creation to that event. Confirmed and then closed counts too.
- **false-positive rate**: among the decided *name-hit* alerts (raised by screening customers:
  triggers `customers`, `delta`, `full`; not ownership, shared-value or payment alerts, which are not a
  name matched against a list), the share confirmed as `false_positive` (the alert's `decision` column).
  By list: the sources of the listed records behind the hit (`source_ids`). By programme: the
  programmes of those records in the very list version the alert was raised on (`list_version`), read
  from the registry (`record_terms`), not from whatever the list says today. An alert whose party is on
  two lists, or under two programmes, counts once in each; the rows do not add up to the total.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, select, tuple_

from sanctionwatch.db.engine import as_utc
from sanctionwatch.evidence.period import Period
from sanctionwatch.model import entity_source
from sanctionwatch.monitoring import tables as mt
from sanctionwatch.monitoring.alerts import STATUSES, Decision, Status
from sanctionwatch.registry.tables import list_versions, record_terms, version_entities

__all__ = [
    "AGE_BANDS",
    "NAME_TRIGGERS",
    "AgeBand",
    "AlertFigures",
    "DecisionTimes",
    "FalsePositives",
    "Rate",
    "alert_figures",
]

# The triggers of monitoring.rescreen's runs: a customer's name screened against the lists.
NAME_TRIGGERS = ("customers", "delta", "full")
UNDECIDED = (Status.OPEN.value, Status.IN_REVIEW.value, Status.PROPOSED.value)
# (label, from days, to days): from inclusive, to exclusive; None: no upper end.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("<1 day", 0, 1),
    ("1-7 days", 1, 7),
    ("7-30 days", 7, 30),
    (">30 days", 30, None),
)
NO_PROGRAMME = "(no programme)"
NOT_FOUND = "(record not in the registry)"
_CHUNK = 400


@dataclass(frozen=True, slots=True)
class AgeBand:
    band: str
    from_days: int
    to_days: int | None
    count: int


@dataclass(frozen=True, slots=True)
class DecisionTimes:
    """Time from an alert's creation to its four-eyes confirmation. Median: the middle value (the mean
    of the two middle ones for an even count); 90th percentile: nearest rank, the time within which
    90 % of the decisions were taken."""

    decided: int
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True, slots=True)
class Rate:
    key: str  # a source, a programme, or "all"
    decided: int
    false_positives: int

    @property
    def rate(self) -> float | None:
        return round(self.false_positives / self.decided, 4) if self.decided else None

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "decided": self.decided,
            "false_positives": self.false_positives,
            "rate": self.rate,
        }


@dataclass(frozen=True, slots=True)
class FalsePositives:
    overall: Rate
    by_source: list[Rate]
    by_programme: list[Rate]


@dataclass(frozen=True, slots=True)
class AlertFigures:
    raised: int
    by_status: dict[str, int]  # every status, in the workflow's order
    by_age: list[AgeBand]
    decision_times: DecisionTimes
    false_positives: FalsePositives


@dataclass(frozen=True, slots=True)
class _Decided:
    created_at: datetime
    confirmed_at: datetime
    trigger: str
    decision: str | None
    source_ids: list[str]
    list_version: str


def alert_figures(conn: Connection, period: Period, now: datetime) -> AlertFigures:
    by_status = _by_status(conn, period)
    decided = _decided(conn, period)
    return AlertFigures(
        raised=sum(by_status.values()),
        by_status=by_status,
        by_age=_by_age(conn, period, now),
        decision_times=_times(decided),
        false_positives=_false_positives(conn, [d for d in decided if d.trigger in NAME_TRIGGERS]),
    )


def _raised_in(period: Period) -> Any:
    created = mt.alerts.c.created_at
    start = period.start
    return and_(created < period.end, *([created >= start] if start is not None else []))


def _by_status(conn: Connection, period: Period) -> dict[str, int]:
    a = mt.alerts.c
    rows = conn.execute(select(a.status, func.count()).where(_raised_in(period)).group_by(a.status)).all()
    counts = {str(status): int(n) for status, n in rows}
    # Every status of the workflow, then any other a hand-edited row may hold (shown, not dropped).
    return {status: counts.pop(status, 0) for status in STATUSES} | dict(sorted(counts.items()))


def _by_age(conn: Connection, period: Period, now: datetime) -> list[AgeBand]:
    a = mt.alerts.c
    bands = []
    for label, low, high in AGE_BANDS:
        # age >= low and age < high  <=>  created <= now - low and created > now - high
        conditions = [_raised_in(period), a.status.in_(UNDECIDED)]
        if low:  # the first band also takes an alert stamped a moment after `now` (clocks differ)
            conditions.append(a.created_at <= now - timedelta(days=low))
        if high is not None:
            conditions.append(a.created_at > now - timedelta(days=high))
        count = conn.execute(select(func.count()).select_from(mt.alerts).where(*conditions)).scalar_one()
        bands.append(AgeBand(label, low, high, int(count)))
    return bands


def _decided(conn: Connection, period: Period) -> list[_Decided]:
    a, e = mt.alerts.c, mt.case_events.c
    conditions = [e.action == "confirm", e.at < period.end]
    if period.start is not None:
        conditions.append(e.at >= period.start)
    rows = conn.execute(
        select(a.created_at, e.at, a.trigger, a.decision, a.source_ids, a.list_version)
        .select_from(mt.alerts.join(mt.case_events, e.alert_id == a.id))
        .where(*conditions)
        .order_by(a.id)
    )
    return [
        _Decided(as_utc(r[0]), as_utc(r[1]), r.trigger, r.decision, list(r.source_ids or []), r.list_version)
        for r in rows
    ]


def _times(decided: Sequence[_Decided]) -> DecisionTimes:
    hours = sorted((d.confirmed_at - d.created_at).total_seconds() / 3600 for d in decided)
    if not hours:
        return DecisionTimes(0, None, None)
    p90 = hours[math.ceil(0.9 * len(hours)) - 1]
    return DecisionTimes(len(hours), round(statistics.median(hours), 2), round(p90, 2))


def _version_numbers(label: str) -> dict[str, int]:
    """{source: number} of an alert's `list_version` ("ofac-sdn/3, un/2"); a part without a number
    names no version the registry could be asked about and is left out."""
    numbers: dict[str, int] = {}
    for part in label.split(","):
        source, _, number = part.strip().rpartition("/")
        if source and number.isdigit():
            numbers[source] = int(number)
    return numbers


def _false_positives(conn: Connection, decided: Sequence[_Decided]) -> FalsePositives:
    wanted: set[tuple[str, int, str]] = set()
    for d in decided:
        versions = _version_numbers(d.list_version)
        for record in d.source_ids:
            source = entity_source(record)
            if source in versions:
                wanted.add((source, versions[source], record))
    programmes = _programmes(conn, wanted)
    by_source: dict[str, list[int]] = {}
    by_programme: dict[str, list[int]] = {}
    for d in decided:
        false = int(d.decision == Decision.FALSE_POSITIVE.value)
        versions = _version_numbers(d.list_version)
        sources = sorted({entity_source(r) for r in d.source_ids}) or [NOT_FOUND]
        found: set[str] = set()
        for record in d.source_ids:
            source = entity_source(record)
            terms = programmes.get((source, versions[source], record)) if source in versions else None
            if terms is None:
                found.add(NOT_FOUND)
            else:
                found |= terms or {NO_PROGRAMME}
        for keys, table in ((sources, by_source), (sorted(found or {NOT_FOUND}), by_programme)):
            for name in keys:
                tally = table.setdefault(name, [0, 0])
                tally[0] += 1
                tally[1] += false
    overall = Rate("all", len(decided), sum(d.decision == Decision.FALSE_POSITIVE.value for d in decided))
    return FalsePositives(overall, _rates(by_source), _rates(by_programme))


def _rates(table: dict[str, list[int]]) -> list[Rate]:
    """Most decided first (then by name): the lists and programmes that make the work come first."""
    return [
        Rate(key, decided, false)
        for key, (decided, false) in sorted(table.items(), key=lambda item: (-item[1][0], item[0]))
    ]


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _programmes(conn: Connection, wanted: set[tuple[str, int, str]]) -> dict[tuple[str, int, str], set[str]]:
    """For each (source, version number, record id) the registry holds, the programmes of that record in
    that version (an empty set: none); a record it does not hold is absent from the answer."""
    lv, ve, rt = list_versions.c, version_entities.c, record_terms.c
    pairs = sorted({(source, number) for source, number, _ in wanted})
    ids: dict[int, tuple[str, int]] = {}
    for chunk in _chunks(pairs):
        rows = conn.execute(
            select(lv.id, lv.source, lv.number).where(tuple_(lv.source, lv.number).in_(chunk))
        )
        ids.update({int(r.id): (r.source, int(r.number)) for r in rows})
    by_pair = {pair: version_id for version_id, pair in ids.items()}
    keys = sorted(
        (by_pair[(source, number)], record)
        for source, number, record in wanted
        if (source, number) in by_pair
    )
    out: dict[tuple[str, int, str], set[str]] = {}
    for chunk in _chunks(keys):
        rows = conn.execute(
            select(ve.version_id, ve.entity_id, rt.value)
            .select_from(
                version_entities.outerjoin(
                    record_terms, and_(rt.record_hash == ve.record_hash, rt.kind == "program")
                )
            )
            .where(tuple_(ve.version_id, ve.entity_id).in_(chunk))
        )
        for row in rows:
            source, number = ids[int(row.version_id)]
            terms = out.setdefault((source, number, row.entity_id), set())
            if row.value is not None:
                terms.add(row.value)
    return out
