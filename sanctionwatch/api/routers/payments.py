"""Payment screening over HTTP: screen a message, read the hold queue and one screened message.

`POST /payments/screen` takes the message as it is (ISO 20022 XML or SWIFT MT text, one or several, in
the body, whatever the Content-Type) and answers the decision of each: pass or hold, every hit with its
field. A held message's case is an alert: `/alerts/{case}/steps` reviews, proposes (false_positive
releases, true_match rejects) and confirms it, four eyes as for any alert. With `?receipt=true` each
message's decision also carries `receipt`: its signed receipt, the message itself in it
(evidence.payment_receipt), one batch per request.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from sanctionwatch.access.roles import Role
from sanctionwatch.api.security import Principal, require
from sanctionwatch.api.state import ServiceState, state_of
from sanctionwatch.api.yente import ErrorResponse
from sanctionwatch.api.yente_params import refuse_unknown_params
from sanctionwatch.evidence.payment_receipt import PaymentReceipts, PaymentSettings
from sanctionwatch.evidence.signing import SigningKey
from sanctionwatch.ownership.assembly import Network
from sanctionwatch.ownership.store import OwnershipStore
from sanctionwatch.payments.desk import PaymentDesk, Screened
from sanctionwatch.payments.holds import PaymentHolds, PaymentState
from sanctionwatch.payments.lists import list_state
from sanctionwatch.payments.screening import ListState, PaymentScreener
from sanctionwatch.screening.live import Snapshot

router = APIRouter(tags=["Payments"])
Caller = Annotated[Principal, Depends(require(Role.ANALYST))]
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorResponse} for code in (400, 403, 404)}
SCREEN_ERRORS = {**ERRORS, 409: {"model": ErrorResponse}}  # 409: a receipt asked for, no signing key
LIST_STATE_SECONDS = 60.0  # how long one judgement of the lists' age serves (it changes by the hour)
_judged: dict[tuple[int, ...], tuple[float, ListState]] = {}
MAX_SCREENERS = 8  # thresholds (and lists' states) kept at once
_screeners: dict[tuple[tuple[int, ...], ListState, float | None, int], PaymentScreener] = {}


@router.post(
    "/payments/screen",
    responses=SCREEN_ERRORS,
    dependencies=[Depends(refuse_unknown_params)],
    summary="Screen payment messages: pass or hold, per field",
    description="Each message's decision: pass or hold, every hit with its field. With `receipt=true`, "
    "each decision also carries `receipt`: the signed receipt of that message (format "
    "sanctionwatch-receipt/1, channel `payment`, the message itself in `query.message`). Saved as "
    "canonical JSON (keys sorted, no whitespace, UTF-8) and a newline, it is the file `sanctionwatch "
    "receipt verify` checks and `sanctionwatch receipt replay` screens again. Without a signing key "
    "configured, a receipt is refused (409) before anything is screened.",
)
async def screen_payments(
    request: Request,
    caller: Caller,
    threshold: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
    record: Annotated[bool, Query(description="Record the screening; a hold opens a case")] = True,
    receipt: Annotated[bool, Query(description="Also return a signed receipt of each message")] = False,
) -> dict[str, Any]:
    data = await request.body()
    state = state_of(request)
    key = state.signing_key() if receipt else None  # no key: refused before screening
    snapshot = state.snapshot()
    # Reading, screening and recording block: on a worker thread, so that a body of many messages does not
    # hold up the other requests this process serves.
    return await run_in_threadpool(_screen, state, snapshot, data, threshold, record, caller, key)


def _screen(
    state: ServiceState,
    snapshot: Snapshot,
    data: bytes,
    threshold: float | None,
    record: bool,
    caller: Principal,
    key: SigningKey | None,
) -> dict[str, Any]:
    screener = _payment_screener(snapshot, _lists(state, snapshot), threshold, state.network(snapshot))
    desk = PaymentDesk(screener, PaymentHolds(state.registry.engine) if record else None)
    actor = caller.person or caller.label
    results = desk.screen(data, "request body", actor=actor)
    messages = [r.to_json() for r in results]
    if key is not None:
        for answer, line in zip(
            messages, _receipts(state, snapshot, screener, results, actor, key), strict=True
        ):
            answer["receipt"] = json.loads(line)
    return {"messages": messages}


def _receipts(
    state: ServiceState,
    snapshot: Snapshot,
    screener: PaymentScreener,
    results: list[Screened],
    actor: str,
    key: SigningKey,
) -> list[str]:
    """The signed receipt of each message of the request, in order: one batch, one audit record."""
    settings = PaymentSettings.of(screener, _max_list_age(state))
    revision = OwnershipStore(state.registry.engine).revision()
    lines: list[str] = []
    with PaymentReceipts(
        actor=actor, settings=settings, versions=snapshot.versions, holdings_revision=revision
    ) as batch:
        for screened in results:
            batch.add(screened)
        batch.sign(
            state.registry.engine, key, lambda line, _index: lines.append(line), subject="request body"
        )
    return lines


@router.get(
    "/payments",
    responses=ERRORS,
    dependencies=[Depends(refuse_unknown_params)],
    summary="Screened messages, newest first (the hold queue: state=held)",
)
def list_payments(
    request: Request,
    _caller: Caller,
    state: Annotated[PaymentState | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 100,
) -> dict[str, Any]:
    found = PaymentHolds(state_of(request).registry.engine).recent(state=state, limit=limit)
    return {"payments": [{k: v for k, v in p.items() if k != "message"} for p in found]}


@router.get(
    "/payments/{payment_id}",
    responses=ERRORS,
    dependencies=[Depends(refuse_unknown_params)],
    summary="One screened message, with the message itself",
)
def get_payment(
    request: Request, _caller: Caller, payment_id: Annotated[int, Path(ge=1, le=2**31 - 1)]
) -> dict[str, Any]:
    found = PaymentHolds(state_of(request).registry.engine).get(payment_id)
    if found is None:
        raise HTTPException(404, f"payment {payment_id}: no such screened message")
    return found


def _payment_screener(
    snapshot: Snapshot, lists: ListState, threshold: float | None, network: Network
) -> PaymentScreener:
    """One PaymentScreener per snapshot, ownership network, lists' state and threshold, kept across
    requests: its cache of name screens is what makes the counterparties a bank pays every day cheap to
    screen again. (A new ownership import makes a new network, hence a new screener.)"""
    key = (snapshot.version_ids, lists, threshold, id(network))
    found = _screeners.get(key)
    if found is None:
        # (keys copied first: requests screen on worker threads, another may add one meanwhile)
        if len(_screeners) >= MAX_SCREENERS or any(k[0] != key[0] for k in tuple(_screeners)):
            _screeners.clear()  # another snapshot, or many thresholds asked for: start afresh
        found = _screeners[key] = PaymentScreener(
            snapshot.screener, lists, threshold=threshold, network=network
        )
    return found


def _lists(state: ServiceState, snapshot: Snapshot) -> ListState:
    """The lists' state for this snapshot, judged at most once a minute (one read of their freshness)."""
    key = snapshot.version_ids
    now = time.monotonic()
    cached = _judged.get(key)
    if cached is not None and now - cached[0] < LIST_STATE_SECONDS:
        return cached[1]
    judged = list_state(state.registry, snapshot.versions, max_age=_max_list_age(state))
    _judged.clear()
    _judged[key] = (now, judged)
    return judged


def _max_list_age(state: ServiceState) -> timedelta | None:
    """The deployment's list age policy for payments (None: each authority's freshness policy)."""
    days = state.settings.payment_max_list_age_days
    return timedelta(days=days) if days > 0 else None
