"""A payment message's receipt screened again: the message taken from the receipt, read and screened
by the payment path (payments.desk.decide) as the desk screens it, on list versions `evidence.replay`
chose and checked; what the two screenings gave, for `evidence.replay` to compare.

What the replay cannot make again is said, never guessed: the lists' age is judged at the time of the
screening, so a replay against the receipt's versions takes the receipt's judgement (the stale-list
holds it names) rather than today's, and one against today's lists judges them today under the
receipt's policy; the ownership rules weigh the holdings imported by now, and the reasons say when
those changed since. A receipt whose message does not hash to the digest it names is not replayed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sanctionwatch.errors import InputError
from sanctionwatch.evidence.payment_receipt import field_hit_json, payload_of
from sanctionwatch.evidence.receipt import SCORE_DIGITS
from sanctionwatch.ownership.assembly import load_network
from sanctionwatch.ownership.store import OwnershipStore
from sanctionwatch.payments.decision import Decision, HitKind
from sanctionwatch.payments.desk import decide
from sanctionwatch.payments.lists import list_state
from sanctionwatch.payments.screening import ListState, PaymentScreener
from sanctionwatch.registry.store import Registry, VersionInfo
from sanctionwatch.screening.screener import Screener

__all__ = ["HitKey", "Rescreened", "hit_key", "rescreen_payment"]

HitKey = tuple[str, str, str, float | None]  # field, kind, the listed party (or code, or why), score


@dataclass(frozen=True, slots=True)
class Rescreened:
    then: str  # the screening's decision: "hold" also when a release then passed the message
    now: str | None  # None: the payload no longer holds the receipt's message
    then_hits: list[HitKey]
    now_hits: list[HitKey]
    reasons: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return self.then == self.now and self.then_hits == self.now_hits


def hit_key(hit: Mapping[str, Any]) -> HitKey:
    what = hit.get("entity_id") or hit.get("code") or hit.get("why")
    score = hit.get("score")
    return (
        str(hit["field"]),
        str(hit["kind"]),
        str(what),
        None if score is None else round(float(score), SCORE_DIGITS),
    )


def rescreen_payment(
    document: Mapping[str, Any], registry: Registry, versions: Sequence[VersionInfo], *, today: bool
) -> Rescreened | str:
    """The receipt's message screened again on `versions` (`today`: today's lists, their age judged
    today); a string says why it cannot be, an InputError that the receipt is malformed."""
    try:
        message = document["query"]["message"]
        settings, result = document["settings"], document["result"]
        data = payload_of(message)
        sha256, source, index = str(message["sha256"]), str(message["source"]), int(message["index"])
        count, digest = int(message["messages"]), str(message["digest"])
        then_hits = [hit_key(h) for h in result["hits"]]
        stale = tuple(str(h["why"]) for h in result["hits"] if h["kind"] == HitKind.STALE_LISTS.value)
        released = result.get("released_by_case")
        then = Decision.HOLD.value if released is not None else str(result["outcome"])
        threshold, limit = float(settings["threshold"]), int(settings["limit"])
        max_days = settings["max_list_age_days"]
        max_age = None if max_days is None else timedelta(days=float(max_days))
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"payment receipt: missing or malformed member {exc}") from None
    if hashlib.sha256(data).hexdigest() != sha256:
        return f"the message in the receipt does not hash to its sha256 ({sha256[:16]}…): not the message screened"
    reasons = []
    if released is not None:
        reasons.append(
            f"passed then on the release of case {released} (the same message with the same hits): "
            "its screening, replayed, holds it as it did before that release"
        )
    if today:
        lists = list_state(registry, versions, max_age=max_age)
    else:
        lists = ListState(tuple(f"{v.source}/{v.number}" for v in versions), stale)
        if stale:
            reasons.append(
                f"the lists' age is the receipt's: {len(stale)} list(s) too old then, not judged today"
            )
    screener = Screener.from_versions(registry, versions)
    network = load_network(registry, screener, versions=versions)
    holdings_then = (document.get("ownership") or {}).get("holdings_revision")
    holdings_now = OwnershipStore(registry.engine).revision()
    if holdings_then != holdings_now:
        reasons.append(
            f"the imported ownership holdings changed since (revision {holdings_then}, now {holdings_now}): "
            "the ownership rules weighed today's"
        )
    payments = PaymentScreener(screener, lists, threshold=threshold, limit=limit, network=network)
    decisions = decide(payments, data, source)
    if len(decisions) != count:
        reasons.append(f"the payload read as {count} message(s) then, {len(decisions)} now")
    if index >= len(decisions):
        reasons.append(f"it holds no message {index + 1} now")
        return Rescreened(then, None, then_hits, [], reasons)
    decision = decisions[index]
    if decision.digest != digest:
        reasons.append(
            f"the reader reads the message otherwise now (digest {digest[:16]}…, now {decision.digest[:16]}…)"
        )
    now_hits = [hit_key(field_hit_json(h)) for h in decision.hits]
    return Rescreened(then, decision.decision.value, then_hits, now_hits, reasons)
