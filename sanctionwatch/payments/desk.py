"""The payment desk: read, screen and record messages; what the CLI, the API and the pages all call.

One place turns a payload into recorded decisions, so that every interface holds and releases alike: a
payload that cannot be read is one held, unreadable message; each message read is screened against one
snapshot of the lists and recorded (a hold opens its case).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sanctionwatch.payments.decision import PaymentDecision
from sanctionwatch.payments.holds import PaymentHolds
from sanctionwatch.payments.message import MessageError
from sanctionwatch.payments.reader import read_messages
from sanctionwatch.payments.screening import PaymentScreener, unreadable_decision

__all__ = ["PaymentDesk", "Screened"]


@dataclass(slots=True)
class Screened:
    decision: PaymentDecision
    stored: dict[str, Any] | None  # the recorded screening (id, state, case), None when not recorded

    def to_json(self) -> dict[str, Any]:
        out = self.decision.to_json()
        if self.stored is not None:
            out |= {"id": self.stored["id"], "state": self.stored["state"], "case": self.stored["case"]}
        return out


class PaymentDesk:
    def __init__(self, screener: PaymentScreener, holds: PaymentHolds | None) -> None:
        self.screener = screener
        self.holds = holds  # None: screen only, record nothing (a dry run)

    def screen(self, data: bytes, source: str, *, actor: str) -> list[Screened]:
        """Every message of the payload, screened and (with `holds`) recorded, in payload order."""
        text = data.decode("utf-8", errors="replace")
        try:
            messages = read_messages(data, source)
        except MessageError as exc:
            decisions = [unreadable_decision(exc, self.screener.lists, hashlib.sha256(data).hexdigest())]
        else:
            decisions = [self.screener.screen(message) for message in messages]
        return [self._recorded(decision, text, actor) for decision in decisions]

    def _recorded(self, decision: PaymentDecision, text: str, actor: str) -> Screened:
        if self.holds is None:
            return Screened(decision, None)
        return Screened(decision, self.holds.record(decision, actor=actor, message=text))
