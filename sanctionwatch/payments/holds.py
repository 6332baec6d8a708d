"""The hold queue: every screened message recorded, every held one a case, a release remembered.

A held message opens an alert (trigger "payment") in the same transaction as its row and its audit
record, so that the alerts' four-eyes workflow (cases.workflow: one person proposes, another confirms)
decides it: a confirmed *false positive* releases the message, a confirmed *true match* rejects it. The
message's state is read from its case, never stored twice. A message released once is not held again for
the same hits: the same message (its digest) with the same hits passes, naming the case that released it;
any new hit, or a change to the message, holds it again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine, and_, insert, select

from sanctionwatch.db.engine import as_utc
from sanctionwatch.monitoring import tables as mt
from sanctionwatch.monitoring.alerts import CLEARED, Status
from sanctionwatch.monitoring.alerts import Decision as CaseDecision
from sanctionwatch.payments import tables as t
from sanctionwatch.payments.decision import Decision, HitKind, PaymentDecision
from sanctionwatch.registry import audit

__all__ = ["TRIGGER", "PaymentHolds", "PaymentState"]

TRIGGER = "payment"
MAX_MESSAGE = 1_000_000  # characters of the message kept for the reviewer


class PaymentState(StrEnum):
    """Where a screened message stands."""

    PASSED = "passed"  # no hit (or the same hits released before)
    HELD = "held"  # its case is open, in review or proposed
    RELEASED = "released"  # a second person confirmed: false positive
    REJECTED = "rejected"  # a second person confirmed: true match


def state_of(decision: str, case_status: str | None, case_decision: str | None) -> PaymentState:
    if decision == Decision.PASS.value:
        return PaymentState.PASSED
    if case_status in CLEARED:
        return (
            PaymentState.RELEASED
            if case_decision == CaseDecision.FALSE_POSITIVE.value
            else PaymentState.REJECTED
        )
    return PaymentState.HELD


class PaymentHolds:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(self, decision: PaymentDecision, *, actor: str, message: str | None = None) -> dict[str, Any]:
        """Keep one screened message; a hold opens its case. Returns the stored screening (as `get`)."""
        now = datetime.now(UTC)
        hits_digest = hashlib.sha256(decision.hits_fingerprint().encode()).hexdigest()
        with self.engine.begin() as conn:
            if decision.decision is Decision.HOLD and _releasable(decision):
                released = conn.execute(
                    select(mt.alerts.c.id)
                    .select_from(
                        t.payment_screenings.join(
                            mt.alerts, mt.alerts.c.id == t.payment_screenings.c.alert_id
                        )
                    )
                    .where(
                        t.payment_screenings.c.digest == decision.digest,
                        t.payment_screenings.c.hits_digest == hits_digest,
                        mt.alerts.c.status.in_(CLEARED),
                        mt.alerts.c.decision == CaseDecision.FALSE_POSITIVE.value,
                    )
                    .order_by(mt.alerts.c.id.desc())
                    .limit(1)
                ).scalar()
                if released is not None:
                    decision.decision = Decision.PASS
                    decision.released_by_case = int(released)
                    decision.notes.append(
                        f"the same message with the same hits was released in case {released}: passed"
                    )
            row = {
                "source": decision.source[:2000],
                "message_type": decision.message_type,
                "reference": (decision.reference or "")[:200] or None,
                "uetr": (decision.uetr or "")[:64] or None,
                "digest": decision.digest,
                "decision": decision.decision.value,
                "reasons": decision.reasons,
                "hits": [h.to_json() for h in decision.hits],
                "hits_digest": hits_digest,
                "list_versions": decision.list_versions,
                "engine_version": decision.engine_version,
                "screened_at": now,
                "screened_by": actor[:200],
                "released_by": decision.released_by_case,
                "message": message[:MAX_MESSAGE] if message is not None else None,
            }
            screening_id = conn.execute(
                insert(t.payment_screenings).values(row).returning(t.payment_screenings.c.id)
            ).scalar_one()
            alert_id = None
            if decision.decision is Decision.HOLD:
                alert_id = self._open_case(conn, screening_id, decision, hits_digest, now)
                conn.execute(
                    t.payment_screenings.update()
                    .where(t.payment_screenings.c.id == screening_id)
                    .values(alert_id=alert_id)
                )
                audit.append(
                    conn,
                    actor=actor,
                    action="payment.held",
                    subject=f"payment {screening_id}",
                    details={
                        "reference": decision.reference,
                        "uetr": decision.uetr,
                        "digest": decision.digest,
                        "reasons": decision.reasons,
                        "case": alert_id,
                        "list_versions": decision.list_versions,
                    },
                )
        found = self.get(screening_id)
        assert found is not None
        return found

    @staticmethod
    def _open_case(
        conn: Connection, screening_id: int, decision: PaymentDecision, hits_digest: str, now: datetime
    ) -> int:
        """The alert that is the held message's case: the strongest listed hit names the party (an
        embargo or an unreadable message names its kind), the explanation holds every hit."""
        listed = [h for h in decision.hits if h.entity_id is not None]
        top = max(listed, key=lambda h: h.score or 0.0) if listed else decision.hits[0]
        entity = top.entity_id or (f"embargo:{top.code}" if top.code else top.kind.value)
        row = {
            "customer_id": f"payment:{screening_id}",
            "entity_id": entity,
            "source_ids": sorted({s for h in listed if h.hit is not None for s in h.hit.source_ids}),
            "score": float(top.score) if top.score is not None else 1.0,
            "explanation": {
                **(top.hit.explanation_json() if top.hit is not None else {}),  # the case page's "why"
                "payment": screening_id,
                "message_type": decision.message_type,
                "reference": decision.reference,
                "caption": top.caption or top.why,
                "matched_name": top.value,
                "reasons": decision.reasons,
                "hits": [h.to_json() for h in decision.hits],
            },
            "customer_hash": decision.digest,
            "record_hash": hits_digest,
            "list_version": ", ".join(decision.list_versions)[:64],
            "engine_version": decision.engine_version,
            "trigger": TRIGGER,
            "status": Status.OPEN.value,
            "revision": 0,
            "created_at": now,
            "updated_at": now,
        }
        alert_id = int(conn.execute(insert(mt.alerts).values(row).returning(mt.alerts.c.id)).scalar_one())
        conn.execute(
            insert(mt.case_events).values(
                alert_id=alert_id,
                at=now,
                actor="system",
                action="opened",
                to_status=Status.OPEN.value,
                text=f"payment {screening_id} held: {'; '.join(decision.reasons)}"[:4000],
            )
        )
        return alert_id

    def get(self, screening_id: int) -> dict[str, Any] | None:
        found = self._select(t.payment_screenings.c.id == screening_id, limit=1)
        return found[0] if found else None

    def recent(self, *, state: PaymentState | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """The newest screenings first; `state` narrows to held, released, rejected or passed ones."""
        p, a = t.payment_screenings.c, mt.alerts.c
        condition: Any = None
        if state is PaymentState.PASSED:
            condition = p.decision == Decision.PASS.value
        elif state is PaymentState.HELD:
            condition = and_(p.decision == Decision.HOLD.value, a.status.not_in(CLEARED))
        elif state in (PaymentState.RELEASED, PaymentState.REJECTED):
            wanted = (
                CaseDecision.FALSE_POSITIVE if state is PaymentState.RELEASED else CaseDecision.TRUE_MATCH
            )
            condition = and_(a.status.in_(CLEARED), a.decision == wanted.value)
        return self._select(condition, limit=limit)

    def _select(self, condition: Any, *, limit: int) -> list[dict[str, Any]]:
        p, a = t.payment_screenings.c, mt.alerts.c
        query = (
            select(t.payment_screenings, a.status.label("case_status"), a.decision.label("case_decision"))
            .select_from(t.payment_screenings.outerjoin(mt.alerts, a.id == p.alert_id))
            .order_by(p.id.desc())
            .limit(limit)
        )
        if condition is not None:
            query = query.where(condition)
        with self.engine.connect() as conn:
            return [screening_json(row._mapping) for row in conn.execute(query)]


def _releasable(decision: PaymentDecision) -> bool:
    """A release covers what a person looked at: never an unreadable message or lists too old."""
    return not any(h.kind in (HitKind.UNREADABLE, HitKind.STALE_LISTS) for h in decision.hits)


def screening_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    """A stored screening as the CLI's --json, the API and the pages show it."""
    return {
        "id": row["id"],
        "state": state_of(row["decision"], row["case_status"], row["case_decision"]).value,
        "decision": row["decision"],
        "case": row["alert_id"],
        "case_status": row["case_status"],
        "released_by_case": row["released_by"],
        "source": row["source"],
        "message_type": row["message_type"],
        "reference": row["reference"],
        "uetr": row["uetr"],
        "digest": row["digest"],
        "reasons": row["reasons"],
        "hits": row["hits"],
        "list_versions": row["list_versions"],
        "engine_version": row["engine_version"],
        "screened_at": as_utc(row["screened_at"]).isoformat(timespec="seconds"),
        "screened_by": row["screened_by"],
        "message": row["message"],
    }
