"""The management report's body (GET /reports): `evidence.reports.ManagementReport.to_json`, field by field."""

from __future__ import annotations

from pydantic import BaseModel, Field


class PeriodBody(BaseModel):
    since: str | None = Field(description="First day (UTC) of the period; null: from the first record")
    until: str = Field(description="Last day (UTC) of the period, included")


class AgeBandBody(BaseModel):
    band: str
    from_days: int
    to_days: int | None
    count: int


class DecisionTimesBody(BaseModel):
    decided: int
    median_hours: float | None
    p90_hours: float | None = Field(description="90th percentile, by nearest rank")


class AlertFiguresBody(BaseModel):
    raised: int
    by_status: dict[str, int]
    by_age: list[AgeBandBody]
    time_to_decision: DecisionTimesBody


class RateBody(BaseModel):
    key: str = Field(description="A list, a programme, or all")
    decided: int
    false_positives: int
    rate: float | None = Field(description="false_positives / decided, 4 decimals; null when none decided")


class FalsePositivesBody(BaseModel):
    name_hit_triggers: list[str]
    overall: RateBody
    by_source: list[RateBody]
    by_programme: list[RateBody]


class DayCountBody(BaseModel):
    day: str
    single: int
    single_unrecorded: int
    file_rows: int
    files: int
    monitoring_customers: int
    monitoring_runs: int
    payments: int


class ScreeningsBody(BaseModel):
    origins: dict[str, str] = Field(description="Each column of `days`, and the record it counts")
    days: list[DayCountBody]
    totals: dict[str, int]


class ListStandingBody(BaseModel):
    source: str
    active_version: int | None
    published: str | None
    fetched: str | None
    activated_at: str | None
    state: str | None = Field(description="fresh, stale, failing, never-checked; null: not an official list")
    age: str | None
    reason: str | None
    last_check_at: str | None
    last_success_at: str | None


class ReportResponse(BaseModel):
    """GET /reports: alerts, false positives, screenings per day and the lists' freshness for a period."""

    generated_at: str
    period: PeriodBody
    definitions: dict[str, str] = Field(description="What each part counts")
    alerts: AlertFiguresBody
    false_positives: FalsePositivesBody
    screenings: ScreeningsBody
    lists: list[ListStandingBody]
