"""The receipt of a screened payment message (channel `payment`): one per message, signed as a batch.

A receipt in the format of `evidence.receipt` (so `receipt verify` checks it as any), whose own members
say what a payment screening is:

- `query.message`: the message itself, as received, so that it can be screened again: `format`
  (iso20022, swift-mt, or null when it could not be recognised), `sha256` of the payload's bytes and
  either `text` (the payload as UTF-8) or, for bytes that are not UTF-8, `base64`; `source` (where
  the payload was read), `index` and `messages` (the message's place among the payload's: a file or a
  request body may hold several), and what the reader found: `type`, `id` (the message's reference),
  `uetr` and `digest` (the decision's digest of the message as read);
- `settings`: the payment threshold and hit limit applied, and the list age policy
  (`max_list_age_days`; null: each authority's freshness policy, registry.freshness);
- `ownership`: the revision of the imported holdings (ownership.store) the ownership rules weighed;
- `engine`: the common identity, and `payments_fingerprint` (the readers, embargoes, ownership rules);
- `result`: `outcome` (the decision: pass or hold), `reasons`, every hit per field as the decision has
  it (field, kind, the listed party or the embargo's code, score to 6 decimals, why, explanation),
  `fields_screened`, `notes` (what the reader saw but did not take), `screened_at`,
  `released_by_case` (a hold passed because a person released the same message with the same hits
  before) and `recorded` (the stored screening and its case; null on a dry run).

A receipt is issued only for the list versions the decision names (fail closed: a receipt that named
other lists than the screening used would be false). `evidence.replay` replays it.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from sanctionwatch.evidence.engine import engine_identity, payments_fingerprint
from sanctionwatch.evidence.receipt import SCORE_DIGITS, Channel, Issued, ReceiptBatch
from sanctionwatch.evidence.signing import SigningKey
from sanctionwatch.payments.decision import FieldHit
from sanctionwatch.payments.desk import Received, Screened
from sanctionwatch.payments.reader import payload_format
from sanctionwatch.payments.screening import PaymentScreener
from sanctionwatch.registry.store import VersionInfo

__all__ = ["PaymentReceipts", "PaymentSettings", "field_hit_json", "payload_of", "version_names"]


@dataclass(frozen=True, slots=True)
class PaymentSettings:
    threshold: float  # the one applied (the default resolved)
    limit: int
    max_list_age: timedelta | None  # None: each authority's freshness policy

    @classmethod
    def of(cls, screener: PaymentScreener, max_list_age: timedelta | None) -> PaymentSettings:
        return cls(screener.threshold, screener.limit, max_list_age)

    def to_json(self) -> dict[str, Any]:
        days = None if self.max_list_age is None else self.max_list_age.total_seconds() / 86400
        return {
            "threshold": self.threshold,
            "limit": self.limit,
            "max_list_age_days": days,
            "list_age_policy": "each authority's freshness policy"
            if days is None
            else f"at most {days:g} days",
        }


def field_hit_json(hit: FieldHit) -> dict[str, Any]:
    """A hit as the decision gives it, its score to the receipts' 6 decimals (the decision rounds to 4)."""
    out = hit.to_json()
    if hit.score is not None:
        out["score"] = round(hit.score, SCORE_DIGITS)
    return out


def version_names(versions: Sequence[VersionInfo]) -> list[str]:
    """The versions as a decision names them ("ofac-sdn/12"), sorted."""
    return sorted(f"{v.source}/{v.number}" for v in versions)


def payload_of(message: dict[str, Any]) -> bytes:
    """The payload's bytes from a receipt's `query.message` (its `text` or its `base64`)."""
    if isinstance(message.get("text"), str):
        return str(message["text"]).encode("utf-8")
    if isinstance(message.get("base64"), str):
        return base64.b64decode(str(message["base64"]), validate=True)
    raise ValueError("the message has neither `text` nor `base64`")


class PaymentReceipts:
    """The receipts of the messages screened together (a command's files, a request's body): one per
    message, in the order added, signed as one batch (one audit record, a Merkle path each)."""

    def __init__(
        self,
        *,
        actor: str,
        settings: PaymentSettings,
        versions: Sequence[VersionInfo],
        holdings_revision: str | None,
    ) -> None:
        self.settings = settings
        self.holdings_revision = holdings_revision
        self._names = version_names(versions)
        self._batch = ReceiptBatch(channel=Channel.PAYMENT, actor=actor, versions=versions)

    def __enter__(self) -> PaymentReceipts:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._batch.__exit__()

    def __len__(self) -> int:
        return len(self._batch)

    def add(self, screened: Screened) -> None:
        """The receipt of one screened message; it must still hold the message as received."""
        if screened.received is None:
            raise ValueError(f"{screened.decision.source}: the message was let go; no receipt can hold it")
        if sorted(screened.decision.list_versions) != self._names:
            raise ValueError(
                f"{screened.decision.source}: screened against {screened.decision.list_versions}, "
                f"the receipts name {self._names}"
            )
        self._batch.add_members(self._members(screened, screened.received))

    def sign(
        self, engine: Engine, key: SigningKey, write: Callable[[str, int], None], *, subject: str
    ) -> Issued:
        return self._batch.sign(engine, key, write, subject=subject)

    def _members(self, screened: Screened, received: Received) -> dict[str, Any]:
        decision = screened.decision
        family = payload_format(received.data)
        message: dict[str, Any] = {
            "format": family.value if family is not None else None,
            "sha256": hashlib.sha256(received.data).hexdigest(),
            "source": received.source,
            "index": received.index,
            "messages": received.count,
            "type": decision.message_type,
            "id": decision.reference,
            "uetr": decision.uetr,
            "digest": decision.digest,
        }
        try:
            message["text"] = received.data.decode("utf-8")
        except UnicodeDecodeError:
            message["base64"] = base64.b64encode(received.data).decode("ascii")
        stored = screened.stored
        return {
            "query": {"message": message},
            "settings": self.settings.to_json(),
            "ownership": {"holdings_revision": self.holdings_revision},
            "engine": {**engine_identity().to_json(), "payments_fingerprint": payments_fingerprint()},
            "result": {
                "outcome": decision.decision.value,
                "reasons": list(decision.reasons),
                "hits": [field_hit_json(h) for h in decision.hits],
                "fields_screened": decision.fields_screened,
                "notes": list(decision.notes),
                "screened_at": decision.screened_at,
                "released_by_case": decision.released_by_case,
                "recorded": None if stored is None else {"payment": stored["id"], "case": stored["case"]},
            },
        }
