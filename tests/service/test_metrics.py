"""GET /metrics and /readyz show the work owed: customers stored but not yet screened."""

from __future__ import annotations

from sanctionwatch.access.roles import Role
from sanctionwatch.db.engine import connect
from sanctionwatch.monitoring.customer import Customer
from sanctionwatch.monitoring.customer_store import Customers
from tests.service.conftest import Service


def _metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.rsplit(" ", 1)[0] == name:
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in the metrics:\n{text}")


def test_unscreened_customers_show_in_the_metrics_and_readiness(service: Service) -> None:
    engine = connect(service.database)
    try:
        store = Customers(engine)
        before = store.unscreened_count()
        store.upsert(
            [Customer(id=f"owed-{i}", schema="Person", names=(f"Owed Person {i}",)) for i in range(3)]
        )
    finally:
        engine.dispose()
    with service.client(Role.VIEWER) as client:
        metrics = client.get("/metrics")
        ready = client.get("/readyz")
    assert metrics.status_code == 200 and metrics.headers["content-type"].startswith("text/plain")
    assert _metric(metrics.text, 'sanctionwatch_customers{state="unscreened"}') == before + 3
    assert ready.json()["customers_unscreened"] == before + 3
    assert 'sanctionwatch_list_active_version{source="ofac-sdn"}' in metrics.text
    assert 'sanctionwatch_alerts{status="open"}' in metrics.text
    with service.client() as anonymous:
        assert anonymous.get("/metrics").status_code == 401
