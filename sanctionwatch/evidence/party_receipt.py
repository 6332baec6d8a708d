"""Receipts of a party screened with several values, and screening such a receipt's party again.

A monitored customer or a /match example is not one query: `screening.party.screen_party` screens a
party with its names, birth dates, countries and identifiers as several single queries, each listed
party at its best score over them, and may keep only hits from some sources. A receipt of it must say
that, or its replay would screen something else. So its `query` member holds:

- `screened`: the call, `{"call": "party", ...}`, with its arguments as they were passed: `names`,
  `schema`, `birth_dates`, `countries`, `identifiers`, `id`, and `sources` (hits kept only from these;
  empty: any). The receipt's `settings` hold the threshold and limit it was called with;
- `normalized`: the single queries the call made, in order, each as the engine read it (or `error`
  when the party could not be screened at all);
- `given`: the party as the caller gave it (a customer's values; a /match example's FtM properties as
  FollowTheMoney reads them).

`screen_again` makes the same call for `evidence.replay`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sanctionwatch.errors import InputError
from sanctionwatch.evidence.receipt import Channel, Screened, Settings, normalized_json, receipt_body
from sanctionwatch.screening.party import PartyQuery, party_queries, screen_party
from sanctionwatch.screening.query import Hit, Query, QueryError
from sanctionwatch.screening.screener import Screener

__all__ = ["PARTY_CALL", "party_json", "party_receipt_body", "screen_again"]

PARTY_CALL = "party"  # query.screened.call of a party screened by screen_party


def party_json(party: PartyQuery) -> dict[str, Any]:
    """The arguments of the screen_party call, as the receipt keeps them."""
    return {
        "call": PARTY_CALL,
        "names": list(party.names),
        "schema": party.schema,
        "birth_dates": list(party.birth_dates),
        "countries": list(party.countries),
        "identifiers": list(party.identifiers),
        "id": party.id,
        "sources": sorted(party.sources),
    }


def _normalized(party: PartyQuery) -> list[dict[str, Any]] | dict[str, Any]:
    try:
        queries = party_queries(party)
    except QueryError as exc:
        return {"error": str(exc)}
    return [normalized_json(query) for query in queries]


def party_receipt_body(
    party: PartyQuery,
    hits: Sequence[Hit],
    error: str | None,
    *,
    given: Mapping[str, Any],
    channel: Channel,
    actor: str,
    settings: Settings,
    lists: list[dict[str, Any]],
    extra: Mapping[str, Any],
) -> dict[str, Any]:
    """The body of the receipt of screening `party` (see the module): a receipt like any other but its
    `query`, for `ReceiptBatch.add_body`."""
    # Every member but `query` is what any receipt says; the placeholder query is replaced whole.
    body = receipt_body(
        Screened(Query(id=party.id), hits, error, extra=extra),
        channel=channel, actor=actor, settings=settings, lists=lists,
    )  # fmt: skip
    body["query"] = {"given": dict(given), "screened": party_json(party), "normalized": _normalized(party)}
    return body


def _party_of(screened: Mapping[str, Any]) -> PartyQuery:
    try:
        schema, party_id = screened["schema"], screened["id"]
        values = {
            key: [str(v) for v in screened[key]]
            for key in ("names", "birth_dates", "countries", "identifiers", "sources")
        }
    except (KeyError, TypeError) as exc:
        raise InputError(f"receipt: query.screened: missing or malformed member {exc}") from None
    if not (schema is None or isinstance(schema, str)) or not (party_id is None or isinstance(party_id, str)):
        raise InputError("receipt: query.screened: schema and id are strings or null")
    return PartyQuery(
        names=values["names"],
        schema=schema,
        birth_dates=values["birth_dates"],
        countries=values["countries"],
        identifiers=values["identifiers"],
        id=party_id,
        sources=tuple(values["sources"]),
    )


def screen_again(
    screened: Mapping[str, Any], screener: Screener, *, threshold: float, limit: int
) -> list[Hit]:
    """The screening call a receipt's `query.screened` names, made again (QueryError as it raised then).
    A call this version does not know is refused: the receipt cannot be replayed by it."""
    call = screened.get("call") if isinstance(screened, Mapping) else None
    if call != PARTY_CALL:
        raise InputError(
            f"receipt: query.screened: unknown screening call {call!r} (this version knows {PARTY_CALL!r})"
        )
    return screen_party(screener, _party_of(screened), threshold=threshold, limit=limit)
