"""/match?receipt=true: a signed receipt of each example's screening, as a `receipt` member of its
response object (yente's clients ignore members they do not know).

Every example of one request is a receipt of one batch: one audit record, one Merkle root. An example
is screened as a party (`screen_party`: its names, dates, countries and identifiers, hits kept from the
dataset's sources), so its receipt records that call and its arguments (`evidence.party_receipt`), and
replays to the same hits. The screening threshold is the lower of `cutoff` and `threshold` (below it
nothing is returned); `threshold` itself (what `match` is true at), `cutoff`, the dataset, the algorithm
and the query's key are in the receipt's `extra`.

yente's result filters (`include_dataset`, `exclude_dataset`, `exclude_schema`, `exclude_entity_ids`,
`changed_since`, `topics`) are refused with a receipt: they decide which parties may be hits from
the index in use (dates, topics, links across lists) and a receipt does not record them, so its
replay would screen something else than what was answered.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Engine

from sanctionwatch.errors import InputError
from sanctionwatch.evidence.party_receipt import party_receipt_body
from sanctionwatch.evidence.receipt import Channel, ReceiptBatch, Settings
from sanctionwatch.evidence.signing import SigningKey
from sanctionwatch.registry.store import VersionInfo
from sanctionwatch.screening.party import PartyQuery
from sanctionwatch.screening.query import Hit

__all__ = ["MatchReceipts", "refuse_unrecorded_filters"]


def refuse_unrecorded_filters(filters: Mapping[str, object]) -> None:
    """400 for `receipt=true` with any of yente's result filters given (see the module)."""
    given = [name for name, value in filters.items() if value]
    if given:
        raise InputError(
            f"receipt: not with {', '.join(given)}: a receipt records what decided its hits, and these "
            "filters are not recorded in it, so it would not replay; ask without them, or without a receipt"
        )


class MatchReceipts:
    """The receipts of one /match request, added as its examples are screened, then signed together."""

    def __init__(
        self,
        key: SigningKey,
        *,
        actor: str,
        settings: Settings,
        versions: Sequence[VersionInfo],
        extra: Mapping[str, Any],
    ) -> None:
        self.key = key
        self.settings = settings
        self.batch = ReceiptBatch(channel=Channel.MATCH, actor=actor, settings=settings, versions=versions)
        self.extra = dict(extra)
        self.keys: list[str] = []

    def add(self, key: str, party: PartyQuery, hits: Sequence[Hit], given: Mapping[str, Any]) -> None:
        """The receipt of the example under `key`: `party` as screened, `given` as the example read."""
        body = party_receipt_body(
            party, hits, None, given=given, channel=Channel.MATCH, actor=self.batch.actor,
            settings=self.settings, lists=self.batch.lists, extra={**self.extra, "query": key},
        )  # fmt: skip
        self.batch.add_body(body)
        self.keys.append(key)

    def sign(self, engine: Engine, responses: dict[str, Any], *, subject: str) -> None:
        """Sign the batch (its audit record appended) and put each receipt in its example's response."""

        def put(line: str, index: int) -> None:
            responses[self.keys[index]]["receipt"] = json.loads(line)

        self.batch.sign(engine, self.key, put, subject=subject)

    def close(self) -> None:
        """Let go of the spooled bodies (signed or not: a request refused half-way signs nothing)."""
        self.batch.__exit__(None, None, None)
