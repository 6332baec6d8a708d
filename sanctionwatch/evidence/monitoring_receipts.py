"""Signed receipts of monitoring runs: one per customer a run screened, signed as one batch.

A monitoring command (a re-screen, an import that screens, an update's delta) may run the monitor more
than once; every customer each run screened gets a receipt (channel `monitoring`), and all of them are
signed together once the command's runs are done: one audit record, one Merkle root. A customer's
receipt is that of a party screening (`evidence.party_receipt`): its names, schema, birth dates,
countries and identifiers as the monitor screened them, with every hit of that screening. `extra` names
the run (`run`: its id, also in the run's own audit record and report; `kind`: customers, full or
delta) and the customer (`customer`: its id, `customer_hash`: the state of its record, as its alerts
hold it). A delta run screens only the customers that could match a party it looks at: only they get a
receipt, and its alerts are raised only for hits on those parties (the receipt holds all the hits).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Engine

from sanctionwatch.errors import ConflictError
from sanctionwatch.evidence.party_receipt import party_receipt_body
from sanctionwatch.evidence.receipt import Channel, Issued, ReceiptBatch, Settings
from sanctionwatch.evidence.signing import SigningKey
from sanctionwatch.monitoring.customer import Customer
from sanctionwatch.monitoring.rescreen import CustomerScreen
from sanctionwatch.registry.store import Registry

__all__ = ["MonitoringReceipts"]


def _given(customer: Customer) -> dict[str, Any]:
    """The customer's values that screening reads (its other attributes are not screened, nor kept)."""
    return {
        "id": customer.id,
        "schema": customer.schema,
        "names": list(customer.names),
        "birth_dates": list(customer.birth_dates),
        "countries": list(customer.countries),
        "identifiers": list(customer.identifiers),
    }


class MonitoringReceipts:
    """Collects the receipt of every customer screened (`add` is the Monitor's `on_screened`), then
    signs them as one batch. The batch takes its settings and list versions from the first customer
    screened; a later one screened otherwise is refused, for one batch cannot say two things."""

    def __init__(self, registry: Registry, *, actor: str) -> None:
        self.registry, self.actor = registry, actor
        self._batch: ReceiptBatch | None = None
        self._screened_as: tuple[float, int, dict[str, int]] | None = None
        self.kinds: dict[str, int] = {}  # run kind -> receipts

    def __enter__(self) -> MonitoringReceipts:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._batch is not None:
            self._batch.__exit__()

    def __len__(self) -> int:
        return 0 if self._batch is None else len(self._batch)

    def add(self, screen: CustomerScreen) -> None:
        batch = self._batch_for(screen.threshold, screen.limit, screen.list_versions)
        customer, run = screen.customer, screen.run
        extra = {"run": run.id, "kind": run.trigger, "customer": customer.id, "customer_hash": customer.hash}
        body = party_receipt_body(
            customer.party(), screen.hits, screen.error, given=_given(customer), channel=batch.channel,
            actor=self.actor, settings=Settings(screen.threshold, screen.limit), lists=batch.lists, extra=extra,
        )  # fmt: skip
        batch.add_body(body)
        self.kinds[run.trigger] = self.kinds.get(run.trigger, 0) + 1

    def _batch_for(self, threshold: float, limit: int, versions: Mapping[str, int]) -> ReceiptBatch:
        screened_as = (threshold, limit, dict(versions))
        if self._batch is None:
            # The versions the monitor screened against, read by their numbers (not "the active ones
            # now", which an activation in between would change).
            infos = [self.registry.version(source, number) for source, number in sorted(versions.items())]
            self._batch = ReceiptBatch(
                channel=Channel.MONITORING,
                actor=self.actor,
                settings=Settings(threshold, limit),
                versions=infos,
            )
            self._screened_as = screened_as
        elif screened_as != self._screened_as:
            raise ConflictError(
                f"monitoring receipts: a run screened with {screened_as}, an earlier one with "
                f"{self._screened_as}; one batch of receipts cannot hold both"
            )
        return self._batch

    def sign(self, engine: Engine, key: SigningKey, write: Callable[[str, int], None]) -> Issued | None:
        """Sign the batch (its audit record appended) and hand each receipt to `write`; None when no
        customer was screened (no receipt, no record)."""
        if self._batch is None or not len(self._batch):
            return None
        runs = ", ".join(f"{count} {kind}" for kind, count in sorted(self.kinds.items()))
        return self._batch.sign(engine, key, write, subject=f"monitoring: {runs}")
