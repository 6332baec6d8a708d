"""The review of an alert, with a second pair of eyes: every step a compare-and-set in one transaction.

    open --review--> in_review --propose--> proposed --confirm--> confirmed --close--> closed
                         ^                      |
                         +------send back-------+

An analyst reviews the alert and proposes a decision (true match or false positive) with a reason;
a different person holding the approver role confirms it or sends it back. Nobody confirms their own
proposal, whatever their role: that rule lives here, in the one function every interface (CLI, API,
web pages) calls, and in the database statement itself, so no interface can route around it.

Each transition is one UPDATE whose WHERE clause holds every precondition (the status it moves from,
the four-eyes rule), followed by the case event and the audit record in the same transaction. When
two people decide the same case at once, the database lets exactly one UPDATE match; the other
learns that the case moved on (CaseConflictError) and nothing of it is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, and_, func, insert, select, update

from sanctionwatch.access.roles import Role
from sanctionwatch.access.users import user_in
from sanctionwatch.db.engine import dialect_insert
from sanctionwatch.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from sanctionwatch.monitoring import tables as t
from sanctionwatch.monitoring.alerts import Decision, Status
from sanctionwatch.registry import audit

__all__ = ["STEPS", "Actor", "CaseError", "Cases", "NotAllowedError"]

GOOD_GUY_DAYS = 365  # a cleared pair stays quiet this long unless either side changes first
MAX_TEXT = 4000
MAX_NAME = 200  # the width of the columns that hold who did what


class CaseError(InputError):
    """A case step that cannot be taken; the message says why, in words an analyst understands.

    The CLI reports it as "refused"; its subclasses say which kind of refusal it is over HTTP.
    """

    cli_label = "refused"


class CaseNotFoundError(NotFoundError, CaseError):
    """No alert with that id."""


class CaseConflictError(ConflictError, CaseError):
    """The case is not (or no longer) in the status the step starts from."""


class NotAllowedError(ForbiddenError, CaseError):
    """The actor may not take this step: their role, or the four-eyes rule."""


@dataclass(frozen=True, slots=True)
class Actor:
    name: str  # "user:alice" (a person: a user, or a key issued for one), or "key:#3 onboarding"
    role: Role

    @property
    def is_person(self) -> bool:
        return self.name.startswith("user:")


@dataclass(frozen=True, slots=True)
class Step:
    action: str
    needs: Role
    from_statuses: tuple[Status, ...]
    to_status: Status | None  # None: the status stays (assignment, comment)
    decides: bool = False  # a decision: only a person takes it, and four eyes count people


STEPS = {
    "assign": Step("assign", Role.ANALYST, (Status.OPEN, Status.IN_REVIEW, Status.PROPOSED, Status.CONFIRMED), None),
    "review": Step("review", Role.ANALYST, (Status.OPEN,), Status.IN_REVIEW),
    "propose": Step("propose", Role.ANALYST, (Status.IN_REVIEW,), Status.PROPOSED, decides=True),
    "confirm": Step("confirm", Role.APPROVER, (Status.PROPOSED,), Status.CONFIRMED, decides=True),
    "send_back": Step("send_back", Role.APPROVER, (Status.PROPOSED,), Status.IN_REVIEW, decides=True),
    "close": Step("close", Role.ANALYST, (Status.CONFIRMED,), Status.CLOSED),
    "comment": Step("comment", Role.ANALYST, tuple(Status), None),
}  # fmt: skip


def _now() -> datetime:
    return datetime.now(UTC)


def _text(name: str, value: str | None, *, required: bool, limit: int = MAX_TEXT) -> str | None:
    text = " ".join((value or "").split()) if value is not None else None
    if required and not text:
        raise CaseError(f"{name}: required")
    if text and len(text) > limit:
        raise CaseError(f"{name}: longer than {limit} characters")
    if text and "\x00" in text:  # PostgreSQL text cannot hold it; refused alike on every backend
        raise CaseError(f"{name}: contains a NUL character")
    return text or None


def _check_person(conn: Connection, actor: Actor, step: Step) -> None:
    """A person acts only while their user is active, and with no more than the user's role today.

    Checked in the step's own transaction, against the users table: a key issued for a user, a
    cached credential or a session begun before the user was disabled (or demoted) cannot take a
    step, and never counts as one of the four eyes.
    """
    name = actor.name.removeprefix("user:")
    user = user_in(conn, name)
    if user is None:
        raise NotAllowedError(f"{step.action}: {actor.name} is no user of this system")
    if user.disabled_at is not None:
        raise NotAllowedError(f"{step.action}: {actor.name} is disabled and can no longer act on cases")
    if not user.role.allows(step.needs):
        raise NotAllowedError(
            f"{step.action}: needs the {step.needs.value} role; {actor.name} has {user.role.value}"
        )


class Cases:
    def __init__(self, engine: Engine, *, good_guy_days: int = GOOD_GUY_DAYS) -> None:
        self.engine = engine
        self.good_guy_days = good_guy_days

    def take(
        self,
        action: str,
        alert_id: int,
        actor: Actor,
        *,
        decision: str | None = None,
        reason: str | None = None,
        text: str | None = None,
        assignee: str | None = None,
    ) -> None:
        """Any step by its name, with the fields it needs: what the API and the pages call."""
        match action:
            case "review":
                self.review(alert_id, actor)
            case "assign":
                self.assign(alert_id, actor, assignee or "")
            case "propose":
                self.propose(alert_id, actor, decision or "", reason or "")
            case "confirm":
                self.confirm(alert_id, actor, comment=text or None)
            case "send_back":
                self.send_back(alert_id, actor, reason or "")
            case "close":
                self.close(alert_id, actor)
            case "comment":
                self.comment(alert_id, actor, text or "")
            case _:
                raise CaseError(f"action: unknown {action!r}; use one of {', '.join(STEPS)}")

    def assign(self, alert_id: int, actor: Actor, assignee: str) -> None:
        who = _text("assignee", assignee, required=True, limit=MAX_NAME)
        self._step(alert_id, actor, STEPS["assign"], values={"assignee": who}, text=f"assigned to {who}")

    def review(self, alert_id: int, actor: Actor) -> None:
        """Take the case: it is now in review, assigned to the actor unless someone else holds it."""
        self._step(alert_id, actor, STEPS["review"], values={}, text=None, assign_if_empty=actor.name)

    def propose(self, alert_id: int, actor: Actor, decision: str, reason: str) -> None:
        try:
            chosen = Decision(decision)
        except ValueError:
            raise CaseError(
                f"decision: {decision!r} is not one of {', '.join(d.value for d in Decision)}"
            ) from None
        why = _text("reason", reason, required=True)
        self._step(
            alert_id,
            actor,
            STEPS["propose"],
            values={"decision": chosen.value, "reason": why, "proposed_by": actor.name},
            text=f"{chosen.value}: {why}",
        )

    def confirm(self, alert_id: int, actor: Actor, *, comment: str | None = None) -> None:
        """Confirm another person's proposal; a confirmed false positive goes onto the good-guy list."""
        note = _text("comment", comment, required=False)
        a = t.alerts.c
        self._step(
            alert_id,
            actor,
            STEPS["confirm"],
            values={"confirmed_by": actor.name},
            text=note,
            extra_where=a.proposed_by != actor.name,
            after=self._clear_pair,
        )

    def send_back(self, alert_id: int, actor: Actor, reason: str) -> None:
        why = _text("reason", reason, required=True)
        a = t.alerts.c
        self._step(
            alert_id,
            actor,
            STEPS["send_back"],
            values={"decision": None, "reason": None, "proposed_by": None},
            text=why,
            extra_where=a.proposed_by != actor.name,
        )

    def close(self, alert_id: int, actor: Actor) -> None:
        self._step(alert_id, actor, STEPS["close"], values={}, text=None)

    def comment(self, alert_id: int, actor: Actor, text: str) -> None:
        note = _text("comment", text, required=True)
        self._step(alert_id, actor, STEPS["comment"], values={}, text=note)

    # ---- the one way a case changes ---------------------------------------------------------------

    def _step(
        self,
        alert_id: int,
        actor: Actor,
        step: Step,
        *,
        values: Mapping[str, Any],
        text: str | None,
        extra_where: ColumnElement[bool] | None = None,
        assign_if_empty: str | None = None,
        after: Callable[[Connection, int, datetime], None] | None = None,
    ) -> None:
        if not actor.name or len(actor.name) > MAX_NAME:
            raise NotAllowedError(f"{step.action}: the actor's name must be 1 to {MAX_NAME} characters")
        if step.decides and not actor.is_person:
            raise NotAllowedError(
                f"{step.action}: a decision is a person's; {actor.name} is a system's key "
                "(use a user's login, or a key issued for a user: keys create --user NAME)"
            )
        if not actor.role.allows(step.needs):
            raise NotAllowedError(
                f"{step.action}: needs the {step.needs.value} role; {actor.name} has {actor.role.value}"
            )
        a = t.alerts.c
        now = _now()
        conditions = [a.id == alert_id, a.status.in_([s.value for s in step.from_statuses])]
        if extra_where is not None:
            # (A proposal without a proposer, which only a hand-edited row can be, matches no
            # comparison with NULL: the step is refused, never let through.)
            conditions.append(extra_where)
        changes: dict[str, Any] = dict(values)
        if assign_if_empty is not None:
            changes["assignee"] = func.coalesce(a.assignee, assign_if_empty)
        if step.to_status is not None:
            changes["status"] = step.to_status.value
        changes["revision"] = a.revision + 1
        changes["updated_at"] = now
        with self.engine.begin() as conn:
            # The UPDATE comes first: it takes the row's lock (PostgreSQL) or the write lock (SQLite)
            # before anything is read, so the checks and the change are one atomic step.
            moved = conn.execute(
                update(t.alerts)
                .where(and_(*conditions))
                .values(changes)
                .returning(a.status, a.customer_id, a.entity_id)
            ).first()
            if moved is None:
                raise self._why_not(conn, alert_id, actor, step)
            if actor.is_person:
                # Raised inside the transaction: the step above is rolled back with it.
                _check_person(conn, actor, step)
            # The status it moved from: the step's only start, or (a comment, an assignment) where it is.
            before = step.from_statuses[0].value if len(step.from_statuses) == 1 else moved.status
            conn.execute(
                insert(t.case_events).values(
                    alert_id=alert_id,
                    at=now,
                    actor=actor.name,
                    action=step.action,
                    from_status=before,
                    to_status=step.to_status.value if step.to_status else None,
                    text=text,
                )
            )
            if after is not None:
                after(conn, alert_id, now)
            audit.append(
                conn,
                actor=actor.name,
                action=f"case.{step.action}",
                subject=f"alert {alert_id}",
                details={
                    "customer_id": moved.customer_id,
                    "entity_id": moved.entity_id,
                    "status": moved.status,
                    "role": actor.role.value,
                    "text": text,
                    **{k: v for k, v in values.items() if isinstance(v, str | None)},
                },
            )

    @staticmethod
    def _why_not(conn: Connection, alert_id: int, actor: Actor, step: Step) -> CaseError:
        row = conn.execute(
            select(t.alerts.c.status, t.alerts.c.proposed_by).where(t.alerts.c.id == alert_id)
        ).first()
        if row is None:
            return CaseNotFoundError(f"alert {alert_id}: no such alert")
        if row.status in [s.value for s in step.from_statuses] and row.proposed_by is None:
            return NotAllowedError(f"alert {alert_id}: the proposal names no proposer; it cannot be decided")
        if row.status in [s.value for s in step.from_statuses] and row.proposed_by == actor.name:
            return NotAllowedError(
                f"alert {alert_id}: {actor.name} proposed this decision; a second person must "
                f"{'confirm' if step.action == 'confirm' else 'send it back'} (four-eyes rule)"
            )
        allowed = " or ".join(s.value for s in step.from_statuses)
        return CaseConflictError(f"alert {alert_id}: is {row.status}; {step.action} needs it {allowed}")

    def _clear_pair(self, conn: Connection, alert_id: int, now: datetime) -> None:
        """A confirmed false positive: the pair goes onto the good-guy list, in the state it was cleared in."""
        row = conn.execute(select(t.alerts).where(t.alerts.c.id == alert_id)).one()
        if row.decision != Decision.FALSE_POSITIVE.value:
            return
        values = {
            "customer_id": row.customer_id,
            "entity_id": row.entity_id,
            "customer_hash": row.customer_hash,
            "record_hash": row.record_hash,
            "alert_id": alert_id,
            "reason": row.reason or "",
            "created_at": now,
            "expires_at": now + timedelta(days=self.good_guy_days),
        }
        keys = ("customer_id", "entity_id")
        changing = {k: v for k, v in values.items() if k not in keys}
        conn.execute(
            dialect_insert(conn, t.good_guys)
            .values(values)
            .on_conflict_do_update(index_elements=keys, set_=changing)
        )
