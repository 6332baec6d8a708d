"""Payment screening over HTTP: a wire screened, held, released by two people, and passed when sent again.

The shared service runs on the shipped sample lists, dated long ago: there every message is held for the
lists' age (fail closed). The module's own service allows old lists (SANCTIONWATCH_PAYMENT_MAX_LIST_AGE_DAYS),
so that the hits themselves decide.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from sanctionwatch.access.roles import Role
from sanctionwatch.api.routers import payments as router
from sanctionwatch.ownership.assembly import Network
from sanctionwatch.payments.screening import ListState
from sanctionwatch.registry.store import VersionInfo
from sanctionwatch.registry.tables import VersionStatus
from sanctionwatch.screening.live import Snapshot
from sanctionwatch.screening.screener import Screener
from tests.payments.conftest import listed
from tests.service.conftest import Service, person_key, seeded_service

MT = Path(__file__).resolve().parents[1] / "fixtures" / "payments" / "mt"
LISTED = (MT / "mt103_listed_beneficiary.fin").read_bytes()
ORDINARY = (MT / "mt103_ordinary.fin").read_bytes()


@pytest.fixture(scope="module")
def payments(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    scratch = tmp_path_factory.mktemp("payments")
    url = f"sqlite:///{scratch / 'registry.db'}"
    with seeded_service(url, scratch, payment_max_list_age_days=100_000) as running:
        yield running


def screen(client: httpx.Client, body: bytes, **params: Any) -> list[dict[str, Any]]:
    response = client.post("/payments/screen", content=body, params=params)
    assert response.status_code == 200, response.text
    messages: list[dict[str, Any]] = response.json()["messages"]
    return messages


def step(client: httpx.Client, case: int, **body: str) -> None:
    response = client.post(f"/alerts/{case}/steps", json=body)
    assert response.status_code == 200, response.text


def test_old_lists_hold_every_message_and_say_why(service: Service) -> None:
    with service.client(Role.ANALYST) as client:
        [decision] = screen(client, ORDINARY, record="false")
    assert decision["decision"] == "hold"
    stale = [h for h in decision["hits"] if h["kind"] == "stale_lists"]
    assert stale and all("ofac-sdn" in h["why"] or "un" in h["why"] for h in stale)


def test_a_listed_beneficiary_is_held_released_by_two_people_and_then_passes(payments: Service) -> None:
    def as_person(name: str, role: str) -> httpx.Client:
        key = person_key(payments.database, name, role)
        return httpx.Client(base_url=payments.url, headers={"Authorization": f"ApiKey {key}"}, timeout=30)

    with as_person("ana", "analyst") as analyst, as_person("abe", "approver") as approver:
        [held] = screen(analyst, LISTED)
        assert (held["decision"], held["state"], held["message_type"]) == ("hold", "held", "MT103")
        hit = next(h for h in held["hits"] if h["kind"] == "name")
        assert hit["field"] == "59" and "KOREA MINING DEVELOPMENT" in hit["caption"]
        assert hit["explanation"] and held["list_versions"] and held["engine_version"]
        queue = analyst.get("/payments", params={"state": "held"}).json()["payments"]
        assert held["id"] in [p["id"] for p in queue]

        case = held["case"]
        step(analyst, case, action="review")
        step(analyst, case, action="propose", decision="false_positive", reason="Berlin buyer, not KOMID")
        refused = analyst.post(f"/alerts/{case}/steps", json={"action": "confirm"})
        assert refused.status_code == 403  # the proposer may not release it
        assert analyst.get(f"/payments/{held['id']}").json()["state"] == "held"
        step(approver, case, action="confirm")
        shown = analyst.get(f"/payments/{held['id']}").json()
        assert shown["state"] == "released" and shown["message"].startswith("{1:F01UBSWCHZH")

        [again] = screen(analyst, LISTED)
        assert (again["decision"], again["released_by_case"], again["case"]) == ("pass", case, None)


def test_an_ordinary_wire_passes_and_is_recorded(payments: Service) -> None:
    with payments.client(Role.ANALYST) as client:
        [passed] = screen(client, ORDINARY)
        assert (passed["decision"], passed["hits"], passed["case"]) == ("pass", [], None)
        assert client.get(f"/payments/{passed['id']}").json()["state"] == "passed"
        [dry] = screen(client, ORDINARY, record="false")
        assert "id" not in dry


def test_a_message_that_cannot_be_read_is_held_naming_the_field(payments: Service) -> None:
    broken = ORDINARY.replace(b"-}", b"")  # block 4 never closed
    with payments.client(Role.ANALYST) as client:
        [held] = screen(client, broken)
        assert held["decision"] == "hold" and held["message_type"] is None
        assert [h["kind"] for h in held["hits"]] == ["unreadable"] and "block 4" in held["hits"][0]["why"]
        [neither] = screen(client, b"hello, this is no payment")
        assert neither["decision"] == "hold" and "neither" in neither["hits"][0]["why"]


def test_an_unknown_parameter_is_refused_and_a_viewer_may_not_screen(payments: Service) -> None:
    with payments.client(Role.ANALYST) as client:
        refused = client.post("/payments/screen", content=ORDINARY, params={"fuzzy": "true"})
        assert refused.status_code == 400 and "fuzzy" in refused.json()["detail"]
        assert client.get("/payments", params={"state": "lost"}).status_code == 422
    with payments.client(Role.VIEWER) as viewer:
        assert viewer.post("/payments/screen", content=ORDINARY).status_code == 403


def test_the_service_keeps_one_payment_screener_per_snapshot_lists_and_threshold() -> None:
    """Its cache of name screens lives as long as the snapshot: the same counterparties, screened again
    by the next request, cost a lookup."""
    first = Snapshot(Screener.from_entities(listed()), (), 0.0)
    lists = ListState(("ofac-sdn/1",))
    network = Network.build(first.screener)
    one = router._payment_screener(first, lists, None, network)
    assert router._payment_screener(first, lists, None, network) is one
    assert router._payment_screener(first, lists, 0.6, network) is not one
    assert router._payment_screener(first, ListState(("ofac-sdn/1",), ("stale",)), None, network) is not one
    # An ownership import makes a new network: the screener must screen against it.
    assert router._payment_screener(first, lists, None, Network.build(first.screener)) is not one
    later = Snapshot(first.screener, (replace(_version(), id=2),), 0.0)
    assert router._payment_screener(later, lists, None, network) is not one
    assert len(router._screeners) == 1  # a new snapshot starts afresh


def _version() -> VersionInfo:
    return VersionInfo(
        1, "ofac-sdn", 1, None, datetime.now(UTC), "csv", [], 0, {}, VersionStatus.ACTIVE, None, None
    )
