"""Alerts: a screening hit on a customer that somebody has to look at, raised once per pair and state.

The rule that keeps the queue workable: a (customer, listed party) pair alerts when it is new, or
when either side changed since it last alerted (the customer's record hash, the listed record's
hash). Re-screening the same customer base against the same lists raises nothing new while the pair's
alert is open or was decided a true match. A pair confirmed as a false positive stays quiet through
the good-guy list until either side changes or the entry expires; then it alerts again, for a fresh
look (a clearance is not forever).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, tuple_

from sanctionwatch import __version__
from sanctionwatch.db.engine import as_utc, take_lock
from sanctionwatch.monitoring import tables as t
from sanctionwatch.registry import audit
from sanctionwatch.screening.query import Hit

__all__ = ["CLEARED", "STATUSES", "Alerts", "Decision", "Finding", "Status"]


class Status(StrEnum):
    """Where an alert's case is (cases.workflow moves it on)."""

    OPEN = "open"
    IN_REVIEW = "in_review"
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    CLOSED = "closed"


class Decision(StrEnum):
    TRUE_MATCH = "true_match"
    FALSE_POSITIVE = "false_positive"


OPEN = Status.OPEN.value
STATUSES = tuple(s.value for s in Status)
CLEARED = (Status.CONFIRMED.value, Status.CLOSED.value)  # a decision confirmed by a second person
PAIR_CHUNK = 400  # (customer, entity) pairs looked up per statement


@dataclass(frozen=True, slots=True)
class Finding:
    """One hit of one customer, with both sides' record hashes as they were when it was screened."""

    customer_id: str
    customer_hash: str
    hit: Hit
    record_hash: str  # the listed party's state: all its linked records
    list_version: str  # "ofac-sdn/3" (or "ofac-sdn/3, un/2" for a party on several lists)
    party_id: str = ""  # the party's stable id (screening.party.party_key); the hit's record if empty
    # What the alert shows beyond the name match (ownership: each rule's standing, reason and chain).
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def pair(self) -> tuple[str, str]:
        return (self.customer_id, self.party_id or self.hit.entity_id)


@dataclass(slots=True)
class RaiseResult:
    created: list[dict[str, Any]]
    already_alerted: int  # the same pair in the same state has an alert (open or decided)
    suppressed: int  # on the good-guy list


def _now() -> datetime:
    return datetime.now(UTC)


def alert_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    """An alert as the CLI's --json and the API give it (the scripted interface: keep it stable)."""
    created = as_utc(row["created_at"])
    explanation = row.get("explanation") or {}
    return {
        "id": row["id"],
        "customer_id": row["customer_id"],
        "entity_id": row["entity_id"],
        "caption": explanation.get("caption", ""),  # the listed party's name
        "source_ids": list(row["source_ids"]),
        "score": round(float(row["score"]), 4),
        "status": row["status"],
        "list_version": row["list_version"],
        "engine_version": row["engine_version"],
        "trigger": row["trigger"],
        "assignee": row.get("assignee"),
        "decision": row.get("decision"),
        "reason": row.get("reason"),
        "proposed_by": row.get("proposed_by"),
        "confirmed_by": row.get("confirmed_by"),
        "created_at": created.isoformat(),
        "updated_at": as_utc(row["updated_at"]).isoformat(),
        "age_days": (_now() - created).days,
    }


class Alerts:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def raise_alerts(
        self,
        findings: Sequence[Finding],
        *,
        trigger: str,
        actor: str = "system",
        list_versions: Mapping[str, int] | None = None,
    ) -> RaiseResult:
        """Open a case for every finding whose pair is new or changed, in one transaction with its audit
        record; the alerts created (as alert_json)."""
        now = _now()
        result = RaiseResult([], 0, 0)
        if not findings:
            return result
        with self.engine.begin() as conn:
            # First: one screening raises at a time, or two runs would both find a pair new and both
            # open a case for it.
            take_lock(conn, "monitoring")
            known = self._known_states(conn, findings)
            quiet = self._good_guys(conn, findings, now)
            fresh: dict[tuple[str, str], Finding] = {}
            for finding in findings:
                pair = finding.pair
                state = (finding.customer_hash, finding.record_hash)
                cleared = known.get(pair, {}).get(state)
                if quiet.get(pair) == state:
                    result.suppressed += 1
                elif cleared is False:  # open, in review, or a true match: it is being dealt with
                    result.already_alerted += 1
                # Otherwise a new pair, a changed state, or a cleared false positive whose good-guy
                # entry expired (look again): one alert per pair, for its best-scoring finding.
                elif pair not in fresh or finding.hit.score > fresh[pair].hit.score:
                    fresh[pair] = finding
            for finding in fresh.values():
                row = self._row(finding, trigger, now)
                row["id"] = conn.execute(insert(t.alerts).values(row).returning(t.alerts.c.id)).scalar_one()
                conn.execute(
                    insert(t.case_events).values(
                        alert_id=row["id"], at=now, actor=actor, action="opened", to_status=OPEN,
                        text=f"score {finding.hit.score:.2f} on {finding.list_version} ({trigger})",
                    )
                )  # fmt: skip
                result.created.append(alert_json(row))
            if result.created:
                audit.append(
                    conn,
                    actor=actor,
                    action="alerts.created",
                    list_versions=list_versions,  # those screened against (default: the active ones)
                    subject=f"alerts {result.created[0]['id']}..{result.created[-1]['id']}",
                    details={
                        "trigger": trigger,
                        "alerts": [
                            [a["id"], a["customer_id"], a["entity_id"], a["score"]] for a in result.created
                        ],
                    },
                )
        return result

    @staticmethod
    def _row(finding: Finding, trigger: str, now: datetime) -> dict[str, Any]:
        hit = finding.hit
        return {
            "customer_id": finding.customer_id,
            "entity_id": finding.pair[1],
            "source_ids": list(hit.source_ids),
            "score": float(hit.score),
            "explanation": {
                "matched_name": hit.matched_name,
                "caption": hit.caption,
                "matched_record": hit.entity_id,
                "schema": hit.schema,
                "programs": hit.programs,
                **hit.explanation_json(),
                **finding.details,
            },
            "customer_hash": finding.customer_hash,
            "record_hash": finding.record_hash,
            "list_version": finding.list_version,
            "engine_version": __version__,
            "trigger": trigger,
            "status": OPEN,
            "revision": 0,
            "created_at": now,
            "updated_at": now,
        }

    @staticmethod
    def _known_states(
        conn: Connection, findings: Sequence[Finding]
    ) -> dict[tuple[str, str], dict[tuple[str, str], bool]]:
        """Per pair, the (customer hash, record hash) states it has alerted in, each with whether every
        alert in that state was cleared as a false positive (then only the good-guy list keeps it quiet)."""
        pairs = sorted({f.pair for f in findings})
        known: dict[tuple[str, str], dict[tuple[str, str], bool]] = {}
        a = t.alerts.c
        for start in range(0, len(pairs), PAIR_CHUNK):
            chunk = pairs[start : start + PAIR_CHUNK]
            rows = conn.execute(
                select(
                    a.customer_id, a.entity_id, a.customer_hash, a.record_hash, a.status, a.decision
                ).where(tuple_(a.customer_id, a.entity_id).in_(chunk))
            )
            for row in rows:
                states = known.setdefault((row.customer_id, row.entity_id), {})
                cleared = row.decision == Decision.FALSE_POSITIVE.value and row.status in CLEARED
                key = (row.customer_hash, row.record_hash)
                states[key] = states.get(key, True) and cleared
        return known

    @staticmethod
    def _good_guys(
        conn: Connection, findings: Sequence[Finding], now: datetime
    ) -> dict[tuple[str, str], tuple[str, str]]:
        """Pairs on the good-guy list and not expired, with the state they were cleared in."""
        pairs = sorted({f.pair for f in findings})
        g = t.good_guys.c
        out: dict[tuple[str, str], tuple[str, str]] = {}
        for start in range(0, len(pairs), PAIR_CHUNK):
            chunk = pairs[start : start + PAIR_CHUNK]
            rows = conn.execute(
                select(g.customer_id, g.entity_id, g.customer_hash, g.record_hash, g.expires_at).where(
                    tuple_(g.customer_id, g.entity_id).in_(chunk)
                )
            )
            for row in rows:
                if row.expires_at is None or as_utc(row.expires_at) > now:
                    out[(row.customer_id, row.entity_id)] = (row.customer_hash, row.record_hash)
        return out

    # ---- reading ---------------------------------------------------------------------------------

    def list(
        self,
        *,
        status: Iterable[str] = (),
        customer_id: str | None = None,
        assignee: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Alerts, oldest first (the queue's order), filtered by status, customer or assignee."""
        query = select(t.alerts).order_by(t.alerts.c.id)
        wanted = list(status)
        if wanted:
            query = query.where(t.alerts.c.status.in_(wanted))
        if customer_id is not None:
            query = query.where(t.alerts.c.customer_id == customer_id)
        if assignee is not None:
            query = query.where(t.alerts.c.assignee == assignee)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [alert_json(row._mapping) for row in conn.execute(query)]

    def get(self, alert_id: int) -> dict[str, Any] | None:
        """One alert with its explanation and its case history."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.alerts).where(t.alerts.c.id == alert_id)).first()
            if row is None:
                return None
            events = conn.execute(
                select(t.case_events).where(t.case_events.c.alert_id == alert_id).order_by(t.case_events.c.id)
            ).all()
        out = alert_json(row._mapping)
        out["explanation"] = row.explanation
        out["customer_hash"] = row.customer_hash
        out["record_hash"] = row.record_hash
        out["revision"] = row.revision
        out["events"] = [
            {
                "at": as_utc(e.at).isoformat(),
                "actor": e.actor,
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "text": e.text,
            }
            for e in events
        ]
        return out

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.alerts.c.status, func.count()).group_by(t.alerts.c.status)).all()
        return {status: int(n) for status, n in rows}
