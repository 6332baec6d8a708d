"""The payment desk: read, screen and record messages; what the CLI, the API and the pages all call.

One place turns a payload into recorded decisions, so that every interface holds and releases alike: a
payload that cannot be read is one held, unreadable message; each message read is screened against one
snapshot of the lists and recorded (a hold opens its case).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sanctionwatch.ownership.assembly import load_network
from sanctionwatch.payments.decision import PaymentDecision
from sanctionwatch.payments.holds import PaymentHolds
from sanctionwatch.payments.lists import list_state
from sanctionwatch.payments.message import MessageError
from sanctionwatch.payments.reader import read_messages
from sanctionwatch.payments.screening import PaymentScreener, unreadable_decision
from sanctionwatch.registry.store import Registry, VersionInfo
from sanctionwatch.screening.pool import can_fork, map_in_workers
from sanctionwatch.screening.screener import Screener

__all__ = ["PaymentDesk", "Received", "Screened", "decide"]


@dataclass(frozen=True, slots=True)
class Received:
    """A message as it came: the bytes of its payload (a file or a request body, which may hold several
    messages), where the payload was read, and the message's place among the payload's messages. What
    a receipt carries so that the screening can be replayed from the message itself."""

    data: bytes
    source: str  # as given to the reader: a file's path, "request body"
    index: int  # 0-based, in payload order
    count: int  # the decisions the payload gave (one, held, when it could not be read)

    @property
    def text(self) -> str:
        """The payload as text, for the record a reviewer reads (undecodable bytes replaced)."""
        return self.data.decode("utf-8", errors="replace")


@dataclass(slots=True)
class Screened:
    decision: PaymentDecision
    stored: dict[str, Any] | None  # the recorded screening (id, state, case), None when not recorded
    received: Received | None = None  # None once let go (a long run keeps the decisions, not the bytes)

    def to_json(self) -> dict[str, Any]:
        out = self.decision.to_json()
        if self.stored is not None:
            out |= {"id": self.stored["id"], "state": self.stored["state"], "case": self.stored["case"]}
        return out


class PaymentDesk:
    """The Python API of payment screening:

    registry = Registry.open("sqlite:///registry.db")
    desk = PaymentDesk.from_registry(registry)
    for screened in desk.screen(Path("wire.xml").read_bytes(), "wire.xml", actor="gateway"):
        if screened.decision.decision is Decision.HOLD: ...   # screened.to_json() for the details
    """

    def __init__(self, screener: PaymentScreener, holds: PaymentHolds | None) -> None:
        self.screener = screener
        self.holds = holds  # None: screen only, record nothing (a dry run)

    @classmethod
    def from_registry(
        cls,
        registry: Registry,
        *,
        max_list_age: timedelta | None = None,
        threshold: float | None = None,
        record: bool = True,
        versions: Sequence[VersionInfo] | None = None,
    ) -> PaymentDesk:
        """A desk over the registry's active lists (indexed now; or the `versions` given, read once by
        a caller that names them, in a receipt), judged by their age (lists.list_state), recording
        into the registry's database unless `record` is False. With no active list at all, every
        message is held ("nothing to screen against")."""
        versions = registry.active_versions() if versions is None else versions
        screener = Screener.from_versions(registry, versions)
        lists = list_state(registry, versions, max_age=max_list_age)
        network = load_network(registry, screener, versions=versions)
        return cls(
            PaymentScreener(screener, lists, threshold=threshold, network=network),
            PaymentHolds(registry.engine) if record else None,
        )

    def screen(self, data: bytes, source: str, *, actor: str) -> list[Screened]:
        """Every message of the payload, screened and (with `holds`) recorded, in payload order."""
        decisions = decide(self.screener, data, source)
        received = (Received(data, source, index, len(decisions)) for index in range(len(decisions)))
        return list(self._recorded(zip(decisions, received, strict=True), actor))

    def screen_files(self, paths: Sequence[Path], *, actor: str, workers: int = 1) -> Iterator[Screened]:
        """Every message of the files, in file order: read and screened in `workers` forked processes that
        share the index (screening.pool), recorded here, in this process, one transaction each."""
        chunks = [list(paths[i : i + FILES_PER_CHUNK]) for i in range(0, len(paths), FILES_PER_CHUNK)]
        if workers > 1 and len(chunks) > 1 and can_fork():
            if self.holds is not None:
                # No open database connection may be inherited by the forks: a child that closed one
                # (PostgreSQL's Terminate on the shared socket) would end the parent's. Reopened on use.
                self.holds.engine.dispose()
            decided: Iterable[list[tuple[PaymentDecision, Received]]] = map_in_workers(
                self.screener, _decide_files, chunks, min(workers, len(chunks))
            )
        else:
            decided = (_decide_files(self.screener, chunk) for chunk in chunks)
        for batch in decided:
            yield from self._recorded(batch, actor)

    def _recorded(
        self, decided: Iterable[tuple[PaymentDecision, Received]], actor: str
    ) -> Iterator[Screened]:
        """Each decision recorded (with `holds`), in order, with its payload's text: decoded once per
        payload, however many messages it holds (the messages of one payload share its bytes)."""
        decoded: tuple[bytes, str] | None = None
        for decision, received in decided:
            if self.holds is None:
                yield Screened(decision, None, received)
                continue
            if decoded is None or decoded[0] is not received.data:
                decoded = (received.data, received.text)
            yield Screened(decision, self.holds.record(decision, actor=actor, message=decoded[1]), received)


FILES_PER_CHUNK = 16  # files a worker screens per round trip


def decide(screener: PaymentScreener, data: bytes, source: str) -> list[PaymentDecision]:
    """The decision on every message of a payload; one held, unreadable decision when it cannot be read."""
    try:
        messages = read_messages(data, source)
    except MessageError as exc:
        return [unreadable_decision(exc, screener.lists, hashlib.sha256(data).hexdigest())]
    return [screener.screen(message) for message in messages]


def _decide_files(screener: PaymentScreener, paths: list[Path]) -> list[tuple[PaymentDecision, Received]]:
    """The decisions on the messages of these files, each with its file as received (for the record
    and the receipt; one bytes object per file, pickled once for all of its messages)."""
    out: list[tuple[PaymentDecision, Received]] = []
    for path in paths:
        data, source = path.read_bytes(), str(path)
        decisions = decide(screener, data, source)
        out.extend(
            (decision, Received(data, source, index, len(decisions)))
            for index, decision in enumerate(decisions)
        )
    return out
