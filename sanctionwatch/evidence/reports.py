"""The management report: what a compliance head asks for, computed from the database as it stands.

One typed report (`ManagementReport`), built by `management_report` for a period of days, and shown by
every interface from the same object: JSON (`to_json`, the API's body), and the same figures as flat
sections (`sections`) that the CLI's tables, the CSV and the XLSX files are written from. Four parts:

- the alerts raised in the period by status, the undecided ones by age, and the time decisions took
  (`alert_figures`, which says exactly what each figure counts);
- the false-positive rate of name hits, overall, by list and by programme (`alert_figures` too);
- screenings per day, each column from a record the system keeps, named in the report
  (`screening_counts.ORIGINS`);
- each list's active version and its freshness as the system judges it (`list_standing`), at the
  report's time whatever the period: a list's state is a present fact.

Read-only: one report reads the database and writes nothing (not even an audit record: reading the
figures changes no case and no list).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from sanctionwatch.evidence.alert_figures import NAME_TRIGGERS, AlertFigures, Rate, alert_figures
from sanctionwatch.evidence.list_standing import ListStanding, list_standings
from sanctionwatch.evidence.period import Period
from sanctionwatch.evidence.screening_counts import COLUMNS, ORIGINS, ScreeningCounts, screening_counts
from sanctionwatch.registry.store import Registry

__all__ = ["DEFINITIONS", "Cell", "ManagementReport", "Section", "management_report", "sections"]

Cell = str | int | float | None

# What each part counts, in a sentence: printed with the figures, so that no reader has to guess.
DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("alerts", "alerts raised in the period (created_at), by their status now; undecided ones (open, in "
     "review, proposed) by their age at the report's time"),
    ("decided", "alerts whose four-eyes confirmation falls in the period; time to decision runs from the "
     "alert's creation to its confirmation (median; 90th percentile by nearest rank)"),
    ("false_positive_rate", "among decided name-hit alerts (triggers " + ", ".join(NAME_TRIGGERS) + "), the "
     "share confirmed as false_positive; by the sources of the listed records and their programmes in the "
     "list version the alert was raised on; a party on two lists or programmes counts in each"),
    ("screenings", "per UTC day of the period, from the records named in screening_origins"),
    ("lists", "each list's active version and freshness at the report's time, as the system judges it"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ManagementReport:
    generated_at: datetime
    period: Period
    alerts: AlertFigures
    screenings: ScreeningCounts
    lists: list[ListStanding]

    def to_json(self) -> dict[str, Any]:
        a, fp = self.alerts, self.alerts.false_positives
        return {
            "generated_at": self.generated_at.isoformat(),
            "period": self.period.to_json(),
            "definitions": dict(DEFINITIONS),
            "alerts": {
                "raised": a.raised,
                "by_status": a.by_status,
                "by_age": [
                    {"band": b.band, "from_days": b.from_days, "to_days": b.to_days, "count": b.count}
                    for b in a.by_age
                ],
                "time_to_decision": {
                    "decided": a.decision_times.decided,
                    "median_hours": a.decision_times.median_hours,
                    "p90_hours": a.decision_times.p90_hours,
                },
            },
            "false_positives": {
                "name_hit_triggers": list(NAME_TRIGGERS),
                "overall": fp.overall.to_json(),
                "by_source": [r.to_json() for r in fp.by_source],
                "by_programme": [r.to_json() for r in fp.by_programme],
            },
            "screenings": {
                "origins": dict(ORIGINS),
                "days": [d.to_json() for d in self.screenings.days],
                "totals": self.screenings.totals,
            },
            "lists": [s.to_json() for s in self.lists],
        }


def management_report(engine: Engine, period: Period, now: datetime) -> ManagementReport:
    """The report of `period`, with ages and freshness judged at `now`."""
    with engine.connect() as conn:
        alerts = alert_figures(conn, period, now)
    return ManagementReport(
        generated_at=now,
        period=period,
        alerts=alerts,
        screenings=screening_counts(engine, period),
        lists=list_standings(Registry(engine), now),
    )


# ---- the same figures as flat sections (tables, CSV, XLSX) ------------------------------------------


@dataclass(frozen=True, slots=True)
class Section:
    """One table of the report: a sheet of the XLSX, a table of the CLI, a `section` of the CSV."""

    name: str  # a sheet's name too: at most 31 characters
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


RATE_COLUMNS = ("decided", "false_positives", "rate")
LIST_COLUMNS = ("source", "active_version", "published", "fetched", "activated_at", "state", "age",
                "reason", "last_check_at", "last_success_at")  # fmt: skip


def _rate_rows(overall: Rate, rows: list[Rate]) -> list[tuple[Cell, ...]]:
    return [(r.key, r.decided, r.false_positives, r.rate) for r in (overall, *rows)]


def sections(report: ManagementReport) -> list[Section]:
    a, fp = report.alerts, report.alerts.false_positives
    times = a.decision_times
    period = report.period
    return [
        Section("report", "Report", ("item", "value"), [
            ("generated_at", report.generated_at.isoformat()),
            ("since", period.since.isoformat() if period.since else "(from the first record)"),
            ("until", period.until.isoformat()),
            *DEFINITIONS,
        ]),
        Section("alerts_by_status", "Alerts raised in the period, by status", ("status", "count"),
                [*a.by_status.items(), ("all", a.raised)]),
        Section("alerts_by_age", "Undecided alerts raised in the period, by age",
                ("band", "from_days", "to_days", "count"),
                [(b.band, b.from_days, b.to_days, b.count) for b in a.by_age]),
        Section("decision_time", "Time to decision (creation to four-eyes confirmation)",
                ("alerts", "decided", "median_hours", "p90_hours"),
                [("decided in the period", times.decided, times.median_hours, times.p90_hours)]),
        Section("false_positives_by_source", "False-positive rate of name hits, by list",
                ("source", *RATE_COLUMNS), _rate_rows(fp.overall, fp.by_source)),
        Section("false_positives_by_programme", "False-positive rate of name hits, by programme",
                ("programme", *RATE_COLUMNS), _rate_rows(fp.overall, fp.by_programme)),
        Section("screenings_per_day", "Screenings per day (UTC)", ("day", *COLUMNS), [
            *((d.day.isoformat(), *(getattr(d, c) for c in COLUMNS)) for d in report.screenings.days),
            ("total", *(report.screenings.totals[c] for c in COLUMNS)),
        ]),
        Section("screening_origins", "Where each screening count comes from", ("column", "counted_from"),
                list(ORIGINS.items())),
        Section("list_freshness", "Lists: active version and freshness", LIST_COLUMNS,
                [tuple(s.to_json()[c] for c in LIST_COLUMNS) for s in report.lists]),
    ]  # fmt: skip
