"""Customers blocked by ownership or control, or tied to a listed party: alerts when the network makes
one blocked (or no longer), and for a customer within two links of a listed party.

A customer can be blocked without any list naming it: an imported holdings file may say that a listed
party owns it (`customer:ID` in the file), or its name may be that of an entity the lists' links or
the files make blocked (a subsidiary the UK names, a company two listed persons own 62.5 % of). Both
are alerts of their own trigger, `ownership`, decided by the same four-eyes cases as name matches.

The alert's state is the finding itself (each rule's standing, share and the owners that count), so a
changed chain alerts again and an unchanged one does not. When a customer alerted as blocked is no
longer blocked (a holding ended, a party was de-listed), a `clear` alert asks a person to confirm it:
nothing is unblocked without someone looking. A customer the holdings files tie to a listed party
within two links (it owns, is owned by, or shares a director with it) that no rule blocks is a
`linked` alert, with the paths: a front company is often exactly that.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from sanctionwatch.db.tables import meta
from sanctionwatch.matching.tuning import TUNING
from sanctionwatch.monitoring import tables as t
from sanctionwatch.monitoring.alerts import Alerts, Finding
from sanctionwatch.monitoring.customer import Customer
from sanctionwatch.monitoring.customer_store import Customers
from sanctionwatch.monitoring.rescreen import ScreeningRun
from sanctionwatch.ownership.aggregate import Finding as RuleFinding
from sanctionwatch.ownership.assembly import Network
from sanctionwatch.ownership.rules import Authority
from sanctionwatch.ownership.store import CUSTOMER_NODE
from sanctionwatch.registry.audit import AuditLog
from sanctionwatch.screening.query import Hit, Query, QueryError

__all__ = ["CLEAR", "LINKED", "OWNERSHIP_TRIGGER", "OwnershipWatch"]

OWNERSHIP_TRIGGER = "ownership"
CLEAR = "clear"
LINKED = "linked"  # within two links of a listed party, blocked by no rule
_META_KEY = "ownership_state"  # the digest of the network at the last whole run (_state_digest)


class OwnershipWatch:
    """Raises the ownership alerts of one network against the customer base."""

    def __init__(
        self, engine: Engine, network: Network, list_versions: dict[str, int], *, actor: str = "system"
    ) -> None:
        self.engine = engine
        self.network = network
        self.list_versions = list_versions
        self.actor = actor
        self.customers = Customers(engine)
        self.alerts = Alerts(engine)

    def run_if_changed(self, new_customers: Collection[str] = ()) -> ScreeningRun | None:
        """After a list or file change: the whole base when the network changed since the last run (what
        it flags, or its holdings: alerts may need raising or clearing), else only the customers added
        or changed."""
        digest = self._state_digest()
        with self.engine.connect() as conn:
            last = conn.execute(select(meta.c.value).where(meta.c.name == _META_KEY)).scalar()
        if last != digest:
            run = self.run()
        elif new_customers:
            run = self.run(ids=new_customers)
        else:
            return None
        with self.engine.begin() as conn:
            conn.execute(delete(meta).where(meta.c.name == _META_KEY))
            conn.execute(insert(meta).values(name=_META_KEY, value=digest))
        return run

    def run(self, *, ids: Collection[str] | None = None, threshold: float = TUNING.threshold) -> ScreeningRun:
        """Customers (every one, or those given): by key in the network, and by name against entities
        blocked by ownership. Clearing alerts are raised only on a run over every customer."""
        started = time.perf_counter()
        run = ScreeningRun(OWNERSHIP_TRIGGER)
        findings: list[Finding] = []
        flagged = self.network.flagged()
        keyed = {
            node[len(CUSTOMER_NODE) :]: found
            for node, found in flagged.items()
            if node.startswith(CUSTOMER_NODE)
        }
        active = self.network.active
        in_graph = {
            node[len(CUSTOMER_NODE) :]
            for node in itertools.chain(active.by_owner, active.by_owned)
            if node.startswith(CUSTOMER_NODE)
        }
        batches = self.customers.iter_all() if ids is None else [self.customers.many(ids)]
        for batch in batches:
            for customer in batch:
                run.customers += 1
                found = keyed.get(customer.id)
                if found:
                    findings.append(self._finding(customer, CUSTOMER_NODE + customer.id, found, 1.0))
                elif customer.id in in_graph:
                    findings.extend(self._linked(customer, CUSTOMER_NODE + customer.id))
                try:
                    hits = self.network.screen(_query(customer), threshold=threshold)
                except QueryError as exc:
                    run.failed.append((customer.id, str(exc)))
                    continue
                findings.extend(self._finding(customer, h.node, h.findings, h.hit.score, h.hit) for h in hits)
        if ids is None:
            findings.extend(self._cleared(findings))
        run.hits = len(findings)
        raised = self.alerts.raise_alerts(
            findings, trigger=OWNERSHIP_TRIGGER, actor=self.actor, list_versions=self.list_versions
        )
        run.alerts = raised.created
        run.already_alerted = raised.already_alerted
        run.suppressed = raised.suppressed
        run.seconds = time.perf_counter() - started
        AuditLog(self.engine).record(
            actor=self.actor,
            action=f"screening.{OWNERSHIP_TRIGGER}",
            subject=f"{run.customers} customers",
            details={
                "customers": run.customers,
                "hits": run.hits,
                "alerts_created": len(run.alerts),
                "flagged": len(flagged),
            },
            list_versions=self.list_versions,
        )
        return run

    def _finding(
        self,
        customer: Customer,
        node: str,
        found: Mapping[Authority, RuleFinding],
        score: float,
        hit: Hit | None = None,
    ) -> Finding:
        rules = {a.value: self._rule_json(node, a, f) for a, f in sorted(found.items())}
        roots = sorted({c.owner for f in found.values() for c in f.contributions})
        name = self.network.name(node)
        shown = Hit(
            entity_id=node,
            score=score,
            source_ids=roots,
            matched_name=hit.matched_name if hit else name,
            caption=name,
            schema=hit.schema if hit else "LegalEntity",
            explanation=hit.explanation if hit else None,
        )
        state = _digest(
            {
                "node": node,
                "rules": {a: {k: v for k, v in r.items() if k != "chain"} for a, r in rules.items()},
            }
        )
        return Finding(customer.id, customer.hash, shown, state, self._versions(), node, {"ownership": rules})

    def _linked(self, customer: Customer, node: str) -> list[Finding]:
        """One finding per listed party within two links of the customer, with the paths to it."""
        by_party: dict[str, list[str]] = {}
        for path in self.network.near_listed(node):
            words = [path[0]] + [
                part if i % 2 == 1 else f"{self.network.name(part)} ({part})"
                for i, part in enumerate(path[1:], 1)
            ]
            by_party.setdefault(path[-1], []).append(" ".join(words[1:]))
        out = []
        for party, paths in sorted(by_party.items()):
            name = self.network.name(party)
            hit = Hit(party, 1.0, [party], name, name, "LegalEntity")
            details = {"ownership": LINKED, "paths": sorted(paths)}
            state = _digest({"party": party, "paths": sorted(paths)})
            out.append(Finding(customer.id, customer.hash, hit, state, self._versions(), party, details))
        return out

    def _rule_json(self, node: str, authority: Authority, finding: RuleFinding) -> dict[str, Any]:
        return {
            **self.network.finding_json(node, authority),
            "owners": sorted(f"{c.owner} {c.share}" for c in finding.contributions),
        }

    def _cleared(self, findings: Iterable[Finding]) -> list[Finding]:
        """A `clear` finding for each pair last alerted as blocked or to review that is no longer found."""
        current = {f.pair for f in findings}
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.alerts.c.customer_id, t.alerts.c.entity_id, t.alerts.c.explanation)
                .where(t.alerts.c.trigger == OWNERSHIP_TRIGGER)
                .order_by(t.alerts.c.id)
            )
            for customer_id, entity_id, explanation in rows:
                latest[(customer_id, entity_id)] = explanation or {}
        gone = [
            pair
            for pair, explanation in latest.items()
            if pair not in current and explanation.get("ownership") != CLEAR
        ]
        customers = {c.id: c for c in self.customers.many({customer_id for customer_id, _ in gone})}
        out = []
        for customer_id, node in gone:
            customer = customers.get(customer_id)
            if customer is None:
                continue  # deleted since: nothing to unblock
            name = self.network.name(node)
            hit = Hit(node, 1.0, [], name, name, "LegalEntity")
            out.append(
                Finding(
                    customer_id,
                    customer.hash,
                    hit,
                    _digest({"node": node, "rules": CLEAR}),
                    self._versions(),
                    node,
                    {"ownership": CLEAR},
                )
            )
        return out

    def _state_digest(self) -> str:
        """What the alerts depend on: every node a rule flags (with its name and standing) and every
        holding in force; a change in either is worth a run over the whole base."""
        flagged = self.network.flagged()
        holdings = self.network.active.by_owner
        return _digest(
            [
                sorted(
                    (
                        node,
                        self.network.name(node),
                        sorted((a.value, f.standing.value, f.share) for a, f in found.items()),
                    )
                    for node, found in flagged.items()
                ),
                sorted((h.owner, h.owned, h.share, h.kind.value) for held in holdings.values() for h in held),
            ]
        )

    def _versions(self) -> str:
        return ", ".join(f"{source}/{number}" for source, number in sorted(self.list_versions.items()))


def _query(customer: Customer) -> Query:
    return Query(
        customer.name, customer.schema or None, country=customer.countries[0] if customer.countries else None
    )


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()
