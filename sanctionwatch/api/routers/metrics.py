"""Prometheus metrics: what an operator must be alerted to, read from the database at each scrape.

Computed from the database rather than counted in process memory, so every worker process answers the
same figures and a restart loses nothing. The one that matters most is the work owed: customers stored
but not screened against the whole registry (an import or a screen that was killed half-way) must show
until the next screening command makes them up, never pass unseen.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine

from sanctionwatch.api.security import Viewer
from sanctionwatch.api.state import state_of
from sanctionwatch.db.engine import as_utc
from sanctionwatch.monitoring.alerts import Alerts, Status
from sanctionwatch.monitoring.customer_store import Customers
from sanctionwatch.registry.freshness import FreshnessState, freshness_of
from sanctionwatch.registry.store import Registry

router = APIRouter(tags=["Health"])


class _DatabaseFigures(Collector):
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        customers = Customers(self.engine)
        total, unscreened = customers.count(), customers.unscreened_count()
        gauge = GaugeMetricFamily("sanctionwatch_customers", "Monitored customers", labels=["state"])
        gauge.add_metric(["screened"], total - unscreened)
        gauge.add_metric(["unscreened"], unscreened)
        yield gauge
        alerts = GaugeMetricFamily("sanctionwatch_alerts", "Alerts by case status", labels=["status"])
        counts = Alerts(self.engine).counts()
        for status in Status:
            alerts.add_metric([status.value], counts.get(status.value, 0))
        yield alerts
        versions = Registry(self.engine).active_versions()
        number = GaugeMetricFamily(
            "sanctionwatch_list_active_version", "Active version of each list", labels=["source"]
        )
        parties = GaugeMetricFamily(
            "sanctionwatch_list_parties", "Parties in the active version", labels=["source"]
        )
        age = GaugeMetricFamily(
            "sanctionwatch_list_age_seconds",
            "Seconds since the active version was fetched",
            labels=["source"],
        )
        now = datetime.now(UTC)
        for version in versions:
            number.add_metric([version.source], version.number)
            parties.add_metric([version.source], version.entity_count)
            age.add_metric([version.source], (now - as_utc(version.fetched)).total_seconds())
        yield from (number, parties, age)
        yield from _freshness(Registry(self.engine))


def _freshness(registry: Registry) -> Iterator[Metric]:
    """Per official source, from its check records (registry/freshness.py): the state as one gauge per
    state (1 for the current one, so an alert rule reads `sanctionwatch_list_freshness{state="stale"} == 1`),
    the newest official file's age, the last check and success times, and the checks and failures."""
    state = GaugeMetricFamily(
        "sanctionwatch_list_freshness", "Freshness state of each official list", labels=["source", "state"]
    )
    file_age = GaugeMetricFamily(
        "sanctionwatch_list_file_age_seconds",
        "Age of the newest official file: its publication date, else when it was first seen",
        labels=["source"],
    )
    checked = GaugeMetricFamily(
        "sanctionwatch_list_last_check_timestamp_seconds", "Time of the last check", labels=["source"]
    )
    succeeded = GaugeMetricFamily(
        "sanctionwatch_list_last_success_timestamp_seconds",
        "Time of the last successful check",
        labels=["source"],
    )
    checks = CounterMetricFamily(
        "sanctionwatch_list_checks", "Checks of the official download", labels=["source"]
    )
    failures = CounterMetricFamily(
        "sanctionwatch_list_check_failures", "Failed checks of the official download", labels=["source"]
    )
    for f in freshness_of(registry):
        for each in FreshnessState:
            state.add_metric([f.source, each.value], 1 if f.state is each else 0)
        if f.age_seconds is not None:
            file_age.add_metric([f.source], f.age_seconds)
        if (record := f.record) is not None:
            checked.add_metric([f.source], record.last_check_at.timestamp())
            if record.last_success_at is not None:
                succeeded.add_metric([f.source], record.last_success_at.timestamp())
        checks.add_metric([f.source], f.record.checks if f.record else 0)
        failures.add_metric([f.source], f.record.failures if f.record else 0)
    yield from (state, file_age, checked, succeeded, checks, failures)


@router.get(
    "/metrics",
    dependencies=[Viewer],
    summary="Prometheus metrics: customers owed a screen, alerts by status, the active lists and their age",
    response_class=Response,
    # Prometheus' text exposition format, not JSON: declared as text, with no model.
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
def metrics(request: Request) -> Response:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_DatabaseFigures(state_of(request).registry.engine))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
