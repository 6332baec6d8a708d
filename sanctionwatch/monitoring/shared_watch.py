"""Customers sharing a phone, an e-mail, an address, a wallet, a registration or an IMO number with a
listed party: alerts of their own trigger, `shared-value`, naming what is shared.

A front company rarely carries a listed name; it often keeps the listed party's switchboard, mailbox
or office. The values are compared as `ownership.shared_index` normalizes them, with its two guards
against floods: a value that many listed parties hold (a ministry's seat) and a listed value that many
customers match (a registered agent's address) are withheld from the alerts and counted in the run's
result instead, so that they are seen once rather than raised a thousand times.

The scan reads the whole customer base, because the second guard counts customers over all of it.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from sanctionwatch.monitoring.alerts import Alerts, Finding
from sanctionwatch.monitoring.customer_store import Customers
from sanctionwatch.monitoring.rescreen import ScreeningRun
from sanctionwatch.ownership.shared_index import ScanResult, SharedMatch, SharedValueIndex, SharedValueScan
from sanctionwatch.ownership.shared_values import customer_values
from sanctionwatch.registry.audit import AuditLog
from sanctionwatch.screening.query import Hit
from sanctionwatch.screening.screener import Screener

__all__ = ["SHARED_TRIGGER", "SharedValueRun", "SharedValueWatch"]

SHARED_TRIGGER = "shared-value"


@dataclass(slots=True)
class SharedValueRun:
    run: ScreeningRun
    result: ScanResult | None = None
    withheld: list[dict[str, Any]] = field(default_factory=list)  # common and crowded values, with counts

    def to_json(self) -> dict[str, Any]:
        return {**self.run.to_json(), "withheld": self.withheld}


class SharedValueWatch:
    def __init__(
        self, engine: Engine, screener: Screener, list_versions: dict[str, int], *, actor: str = "system"
    ) -> None:
        self.engine = engine
        self.screener = screener
        self.list_versions = list_versions
        self.actor = actor

    def run(self) -> SharedValueRun:
        started = time.perf_counter()
        entities = self.screener.index.entities
        index = SharedValueIndex((e.id, e) for e in entities)
        scan = SharedValueScan(index)
        customers: dict[str, str] = {}  # id -> hash, of those with matches only
        for batch in Customers(self.engine).iter_all():
            for customer in batch:
                if scan.add(
                    customer.id,
                    customer_values(customer.attributes, customer.identifiers, customer.countries),
                ):
                    customers[customer.id] = customer.hash
        result = scan.result()
        findings = [
            self._finding(shares.customer, customers[shares.customer], party, matches)
            for shares in result.alerts
            for party, matches in _by_party(shares.matches).items()
        ]
        out = SharedValueRun(
            ScreeningRun(SHARED_TRIGGER, customers=result.customers, hits=len(findings)), result
        )
        out.withheld = [
            {
                "kind": c.kind.value,
                "value": c.shown,
                "parties": list(c.parties),
                "customers": c.customers,
                "why": "common",
            }
            for c in result.common
        ] + [
            {
                "kind": h.value.kind.value,
                "value": h.value.shown,
                "parties": h.value.parties,
                "customers": h.customers,
                "why": "crowded",
            }
            for h in result.crowded
        ]
        raised = Alerts(self.engine).raise_alerts(
            findings, trigger=SHARED_TRIGGER, actor=self.actor, list_versions=self.list_versions
        )
        out.run.alerts = raised.created
        out.run.already_alerted = raised.already_alerted
        out.run.suppressed = raised.suppressed
        out.run.seconds = time.perf_counter() - started
        AuditLog(self.engine).record(
            actor=self.actor,
            action=f"screening.{SHARED_TRIGGER}",
            subject=f"{result.customers} customers",
            # The values withheld from alerts are named here (the first 100), so that none is dropped unseen.
            details={
                "customers": result.customers,
                "hits": len(findings),
                "alerts_created": len(raised.created),
                "withheld": out.withheld[:100],
                "withheld_count": len(out.withheld),
            },
            list_versions=self.list_versions,
        )
        return out

    def _finding(
        self, customer_id: str, customer_hash: str, party: str, matches: list[tuple[SharedMatch, str]]
    ) -> Finding:
        index = self.screener.index
        position = index.position_of(party)
        entity = index.entities[position] if position is not None else None
        caption = entity.names[0].full if entity is not None and entity.names else party
        shared = [
            {"kind": m.kind.value, "customer_value": m.shown, "listed_value": listed} for m, listed in matches
        ]
        hit = Hit(
            entity_id=party,
            score=1.0,
            source_ids=[party],
            matched_name="; ".join(f"{s['kind']} {s['listed_value']}" for s in shared),
            caption=caption,
            schema=entity.schema if entity is not None else "",
            programs=list(entity.programs) if entity is not None else [],
        )
        state = hashlib.sha256(
            json.dumps(
                [
                    sorted((s["kind"], s["listed_value"]) for s in shared),
                    entity.content_hash() if entity else "",
                ]
            ).encode()
        ).hexdigest()
        source = entity.source if entity is not None else party.rsplit(":", 1)[0]
        versions = f"{source}/{self.list_versions.get(source, '?')}"
        return Finding(customer_id, customer_hash, hit, state, versions, party, {"shared": shared})


def _by_party(matches: tuple[SharedMatch, ...]) -> dict[str, list[tuple[SharedMatch, str]]]:
    """Each listed party the customer shares values with, and which (one alert per party)."""
    out: dict[str, list[tuple[SharedMatch, str]]] = defaultdict(list)
    for match in matches:
        for listed in match.parties:
            out[listed.party].append((match, listed.shown))
    return dict(out)
